//! Tests of the index builder: its files, their layout and their bytes.

use super::json::{push_b32, push_num, push_text, B64};
use super::runs::{next_space, postings, Batch, Key};
use super::score::{length_norm, weight, weight_norm, Q_MAX};
use super::*;
use crate::text::{for_each_word, lower};

fn doc(url: &str, title: &str, body: &str) -> Doc<'static> {
    Doc {
        url: url.to_string().into(),
        title: title.to_string().into(),
        date: Some("ngày 16 tháng 01 năm 2024".into()),
        section: "Biển đảo".into(),
        body: body.to_string().into(),
    }
}

/// The file at `path`; a shard may be named without its hash (`search/vi/t-0.json`).
fn json(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
    let stem = path.trim_end_matches(".json");
    let (_, bytes) = files
        .iter()
        .find(|(p, _)| p == path || (p.starts_with(&format!("{stem}-")) && p.ends_with(".json")))
        .expect(path);
    serde_json::from_slice(bytes).expect("valid JSON")
}

#[test]
fn writes_meta_term_and_doc_shards() {
    let docs = vec![
        doc("/a/", "Biển đảo", "Biển đảo quê hương. Hoàng Sa."),
        doc("/b/", "Tin tức", "Biến đổi khí hậu, biển."),
    ];
    let files = build("vi", &docs, &Options::default());
    let meta = json(&files, "search/vi/meta.json");
    assert_eq!(meta["v"], 2);
    assert_eq!(meta["n"], 2);
    assert_eq!(meta["sec"], serde_json::json!(["Biển đảo"]));
    assert_eq!(meta["t"], serde_json::json!(["bien"]));
    // Shard names carry the content hashes listed in meta.json.
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let th = meta["th"][0].as_str().expect("term shard hash");
    let dh = meta["dh"][0].as_str().expect("doc shard hash");
    assert_eq!(th.len(), 8);
    assert!(
        names.contains(&format!("search/vi/t-0-{th}.json").as_str()),
        "{names:?}"
    );
    assert!(
        names.contains(&format!("search/vi/d-0-{dh}.json").as_str()),
        "{names:?}"
    );
    let t = json(&files, "search/vi/t-0.json");
    // Exact forms under their folded form; postings are [doc delta, weight] pairs.
    let bien = &t["bien"];
    let bien_exact = numbers(&bien["biển"]);
    assert_eq!(bien_exact[0], 0);
    assert_eq!(bien_exact[2], 1);
    assert_eq!(bien_exact[1] % 2, 1, "in the title of doc 0");
    assert_eq!(bien_exact[3] % 2, 0, "body only in doc 1");
    assert_eq!(numbers(&bien["biến"])[0], 1);
    assert!(t["hoang"]["hoàng"].is_string());
    let d = json(&files, "search/vi/d-0.json");
    assert_eq!(d[0][0], "/a/");
    assert_eq!(d[0][2], "ngày 16 tháng 01 năm 2024");
    assert_eq!(d[1][4], "Biến đổi khí hậu, biển.");
    assert!(files.iter().all(|(p, _)| p.starts_with("search/vi/")));
}

