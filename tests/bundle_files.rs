//! What else teachers drop beside a post, in a real site folder built by the real binary:
//! videos and documents over their size budget (a warning from build and check that names the
//! file, its size, the limit and what to do), every file published under a URL-safe name with
//! the page's links rewritten to it, and names that meet never overwriting each other.
//! Issue case: 6.

mod common;
use common::*;
use std::fs;
use unicode_normalization::UnicodeNormalization;

/// `n` bytes of a file that does not compress (like a real video or scanned PDF).
fn bytes(n: usize, seed: u8) -> Vec<u8> {
    testkit::noise(n, u64::from(seed))
}

#[test]
fn heavy_videos_and_documents_are_named_with_their_size_and_what_to_do() {
    let (dir, root, bundle) = site_with("[images]\nenabled = false");
    add_config(&root, "[check]\nmax_video_mb = 1\nmax_document_mb = 2");
    fs::write(bundle.join("Lễ khai giảng.MOV"), bytes(1_500_000, 1)).unwrap();
    fs::write(bundle.join("Biên bản họp.docx"), bytes(2_600_000, 2)).unwrap();
    // Under their budgets: no word about them.
    fs::write(bundle.join("nho.mp4"), bytes(900_000, 3)).unwrap();
    fs::write(bundle.join("ke-hoach.pdf"), bytes(1_900_000, 4)).unwrap();
    let (o, out) = build_into(dir.path(), &root, "vi");
    let err = stderr(&o);
    assert!(o.status.success(), "warnings only: {err}");
    let video = err
        .lines()
        .find(|l| l.contains("Lễ khai giảng.MOV"))
        .unwrap_or_else(|| panic!("the video is named: {err}"));
    assert!(video.contains("cảnh báo"), "{video}");
    assert!(video.contains("1,5 MB"), "its size: {video}");
    assert!(
        video.contains("1 MB") && video.contains("max_video_mb"),
        "{video}"
    );
    assert!(
        video.contains("YouTube") && video.contains("youtube(id="),
        "{video}"
    );
    let doc = err
        .lines()
        .find(|l| l.contains("Biên bản họp.docx"))
        .unwrap_or_else(|| panic!("the document is named: {err}"));
    assert!(
        doc.contains("2,6 MB") && doc.contains("max_document_mb"),
        "{doc}"
    );
    assert!(
        !err.contains("nho.mp4") && !err.contains("ke-hoach.pdf"),
        "{err}"
    );
    // Still published (a warning, not a refusal), under safe names.
    assert!(out.join("bien-dao/hoang-sa/le-khai-giang.mov").is_file());
    assert!(out.join("bien-dao/hoang-sa/bien-ban-hop.docx").is_file());

    // `bangtin check` says the same, in English here.
    let (ok, text) = check(&root, "en");
    assert!(ok, "{text}");
    let video = text
        .lines()
        .find(|l| l.contains("video `Lễ khai giảng.MOV`"))
        .unwrap_or_else(|| panic!("check names the video: {text}"));
    assert!(
        video.contains("1.5 MB") && video.contains("limit of 1 MB"),
        "{video}"
    );
    assert!(video.contains("Put the video on YouTube"), "{video}");
    assert!(text.contains("Biên bản họp.docx"), "{text}");
}

