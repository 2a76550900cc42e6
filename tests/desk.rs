//! The teacher's desk end to end: the real `bangtin serve` on a copy of the school's site, driven
//! in headless Chromium by tests/browser/desk.mjs (write a post with photos, one HEIC; the file
//! changed on disk meanwhile; versions; trash; publish to the FTP server on loopback; axe-core,
//! a 360 px phone and the keyboard alone). Then this side checks what is on disk: the .md, the
//! processed photos in the post's folder, the kept versions, and the live page on the server.
//!
//! Needs node, Chromium, tests/browser/node_modules (.ci/browser-setup.sh), heif-enc
//! (libheif-examples) and the FTP test server (.ci/deploy-servers.sh). Without them the test
//! skips loudly, and fails when CI=true.

mod common;

use common::copy_dir;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use testkit::{env_or, ftp_server_or_why as ftp_server};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Skips loudly, or fails in CI, when `why` is Some.
fn skip(why: Option<String>) -> bool {
    let Some(why) = why else { return false };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the desk test cannot run in CI: {why}"
    );
    eprintln!("\n!!!!!!!! SKIPPED tests/desk.rs: {why} !!!!!!!!\n");
    true
}

/// What the browser test needs and is not here.
fn missing_tools() -> Option<String> {
    let chromium = env_or("CHROMIUM_PATH", "/usr/bin/chromium");
    let mut missing = Vec::new();
    let runs = |cmd: &str, arg: &str| Command::new(cmd).arg(arg).output().is_ok();
    if !runs("node", "--version") {
        missing.push("node".to_string());
    }
    if !runs("heif-enc", "--version") {
        missing.push("heif-enc (apt-get install libheif-examples)".into());
    }
    if !Path::new(&chromium).exists() {
        missing.push(chromium);
    }
    for m in ["playwright-core", "axe-core"] {
        if !repo().join("tests/browser/node_modules").join(m).exists() {
            missing.push(format!(
                "tests/browser/node_modules/{m} (.ci/browser-setup.sh)"
            ));
        }
    }
    (!missing.is_empty()).then(|| format!("missing {}", missing.join(", ")))
}

/// A copy of the school's site, publishing to `target`.
fn school_site(to: &Path, target: &str) {
    for dir in ["content", "data", "static", "themes"] {
        copy_dir(&repo().join(dir), &to.join(dir));
    }
    let config = std::fs::read_to_string(repo().join("config.toml")).unwrap();
    assert!(!config.lines().any(|l| l.trim() == "[deploy]"));
    std::fs::write(
        to.join("config.toml"),
        format!("{config}\n[deploy]\ntarget = \"{target}\"\n"),
    )
    .unwrap();
}

/// A free loopback port (another process may take it before us; unlikely in a test).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `bangtin serve`, stopped when dropped.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the real binary and waits until the desk answers.
fn serve(root: &Path, port: u16, desk_port: u16) -> Serve {
    let child = Command::new(env!("CARGO_BIN_EXE_bangtin"))
        .args(["--root", root.to_str().unwrap(), "serve", "--port"])
        .arg(port.to_string())
        .arg("--desk-port")
        .arg(desk_port.to_string())
        .env("BANGTIN_LANG", "vi")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start bangtin serve");
    let server = Serve(child);
    let start = Instant::now();
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", desk_port)) {
            use std::io::Write;
            let req = format!("GET /_bangtin/ HTTP/1.0\r\nHost: 127.0.0.1:{desk_port}\r\n\r\n");
            let mut answer = String::new();
            if s.write_all(req.as_bytes()).is_ok() && s.read_to_string(&mut answer).is_ok() {
                assert!(
                    answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
                    "{answer}"
                );
                return server;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the desk did not answer on port {desk_port} within 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A JPEG and a HEIC (made by heif-enc) photo of 1600x1200 in `dir`.
fn photos(dir: &Path) -> (PathBuf, PathBuf) {
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        image::Rgb([(x / 7) as u8, (y / 5) as u8, ((x + y) / 11) as u8])
    });
    let jpg = dir.join("Ảnh sân trường 01.jpg");
    img.save(&jpg).unwrap();
    let heic = dir.join("IMG_2024 lớp 3A.HEIC");
    let o = Command::new("heif-enc")
        .args(["-q", "60", "-o"])
        .arg(&heic)
        .arg(&jpg)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (jpg, heic)
}

