//! The ranking the reader sees: build an index, then run the browser script's own search
//! code under node against the files on disk, and assert the result order.

mod common;

use search::{build, Doc, Options};
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

fn doc(url: &str, section: &str, title: &str, body: &str) -> Doc<'static> {
    Doc {
        url: url.to_string().into(),
        title: title.to_string().into(),
        date: Some("ngày 16 tháng 01 năm 2024".into()),
        section: section.to_string().into(),
        body: body.to_string().into(),
    }
}

/// A small school site whose pages exercise each ranking rule.
fn fixture() -> Vec<Doc<'static>> {
    let nfd_body: String = "Bài viết về biển đảo, biển và đảo của Tổ quốc."
        .nfd()
        .collect();
    let long_body = format!(
        "{} Cuối năm, các em viết thư gửi chiến sĩ ở đảo xa.",
        "Học sinh chăm chỉ học tập và rèn luyện mỗi ngày. ".repeat(20)
    );
    vec![
        // 0
        doc(
            "/bien-dao/hoang-sa/",
            "Biển đảo quê hương",
            "Hoàng Sa, Trường Sa là của Việt Nam",
            "Quần đảo Hoàng Sa và Trường Sa là một phần lãnh thổ thiêng liêng. Học sinh tìm hiểu về biển đảo.",
        ),
        // 1
        doc(
            "/bien-dao/ngay-hoi/",
            "Biển đảo quê hương",
            "Ngày hội biển đảo quê hương",
            "Ngày hội giúp học sinh yêu biển, yêu đảo và hiểu về chủ quyền.",
        ),
        // 2: only "biến", and "đạo" (folds like "đảo")
        doc(
            "/tin-tuc/khi-hau/",
            "Tin tức",
            "Tìm hiểu biến đổi khí hậu",
            "Biến đổi khí hậu ảnh hưởng đến mọi người. Ban lãnh đạo nhà trường phát động phong trào.",
        ),
        // 3: the old tone placement
        doc(
            "/tin-tuc/hoa-binh/",
            "Tin tức",
            "Trường Tiểu học Hoà Bình đón khách",
            "Trường Tiểu học Hoà Bình tổ chức lễ đón đoàn khách.",
        ),
        // 4: "thuỷ" in the old placement, and one "đảo"
        doc(
            "/tin-tuc/thuy-san/",
            "Tin tức",
            "Tham quan trại thuỷ sản",
            "Các em đến thăm trại nuôi thuỷ sản gần đảo nhỏ.",
        ),
        // 5: "quê hương" and "biển" only in the body, many times
        doc(
            "/tin-tuc/que-huong/",
            "Tin tức",
            "Bài văn hay của học sinh lớp 5",
            "Quê hương em có biển. Quê hương em đẹp. Em yêu quê hương, yêu biển quê hương. \
             Dòng sông không bao giờ biến mất.",
        ),
        // 6: "đảo" everywhere, no "thủy"
        doc(
            "/bien-dao/dao-ngoc/",
            "Biển đảo quê hương",
            "Đảo Ngọc",
            "Đảo Ngọc là một hòn đảo đẹp. Đảo có nhiều cây xanh. Du khách thích đảo.",
        ),
        // 7: written in NFD
        doc("/bien-dao/bai-viet/", "Biển đảo quê hương", "Bài viết", &nfd_body),
        // 8: the match is far from the start
        doc("/tin-tuc/thu/", "Tin tức", "Thư gửi chiến sĩ", &long_body),
    ]
}

fn urls(answer: &Value) -> Vec<String> {
    let docs = fixture();
    answer["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|i| docs[i.as_u64().expect("id") as usize].url.to_string())
        .collect()
}

fn id(url: &str) -> usize {
    fixture().iter().position(|d| d.url == url).expect(url)
}

fn ask(opts: &Options, queries: &[&str]) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    common::write_files(dir.path(), &build("vi", &fixture(), opts));
    let reqs: Vec<Value> = queries.iter().map(|q| json!({ "q": q, "n": 20 })).collect();
    common::node(&dir.path().join("search").join("vi"), &Value::from(reqs))
}

