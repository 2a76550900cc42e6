//! `bangtin check` on fixture sites, one kind of problem per site.

mod common;

use check::{Kind, Options};
use common::*;
use i18n::Lang;
use site::Severity;

const SECTION: &str = "+++\ntitle = \"Tin tức\"\nsort_by = \"date\"\n+++\n";

#[test]
fn clean_site_has_no_findings() {
    let one = page(
        "Bài một",
        "2024-01-16",
        "Xem [bài hai](../bai-hai/#muc-hai), [trang chủ](/) và [đầu trang](#top).\n\n![Học sinh chào cờ sáng thứ Hai](anh.png)\n",
    )
    .replace("+++\nXem", "[taxonomies]\ntags = [\"biển đảo\"]\n+++\nXem");
    let two = page(
        "Bài hai",
        "2024-02-01",
        "## Mục hai\n\nNội dung, xem [bài một](@/tin-tuc/bai-mot/index.md).\n",
    )
    .replace(
        "+++\n## Mục",
        "[taxonomies]\ntags = [\"biển đảo\"]\n+++\n## Mục",
    );
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/bai-mot/index.md", &one),
        ("content/tin-tuc/bai-mot/anh.png", "not really a png"),
        ("content/tin-tuc/bai-hai.md", &two),
    ]);
    let r = run(dir.path());
    assert!(r.findings.is_empty(), "{}", r.render_text(Lang::En));
    assert!(!r.has_errors());
    assert_eq!(r.render_json(), "[]");
    assert!(r
        .render_text(Lang::Vi)
        .contains("Không tìm thấy vấn đề nào"));
}

#[test]
fn broken_internal_links_and_anchors() {
    let body = "Dòng đầu.\n\n\
        [không có](/khong-co/)\n\n\
        [mục sai](../bai-hai/#muc-khong-co)\n\n\
        [mục đúng](../bai-hai/#muc-hai)\n\n\
        [địa chỉ đầy đủ](https://truong.example.vn/tin-tuc/da-xoa/)\n\n\
        [cùng trang](#khong-co-neo)\n\n\
        [Trang khác](https://example.org/khong-kiem-tra/)\n";
    let one = page("Bài một", "2024-01-16", body);
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/bai-mot/index.md", &one),
        ("content/tin-tuc/bai-mot/cong.jpg", "x"),
        (
            "content/tin-tuc/bai-hai.md",
            &page("Bài hai", "2024-01-17", "## Mục hai\n"),
        ),
    ]);
    let r = run(dir.path());
    let file = "content/tin-tuc/bai-mot/index.md".to_string();
    assert_eq!(
        summary(&r),
        vec![
            (Kind::BrokenLink, file.clone(), line_of(&one, "/khong-co/")),
            (
                Kind::BrokenAnchor,
                file.clone(),
                line_of(&one, "#muc-khong-co")
            ),
            (Kind::BrokenLink, file.clone(), line_of(&one, "/da-xoa/")),
            (
                Kind::BrokenAnchor,
                file.clone(),
                line_of(&one, "#khong-co-neo")
            ),
        ],
        "{}",
        r.render_text(Lang::En)
    );
    assert!(r.has_errors());
    assert!(r.findings.iter().all(|f| f.severity == Severity::Error));
    let first = &r.findings[0];
    assert_eq!(first.column, 12, "the column of the address");
    assert!(first.message.contains("/khong-co/"), "{}", first.message);
    assert!(r.findings[1]
        .message
        .starts_with("link \"../bai-hai/#muc-khong-co\": page /tin-tuc/bai-hai/ has no element"));
}