/// A Word file written by python-docx (a heading, a paragraph, a table), or None (skipped loudly,
/// failing in CI) without python-docx.
fn word_file(dir: &Path) -> Option<PathBuf> {
    let out = dir.join("Kế hoạch ngày hội đọc sách.docx");
    let script = "import sys\nfrom docx import Document\nd = Document()\n\
        d.add_heading('Kế hoạch Ngày hội đọc sách', 1)\n\
        d.add_paragraph('Các em mang sách tới trường vào sáng thứ Hai.')\n\
        t = d.add_table(rows=2, cols=2)\nt.cell(0, 0).text = 'Lớp'\nt.cell(0, 1).text = 'Số sách'\n\
        t.cell(1, 0).text = '3A'\nt.cell(1, 1).text = '42'\nd.save(sys.argv[1])\n";
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(&out)
        .output();
    match o {
        Ok(o) if o.status.success() => Some(out),
        other => {
            let why = other.map_or_else(
                |e| e.to_string(),
                |o| String::from_utf8_lossy(&o.stderr).into_owned(),
            );
            skip(Some(format!("no python-docx (apt-get install python3-docx), the Word import is not tested: {why}")));
            None
        }
    }
}

fn json_field<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v.get(name)
        .unwrap_or_else(|| panic!("the browser test's answer has no {name}: {v}"))
}