fn pos(list: &[String], url: &str) -> usize {
    list.iter()
        .position(|u| u == url)
        .unwrap_or_else(|| panic!("{url} not in {list:?}"))
}

#[test]
fn every_spelling_of_bien_dao_finds_the_bien_dao_pages_first() {
    let nfd: String = "biển đảo".nfd().collect();
    let answers = ask(
        &Options::default(),
        &["bien dao", "biển đảo", "BIỂN ĐẢO", &nfd, "Biển Đảo "],
    );
    for (a, q) in answers
        .iter()
        .zip(["bien dao", "biển đảo", "BIỂN ĐẢO", "nfd", "trailing space"])
    {
        let list = urls(a);
        // The page with both words in its title comes first.
        assert_eq!(list[0], "/bien-dao/ngay-hoi/", "{q}: {list:?}");
        for u in ["/bien-dao/hoang-sa/", "/bien-dao/bai-viet/"] {
            assert!(pos(&list, u) < 4, "{q}: {u} in {list:?}");
        }
    }
    // With diacritics, the pages holding both exact words rank above "biến ... lãnh đạo".
    let exact = urls(&answers[1]);
    for u in [
        "/bien-dao/ngay-hoi/",
        "/bien-dao/hoang-sa/",
        "/bien-dao/bai-viet/",
    ] {
        assert!(
            pos(&exact, u) < pos(&exact, "/tin-tuc/khi-hau/"),
            "{exact:?}"
        );
    }
    assert_eq!(urls(&answers[1]), urls(&answers[2]));
    assert_eq!(urls(&answers[1]), urls(&answers[3]));
    // Typed without diacritics, "bien" and "dao" stand for their commonest forms on the
    // site ("biển", "đảo"), so "biến ... lãnh đạo" comes after the biển đảo pages too.
    let plain = urls(&answers[0]);
    assert_eq!(plain[..3], exact[..3], "{plain:?}");
    assert!(pos(&plain, "/tin-tuc/khi-hau/") > 2, "{plain:?}");
}

#[test]
fn exact_diacritics_rank_above_folded_matches() {
    let a = ask(&Options::default(), &["biển", "biến"]);
    let bien = urls(&a[0]);
    // "Tìm hiểu biến đổi khí hậu" has the word in its title, but not with these diacritics.
    let khi_hau = pos(&bien, "/tin-tuc/khi-hau/");
    assert_eq!(khi_hau, bien.len() - 1, "{bien:?}");
    assert_eq!(bien.len(), 5, "{bien:?}");
    assert_eq!(urls(&a[1])[0], "/tin-tuc/khi-hau/");
}

#[test]
fn old_and_new_tone_placement_are_the_same_word() {
    let a = ask(
        &Options::default(),
        &["hòa bình", "hoà bình", "thủy sản", "thuỷ sản"],
    );
    assert_eq!(urls(&a[0])[0], "/tin-tuc/hoa-binh/");
    assert_eq!(a[0]["ids"], a[1]["ids"]);
    assert_eq!(urls(&a[2])[0], "/tin-tuc/thuy-san/");
    assert_eq!(a[2]["ids"], a[3]["ids"]);
    // The match is marked in the title as written on the page.
    assert_eq!(
        a[0]["hits"][0]["title"],
        "Trường Tiểu học <mark>Hoà</mark> <mark>Bình</mark> đón khách"
    );
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let a = ask(
        &Options::default(),
        &["hoang s", "hoàng s", "hoang sa ", "đả"],
    );
    for q in &a[..2] {
        assert_eq!(urls(q)[0], "/bien-dao/hoang-sa/");
        assert_eq!(
            q["hits"][0]["title"],
            "<mark>Hoàng</mark> <mark>Sa</mark>, Trường <mark>Sa</mark> là của Việt Nam"
        );
    }
    assert_eq!(urls(&a[2])[0], "/bien-dao/hoang-sa/");
    // "đả" is a prefix of "đảo": all the pages with "đảo" (and none of the others).
    let dao = urls(&a[3]);
    assert!(dao.contains(&"/bien-dao/dao-ngoc/".to_string()), "{dao:?}");
    assert!(!dao.contains(&"/tin-tuc/hoa-binh/".to_string()), "{dao:?}");
}