#[test]
fn shards_split_by_size_and_stay_sorted() {
    let words = [
        "an", "bình", "cá", "dân", "đảo", "em", "gió", "hoa", "im", "kẻ",
    ];
    let docs: Vec<Doc> = (0..40)
        .map(|i| doc(&format!("/{i}/"), "", &words.join(" ").repeat(1 + i % 3)))
        .collect();
    let opts = Options {
        shard_bytes: 200,
        doc_shard_bytes: 500,
        ..Options::default()
    };
    let files = build("vi", &docs, &opts);
    let meta = json(&files, "search/vi/meta.json");
    let bounds: Vec<&str> = meta["t"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(bounds.len() > 2, "{bounds:?}");
    assert!(bounds.windows(2).all(|w| w[0] < w[1]));
    for (i, b) in bounds.iter().enumerate() {
        let shard = json(&files, &format!("search/vi/t-{i}.json"));
        let keys: Vec<&String> = shard.as_object().unwrap().keys().collect();
        assert_eq!(keys[0], b);
    }
    let per = meta["per"].as_u64().unwrap() as usize;
    let n_doc_shards = files.iter().filter(|(p, _)| p.contains("/d-")).count();
    assert_eq!(n_doc_shards, 40usize.div_ceil(per));
    assert!(n_doc_shards > 1);
}

#[test]
fn output_is_deterministic_and_hash_follows_content() {
    let docs = vec![
        doc("/a/", "Một", "một hai ba"),
        doc("/b/", "Hai", "bốn năm"),
    ];
    let a = build("vi", &docs, &Options::default());
    let b = build("vi", &docs, &Options::default());
    assert_eq!(a, b);
    let mut changed = docs.clone();
    changed[1].body.to_mut().push_str(" sáu");
    let c = build("vi", &changed, &Options::default());
    assert_ne!(
        json(&a, "search/vi/meta.json")["h"],
        json(&c, "search/vi/meta.json")["h"]
    );
}

#[test]
fn empty_site_gives_a_valid_empty_index() {
    let files = build("en", &[], &Options::default());
    assert_eq!(files.len(), 1);
    let meta = json(&files, "search/en/meta.json");
    assert_eq!(meta["n"], 0);
    assert_eq!(meta["t"], serde_json::json!([]));
}

#[test]
fn snippet_text_is_escaped_collapsed_and_capped() {
    let body = "a \"b\"\\ c\u{1}  d\n\t e\u{2028}f   Biển";
    let files = build("vi", &[doc("/a/", "T", body)], &Options::default());
    let d = json(&files, "search/vi/d-0.json");
    assert_eq!(d[0][4], "a \"b\"\\ c\u{1} d e\u{2028}f Biển");
    let short = Options {
        snippet_bytes: 9,
        ..Options::default()
    };
    let files = build("vi", &[doc("/a/", "T", "một hai ba bốn")], &short);
    assert_eq!(json(&files, "search/vi/d-0.json")[0][4], "một hai");
    let text = |body: &str, cap: usize| {
        let mut out = Vec::new();
        push_text(&mut out, body, cap);
        String::from_utf8(out).expect("utf-8")
    };
    assert_eq!(text("một hai", 0), "\"\"");
    // Decomposed text is stored composed, in the body and past the cap.
    let nfd = "bie\u{302}\u{309}n \"đa\u{309}o\"";
    let files = build("vi", &[doc("/a/", "T", nfd)], &Options::default());
    assert_eq!(json(&files, "search/vi/d-0.json")[0][4], "biển \"đảo\"");
    let long = format!("{} {nfd}", "x".repeat(40));
    let files = build("vi", &[doc("/a/", "T", &long)], &short);
    assert_eq!(json(&files, "search/vi/d-0.json")[0][4], "x".repeat(40));
    assert_eq!(text("  dàiquáđi hai ba", 3), "\"dàiquáđi\"");
    assert_eq!(text("dàiquáđi", 3), "\"dàiquáđi\"");
}

#[test]
fn snippet_text_matches_a_plain_reference_on_mixed_input() {
    let pieces = [
        "biển",
        "đảo",
        " ",
        "  ",
        "\n",
        "\t",
        "\"",
        "\\",
        "\u{1}",
        "\u{b}",
        "quê hương",
        "a",
        ".",
        "Trường Sa",
        "\r\n",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        " \u{c} ",
        "bie\u{302}\u{309}n",
    ];
    let mut seed = 7u64;
    for _ in 0..200 {
        let mut text = String::new();
        for _ in 0..120 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        let mut out = Vec::new();
        let marks = push_text(&mut out, &text, usize::MAX);
        let words: Vec<&str> = text.split_ascii_whitespace().collect();
        let want = serde_json::to_string(&words.join(" ")).expect("json");
        assert_eq!(String::from_utf8(out).expect("utf-8"), want, "{text:?}");
        assert_eq!(marks, text.contains('\u{302}'), "{text:?}");
    }
}

/// Random text from pieces that exercise the tokenizer: Vietnamese words in several
/// cases and tone placements, NFD, punctuation inside and around words, long chunks,
/// control characters, non-ASCII spaces, other scripts.
fn random_text(seed: &mut u64, words: usize) -> String {
    const PIECES: &[&str] = &[
        "biển",
        "Biển",
        "BIỂN",
        "đảo",
        "hoà",
        "hòa",
        "Hoà",
        "HÒA",
        "thuỷ",
        "thủy",
        "bie\u{302}\u{309}n",
        "Hoàng",
        "Sa",
        "“Trường",
        "Sa”,",
        "TP.HCM",
        "3.14",
        "53/PGDĐT",
        "GD&ĐT",
        "e-mail",
        "can't",
        "a\u{1}b",
        "x\u{7f}y",
        "\u{b}",
        "中文字",
        "한국어",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "abcdefghijklmnop",
        "abcdefghijklmnopq",
        "abcdefgh",
        "abcdefghi",
        "—",
        "…",
        "(lớp",
        "4A)",
        "a\u{a0}b",
        "📚sách",
        "_x_",
        "\u{301}a",
        "quê",
        "hương",
        "Quê",
        "hương.",
    ];
    const SPACES: &[&str] = &[" ", " ", " ", "  ", "\n", "\t", "\r\n", "\u{c}", ""];
    let mut next = |m: usize| {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as usize % m
    };
    let mut text = String::new();
    for _ in 0..words {
        text.push_str(PIECES[next(PIECES.len())]);
        text.push_str(SPACES[next(SPACES.len())]);
    }
    text
}

#[test]
fn next_space_finds_the_first_ascii_whitespace() {
    let mut seed = 3u64;
    for _ in 0..2000 {
        let text = random_text(&mut seed, 6);
        let b = text.as_bytes();
        for i in 0..=b.len() {
            let want = b[i..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(b.len(), |k| i + k);
            assert_eq!(next_space(b, i), want, "{text:?} from {i}");
        }
    }
}

#[test]
fn chunk_keys_depend_only_on_the_chunk() {
    let text = "abc abcdefgh abcdefghij abcdefghijklmnop abcdefghijklmnopq\u{1}";
    let padded = format!("{text} {text}");
    let find = |t: &str, w: &str| {
        let i = t.find(w).unwrap_or(0);
        (i, i + w.len())
    };
    for w in text.split(' ') {
        let (a, b) = find(text, w);
        let (c, d) = find(&padded[text.len() + 1..], w);
        let second = text.len() + 1;
        assert!(
            Key::of(text.as_bytes(), a, b) == Key::of(padded.as_bytes(), second + c, second + d),
            "{w:?}"
        );
    }
    let k = |t: &str| Key::of(t.as_bytes(), 0, t.len());
    assert!(k("ab") != k("ab\0"));
    assert!(k("abcdefghi") != k("abcdefghj"));
    assert!(k("abcdefghijklmnop") != k("abcdefghijklmnoq"));
}

#[test]
fn runs_count_the_same_words_as_the_tokenizer() {
    let mut seed = 11u64;
    let docs: Vec<Doc> = (0..300)
        .map(|i| {
            let body = random_text(&mut seed, i % 50);
            let title = random_text(&mut seed, i % 4);
            doc(&format!("/{i}/"), &title, &body)
        })
        .collect();
    let mut batch = Batch::new(0);
    for d in &docs {
        batch.add(d);
    }
    // Each page's words from the lists, by exact form.
    let mut pages: Vec<HashMap<String, (u32, bool)>> = vec![HashMap::new(); docs.len()];
    for (w, list) in batch.lists.iter().enumerate() {
        for (page, c) in postings(list) {
            let exact = batch.words[w].clone();
            let had = pages[page as usize - 1].insert(exact, (c >> 1, c & 1 == 1));
            assert!(had.is_none());
        }
    }
    for ((d, &len), got) in docs.iter().zip(&batch.lens).zip(pages) {
        let mut want: HashMap<String, (u32, bool)> = HashMap::new();
        let mut n = 0;
        for_each_word(&d.body, |w| {
            want.entry(lower(w)).or_default().0 += 1;
            n += 1;
        });
        for_each_word(&d.title, |w| want.entry(lower(w)).or_default().1 = true);
        assert_eq!(got, want, "{:?} / {:?}", d.title, d.body);
        assert_eq!(len, n);
    }
}

#[test]
fn postings_equal_a_plain_reference() {
    // Enough pages for several runs, with the same word in several written forms.
    let mut seed = 5u64;
    let docs: Vec<Doc> = (0..400)
        .map(|i| {
            let body = random_text(&mut seed, (i * 7) % 90);
            let title = random_text(&mut seed, i % 3);
            doc(&format!("/{i}/"), &title, &body)
        })
        .collect();
    let files = build("vi", &docs, &Options::default());
    let mut got: HashMap<String, Vec<(u64, u64)>> = HashMap::new();
    let mut folds: HashMap<String, String> = HashMap::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.contains("/t-")) {
        let shard: serde_json::Value = serde_json::from_slice(bytes).expect(path);
        for (f, forms) in shard.as_object().expect("object") {
            for (exact, list) in forms.as_object().expect("forms") {
                let list = numbers(list);
                let mut doc = 0;
                let pairs = list
                    .chunks(2)
                    .map(|p| {
                        doc += p[0];
                        (doc, p[1])
                    })
                    .collect();
                assert!(got.insert(exact.clone(), pairs).is_none(), "{exact}");
                folds.insert(exact.clone(), f.clone());
            }
        }
    }
    // The reference: every page's words counted on their own.
    let mut counts: Vec<HashMap<String, (u32, bool)>> = Vec::new();
    let mut lens = Vec::new();
    for d in &docs {
        let mut c: HashMap<String, (u32, bool)> = HashMap::new();
        let mut n = 0;
        for_each_word(&d.body, |w| {
            c.entry(lower(w)).or_default().0 += 1;
            n += 1;
        });
        for_each_word(&d.title, |w| c.entry(lower(w)).or_default().1 = true);
        counts.push(c);
        lens.push(n);
    }
    let avg = (lens.iter().map(|&n| u64::from(n)).sum::<u64>() as f32 / docs.len() as f32).max(1.0);
    let mut want: HashMap<String, Vec<(u64, u64)>> = HashMap::new();
    for (i, c) in counts.iter().enumerate() {
        for (exact, &(tf, title)) in c {
            let w = weight(tf, title, lens[i], avg);
            want.entry(exact.clone())
                .or_default()
                .push((i as u64, u64::from(w)));
        }
    }
    assert!(want.len() > 40, "{}", want.len());
    assert_eq!(got, want);
    for (exact, f) in &folds {
        assert_eq!(&fold(exact), f);
    }
}

#[test]
fn build_into_hands_over_the_same_files_meta_last() {
    let mut seed = 9u64;
    let docs: Vec<Doc> = (0..200)
        .map(|i| doc(&format!("/{i}/"), "Tin", &random_text(&mut seed, 80)))
        .collect();
    let opts = Options {
        shard_bytes: 2_000,
        doc_shard_bytes: 4_000,
        ..Options::default()
    };
    let files = build("vi", &docs, &opts);
    assert!(files.len() > 10);
    let got = Mutex::new(Vec::new());
    build_into("vi", &docs, &opts, |name, bytes| {
        lock(&got).push((name, bytes));
    });
    let mut got = got.into_inner().expect("files");
    assert_eq!(
        got.last().map(|f| f.0.as_str()),
        Some("search/vi/meta.json")
    );
    got.sort();
    let mut want = files;
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn weights_grow_with_frequency_and_mark_titles() {
    assert!(weight(5, false, 100, 100.0) > weight(1, false, 100, 100.0));
    assert!(weight(1, false, 10, 100.0) > weight(1, false, 1000, 100.0));
    assert_eq!(weight(0, true, 10, 100.0), 1);
    assert_eq!(weight(3, true, 10, 100.0) % 2, 1);
    // The integer ceiling is f32::ceil.
    for tf in 0..400u32 {
        for len in (1..20_000u32).step_by(37) {
            for avg in [1.0f32, 57.3, 460.0, 3000.5] {
                let norm = length_norm(len, avg);
                let q = if tf == 0 {
                    0
                } else {
                    let s = tf as f32 / (tf as f32 + norm);
                    (s * Q_MAX).ceil().clamp(1.0, Q_MAX) as u8
                };
                assert_eq!(weight_norm(tf, true, norm), q * 2 + 1, "{tf} {len} {avg}");
            }
        }
    }
}

/// The numbers of a postings string (the script's decoding, in Rust).
fn numbers(v: &serde_json::Value) -> Vec<u64> {
    let s = v.as_str().expect("postings string");
    let (mut out, mut n, mut shift) = (Vec::new(), 0u64, 0);
    for c in s.bytes() {
        let d = B64.iter().position(|&b| b == c).expect("base-64 character") as u64;
        n += (d & 31) << shift;
        if d & 32 == 0 {
            out.push(n);
            (n, shift) = (0, 0);
        } else {
            shift += 5;
        }
    }
    assert_eq!(shift, 0, "a number is cut short in {s:?}");
    out
}

#[test]
fn postings_numbers_round_trip_in_base_32() {
    let all = [0, 1, 31, 32, 33, 1023, 1024, 65_535, 1 << 30, u32::MAX];
    let mut out = Vec::new();
    for n in all {
        push_b32(&mut out, n);
    }
    assert_eq!(
        &out[..5],
        b"ABfgB",
        "0, 1, 31 in one character each; 32 in two"
    );
    let text = serde_json::Value::String(String::from_utf8(out).unwrap());
    let want: Vec<u64> = all.iter().map(|&n| u64::from(n)).collect();
    assert_eq!(numbers(&text), want);
}

#[test]
fn numbers_are_written_in_decimal() {
    for n in [0, 1, 9, 10, 42, 99, 100, 101, 999, 1000, 65_535, u32::MAX] {
        let mut out = b"x".to_vec();
        push_num(&mut out, n);
        assert_eq!(out, format!("x{n}").into_bytes());
    }
}
