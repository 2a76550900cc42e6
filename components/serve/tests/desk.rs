//! The teacher's desk over real HTTP on loopback, against a real server and a real site folder:
//! its protections (Host, Origin, token, paths, the preview port refusing the API) and what a
//! teacher does (create, save, conflict, versions, live preview of unsaved text).

mod common;
mod desk_common;

use common::*;
use desk_common::{enc, Desk};
use serde_json::{json, Value};
use std::path::Path;

#[test]
fn shell_page_has_the_token_and_strict_headers() {
    let site = fixture();
    let server = start(site.path());
    let desk = Desk::open(&server);
    let page = desk.send("GET", "/_bangtin/", &[], b"");
    let csp = page.header("Content-Security-Policy").expect("csp");
    let preview = format!("http://{}", server.addr());
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains(&format!("frame-src {preview}")), "{csp}");
    assert!(
        csp.contains(&format!("style-src 'self' 'unsafe-inline' {preview}")),
        "{csp}"
    );
    assert!(
        !csp.contains("script-src"),
        "scripts stay 'self' only: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(page.header("Referrer-Policy"), Some("no-referrer"));
    assert_eq!(page.header("Cache-Control"), Some("no-store"));
    assert!(page.text().contains(&preview));
    // Any other path of the desk's port leads to the desk.
    let r = desk.send("GET", "/tin-tuc/", &[], b"");
    assert_eq!((r.status, r.header("Location")), (302, Some("/_bangtin/")));
    server.stop();
}

#[test]
fn refuses_foreign_hosts_origins_and_missing_tokens() {
    let site = fixture();
    let server = start(site.path());
    let desk = Desk::open(&server);
    let port = desk.addr.port();
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        &format!("127.0.0.1:{}", port + 1),
    ] {
        let r = desk.send_as(host, "GET", "/_bangtin/api/posts", &[], b"");
        assert_eq!(r.status, 403, "{host}: {}", r.text());
        assert!(!r.text().contains(&desk.token));
        let r = desk.send_as(host, "GET", "/_bangtin/", &[], b"");
        assert_eq!(r.status, 403, "{host}");
        assert!(!r.text().contains(&desk.token), "the token leaks to {host}");
    }
    let body = json!({"section": "tin-tuc", "title": "Bài lạ"}).to_string();
    let own = format!("http://127.0.0.1:{port}");
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        ("no token", vec![("Origin", own.as_str())]),
        (
            "wrong token",
            vec![("Origin", own.as_str()), ("X-Bangtin-Token", "00ff")],
        ),
        (
            "foreign origin",
            vec![
                ("Origin", "http://evil.example"),
                ("X-Bangtin-Token", desk.token.as_str()),
            ],
        ),
        (
            "the preview's origin",
            vec![
                (
                    "Origin",
                    &*Box::leak(format!("http://{}", server.addr()).into_boxed_str()),
                ),
                ("X-Bangtin-Token", desk.token.as_str()),
            ],
        ),
    ];
    for (what, headers) in cases {
        let r = desk.send("POST", "/_bangtin/api/post", &headers, body.as_bytes());
        assert_eq!(r.status, 403, "{what}: {}", r.text());
        let v: Value = serde_json::from_slice(&r.body).expect("json error");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{what}");
    }
    assert!(!site.path().join("content/tin-tuc/bai-la").exists());
    // The same request with the token is accepted.
    let (status, _) = desk.json(
        "POST",
        "/_bangtin/api/post",
        &json!({"section": "tin-tuc", "title": "Bài lạ"}),
    );
    assert_eq!(status, 201);
    server.stop();
}

#[test]
fn refuses_paths_outside_content_and_static() {
    let site = fixture();
    let root = site.path();
    let outside = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(outside.path(), root.join("content/tron")).expect("symlink");
    let config_before = std::fs::read(root.join("config.toml")).expect("config");
    let server = start(root);
    let desk = Desk::open(&server);
    for bad in [
        "../config.toml",
        "content/../config.toml",
        "content/../../etc/passwd.md",
        "/etc/passwd.md",
        "C:\\Windows\\x.md",
        "C:/x.md",
        "content\\tin-tuc\\x.md",
        "config.toml",
        "themes/mini/templates/page.md",
        "content/tron/bai.md",
    ] {
        let save = json!({"path": bad, "front": {"title": "x"}, "body": "x", "version": "", "force": true});
        let (status, v) = desk.json("PUT", "/_bangtin/api/post", &save);
        assert_eq!(status, 400, "{bad}: {v}");
        assert!(
            v["error"].as_str().unwrap_or("").contains(bad),
            "{bad}: {v}"
        );
        let (status, _) = desk.json(
            "POST",
            "/_bangtin/api/autosave",
            &json!({"path": bad, "text": "x"}),
        );
        assert_eq!(status, 400, "{bad}");
        let (status, _) = desk.json(
            "GET",
            &format!("/_bangtin/api/post?path={}", enc(bad)),
            &Value::Null,
        );
        assert_eq!(status, 400, "{bad}");
        let r = desk.write(
            "DELETE",
            &format!("/_bangtin/api/post?path={}", enc(bad)),
            b"",
            &[],
        );
        assert_eq!(r.status, 400, "{bad}");
    }
    assert_eq!(
        std::fs::read(root.join("config.toml")).expect("config"),
        config_before
    );
    assert_eq!(
        std::fs::read_dir(outside.path()).expect("outside").count(),
        0
    );
    server.stop();
}

