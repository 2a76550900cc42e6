//! The desk's files over real HTTP against the real server: the trash, photos (a real iPhone
//! HEIC made by libheif's `heif-enc`, size and type limits) and a real Word file (made by
//! python-docx) imported as a draft.

mod common;
mod desk_common;

use common::*;
use desk_common::{enc, Desk};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use testkit::{jpeg, skip, with_gps};

fn repo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn delete_goes_to_the_trash_and_comes_back() {
    let site = fixture();
    let root = site.path();
    let server = start(root);
    let desk = Desk::open(&server);
    let (_, created) = desk.json(
        "POST",
        "/_bangtin/api/post",
        &json!({"section": "tin-tuc", "title": "Bài sẽ xóa"}),
    );
    let rel = created["path"].as_str().expect("path").to_string();
    std::fs::write(root.join("content/tin-tuc/bai-se-xoa/anh.txt"), "tệp kèm").expect("asset");

    let r = desk.write(
        "DELETE",
        &format!("/_bangtin/api/post?path={}", enc(&rel)),
        b"",
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        !root.join("content/tin-tuc/bai-se-xoa").exists(),
        "the whole bundle goes"
    );
    // A single-file post goes alone.
    let r = desk.write(
        "DELETE",
        &format!("/_bangtin/api/post?path={}", enc(PAGE)),
        b"",
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(!root.join(PAGE).exists() && root.join("content/tin-tuc/_index.md").exists());

    let (_, trash) = desk.json("GET", "/_bangtin/api/trash", &Value::Null);
    let trash = trash.as_array().expect("trash").clone();
    assert_eq!(trash.len(), 2, "{trash:?}");
    assert_eq!(trash[0]["path"], PAGE, "newest first");
    let mine = trash
        .iter()
        .find(|t| t["path"] == rel.as_str())
        .expect("in the trash");
    assert_eq!(mine["title"], "Bài sẽ xóa");

    let (status, back) = desk.json(
        "POST",
        "/_bangtin/api/trash/restore",
        &json!({"id": mine["id"]}),
    );
    assert_eq!(status, 200, "{back}");
    assert_eq!(back["path"], rel.as_str());
    assert_eq!(
        std::fs::read_to_string(root.join("content/tin-tuc/bai-se-xoa/anh.txt"))
            .expect("asset back"),
        "tệp kèm"
    );
    // The place of the other one is taken meanwhile: refused, nothing replaced.
    write(root, PAGE, "+++\ntitle = \"Bài mới cùng chỗ\"\n+++\n");
    let (status, v) = desk.json(
        "POST",
        "/_bangtin/api/trash/restore",
        &json!({"id": trash[0]["id"]}),
    );
    assert_eq!(status, 409, "{v}");
    assert!(std::fs::read_to_string(root.join(PAGE))
        .expect("kept")
        .contains("Bài mới cùng chỗ"));
    let (_, left) = desk.json("GET", "/_bangtin/api/trash", &Value::Null);
    assert_eq!(left.as_array().expect("left").len(), 1);
    server.stop();
}

/// A real HEIC made by `heif-enc`, or None (skipped loudly; a failure in CI).
fn heic(dir: &Path) -> Option<Vec<u8>> {
    let src = dir.join("src.jpg");
    std::fs::write(&src, with_gps(&jpeg(640, 480, 90))).expect("jpeg");
    let out = dir.join("IMG_0042.HEIC");
    match Command::new("heif-enc")
        .args(["-q", "60", "-o"])
        .arg(&out)
        .arg(&src)
        .output()
    {
        Ok(o) if o.status.success() => Some(std::fs::read(&out).expect("heic")),
        _ => {
            skip("heif-enc (apt-get install libheif-examples)");
            None
        }
    }
}

fn upload(desk: &Desk, post: &str, name: &str, bytes: &[u8]) -> (u16, Value) {
    let r = desk.write(
        "POST",
        &format!("/_bangtin/api/photo?path={}", enc(post)),
        bytes,
        &[
            ("X-File-Name", &enc(name)),
            ("Content-Type", "application/octet-stream"),
        ],
    );
    (
        r.status,
        serde_json::from_slice(&r.body).unwrap_or(Value::String(r.text())),
    )
}

#[test]
fn photos_are_converted_named_and_never_overwrite() {
    let site = fixture();
    let root = site.path();
    let server = start(root);
    let desk = Desk::open(&server);
    let tmp = tempfile::tempdir().expect("tmp");

    // A single-file post becomes a bundle for its first photo.
    let jpeg = with_gps(&jpeg(64, 48, 90));
    let (status, v) = upload(&desk, PAGE, "Ảnh lễ chào cờ 01.JPG", &jpeg);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "anh-le-chao-co-01.jpg");
    assert_eq!(v["markdown"], "![](anh-le-chao-co-01.jpg)");
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(64), Some(48))
    );
    let post = "content/tin-tuc/bai-mot/index.md";
    assert_eq!(v["path"], post);
    assert!(!root.join(PAGE).exists() && root.join(post).is_file());
    // The same name again: a new file, the first one untouched.
    let (_, v2) = upload(&desk, post, "Ảnh lễ chào cờ 01.JPG", &jpeg);
    assert_eq!(v2["name"], "anh-le-chao-co-01-2.jpg");
    assert_eq!(
        std::fs::read(root.join("content/tin-tuc/bai-mot/anh-le-chao-co-01.jpg")).expect("first"),
        jpeg
    );

    // A real iPhone photo: JPEG in the bundle, without the phone's EXIF.
    if let Some(h) = heic(tmp.path()) {
        assert!(h.windows(4).any(|w| w == b"Exif"), "the HEIC carries EXIF");
        let (status, v) = upload(&desk, post, "Ảnh lễ chào cờ 02.HEIC", &h);
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["name"], "anh-le-chao-co-02.jpg");
        assert_eq!(
            (v["width"].as_u64(), v["height"].as_u64()),
            (Some(640), Some(480))
        );
        assert!(!v["warnings"].as_array().expect("warnings").is_empty());
        let saved =
            std::fs::read(root.join("content/tin-tuc/bai-mot/anh-le-chao-co-02.jpg")).expect("jpg");
        assert!(saved.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        assert!(!saved.windows(6).any(|w| w == b"Exif\0\0"), "no EXIF left");
        assert!(!root
            .join("content/tin-tuc/bai-mot/anh-le-chao-co-02.HEIC")
            .exists());
    }

    // Not a photo, whatever its name says: 415, nothing written.
    let before = std::fs::read_dir(root.join("content/tin-tuc/bai-mot"))
        .expect("dir")
        .count();
    let (status, v) = upload(&desk, post, "anh.jpg", b"%PDF-1.4 not a photo");
    assert_eq!(status, 415, "{v}");
    assert!(v["error"].as_str().expect("error").contains("anh.jpg"));
    // Over 40 MB: 413 before anything is written.
    let big = vec![0u8; 40_000_001];
    let (status, v) = upload(&desk, post, "to.jpg", &big);
    assert_eq!(status, 413, "{v}");
    assert!(v["error"].as_str().expect("error").contains("40 MB"), "{v}");
    // Outside content/: 400.
    let (status, _) = upload(&desk, "content/../config.toml", "a.jpg", &jpeg);
    assert_eq!(status, 400);
    assert_eq!(
        std::fs::read_dir(root.join("content/tin-tuc/bai-mot"))
            .expect("dir")
            .count(),
        before
    );
    server.stop();
}