#[test]
fn broken_link_in_the_theme_is_reported_once() {
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        (
            "content/tin-tuc/bai-mot.md",
            &page("Bài một", "2024-01-16", "Nội dung.\n"),
        ),
        (
            "templates/page.html",
            "<!DOCTYPE html><html><head><title>x</title></head><body><a href=\"/lien-he/\">Liên hệ</a>{{ page.content | safe }}</body></html>",
        ),
        (
            "templates/section.html",
            "<!DOCTYPE html><html><head><title>x</title></head><body><a href=\"/lien-he/\">Liên hệ</a>{% for p in section.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}</body></html>",
        ),
    ]);
    let r = run(dir.path());
    assert_eq!(
        summary(&r),
        vec![(Kind::BrokenLink, "templates".to_string(), 0)],
        "{}",
        r.render_text(Lang::En)
    );
    assert!(
        r.findings[0].message.contains("on 2 page(s)"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn images_without_useful_alt_text() {
    let body = "Ảnh:\n\n![](a.png)\n\n![IMG_2034.jpg](b.png)\n\n![anh1.png](c.png)\n\n<img src=\"d.png\">\n\n![Học sinh trồng cây](e.png)\n";
    let one = page("Bài ảnh", "2024-01-16", body);
    let mut files = vec![
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/bai-anh/index.md", one.as_str()),
    ];
    let names = ["a", "b", "c", "d", "e"].map(|n| format!("content/tin-tuc/bai-anh/{n}.png"));
    for n in &names {
        files.push((n.as_str(), "x"));
    }
    let dir = fixture(&files);
    let r = run(dir.path());
    let file = "content/tin-tuc/bai-anh/index.md".to_string();
    assert_eq!(
        summary(&r),
        vec![
            (Kind::MissingAlt, file.clone(), line_of(&one, "![](a.png)")),
            (Kind::FileNameAlt, file.clone(), line_of(&one, "IMG_2034")),
            (Kind::FileNameAlt, file.clone(), line_of(&one, "anh1.png")),
            (Kind::MissingAlt, file.clone(), line_of(&one, "<img")),
        ],
        "{}",
        r.render_text(Lang::En)
    );
    assert!(!r.has_errors(), "alt text problems are warnings");

    // The theme's own images: reported once, under templates.
    let logo = "<!DOCTYPE html><html><head><title>x</title></head><body><img src=\"/logo.png\"><img src=\"/hoa-van.png\" alt=\"\">{{ page.content | safe }}</body></html>";
    write(dir.path(), "templates/page.html", logo.as_bytes());
    write(dir.path(), "static/logo.png", b"x");
    write(dir.path(), "static/hoa-van.png", b"x");
    let r = run(dir.path());
    let theme: Vec<_> = r
        .of_kind(Kind::MissingAlt)
        .into_iter()
        .filter(|f| f.file.to_string_lossy() == "templates")
        .collect();
    assert_eq!(theme.len(), 1, "{}", r.render_text(Lang::En));
    assert!(theme[0]
        .message
        .starts_with("image \"/logo.png\" in the theme (on 1 page(s)"));
    assert_eq!(
        r.of_kind(Kind::MissingAlt).len(),
        3,
        "the page's own images once each"
    );
    assert!(r.findings[1].message.contains("IMG_2034.jpg"));
}

#[test]
fn heavy_pages_are_reported_with_their_figures() {
    // 60 KB of text: over the 50 KB HTML+CSS+JS budget.
    let long = "Một đoạn văn dài về biển đảo quê hương. ".repeat(1500);
    // A small page whose first image is 400 KB: over the total budget only.
    let big = vec![b'x'; 400 * 1024];
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        (
            "content/tin-tuc/bai-dai.md",
            &page("Bài dài", "2024-01-16", &long),
        ),
        (
            "content/tin-tuc/bai-anh/index.md",
            &page("Bài ảnh", "2024-01-17", "![Sân trường](to.jpg)\n"),
        ),
    ]);
    write(dir.path(), "content/tin-tuc/bai-anh/to.jpg", &big);
    let r = run(dir.path());
    assert_eq!(
        summary(&r),
        vec![
            (
                Kind::PageWeight,
                "content/tin-tuc/bai-anh/index.md".into(),
                0
            ),
            (Kind::PageWeight, "content/tin-tuc/bai-dai.md".into(), 0),
        ],
        "{}",
        r.render_text(Lang::En)
    );
    let image = &r.findings[0].message;
    assert!(image.contains("first image 400.0 KB"), "{image}");
    assert!(image.contains("budget 300.0 KB"), "{image}");
    let text = &r.findings[1].message;
    assert!(text.contains("(budget 50.0 KB)"), "{text}");
    let html_kb: f64 = text
        .split("HTML ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the HTML figure is given");
    assert!(html_kb > 50.0, "{text}");
    assert!(!r.has_errors());

    // The budget comes from config.toml when set there.
    let cfg = format!("{CONFIG}\n[extra.check]\nbudget_kb = 200\ntotal_budget_kb = 1000\n");
    write(dir.path(), "config.toml", cfg.as_bytes());
    let r = run(dir.path());
    assert!(
        r.of_kind(Kind::PageWeight).is_empty(),
        "{}",
        r.render_text(Lang::En)
    );
}