#[test]
fn a_teacher_writes_adds_photos_and_publishes_from_the_desk() {
    if skip(missing_tools()) {
        return;
    }
    let ftp = ftp_server();
    let ftp = match ftp {
        Ok(f) => Some(f),
        Err(why) => {
            skip(Some(format!("{why}; publishing is not tested")));
            None
        }
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let folder = format!("desk-{}", std::process::id());
    let user = env_or("BANGTIN_TEST_DEPLOY_USER", "bangtin-test");
    let addr = ftp
        .as_ref()
        .map_or("127.0.0.1:2121".into(), |f| f.0.clone());
    school_site(&root, &format!("ftp://{user}@{addr}/{folder}"));
    let (jpg, heic) = photos(tmp.path());
    let (port, desk_port) = (free_port(), free_port());
    let _server = serve(&root, port, desk_port);

    // The screenshots of the guide are replaced only when asked (they change on every run).
    let update = std::env::var("BANGTIN_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1");
    let shots = if update {
        repo().join("docs/screenshots")
    } else {
        tmp.path().join("screenshots")
    };
    let mut node = Command::new("node");
    node.arg(repo().join("tests/browser/desk.mjs"))
        .arg(format!("http://127.0.0.1:{desk_port}/_bangtin/"))
        .arg(&root)
        .arg(&shots)
        .current_dir(repo().join("tests/browser"))
        .env(
            "DESK_PHOTOS",
            format!("{},{}", jpg.display(), heic.display()),
        )
        .env("DESK_SECTION", "bien-dao");
    if let Some(docx) = word_file(tmp.path()) {
        node.env("DESK_DOCX", docx);
    }
    if ftp.is_some() {
        node.env(
            "DESK_PASSWORD",
            env_or("BANGTIN_TEST_DEPLOY_PASSWORD", "bangtin-test-pw"),
        );
    }
    let run = node.output().expect("run node");
    let stdout = String::from_utf8_lossy(&run.stdout);
    eprintln!("{}", String::from_utf8_lossy(&run.stderr));
    eprintln!("{stdout}");
    assert!(
        run.status.success(),
        "the desk's browser test failed (above)"
    );
    let answer: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or("{}")).expect("a JSON answer");

    // The post: a bundle in the section, its text with both photos and their descriptions.
    let path = json_field(&answer, "path").as_str().unwrap();
    assert!(
        path.starts_with("content/bien-dao/ngay-hoi-doc-sach-cua-lop-3a")
            && path.ends_with("/index.md"),
        "{path}"
    );
    let md = std::fs::read_to_string(root.join(path)).unwrap();
    assert!(md.contains("Ngày hội đọc sách của lớp 3A"), "{md}");
    assert!(
        md.contains("Dòng thêm từ máy khác."),
        "the restored version: {md}"
    );
    let bundle = root.join(path).parent().unwrap().to_path_buf();
    let names: Vec<String> = json_field(&answer, "photos")
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 2);
    for (name, alt) in names.iter().zip([
        "Các em lớp 3A đọc sách dưới sân trường",
        "Cô giáo trao sách cho thư viện lớp",
    ]) {
        assert!(
            name.is_ascii() && !name.contains(' '),
            "a URL-safe name: {name}"
        );
        assert!(md.contains(&format!("![{alt}]({name})")), "{name} in {md}");
        let bytes = std::fs::read(bundle.join(name)).unwrap();
        let img = image::load_from_memory(&bytes).expect("a photo the pipeline can read");
        assert!(img.width() > 0);
    }
    assert!(
        names[1].ends_with(".jpg")
            && std::fs::read(bundle.join(&names[1])).unwrap()[..3] == [0xFF, 0xD8, 0xFF],
        "the HEIC photo became a JPEG: {}",
        names[1]
    );
    // Every save kept the previous text; the keyboard-only post is in the trash.
    let versions = root.join(".bangtin/desk/versions").join(path);
    let kept = std::fs::read_dir(&versions).map_or(0, |d| d.count());
    assert!(kept >= 3, "versions kept in {}: {kept}", versions.display());
    let keyboard = json_field(&answer, "keyboard_post").as_str().unwrap();
    assert!(!root.join(keyboard).exists());
    assert!(
        std::fs::read_dir(root.join(".bangtin/desk/trash"))
            .unwrap()
            .count()
            >= 1
    );

    // The Word file: a new draft in the section, with the Word text.
    if let Some(imported) = answer.get("imported") {
        let path = imported["path"].as_str().unwrap();
        assert!(path.starts_with("content/bien-dao/"), "{path}");
        let md = std::fs::read_to_string(root.join(path)).unwrap();
        assert!(md.contains("Các em mang sách tới trường"), "{md}");
        assert!(md.contains("draft = true"), "{md}");
    }
    // The live page, on the FTP server.
    let ftp_tested = ftp.as_ref().map(|_| ());
    if let Some((_, home)) = ftp {
        let url = json_field(&answer, "live_url").as_str().unwrap();
        let page_path = url.splitn(4, '/').nth(3).unwrap_or("");
        let live = home.join(&folder).join(page_path).join("index.html");
        let html = std::fs::read_to_string(&live)
            .unwrap_or_else(|e| panic!("{} (from {url}): {e}", live.display()));
        assert!(html.contains("Ngày hội đọc sách của lớp 3A"));
        assert!(html.contains("Các em lớp 3A đọc sách dưới sân trường"));
        let _ = std::fs::remove_dir_all(home.join(&folder));
    }
    let fig = json_field(&answer, "figures");
    eprintln!("desk figures (shared machine): {fig}");
    for name in SHOTS {
        let png = std::fs::read(shots.join(name)).unwrap_or_default();
        let published_only = name == "desk-dang-xong.png" && ftp_tested.is_none();
        assert!(
            published_only || png.starts_with(b"\x89PNG"),
            "the screenshot {name} was taken"
        );
    }
    if update {
        guide_screenshots(&shots);
    }
}

/// The screenshots the guide shows.
const SHOTS: [&str; 4] = [
    "desk-danh-sach.png",
    "desk-soan-bai.png",
    "desk-dang-xong.png",
    "desk-dien-thoai.png",
];

/// The teachers' guide shows the screenshots just taken: copied into its page bundle (each
/// through a temporary file and a rename, as another test may be copying the content).
fn guide_screenshots(shots: &Path) {
    let guide = repo().join("content/huong-dan/ban-soan-bai");
    for name in SHOTS {
        let from = shots.join(name);
        if !from.exists() {
            // Publishing was not tested (no FTP server): keep the guide's screenshot.
            continue;
        }
        let tmp = guide.join(format!(".{name}.tmp"));
        std::fs::copy(&from, &tmp).unwrap();
        std::fs::rename(&tmp, guide.join(name)).unwrap();
    }
}
