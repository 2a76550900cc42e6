//! The files teachers really have, in real site folders built by the real binary: names from
//! macOS and phones (NFD), missing photos, what the web server may read (file modes).
//! Notepad's UTF-16 files. Issue cases: 2 (NFD names), 3 (modes), 5 (missing photo), 7 (UTF-16).

mod common;
use common::*;
use std::fs;
use std::path::PathBuf;
use unicode_normalization::UnicodeNormalization;

/// A small JPEG photo (600x400).
fn photo() -> Vec<u8> {
    jpeg(600, 400, 85)
}

/// The basic fixture with images on; returns (temp dir, site root, page bundle folder).
fn site_with_images() -> (tempfile::TempDir, PathBuf, PathBuf) {
    site_with("[images]\nwidths = [480]")
}

#[test]
fn nfd_photo_names_match_the_nfc_text_and_publish_under_safe_names() {
    let (dir, root, bundle) = site_with_images();
    let nfd: String = "Ảnh lễ chào cờ 01.JPG".nfd().collect();
    assert_ne!(
        nfd, "Ảnh lễ chào cờ 01.JPG",
        "the file name on disk is decomposed"
    );
    fs::write(bundle.join(&nfd), photo()).unwrap();
    append(
        &bundle,
        "![Chào cờ](<Ảnh lễ chào cờ 01.JPG>)\n\n![Chào cờ lần hai](Ảnh%20lễ%20chào%20cờ%2001.JPG)",
    );
    let (o, out) = build_into(dir.path(), &root, "vi");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("không tìm thấy"), "{err}");
    let html = read(&out, "bien-dao/hoang-sa/index.html");
    assert_eq!(html.matches("<picture>").count(), 2, "{html}");
    let urls = local_urls(&html, "bien-dao/hoang-sa/", &["src", "srcset"]);
    assert!(
        urls.iter().any(|u| u.contains("anh-le-chao-co-01.")),
        "{urls:?}"
    );
    for url in &urls {
        assert!(url.is_ascii(), "published under a URL-safe name: {url}");
        assert!(out.join(url).is_file(), "{url} is published");
    }
}

#[test]
fn published_files_are_readable_by_the_web_server() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, root, bundle) = site_with_images();
    fs::write(bundle.join("chao-co.jpg"), photo()).unwrap();
    append(&bundle, "![Chào cờ](chao-co.jpg)");
    let (o, out) = build_into(dir.path(), &root, "en");
    assert!(o.status.success(), "{}", stderr(&o));
    // The images came out of the cache, which a temporary-file crate makes private (0600).
    let mut seen_webp = false;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        let want = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        assert_eq!(mode, want, "{} has mode {mode:o}", entry.path().display());
        seen_webp |= entry.path().extension().is_some_and(|e| e == "webp");
    }
    assert!(seen_webp, "processed images were published");
}

#[test]
fn a_missing_photo_is_a_located_error_with_a_suggestion() {
    for images_on in [true, false] {
        let (dir, root, bundle) = site_with_images();
        if !images_on {
            let config = fs::read_to_string(root.join("config.toml")).unwrap();
            let off = config.replace("[images]\nwidths = [480]", "[images]\nenabled = false");
            fs::write(root.join("config.toml"), off).unwrap();
        }
        fs::write(bundle.join("anh-chao-co.jpg"), photo()).unwrap();
        append(&bundle, "Lễ chào cờ:\n\n![Chào cờ](anh-chao-coo.jpg)");
        let (o, _) = build_into(dir.path(), &root, "vi");
        let err = stderr(&o);
        assert!(
            !o.status.success(),
            "a missing photo fails the build: {err}"
        );
        let line = fs::read_to_string(bundle.join("index.md"))
            .unwrap()
            .lines()
            .position(|l| l.contains("anh-chao-coo.jpg"))
            .unwrap()
            + 1;
        assert!(
            err.contains(&format!("content/bien-dao/hoang-sa/index.md:{line}:1:")),
            "file, line and column: {err}"
        );
        assert!(err.contains("anh-chao-coo.jpg"), "{err}");
        assert!(err.contains("có phải `anh-chao-co.jpg`?"), "{err}");

        // `bangtin check` reports it as an error too.
        let (ok, text) = check(&root, "en");
        assert!(!ok, "{text}");
        assert!(text.contains("did you mean `anh-chao-co.jpg`?"), "{text}");
    }
}

/// `text` as Notepad saves it: CRLF line ends, in UTF-16 with its byte-order mark.
fn notepad_utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in crlf.encode_utf16() {
        let pair = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

#[test]
fn windows_text_files_utf16_bom_and_crlf_are_read() {
    let (dir, root) = site_copy("basic");
    let page = |title: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = 2024-03-08\n+++\nHọc sinh lớp 4A trồng cây.\n")
    };
    let news = root.join("content/tin-tuc");
    fs::write(
        news.join("unicode.md"),
        notepad_utf16(&page("Trồng cây"), false),
    )
    .unwrap();
    fs::write(
        news.join("unicode-be.md"),
        notepad_utf16(&page("Tết trồng cây"), true),
    )
    .unwrap();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(page("Ngày hội đọc sách").replace('\n', "\r\n").as_bytes());
    fs::write(news.join("utf8-bom.md"), bom).unwrap();
    let (o, out) = build_into(dir.path(), &root, "vi");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("content/tin-tuc/unicode.md:1:1: cảnh báo: tệp được lưu ở dạng UTF-16"),
        "{err}"
    );
    assert!(err.contains("content/tin-tuc/unicode-be.md"), "{err}");
    assert!(
        !err.contains("utf8-bom.md"),
        "UTF-8 with BOM needs no warning: {err}"
    );
    for (slug, title) in [
        ("unicode", "Trồng cây"),
        ("unicode-be", "Tết trồng cây"),
        ("utf8-bom", "Ngày hội đọc sách"),
    ] {
        let html = read(&out, &format!("tin-tuc/{slug}/index.html"));
        assert!(html.contains(title), "{slug}");
        assert!(html.contains("Học sinh lớp 4A trồng cây."), "{slug}");
    }
}