#[test]
fn front_matter_problems() {
    let no_title = "+++\ndate = 2024-01-10\ndescription = \"Không tên\"\n+++\nNội dung.\n";
    let no_date = "+++\ntitle = \"Không ngày\"\ndescription = \"Bài không ngày\"\n+++\nNội dung.\n";
    let future = "+++\ntitle = \"Sắp tới\"\ndescription = \"Bài hẹn giờ\"\ndate = 2030-09-05\n+++\nNội dung.\n";
    let no_desc =
        "+++\ntitle = \"Không mô tả\"\ndate = 2024-01-12\ndescription = \"\"\n+++\nNội dung.\n";
    let dup_a = page("Trùng tên", "2024-01-13", "A\n");
    let dup_b = page("trùng  tên", "2024-01-14", "B\n");
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/khong-ten.md", no_title),
        ("content/tin-tuc/khong-ngay.md", no_date),
        ("content/tin-tuc/sap-toi.md", future),
        ("content/tin-tuc/khong-mo-ta.md", no_desc),
        ("content/tin-tuc/trung-a.md", &dup_a),
        ("content/tin-tuc/trung-b.md", &dup_b),
        (
            "content/khac/_index.md",
            "+++\nsort_by = \"title\"\n+++\nChuyên mục khác.\n",
        ),
    ]);
    let r = run(dir.path());
    assert_eq!(
        summary(&r),
        vec![
            (Kind::MissingTitle, "content/khac/_index.md".into(), 1),
            (
                Kind::EmptyDescription,
                "content/tin-tuc/khong-mo-ta.md".into(),
                4
            ),
            (Kind::MissingDate, "content/tin-tuc/khong-ngay.md".into(), 1),
            (Kind::MissingTitle, "content/tin-tuc/khong-ten.md".into(), 1),
            (Kind::FutureDate, "content/tin-tuc/sap-toi.md".into(), 4),
            (Kind::DuplicateTitle, "content/tin-tuc/trung-a.md".into(), 2),
            (Kind::DuplicateTitle, "content/tin-tuc/trung-b.md".into(), 2),
        ],
        "{}",
        r.render_text(Lang::En)
    );
    assert!(r.has_errors(), "a page without a title is an error");
    assert_eq!(r.counts(), (2, 5));
    let future = &r.of_kind(Kind::FutureDate)[0].message;
    assert!(
        future.contains("2030-09-05") && future.contains("2024-06-01"),
        "{future}"
    );
    assert!(r.of_kind(Kind::DuplicateTitle)[0]
        .message
        .contains("content/tin-tuc/trung-b.md"));
}

#[test]
fn tags_differing_only_by_accents_or_case() {
    let tagged = |title: &str, tag: &str| {
        page(title, "2024-01-16", "Nội dung.\n").replace(
            "+++\nNội",
            &format!("[taxonomies]\ntags = [\"hè\", \"{tag}\"]\n+++\nNội"),
        )
    };
    let a = tagged("Bài A", "biển đảo");
    let b = tagged("Bài B", "biển đảo");
    let c = tagged("Bài C", "bien dao");
    let d = tagged("Bài D", "Biển Đảo");
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/a.md", &a),
        ("content/tin-tuc/b.md", &b),
        ("content/tin-tuc/c.md", &c),
        ("content/tin-tuc/d.md", &d),
    ]);
    let r = run(dir.path());
    assert_eq!(
        summary(&r),
        vec![
            (Kind::SimilarTag, "content/tin-tuc/c.md".into(), 6),
            (Kind::SimilarTag, "content/tin-tuc/d.md".into(), 6),
        ],
        "{}",
        r.render_text(Lang::En)
    );
    assert_eq!(r.findings[0].column, 15);
    let m = &r.findings[0].message;
    assert!(
        m.contains("\"bien dao\"") && m.contains("\"biển đảo\" (used on 2 page(s))"),
        "{m}"
    );
    assert!(!r.has_errors());
}

