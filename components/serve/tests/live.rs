//! Live reload against a real watcher: files are edited on disk, the served site follows, and
//! the event stream says what the open tabs should do.

mod common;

use common::*;
use std::time::Duration;

#[test]
fn an_edit_on_disk_is_served_and_tabs_reload() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let events = Events::open(a);
    let hello = events.expect("hello");
    write(site.path(), PAGE, page_text("Nội dung đã sửa."));
    let reload = events.expect("reload");
    assert_ne!(reload.data, hello.data, "the version must change");
    let r = poll(a, "/tin-tuc/bai-mot/", |r| {
        r.text().contains("Nội dung đã sửa.")
    });
    assert_eq!(r.status, 200);
    // A tab that connects now is told the new version, so it does not reload again.
    let late = Events::open(a);
    assert_eq!(late.expect("hello").data, reload.data);
    server.stop();
}

#[test]
fn new_and_deleted_pages_follow() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    assert_eq!(get(a, "/tin-tuc/bai-hai/").status, 404);
    write(
        site.path(),
        "content/tin-tuc/bai-hai.md",
        "+++\ntitle = \"Bài hai\"\ndate = 2024-02-01\n+++\nBài mới.\n",
    );
    poll(a, "/tin-tuc/bai-hai/", |r| {
        r.status == 200 && r.text().contains("Bài mới.")
    });
    let list = get(a, "/tin-tuc/").text();
    assert!(list.contains("Bài hai"), "{list}");
    std::fs::remove_file(site.path().join("content/tin-tuc/bai-hai.md")).unwrap();
    poll(a, "/tin-tuc/bai-hai/", |r| r.status == 404);
    // A renamed folder: its pages move with it.
    std::fs::rename(
        site.path().join("content/tin-tuc"),
        site.path().join("content/thong-bao"),
    )
    .unwrap();
    poll(a, "/thong-bao/bai-mot/", |r| r.status == 200);
    assert_eq!(get(a, "/tin-tuc/bai-mot/").status, 404);
    server.stop();
}

#[test]
fn a_stylesheet_change_refreshes_styles_without_a_reload() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let events = Events::open(a);
    events.expect("hello");
    let new_css = "body { color: rgb(200, 0, 0); }\n";
    write(site.path(), "themes/mini/static/css/site.css", new_css);
    let ev = loop {
        let ev = events.next(PATIENCE).expect("an event");
        if ev.name != "hello" {
            break ev;
        }
    };
    assert_eq!(ev.name, "css", "{ev:?}");
    assert_eq!(get(a, "/css/site.css").text(), new_css);
    // A page change still reloads.
    write(site.path(), PAGE, page_text("Sau khi đổi màu."));
    events.expect("reload");
    server.stop();
}

#[test]
fn a_build_error_shows_the_overlay_keeps_the_last_good_site_and_clears_when_fixed() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let events = Events::open(a);
    events.expect("hello");
    // Front matter that is not TOML: a value is missing on line 2.
    write(
        site.path(),
        PAGE,
        "+++\ntitle = \ndate = 2024-01-16\n+++\n\n<b>Hỏng</b>\n",
    );
    let err = events.expect("build-error");
    let data: serde_json::Value = serde_json::from_str(&err.data).unwrap();
    assert_eq!(data["title"], "Không dựng được trang");
    let first = &data["errors"][0];
    assert_eq!(first["file"], PAGE, "{data}");
    assert!(first["line"].as_u64().unwrap_or(0) >= 1, "{data}");
    assert!(!first["message"].as_str().unwrap_or("").is_empty());
    assert!(!server.errors().is_empty());
    // The last good version is still served.
    let r = get(a, "/tin-tuc/bai-mot/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Nội dung ban đầu."));
    // A tab opened meanwhile learns about the error at once.
    let late = Events::open(a);
    late.expect("hello");
    late.expect("build-error");
    // Fixing the file clears it: the page changed, so tabs reload (the overlay goes with it).
    write(site.path(), PAGE, page_text("Đã sửa lỗi."));
    events.expect("reload");
    poll(a, "/tin-tuc/bai-mot/", |r| r.text().contains("Đã sửa lỗi."));
    assert!(server.errors().is_empty());
    let fresh = Events::open(a);
    fresh.expect("hello");
    if let Some(e) = fresh.next(Duration::from_millis(300)) {
        assert_ne!(e.name, "build-error", "error still announced after the fix");
    }
    server.stop();
}