#[test]
fn pages_with_all_words_rank_first_then_title_matches() {
    let a = ask(&Options::default(), &["đảo thủy", "quê hương"]);
    // Đảo Ngọc has "đảo" in its title many times, but only the trại thuỷ sản page has both.
    let both = urls(&a[0]);
    assert_eq!(both[0], "/tin-tuc/thuy-san/");
    assert!(both.len() > 3);
    let que = urls(&a[1]);
    assert!(
        pos(&que, "/bien-dao/ngay-hoi/") < pos(&que, "/tin-tuc/que-huong/"),
        "{que:?}"
    );
}

#[test]
fn results_carry_date_section_and_a_marked_snippet() {
    let a = ask(&Options::default(), &["chiến sĩ đảo xa", "biển"]);
    let hit = &a[0]["hits"][0];
    assert_eq!(hit["url"], "/tin-tuc/thu/");
    assert_eq!(hit["date"], "ngày 16 tháng 01 năm 2024");
    assert_eq!(hit["section"], "Tin tức");
    let snippet = hit["snippet"].as_str().expect("snippet");
    // The first match is far into the text: the snippet starts near it, not at the top.
    assert!(snippet.starts_with("… "), "{snippet}");
    assert!(
        snippet.contains("<mark>chiến</mark> <mark>sĩ</mark> ở <mark>đảo</mark> <mark>xa</mark>"),
        "{snippet}"
    );
    let first = &a[1]["hits"][0];
    assert!(first["snippet"]
        .as_str()
        .expect("snippet")
        .contains("<mark>biển</mark>"));
}

#[test]
fn marks_follow_the_diacritics_when_the_page_has_them() {
    let a = ask(&Options::default(), &["biển", "bien"]);
    let hits = a[0]["hits"].as_array().expect("hits");
    let que = hits
        .iter()
        .find(|h| h["url"] == "/tin-tuc/que-huong/")
        .expect("que-huong");
    let snippet = que["snippet"].as_str().expect("snippet");
    // The page has "biển": only that is marked, not "biến".
    assert!(snippet.contains("có <mark>biển</mark>."), "{snippet}");
    assert!(snippet.contains("giờ biến mất"), "{snippet}");
    // This page has only "biến": the folded match is marked.
    let khi = hits
        .iter()
        .find(|h| h["url"] == "/tin-tuc/khi-hau/")
        .expect("khi-hau");
    assert_eq!(khi["title"], "Tìm hiểu <mark>biến</mark> đổi khí hậu");
    // Typed without diacritics, every folded form is marked.
    let plain = a[1]["hits"].as_array().expect("hits");
    let que = plain
        .iter()
        .find(|h| h["url"] == "/tin-tuc/que-huong/")
        .expect("que-huong");
    assert!(que["snippet"]
        .as_str()
        .expect("snippet")
        .contains("giờ <mark>biến</mark> mất"));
}

#[test]
fn sharding_does_not_change_the_results() {
    let queries = [
        "biển đảo",
        "bien dao",
        "hoang s",
        "đảo thủy",
        "quê hương",
        "t",
    ];
    let whole = ask(&Options::default(), &queries);
    let tiny = Options {
        shard_bytes: 120,
        doc_shard_bytes: 200,
        ..Options::default()
    };
    let files = build("vi", &fixture(), &tiny);
    assert!(files.iter().filter(|(p, _)| p.contains("/t-")).count() > 10);
    let sharded = ask(&tiny, &queries);
    for (i, q) in queries.iter().enumerate() {
        if *q == "t" {
            // A one-letter prefix may span more shards than the script loads: still results.
            assert!(!urls(&sharded[i]).is_empty());
            continue;
        }
        assert_eq!(whole[i]["ids"], sharded[i]["ids"], "{q}");
        assert_eq!(whole[i]["hits"], sharded[i]["hits"], "{q}");
    }
}

