//! Real HTTP requests, sent as raw bytes over TcpStream, to a real server over a real site.

mod common;

use common::*;
use i18n::Lang;
use serve::{Options, ServeError, Server};

#[test]
fn content_types_of_every_kind_of_file() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    for (target, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/tin-tuc/", "text/html; charset=utf-8"),
        ("/tin-tuc/bai-mot/", "text/html; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/css/site.css?h=0123456789", "text/css; charset=utf-8"),
        ("/js/app.js", "text/javascript; charset=utf-8"),
        ("/img/logo.svg", "image/svg+xml"),
        ("/img/anh.webp", "image/webp"),
        ("/img/anh.jpg", "image/jpeg"),
        ("/img/anh.png", "image/png"),
        ("/du-lieu.json", "application/json"),
        ("/ghi-chu.txt", "text/plain; charset=utf-8"),
        ("/sitemap.xml", "application/xml"),
        ("/atom.xml", "application/xml"),
        ("/__bangtin/live.js", "text/javascript; charset=utf-8"),
    ] {
        let r = get(a, target);
        assert_eq!(r.status, 200, "{target}: {}", r.text());
        assert_eq!(r.header("Content-Type"), Some(ty), "{target}");
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{target}");
        assert!(!r.body.is_empty(), "{target}");
    }
    let css = get(a, "/css/site.css");
    assert_eq!(css.text(), CSS);
    server.stop();
}

#[test]
fn pages_point_to_the_preview_and_carry_the_reload_script() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let list = get(a, "/tin-tuc/").text();
    assert!(
        list.contains(&format!("http://{a}/tin-tuc/bai-mot/")),
        "{list}"
    );
    assert!(!list.contains("truong.example.edu.vn"), "{list}");
    let page = get(a, "/tin-tuc/bai-mot/").text();
    assert!(page.contains("Nội dung ban đầu."));
    let script = "<script src=\"/__bangtin/live.js\"></script></body>";
    assert!(page.contains(script), "{page}");
    // Serving never writes the real output folder.
    assert!(!site.path().join("public").exists());
    server.stop();
}

#[test]
fn directory_urls_and_redirects() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let r = get(a, "/tin-tuc");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/tin-tuc/"));
    let r = get(a, "/tin-tuc/bai-mot?x=1");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/tin-tuc/bai-mot/?x=1"));
    let dir = get(a, "/tin-tuc/");
    let index = get(a, "/tin-tuc/index.html");
    assert_eq!(dir.status, 200);
    assert_eq!(dir.body, index.body);
    server.stop();
}

#[test]
fn unknown_paths_get_the_sites_404_page() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    for target in [
        "/khong-co/",
        "/khong-co",
        "/tin-tuc/khong-co.html",
        "/a/b/c.css",
    ] {
        let r = get(a, target);
        assert_eq!(r.status, 404, "{target}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
        assert!(r.text().contains("Không tìm thấy trang (404)"), "{target}");
        assert!(r.text().contains("/__bangtin/live.js"));
    }
    server.stop();
}

#[test]
fn head_gives_headers_without_a_body() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    for target in ["/", "/css/site.css", "/khong-co/"] {
        let g = get(a, target);
        let h = request(a, "HEAD", target);
        assert_eq!(h.status, g.status, "{target}");
        assert!(h.body.is_empty(), "{target}: {:?}", h.text());
        assert_eq!(h.header("Content-Type"), g.header("Content-Type"));
        assert_eq!(
            h.header("Content-Length"),
            Some(g.body.len().to_string().as_str()),
            "{target}"
        );
    }
    let post = request(a, "POST", "/");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD"));
    server.stop();
}

#[test]
fn vietnamese_file_names_percent_encoded() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let r = get(a, "/t%C3%A0i%20li%E1%BB%87u/k%E1%BA%BF%20ho%E1%BA%A1ch.pdf");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/pdf"));
    assert_eq!(r.body, b"%PDF-1.4 ke hoach\n");
    // Lower-case escapes, as some clients send them.
    let r = get(a, "/t%c3%a0i%20li%e1%bb%87u/k%e1%ba%bf%20ho%e1%ba%a1ch.pdf");
    assert_eq!(r.status, 200);
    server.stop();
}