#[test]
fn orphan_pages() {
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        (
            "content/tin-tuc/bai-mot.md",
            &page("Bài một", "2024-01-16", "Tự liên kết: [đây](./).\n"),
        ),
        // A section whose template lists nothing: its page is reachable by no link.
        (
            "content/an/_index.md",
            "+++\ntitle = \"Ẩn\"\ntemplate = \"bare.html\"\n+++\n",
        ),
        (
            "templates/bare.html",
            "<!DOCTYPE html><html><head><title>{{ section.title }}</title></head><body><h1>{{ section.title }}</h1></body></html>",
        ),
        (
            "content/an/bai-an.md",
            &page("Bài ẩn", "2024-01-16", "Không ai trỏ tới.\n"),
        ),
    ]);
    let r = run(dir.path());
    assert_eq!(
        summary(&r),
        vec![(Kind::Orphan, "content/an/bai-an.md".into(), 0)],
        "{}",
        r.render_text(Lang::En)
    );
    assert!(r.findings[0].message.contains("/an/bai-an/"));
}

#[test]
fn raw_html_removed_by_the_sanitizer() {
    let body = "Đoạn một.\n\n<script>alert('x')</script>\n\nChữ <span onclick=\"hack()\">bấm</span> đây.\n";
    let one = page("Bài một", "2024-01-16", body);
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/bai-mot.md", &one),
    ]);
    let r = run(dir.path());
    let file = "content/tin-tuc/bai-mot.md".to_string();
    assert_eq!(
        summary(&r),
        vec![
            (Kind::RemovedHtml, file.clone(), line_of(&one, "<script")),
            (Kind::RemovedHtml, file, line_of(&one, "onclick")),
        ],
        "{}",
        r.render_text(Lang::En)
    );
    assert!(r.findings[0].message.contains("script"));
}

#[test]
fn future_drafts_are_reported_in_a_drafts_build_only() {
    let draft = "+++\ntitle = \"Nháp\"\ndescription = \"Bản nháp\"\ndraft = true\ndate = 2031-01-01\n+++\nNội dung.\n";
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/nhap.md", draft),
    ]);
    let r = run(dir.path());
    assert!(r.findings.is_empty(), "{}", r.render_text(Lang::En));
    let r = run_opts(dir.path(), false, true, &settings());
    assert_eq!(
        summary(&r),
        vec![(Kind::FutureDate, "content/tin-tuc/nhap.md".into(), 5)],
        "{}",
        r.render_text(Lang::En)
    );
}

#[test]
fn a_failed_build_is_reported_as_errors() {
    let dir = fixture(&[(
        "content/tin-tuc/bai.md",
        "+++\ntitle = \"Bài\"\ndate = 2024-13-45\n+++\nx\n",
    )]);
    let r = run(dir.path());
    assert!(r.has_errors());
    assert_eq!(
        summary(&r),
        vec![(Kind::Build, "content/tin-tuc/bai.md".into(), 3)]
    );

    let empty = tempfile::tempdir().expect("temp dir");
    let r = check::run(&Options {
        root: empty.path().to_path_buf(),
        lang: Lang::Vi,
        external: false,
        drafts: false,
    });
    assert!(r.has_errors());
    assert_eq!(r.findings[0].file.to_string_lossy(), "config.toml");
    assert!(r.render_text(Lang::Vi).contains("config.toml"));
}