#[test]
fn odd_queries_find_nothing_and_do_not_break() {
    let a = ask(
        &Options::default(),
        &[
            "",
            "   ",
            "!!! …",
            "constructor",
            "__proto__",
            "toString",
            "zzzz",
        ],
    );
    for q in &a {
        assert_eq!(q["ids"], json!([]), "{q}");
    }
    assert_eq!(id("/bien-dao/hoang-sa/"), 0);
}

#[test]
fn an_english_index_is_searched_on_its_own() {
    let docs = vec![
        doc(
            "/en/islands/",
            "Islands",
            "Our islands",
            "The islands of Viet Nam.",
        ),
        doc(
            "/en/climate/",
            "News",
            "Climate change",
            "Pupils learn about the climate.",
        ),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let files = build("en", &docs, &Options::default());
    assert!(files.iter().all(|(p, _)| p.starts_with("search/en/")));
    common::write_files(dir.path(), &files);
    let a = common::node(
        &dir.path().join("search").join("en"),
        &json!([{ "q": "ISLANDS" }, { "q": "clim" }]),
    );
    assert_eq!(a[0]["hits"][0]["url"], "/en/islands/");
    assert_eq!(a[0]["hits"][0]["title"], "Our <mark>islands</mark>");
    assert_eq!(a[1]["hits"][0]["url"], "/en/climate/");
}

#[test]
fn snippets_start_at_a_word_near_the_first_match() {
    let long_word = format!("{}-đảo xa", "z".repeat(80));
    let prose = format!(
        "{}Các em viết thư gửi chiến sĩ ở đảo xa.",
        "Học sinh chăm ngoan. ".repeat(30)
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let a = common::node(
        dir.path(),
        &json!([
            { "snippet": long_word, "q": "đảo " },
            { "snippet": prose, "q": "đảo " },
            { "snippet": "Không có từ cần tìm.", "q": "đảo " },
        ]),
    );
    assert_eq!(a[0]["snippet"], "… <mark>đảo</mark> xa");
    let s = a[1]["snippet"].as_str().expect("snippet");
    assert!(s.starts_with("… "), "{s}");
    assert!(s.ends_with("chiến sĩ ở <mark>đảo</mark> xa."), "{s}");
    assert!(s.chars().count() < 200, "{s}");
    // No match in the text: its beginning, unmarked.
    assert_eq!(a[2]["snippet"], "Không có từ cần tìm.");
}

#[test]
fn snippets_show_the_place_where_the_query_words_come_together() {
    let plan = format!(
        "{}Học sinh tìm hiểu chủ quyền biển đảo Hoàng Sa, Trường Sa của Việt Nam. {}",
        "Kế hoạch được xây dựng như sau: mục đích, yêu cầu. ".repeat(6),
        "Nội dung khác. ".repeat(20)
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let a = common::node(
        dir.path(),
        &json!([
            // Typed in full, still typing the last word, and one word.
            { "snippet": plan, "q": "hoàng sa " },
            { "snippet": plan, "q": "hoàng sa" },
            { "snippet": plan, "q": "sa" },
        ]),
    );
    for (i, hit) in a.iter().enumerate() {
        let s = hit["snippet"].as_str().expect("snippet");
        // Not the first "sau" (which "sa" begins) but the words themselves.
        assert!(
            s.contains("<mark>Sa</mark>, Trường <mark>Sa</mark>"),
            "{i}: {s}"
        );
        assert!(!s.contains("<mark>sau</mark>"), "{i}: {s}");
        if i < 2 {
            assert!(s.contains("<mark>Hoàng</mark> <mark>Sa</mark>"), "{i}: {s}");
        }
    }
}