#[test]
fn reverting_a_broken_file_to_the_last_good_text_clears_the_overlay() {
    let site = fixture();
    let server = start(site.path());
    let events = Events::open(server.addr());
    events.expect("hello");
    let good = std::fs::read_to_string(site.path().join(PAGE)).unwrap();
    write(site.path(), PAGE, "+++\ntitle = [\n+++\n");
    events.expect("build-error");
    write(site.path(), PAGE, &good);
    // Nothing to reload: the output is the same as before the error.
    events.expect("build-ok");
    server.stop();
}

#[test]
fn a_site_that_starts_broken_shows_the_errors_then_the_site() {
    let site = fixture();
    write(
        site.path(),
        PAGE,
        "+++\ntitle = \"<script>alert(1)</script>\"\ndate = \"không phải ngày\"\n+++\n",
    );
    let server = start(site.path());
    let a = server.addr();
    assert!(!server.errors().is_empty());
    let r = get(a, "/tin-tuc/bai-mot/");
    assert_eq!(r.status, 503);
    let page = r.text();
    assert!(page.contains("Không dựng được trang"), "{page}");
    assert!(page.contains(PAGE), "{page}");
    assert!(!page.contains("<script>alert"), "unescaped: {page}");
    assert!(page.contains("/__bangtin/live.js"));
    write(site.path(), PAGE, page_text("Đã chạy được."));
    poll(a, "/tin-tuc/bai-mot/", |r| {
        r.status == 200 && r.text().contains("Đã chạy được.")
    });
    server.stop();
}

#[test]
fn editor_swap_files_do_not_rebuild() {
    let site = fixture();
    let server = start(site.path());
    let events = Events::open(server.addr());
    events.expect("hello");
    for junk in [
        "content/tin-tuc/.bai-mot.md.swp",
        "content/tin-tuc/bai-mot.md~",
        "content/tin-tuc/.#bai-mot.md",
        "content/tin-tuc/4913",
        "content/tin-tuc/bai-mot.md.tmp",
    ] {
        write(site.path(), junk, "rác");
    }
    // Files outside the watched folders do not count either.
    write(site.path(), "ghi-chu-rieng.txt", "x");
    write(site.path(), "public/index.html", "x");
    if let Some(e) = events.next(Duration::from_millis(1500)) {
        panic!("unexpected event {e:?}");
    }
    // A real edit right after is still seen.
    write(site.path(), PAGE, page_text("Thật."));
    events.expect("reload");
    server.stop();
}

#[test]
fn a_burst_of_writes_is_one_rebuild() {
    let site = fixture();
    let server = start(site.path());
    let events = Events::open(server.addr());
    events.expect("hello");
    for i in 0..10 {
        write(site.path(), PAGE, page_text(&format!("Lần {i}.")));
    }
    events.expect("reload");
    poll(server.addr(), "/tin-tuc/bai-mot/", |r| {
        r.text().contains("Lần 9.")
    });
    // A write delayed past the quiet window by a busy machine may start one more rebuild or
    // two, never one per write.
    let mut more = 0;
    while let Some(e) = events.next(Duration::from_millis(700)) {
        if e.name == "reload" {
            more += 1;
        }
    }
    assert!(more <= 2, "{more} extra reloads for 10 writes");
    server.stop();
}