#[test]
fn traversal_and_odd_targets_are_refused() {
    let outer = tempfile::tempdir().unwrap();
    let secret = "BI-MAT-KHONG-DUOC-LO";
    std::fs::write(outer.path().join("secret.txt"), secret).unwrap();
    let site_dir = outer.path().join("site");
    let site = fixture();
    copy_tree(site.path(), &site_dir);
    write(&site_dir, "notes-secret.txt", secret);
    let server = start(&site_dir);
    let a = server.addr();
    let abs = site_dir.join("config.toml");
    let abs = abs.to_string_lossy().replace('\\', "/");
    let targets: Vec<String> = [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fnotes-secret.txt",
        "/tin-tuc/../../secret.txt",
        "/tin-tuc/%2e%2e/%2e%2e/secret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "\\..\\secret.txt",
        "//secret.txt",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/etc/passwd",
        "/notes-secret.txt",
        "/config.toml",
        "/content/tin-tuc/bai-mot.md",
        "/themes/mini/templates/page.html",
        "/index.html%00.txt",
        "/%00",
        "/./index.html",
        "http://127.0.0.1/../secret.txt",
        "/C:/Windows/win.ini",
        "/%ff",
        "*",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([abs.clone(), format!("/{abs}")])
    .collect();
    for t in &targets {
        let req = format!("GET {t} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\n\r\n");
        let mut s = std::net::TcpStream::connect(a).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        std::io::Write::write_all(&mut s, req.as_bytes()).unwrap();
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut s, &mut buf);
        let text = String::from_utf8_lossy(&buf);
        let status: u16 = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        assert!(
            status == 400 || status == 404,
            "{t}: status {status}: {text}"
        );
        assert!(!text.contains(secret), "{t} leaked the secret");
        assert!(!text.contains("base_url"), "{t} leaked config.toml");
        assert!(!text.contains("+++"), "{t} leaked a source file");
    }
    // The refusals are explicit 400s for the targets that try to climb out.
    for t in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/%00",
    ] {
        assert_eq!(get(a, t).status, 400, "{t}");
    }
    server.stop();
}

#[test]
fn other_host_names_are_refused_on_loopback() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let port = a.port();
    for host in ["evil.example", "evil.example:1111", "192.168.1.10"] {
        let req = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        let r = raw(a, req.as_bytes());
        assert_eq!(r.status, 400, "{host}");
        assert!(!r.text().contains("Trang chủ"), "{host}");
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let req = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        assert_eq!(raw(a, req.as_bytes()).status, 200, "{host}");
    }
    server.stop();
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_is_not_served() {
    let outer = tempfile::tempdir().unwrap();
    let secret = "BI-MAT-QUA-LIEN-KET";
    std::fs::write(outer.path().join("secret.txt"), secret).unwrap();
    let site_dir = outer.path().join("site");
    let site = fixture();
    copy_tree(site.path(), &site_dir);
    std::fs::create_dir_all(site_dir.join("static")).unwrap();
    std::os::unix::fs::symlink(
        outer.path().join("secret.txt"),
        site_dir.join("static/lien-ket.txt"),
    )
    .unwrap();
    let mut o = Options::new(site_dir.clone(), Lang::Vi);
    o.port = 0;
    o.quiet = true;
    let server = Server::start(o).expect("starts even if the build refuses the link");
    let r = get(server.addr(), "/lien-ket.txt");
    assert!(!r.text().contains(secret), "served a file outside the site");
    server.stop();
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let site = fixture();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let mut o = Options::new(site.path().to_path_buf(), Lang::En);
    o.port = port;
    o.quiet = true;
    let server = Server::start(o).unwrap();
    assert_ne!(server.addr().port(), port);
    assert!(server.addr().ip().is_loopback());
    assert_eq!(get(server.addr(), "/").status, 200);
    assert_eq!(server.url(), format!("http://{}/", server.addr()));
    server.stop();
}

#[test]
fn a_folder_without_config_is_refused_with_advice() {
    let empty = tempfile::tempdir().unwrap();
    let mut o = Options::new(empty.path().to_path_buf(), Lang::Vi);
    o.port = 0;
    match Server::start(o) {
        Err(e @ ServeError::NotASite(_)) => {
            assert!(e.message(Lang::Vi).contains("bangtin init"));
            assert!(e.message(Lang::En).contains("config.toml"));
        }
        Err(e) => panic!("wrong error {e}"),
        Ok(_) => panic!("served a folder without config.toml"),
    }
}

#[test]
fn stop_closes_the_port_and_ends_event_streams() {
    let site = fixture();
    let server = start(site.path());
    let a = server.addr();
    let events = Events::open(a);
    events.expect("hello");
    server.stop();
    // The stream ends with its closing chunk instead of hanging.
    assert_eq!(events.expect("closed").name, "closed");
    // The listening thread notices the stop right after; give it a moment.
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(a).is_ok() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "still listening"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn the_school_site_serves() {
    let repo = repo_root();
    if !repo.join("themes/truong").is_dir() {
        panic!(
            "the repository's school site is missing at {}",
            repo.display()
        );
    }
    let dir = tempfile::tempdir().unwrap();
    for d in ["themes", "content", "data", "static"] {
        if repo.join(d).is_dir() {
            copy_tree(&repo.join(d), &dir.path().join(d));
        }
    }
    std::fs::copy(repo.join("config.toml"), dir.path().join("config.toml")).unwrap();
    let server = start(dir.path());
    assert!(server.errors().is_empty(), "{:?}", server.errors());
    let a = server.addr();
    let home = get(a, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Bình An"));
    assert!(home.text().contains("/__bangtin/live.js"));
    let en = get(a, "/en/");
    assert_eq!(en.status, 200);
    let missing = get(a, "/khong-co-trang-nay/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<html"));
    assert_eq!(get(a, "/sitemap.xml").status, 200);
    assert!(!dir.path().join("public").exists());
    server.stop();
}