#[test]
fn bundle_files_are_published_under_url_safe_names_with_links_rewritten() {
    let (dir, root, bundle) = site_with("[images]\nenabled = false");
    // A Mac's decomposed name, an upper-case extension, a name with spaces.
    let nfd: String = "Kế hoạch tháng 9.pdf".nfd().collect();
    fs::write(bundle.join(&nfd), b"%PDF-1.4 ke hoach").unwrap();
    fs::write(bundle.join("Danh sách lớp.XLSX"), b"xlsx danh sach").unwrap();
    fs::write(
        bundle.join("Bản Đồ.SVG"),
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    )
    .unwrap();
    // Two names that meet: the one already safe keeps its name.
    fs::write(bundle.join("ghi-chu.txt"), b"ban goc").unwrap();
    fs::write(bundle.join("Ghi chú.TXT"), b"ban thu hai").unwrap();
    // The shortcode as the bundled theme has it, reduced to what is tested here.
    fs::write(
        root.join("templates/shortcodes/pdf.html"),
        "<a href=\"{{ src }}\" download>{{ title }}</a> (PDF, {{ size }})",
    )
    .unwrap();
    append(
        &bundle,
        "[Kế hoạch tháng 9](<Kế hoạch tháng 9.pdf>)\n\n\
         [Danh sách lớp](Danh%20s%C3%A1ch%20l%E1%BB%9Bp.XLSX)\n\n\
         ![Bản đồ lớn](<./Bản Đồ.SVG>)\n\n\
         [Ghi chú](<Ghi chú.TXT#muc-1>) và [bản gốc](ghi-chu.txt)\n\n\
         <p>Bảng: <a href=\"Danh sách lớp.XLSX\">danh sách</a></p>\n\n\
         {{ pdf(src=\"Kế hoạch tháng 9.pdf\", title=\"Kế hoạch số 31\") }}",
    );
    let (o, out) = build_into(dir.path(), &root, "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    let page = out.join("bien-dao/hoang-sa");
    let html = read(&page, "index.html");
    for (href, bytes) in [
        ("ke-hoach-thang-9.pdf", &b"%PDF-1.4 ke hoach"[..]),
        ("danh-sach-lop.xlsx", b"xlsx danh sach"),
        ("ghi-chu.txt", b"ban goc"),
        ("ghi-chu-1.txt", b"ban thu hai"),
    ] {
        assert_eq!(fs::read(page.join(href)).unwrap(), bytes, "{href}");
        assert!(html.contains(&format!("href=\"{href}")), "{href} in {html}");
    }
    assert!(html.contains("href=\"ghi-chu-1.txt#muc-1\""), "{html}");
    assert!(
        html.contains("<a href=\"danh-sach-lop.xlsx\">danh sách</a>"),
        "raw HTML too: {html}"
    );
    assert!(html.contains("src=\"ban-do-1.svg\""), "{html}");
    assert_eq!(
        fs::read(page.join("ban-do.svg")).unwrap(),
        fs::read(bundle.join("ban-do.svg")).unwrap(),
        "the file already named ban-do.svg is not overwritten"
    );
    // The pdf shortcode links the published name and shows the size.
    assert_eq!(
        html.matches("href=\"ke-hoach-thang-9.pdf\"").count(),
        2,
        "{html}"
    );
    assert!(html.contains("(PDF, 1 KB)"), "{html}");
    // Nothing is published under an unsafe name, and every local address leads to a file.
    for (name, _) in published(&page) {
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_./".contains(&b)),
            "unsafe published name {name}"
        );
    }
    for url in local_urls(&html, "bien-dao/hoang-sa/", &["src", "srcset", "href"]) {
        let path = if url.is_empty() || url.ends_with('/') {
            out.join(&url).join("index.html")
        } else {
            out.join(&url)
        };
        assert!(path.is_file(), "{url} leads to no published file");
    }
    // The same names every time.
    let again = dir.path().join("again");
    let args = ["--root", root.to_str().unwrap(), "build", "--output"];
    let o = bangtin(&[&args[..], &[again.to_str().unwrap()]].concat(), "vi");
    assert!(o.status.success());
    assert_eq!(
        published(&page),
        published(&again.join("bien-dao/hoang-sa")),
        "deterministic"
    );
}

#[test]
fn the_bundled_themes_shortcodes_link_documents_with_their_size() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("truong");
    let o = bangtin(&["init", root.to_str().unwrap()], "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    let bundle = root.join("content/ke-hoach/ke-hoach-thang-9");
    fs::create_dir_all(&bundle).unwrap();
    fs::write(bundle.join("Kế hoạch tháng 9.PDF"), bytes(250_000, 5)).unwrap();
    fs::write(bundle.join("Danh sách lớp 5A.xlsx"), bytes(12_000, 6)).unwrap();
    fs::write(
        bundle.join("index.md"),
        "+++\ntitle = \"Kế hoạch tháng 9\"\ndate = 2025-09-01\n+++\n\
         {{ pdf(src=\"Kế hoạch tháng 9.PDF\", title=\"Kế hoạch số 31/KH-THBA\") }}\n\n\
         {{ tep(src=\"Danh sách lớp 5A.xlsx\", title=\"Danh sách lớp 5A\") }}\n",
    )
    .unwrap();
    let (o, out) = build_into(dir.path(), &root, "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    let page = out.join("ke-hoach/ke-hoach-thang-9");
    let html = read(&page, "index.html");
    assert!(
        html.contains("href=\"ke-hoach-thang-9.pdf\""),
        "pdf links the published name: {html}"
    );
    assert!(html.contains("(PDF, 250 KB)"), "{html}");
    assert!(
        html.contains("href=\"danh-sach-lop-5a.xlsx\" download"),
        "{html}"
    );
    assert!(html.contains("Tải tệp: Danh sách lớp 5A"), "{html}");
    assert!(html.contains("(XLSX, 12 KB)"), "{html}");
    assert!(page.join("ke-hoach-thang-9.pdf").is_file());
    assert!(page.join("danh-sach-lop-5a.xlsx").is_file());
}