#[test]
fn folders_created_after_start_are_watched() {
    let site = fixture();
    assert!(!site.path().join("static").exists());
    let server = start(site.path());
    let a = server.addr();
    write(site.path(), "static/moi/tep.txt", "mới thêm");
    poll(a, "/moi/tep.txt", |r| r.status == 200);
    write(site.path(), "static/moi/tep.txt", "sửa lại");
    poll(a, "/moi/tep.txt", |r| r.text() == "sửa lại");
    server.stop();
}

#[test]
fn config_and_template_changes_rebuild() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let tpl = site.path().join("themes/mini/templates/page.html");
    let text = std::fs::read_to_string(&tpl).unwrap();
    std::fs::write(
        &tpl,
        text.replace("<h1 id=\"tieu-de\">", "<h1 id=\"tieu-de\" class=\"moi\">"),
    )
    .unwrap();
    poll(a, "/tin-tuc/bai-mot/", |r| {
        r.text().contains("class=\"moi\"")
    });
    let cfg = site.path().join("config.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace("theme = \"mini\"", "theme = \"khong-co\""),
    )
    .unwrap();
    let start = std::time::Instant::now();
    while server.errors().is_empty() {
        assert!(start.elapsed() < PATIENCE, "config change not seen");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.errors()[0]
        .render(i18n::Lang::Vi)
        .contains("khong-co"));
    server.stop();
}

#[test]
fn the_search_index_follows_an_edit_once_writing_pauses() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let meta = |r: &Resp| serde_json::from_str::<serde_json::Value>(&r.text()).ok();
    let before = meta(&get(a, "/search/vi/meta.json")).expect("search index served");
    write(
        site.path(),
        PAGE,
        page_text("Hải đăng Song Tử Tây sáng đêm nay."),
    );
    poll(a, "/tin-tuc/bai-mot/", |r| r.text().contains("Song Tử Tây"));
    let after = meta(&poll(a, "/search/vi/meta.json", |r| {
        meta(r).is_some_and(|m| m["h"] != before["h"])
    }))
    .unwrap();
    // The new document shard is served and holds the new text; the old one is gone.
    let shard = |m: &serde_json::Value| {
        format!(
            "/search/vi/d-0-{}.json",
            m["dh"][0].as_str().unwrap_or_default()
        )
    };
    let doc = get(a, &shard(&after));
    assert_eq!(doc.status, 200);
    assert!(doc.text().contains("Song Tử Tây"), "{}", doc.text());
    assert_eq!(get(a, &shard(&before)).status, 404);
    server.stop();
}

/// `serve --poll`: the folders are scanned instead of watched (network and USB drives, Wine).
#[test]
fn polling_follows_edits_new_pages_and_new_folders() {
    let site = fixture();
    // A scan compares modification times to the second: the fixture was written this second.
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    let page = std::fs::File::options()
        .write(true)
        .open(site.path().join(PAGE))
        .expect("open page");
    page.set_modified(old).expect("set mtime");
    let mut o = serve::Options::new(site.path().to_path_buf(), i18n::Lang::Vi);
    o.port = 0;
    o.quiet = true;
    o.poll = Some(Duration::from_millis(200));
    let server = serve::Server::start(o).expect("server starts");
    let a = server.addr();
    let events = Events::open(a);
    let hello = events.expect("hello");
    // Scans alone change nothing.
    assert!(events.next(Duration::from_millis(800)).is_none());
    write(site.path(), PAGE, page_text("Sửa khi quét thư mục."));
    let reload = events.expect("reload");
    assert_ne!(reload.data, hello.data, "the version must change");
    poll(a, "/tin-tuc/bai-mot/", |r| {
        r.text().contains("Sửa khi quét thư mục.")
    });
    write(
        site.path(),
        "content/tin-tuc/bai-hai.md",
        page_text("Bài mới."),
    );
    poll(a, "/tin-tuc/bai-hai/", |r| r.text().contains("Bài mới."));
    write(site.path(), "static/moi/tep.txt", "mới thêm");
    poll(a, "/moi/tep.txt", |r| r.status == 200);
    server.stop();
}