#[test]
fn word_files_become_drafts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fx = tmp.path().join("docx");
    let made = Command::new("python3")
        .arg(repo().join("components/import/tests/fixtures/make_docx.py"))
        .arg(repo().join("components/vi/tests/data/ke-hoach-31-KH-THBA-2024.txt"))
        .arg(&fx)
        .output();
    if !made.as_ref().is_ok_and(|o| o.status.success()) {
        return skip("python3 with python-docx (pip install python-docx)");
    }
    let site = fixture();
    let root = site.path();
    let server = start(root);
    let desk = Desk::open(&server);
    let docx = std::fs::read(fx.join("basic.docx")).expect("basic.docx");
    let r = desk.write(
        "POST",
        "/_bangtin/api/import?section=tin-tuc",
        &docx,
        &[("X-File-Name", &enc("Bài từ Word.docx"))],
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let v: Value = serde_json::from_slice(&r.body).expect("json");
    let rel = v["path"].as_str().expect("path");
    assert!(
        rel.starts_with("content/tin-tuc/") && rel.ends_with("/index.md"),
        "{v}"
    );
    let text = std::fs::read_to_string(root.join(rel)).expect("imported");
    assert!(text.contains("draft = true"), "{text}");
    assert!(
        v["report"]["paragraphs"].as_u64().expect("paragraphs") > 0,
        "{v}"
    );
    assert!(v["report"]["warnings"].is_array());
    // The desk opens it like any post.
    let (status, post) = desk.json(
        "GET",
        &format!("/_bangtin/api/post?path={}", enc(rel)),
        &Value::Null,
    );
    assert_eq!(status, 200);
    assert_eq!(post["front"]["draft"], true);

    // Not a Word file: 415.
    let r = desk.write(
        "POST",
        "/_bangtin/api/import?section=tin-tuc",
        b"{\\rtf1 old}",
        &[("X-File-Name", "cu.doc")],
    );
    assert_eq!(r.status, 415, "{}", r.text());
    let r = desk.write("POST", "/_bangtin/api/import?section=..", &docx, &[]);
    assert_eq!(r.status, 400, "{}", r.text());
    server.stop();
}