#[test]
fn preview_port_refuses_the_api() {
    let site = fixture();
    let server = start(site.path());
    let r = get(server.addr(), "/_bangtin/api/posts");
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(!r.text().contains("content/"));
    let r = request(server.addr(), "POST", "/_bangtin/api/post");
    assert_eq!(r.status, 405);
    server.stop();
}

#[test]
fn no_desk_when_asked() {
    let site = fixture();
    let mut o = serve::Options::new(site.path().to_path_buf(), i18n::Lang::Vi);
    o.port = 0;
    o.quiet = true;
    o.desk = false;
    let server = serve::Server::start(o).expect("starts");
    assert!(server.desk_url().is_none());
    server.stop();
}

fn read(desk: &Desk, rel: &str) -> Value {
    let (status, v) = desk.json(
        "GET",
        &format!("/_bangtin/api/post?path={}", enc(rel)),
        &Value::Null,
    );
    assert_eq!(status, 200, "{v}");
    v
}

#[test]
fn create_save_conflict_and_versions() {
    let site = fixture();
    let root = site.path();
    let server = start(root);
    let desk = Desk::open(&server);

    let (status, created) = desk.json(
        "POST",
        "/_bangtin/api/post",
        &json!({"section": "tin-tuc", "title": "Lễ chào cờ đầu năm"}),
    );
    assert_eq!(status, 201, "{created}");
    let rel = created["path"].as_str().expect("path").to_string();
    assert_eq!(rel, "content/tin-tuc/le-chao-co-dau-nam/index.md");
    let file = root.join(&rel);
    let text = std::fs::read_to_string(&file).expect("created");
    assert!(
        text.contains("title = \"Lễ chào cờ đầu năm\"") && text.contains("draft = true"),
        "{text}"
    );
    // The same title again: a new folder, the first one untouched.
    let (_, again) = desk.json(
        "POST",
        "/_bangtin/api/post",
        &json!({"section": "tin-tuc", "title": "Lễ chào cờ đầu năm"}),
    );
    assert_eq!(
        again["path"],
        "content/tin-tuc/le-chao-co-dau-nam-2/index.md"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), text);

    let (_, list) = desk.json("GET", "/_bangtin/api/posts", &Value::Null);
    let mine = list
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["path"] == rel.as_str())
        .expect("listed")
        .clone();
    assert_eq!(mine["state"], "draft");
    assert_eq!(mine["section"], "tin-tuc");
    assert_eq!(mine["url"], "/tin-tuc/le-chao-co-dau-nam/");
    // A post with its own slug is listed at its own address.
    write(
        root,
        "content/tin-tuc/bai-hai.md",
        "+++\ntitle = \"Bài hai\"\nslug = \"ten-rieng\"\ndate = 2024-02-01\n+++\nx\n",
    );
    let (_, list) = desk.json("GET", "/_bangtin/api/posts", &Value::Null);
    let two = list
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["path"] == "content/tin-tuc/bai-hai.md")
        .expect("listed")
        .clone();
    assert_eq!(two["url"], "/tin-tuc/ten-rieng/");
    let old = list
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["path"] == PAGE)
        .expect("old page")
        .clone();
    assert_eq!(old["state"], "published");

    // Save.
    let post = read(&desk, &rel);
    assert_eq!(post["front"]["title"], "Lễ chào cờ đầu năm");
    let v1 = post["version"].as_str().expect("version").to_string();
    let mut front = post["front"].clone();
    front["description"] = json!("Sáng thứ Hai, toàn trường chào cờ.");
    front["tags"] = json!(["chào cờ"]);
    let (status, saved) = desk.json(
        "PUT",
        "/_bangtin/api/post",
        &json!({"path": rel, "front": front, "body": "Buổi lễ bắt đầu lúc 7 giờ.\n", "version": v1}),
    );
    assert_eq!(status, 200, "{saved}");
    let v2 = saved["version"].as_str().expect("version").to_string();
    let on_disk = std::fs::read_to_string(&file).expect("saved");
    assert!(on_disk.contains("Buổi lễ bắt đầu lúc 7 giờ."), "{on_disk}");
    assert!(on_disk.contains("tags = [\"chào cờ\"]"), "{on_disk}");

    // Autosave never touches the post.
    let (status, _) = desk.json(
        "POST",
        "/_bangtin/api/autosave",
        &json!({"path": rel, "text": "bản nháp tự lưu"}),
    );
    assert_eq!(status, 200);
    assert_eq!(std::fs::read_to_string(&file).expect("same"), on_disk);
    assert_eq!(read(&desk, &rel)["autosave"]["text"], "bản nháp tự lưu");

    // Someone edits the file on disk; the desk still has v2.
    let theirs = on_disk.replace("7 giờ", "7 giờ 15");
    std::fs::write(&file, &theirs).expect("edit on disk");
    let mine = json!({"path": rel, "front": front, "body": "Bản của tôi.\n", "version": v2});
    let (status, conflict) = desk.json("PUT", "/_bangtin/api/post", &mine);
    assert_eq!(status, 409, "{conflict}");
    assert!(conflict["disk"]["body"]
        .as_str()
        .expect("disk body")
        .contains("7 giờ 15"));
    assert_eq!(std::fs::read_to_string(&file).expect("untouched"), theirs);
    // Forced: mine is saved, theirs is kept among the versions.
    let mut forced = mine.clone();
    forced["force"] = json!(true);
    let (status, _) = desk.json("PUT", "/_bangtin/api/post", &forced);
    assert_eq!(status, 200);
    assert!(std::fs::read_to_string(&file)
        .expect("mine")
        .contains("Bản của tôi."));

    let (_, versions) = desk.json(
        "GET",
        &format!("/_bangtin/api/versions?path={}", enc(&rel)),
        &Value::Null,
    );
    let versions = versions.as_array().expect("versions").clone();
    assert_eq!(versions.len(), 2, "{versions:?}");
    let newest = versions[0]["id"].as_str().expect("id");
    assert!(
        versions[0]["time"].as_str().expect("time") > versions[1]["time"].as_str().expect("time")
    );
    let (status, theirs_back) = desk.json(
        "GET",
        &format!("/_bangtin/api/version?path={}&id={newest}", enc(&rel)),
        &Value::Null,
    );
    assert_eq!(status, 200);
    assert!(theirs_back["body"]
        .as_str()
        .expect("body")
        .contains("7 giờ 15"));
    // Restoring is saving that text again.
    let now = read(&desk, &rel);
    let (status, _) = desk.json(
        "PUT",
        "/_bangtin/api/post",
        &json!({"path": rel, "front": theirs_back["front"], "body": theirs_back["body"], "version": now["version"]}),
    );
    assert_eq!(status, 200);
    assert!(std::fs::read_to_string(&file)
        .expect("restored")
        .contains("7 giờ 15"));
    assert!(
        !root.join("public").exists(),
        "the desk never builds into public/"
    );
    let kept = root.join(".bangtin/desk/versions").join(&rel);
    assert_eq!(std::fs::read_dir(kept).expect("versions folder").count(), 3);
    server.stop();
}