#[test]
fn reports_are_grouped_by_file_and_json_is_stable() {
    let one = page("Bài một", "2024-01-16", "![](a.png)\n\n[x](/khong-co/)\n");
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/bai-mot/index.md", &one),
        ("content/tin-tuc/bai-mot/a.png", "x"),
    ]);
    let r = run(dir.path());
    let text = r.render_text(Lang::En);
    assert!(
        text.starts_with("content/tin-tuc/bai-mot/index.md\n  line 6:1: warning: image"),
        "{text}"
    );
    assert!(
        text.contains("\n  line 8:5: error: link \"/khong-co/\""),
        "{text}"
    );
    assert!(text.ends_with("Total: 1 error(s), 1 warning(s). Fix the errors before publishing; the warnings are worth a look.\n"), "{text}");
    let vi = r.render_text(Lang::Vi);
    assert!(vi.contains("dòng 8:5: lỗi:"), "{vi}");

    let json: serde_json::Value = serde_json::from_str(&r.render_json()).expect("valid JSON");
    let list = json.as_array().expect("an array");
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["severity"], "error");
    assert_eq!(list[1]["file"], "content/tin-tuc/bai-mot/index.md");
    assert_eq!(list[1]["line"], 8);
    assert_eq!(list[1]["column"], 5);
    assert_eq!(list[1]["kind"], "broken_link");
    // Keys in the documented order.
    let raw = r.render_json();
    let keys = [
        "\"severity\"",
        "\"file\"",
        "\"line\"",
        "\"column\"",
        "\"kind\"",
        "\"message\"",
    ];
    let pos: Vec<usize> = keys.iter().map(|k| raw.find(k).expect("key")).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{raw}");
}

#[test]
fn messages_are_vietnamese_by_default_and_nfc() {
    let body = "![](a.png)\n\n![IMG_1.jpg](a.png)\n\n[x](/khong-co/)\n\n[y](#khong)\n\n<script>x</script>\n";
    let one = "+++\ntitle = \"Bài một\"\ndate = 2024-01-01\n+++\n".to_string() + body;
    let two = "+++\ntitle = \"Bài hai\"\n[taxonomies]\ntags = [\"biển đảo\"]\n+++\nx\n";
    let three = "+++\n[taxonomies]\ntags = [\"bien dao\"]\n+++\nx\n";
    let dir = fixture(&[
        ("content/tin-tuc/_index.md", SECTION),
        ("content/tin-tuc/bai-hai.md", two),
        ("content/tin-tuc/bai-ba.md", three),
        (
            "content/an/_index.md",
            "+++\ntitle = \"Ẩn\"\ntemplate = \"bare.html\"\n+++\n",
        ),
        ("content/an/bai-mot/index.md", &one),
        ("content/an/bai-mot/a.png", "x"),
        (
            "templates/bare.html",
            "<html><body>{{ section.title }}</body></html>",
        ),
    ]);
    let opts = |lang| Options {
        root: dir.path().to_path_buf(),
        lang,
        external: false,
        drafts: false,
    };
    let settings = settings();
    let vi = check::run_with(&opts(Lang::Vi), &settings);
    let en = check::run_with(&opts(Lang::En), &settings);
    let kinds: std::collections::BTreeSet<Kind> = vi.findings.iter().map(|f| f.kind).collect();
    for k in [
        Kind::MissingAlt,
        Kind::FileNameAlt,
        Kind::BrokenLink,
        Kind::BrokenAnchor,
        Kind::RemovedHtml,
        Kind::SimilarTag,
        Kind::Orphan,
        Kind::EmptyDescription,
        Kind::MissingTitle,
        Kind::MissingDate,
    ] {
        assert!(
            kinds.contains(&k),
            "{k:?} missing: {}",
            vi.render_text(Lang::En)
        );
    }
    assert_eq!(vi.findings.len(), en.findings.len());
    for (v, e) in vi.findings.iter().zip(&en.findings) {
        assert_eq!((v.kind, v.line), (e.kind, e.line));
        assert_ne!(
            v.message, e.message,
            "{:?} has a Vietnamese message",
            v.kind
        );
        assert_eq!(v.message, vi::nfc(&v.message), "NFC");
        assert!(!v.message.is_ascii(), "{}", v.message);
    }
}