#[test]
fn a_drafts_photos_show_in_its_preview() {
    let site = fixture();
    let root = site.path();
    let server = start(root);
    let desk = Desk::open(&server);
    let (_, created) = desk.json(
        "POST",
        "/_bangtin/api/post",
        &json!({"section": "tin-tuc", "title": "Bài nháp có ảnh"}),
    );
    let rel = created["path"].as_str().expect("path").to_string();
    let (status, photo) = upload(
        &desk,
        &rel,
        "Sân trường.jpg",
        &with_gps(&jpeg(800, 600, 90)),
    );
    assert_eq!(status, 200, "{photo}");
    let body = format!(
        "Ảnh sân trường:\n\n![Sân trường sáng thứ Hai]({})\n",
        photo["name"].as_str().expect("name")
    );
    let (_, post) = desk.json(
        "GET",
        &format!("/_bangtin/api/post?path={}", enc(&rel)),
        &Value::Null,
    );
    let r = desk.write(
        "POST",
        "/_bangtin/api/preview",
        json!({"path": rel, "front": post["front"], "body": body})
            .to_string()
            .as_bytes(),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let html = r.text();
    assert!(html.contains("alt=\"Sân trường sáng thứ Hai\""), "{html}");
    // Every photo file the page names is served by the preview, though the draft is not built.
    let srcs: Vec<String> = html
        .split(['"', ' ', ','])
        .filter(|w| w.contains("san-truong") && (w.ends_with(".jpg") || w.ends_with(".webp")))
        .map(|w| {
            w.trim_start_matches(&format!("http://{}", server.addr()))
                .to_string()
        })
        .collect();
    assert!(!srcs.is_empty(), "{html}");
    for src in srcs {
        let path = if src.starts_with('/') {
            src.clone()
        } else {
            format!("/tin-tuc/bai-nhap-co-anh/{src}")
        };
        let got = get(server.addr(), &path);
        assert_eq!(got.status, 200, "{path}");
        assert!(
            got.header("Content-Type")
                .unwrap_or("")
                .starts_with("image/"),
            "{path}"
        );
    }
    server.stop();
}