#[test]
fn preview_renders_unsaved_text_with_the_theme() {
    let site = fixture();
    let root = site.path();
    let server = start(root);
    let desk = Desk::open(&server);
    let origin = format!("http://{}", server.addr());

    // An existing page, with a title and text not saved yet.
    let post = read(&desk, PAGE);
    let mut front = post["front"].clone();
    front["title"] = json!("Tiêu đề chưa lưu");
    let r = desk.write(
        "POST",
        "/_bangtin/api/preview",
        json!({"path": PAGE, "front": front, "body": "Chữ **đang gõ** dở."})
            .to_string()
            .as_bytes(),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let html = r.text();
    assert!(
        html.contains("<h1 id=\"tieu-de\">Tiêu đề chưa lưu</h1>"),
        "{html}"
    );
    assert!(html.contains("Chữ <strong>đang gõ</strong> dở."), "{html}");
    assert!(
        html.contains(&format!("<head><base href=\"{origin}/tin-tuc/bai-mot/\">")),
        "{html}"
    );
    assert!(html.contains("css/site.css"), "the theme's head: {html}");
    assert!(
        !html.contains("__bangtin/live"),
        "no live reload in the desk's preview"
    );
    assert!(!std::fs::read_to_string(root.join(PAGE))
        .expect("page")
        .contains("đang gõ"));
    // The preview port still serves the saved page.
    let served = get(server.addr(), "/tin-tuc/bai-mot/").text();
    assert!(served.contains("Nội dung ban đầu.") && !served.contains("chưa lưu"));

    // A new draft (left out of the preview's build) previews too.
    let (_, created) = desk.json(
        "POST",
        "/_bangtin/api/post",
        &json!({"section": "tin-tuc", "title": "Bài nháp mới"}),
    );
    let rel = created["path"].as_str().expect("path");
    let post = read(&desk, rel);
    let r = desk.write(
        "POST",
        "/_bangtin/api/preview",
        json!({"path": rel, "front": post["front"], "body": "Nội dung nháp."})
            .to_string()
            .as_bytes(),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let html = r.text();
    assert!(
        html.contains("Bài nháp mới") && html.contains("Nội dung nháp."),
        "{html}"
    );
    assert!(
        html.contains(&format!("<base href=\"{origin}/tin-tuc/bai-nhap-moi/\">")),
        "{html}"
    );

    // Front matter that does not parse: the error names the place.
    let (status, v) = desk.json(
        "POST",
        "/_bangtin/api/preview",
        &json!({"path": rel, "front": {"title": "x", "date": "ngày mai"}, "body": "{{ khong_co() }}"}),
    );
    assert_eq!(status, 422, "{v}");
    assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
    assert!(
        Path::new(v["file"].as_str().unwrap_or("")).ends_with("index.md"),
        "{v}"
    );
    server.stop();
}
