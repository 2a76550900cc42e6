//! The Windows build under Wine, as a teacher's computer would run it: the school's site built
//! byte for byte as on Linux, `check`, the preview with live reload (`serve --poll`), `deploy` to the FTP test
//! server, all in a folder with Vietnamese characters and spaces; and the double-click start.
//!
//! Needs `bash .ci/windows.sh` first (bangtin.exe and the Wine prefix); skipped loudly without
//! them, failed when CI=true. Each test compares with, or works like, the Linux binary.

mod common;
mod wine;

use common::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;
use wine::*;

/// A folder name as a Vietnamese teacher would give it: accents and spaces.
const SCHOOL_DIR: &str = "Trường Bình An";

/// A copy of the repository's own school site in `<tmp>/<name>/Trường Bình An`.
fn school_site(tmp: &Path, name: &str) -> PathBuf {
    let root = tmp.join(name).join(SCHOOL_DIR);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["content", "data", "static", "themes"] {
        copy_dir(&repo.join(dir), &root.join(dir));
    }
    fs::copy(repo.join("config.toml"), root.join("config.toml")).expect("copy config.toml");
    root
}

fn text(o: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn builds_the_school_site_exactly_as_linux_does() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let linux = school_site(tmp.path(), "linux");
    let windows = school_site(tmp.path(), "windows");
    // The same day for both, so scheduled pages cannot differ across midnight.
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bangtin"))
        .args(["--root", linux.to_str().expect("utf-8"), "build"])
        .env("BANGTIN_TODAY", &today)
        .output()
        .expect("linux build");
    assert!(o.status.success(), "{}", text(&o));
    let o = wine
        .command(&["--root", &win(&windows), "build"], "vi")
        .env("BANGTIN_TODAY", &today)
        .output()
        .expect("wine build");
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stderr);
    assert!(out.contains("Xong:"), "{out}");
    // The build's own record holds a hash of the binary, so it differs by design.
    let a = tree(&linux.join("public"), &[".bangtin-build"]);
    let b = tree(&windows.join("public"), &[".bangtin-build"]);
    assert!(a.len() > 50, "only {} files built", a.len());
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the Windows build wrote other files");
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{name} differs:\nLinux:   {}\nWindows: {}",
            String::from_utf8_lossy(&x[..x.len().min(400)]),
            String::from_utf8_lossy(&y[..y.len().min(400)])
        );
    }
    // A second build with nothing changed renders nothing and touches no file.
    let times = |dir: &Path| -> Vec<(PathBuf, std::time::SystemTime)> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.expect("walk"))
            .map(|e| {
                (
                    e.path().to_path_buf(),
                    e.metadata().expect("stat").modified().expect("mtime"),
                )
            })
            .collect()
    };
    let before = times(&windows.join("public"));
    let o = wine
        .command(&["--root", &win(&windows), "build"], "vi")
        .env("BANGTIN_TODAY", &today)
        .output()
        .expect("second wine build");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("Không có gì thay đổi"),
        "{}",
        text(&o)
    );
    assert!(
        times(&windows.join("public")) == before,
        "the second build touched files"
    );
}

#[test]
fn check_finds_the_same_problems_in_crlf_files() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut reports = Vec::new();
    for name in ["linux", "windows"] {
        let root = tmp.path().join(name).join(SCHOOL_DIR);
        copy_dir(&fixture("basic"), &root);
        // Written with Notepad: CRLF line ends, and a link to a page that does not exist.
        let page = root.join("content/tin-tuc/em.md");
        let body = fs::read_to_string(&page).expect("read") + "\n[Lịch](/khong-co-trang-nay/)\n";
        fs::write(&page, body.replace("\r\n", "\n").replace('\n', "\r\n")).expect("write");
        let args = ["--root", "", "check", "--format", "json"];
        let o = if name == "linux" {
            let mut args = args;
            args[1] = root.to_str().expect("utf-8");
            bangtin(&args, "en")
        } else {
            let w = win(&root);
            let mut args = args;
            args[1] = &w;
            wine.command(&args, "en").output().expect("wine check")
        };
        assert!(!o.status.success(), "{}", text(&o));
        let report: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
        reports.push(report);
    }
    let broken: Vec<_> = reports[1]
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["kind"] == "broken_link")
        .collect();
    assert_eq!(broken.len(), 1, "{:#}", reports[1]);
    assert_eq!(broken[0]["line"], 7);
    assert_eq!(reports[0], reports[1], "Linux and Windows disagree");
    // The text report in Vietnamese names the file and line with no stray carriage return.
    let root = tmp.path().join("windows").join(SCHOOL_DIR);
    let o = wine
        .command(&["--root", &win(&root), "check"], "vi")
        .output()
        .expect("wine check");
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.contains("khong-co-trang-nay"))
        .unwrap_or_else(|| panic!("{}", text(&o)));
    assert!(!line.contains('\r'), "{line:?}");
    assert!(out.contains("lỗi"), "{out}");
}

#[test]
fn the_preview_answers_on_loopback_and_follows_an_edit() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("xem trước").join(SCHOOL_DIR);
    copy_dir(&fixture("basic"), &root);
    let page = root.join("content/bien-dao/truong-sa.md");
    // `--poll` compares modification times to the second, and the copy was made this second.
    fs::File::options()
        .write(true)
        .open(&page)
        .and_then(|f| f.set_modified(std::time::SystemTime::now() - Duration::from_secs(60)))
        .expect("age the page");
    // Under Wine 8.0 the system's change events never report files written from Linux, so the
    // preview scans the folders instead, as on a network drive (README, Windows).
    let mut serve = Running::start(
        wine.command(
            &[
                "--root",
                &win(&root),
                "serve",
                "--port",
                "0",
                "--poll",
                "300ms",
            ],
            "vi",
        ),
        None,
    );
    let addr = serve.wait_for_url();
    let home = poll(addr, "/", |r| r.status == 200);
    assert!(
        home.text().contains("/__bangtin/live.js"),
        "{}",
        home.text()
    );
    assert_eq!(get(addr, "/khong-co/").expect("404 page").status, 404);
    let events = events(addr);
    let next = |name: &str| loop {
        match events.recv_timeout(PATIENCE) {
            Ok((n, data)) if n == name => return data,
            Ok(_) => continue,
            Err(_) => panic!("no {name} event; output:\n{}", serve.seen.join("\n")),
        }
    };
    let hello = next("hello");
    // Saved as Notepad saves it: CRLF line endings.
    let mut text = fs::read_to_string(&page)
        .expect("read page")
        .replace('\n', "\r\n");
    text.push_str("\r\nĐã sửa dưới Wine, thầy cô lưu bằng Notepad.\r\n");
    fs::write(&page, text).expect("edit page");
    let reload = next("reload");
    assert_ne!(reload, hello, "the version must change");
    poll(addr, "/bien-dao/truong-sa/", |r| {
        r.text().contains("Đã sửa dưới Wine")
    });
    drop(serve);
}

#[test]
fn deploys_to_the_ftp_server() {
    let Some(wine) = wine() else { return };
    let addr = std::env::var("BANGTIN_TEST_FTP").unwrap_or_else(|_| "127.0.0.1:2121".into());
    let home = PathBuf::from(
        std::env::var("BANGTIN_TEST_DEPLOY_HOME").unwrap_or_else(|_| "/srv/bangtin-test".into()),
    );
    let up = addr
        .parse()
        .ok()
        .and_then(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(2)).ok())
        .is_some();
    if !up || !home.is_dir() {
        let msg = format!("the FTP test server {addr} is not running; start it with `sudo bash .ci/deploy-servers.sh`");
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("{msg}");
        }
        eprintln!("\n*** SKIPPED: {msg} ***\n");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join(SCHOOL_DIR);
    copy_dir(&fixture("basic"), &root);
    let folder = format!("windows-{}", std::process::id());
    let user = std::env::var("BANGTIN_TEST_DEPLOY_USER").unwrap_or_else(|_| "bangtin-test".into());
    let password =
        std::env::var("BANGTIN_TEST_DEPLOY_PASSWORD").unwrap_or_else(|_| "bangtin-test-pw".into());
    let target = format!("ftp://{user}@{addr}/{folder}");
    let deploy = || {
        wine.command(
            &["--root", &win(&root), "deploy", "--target", &target],
            "en",
        )
        .env("BANGTIN_DEPLOY_PASSWORD", &password)
        .output()
        .expect("wine deploy")
    };
    let o = deploy();
    assert!(o.status.success(), "{}", text(&o));
    let served = home.join(&folder);
    for page in ["index.html", "bien-dao/truong-sa/index.html", "sitemap.xml"] {
        let built = fs::read(root.join("public").join(page)).expect("built page");
        let uploaded = fs::read(served.join(page)).unwrap_or_default();
        assert!(
            built == uploaded,
            "{page} on the server differs from the built one"
        );
    }
    let o = deploy();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("already up to date"), "{}", text(&o));
    let _ = fs::remove_dir_all(&served);
}

/// What a teacher sees after a double-click on bangtin.exe, in a fresh Windows account with a
/// Vietnamese name: asked for the school's name, the site made in Documents, the preview open
/// in the browser; the second double-click goes straight to the same site.
#[test]
fn a_double_click_makes_a_site_in_documents_then_reopens_it() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    // A fresh Windows profile: Wine names it after USER and links its folders under HOME.
    let user = "Cô Lan";
    let profile = wine.prefix.join("drive_c/users").join(user);
    let _ = fs::remove_dir_all(&profile);
    // Wine makes a profile's folders when its wineserver starts, and a wineserver left running
    // by an earlier run (Wine's services can keep it alive) does not make them again.
    for d in ["Documents", "AppData/Roaming"] {
        fs::create_dir_all(profile.join(d)).expect("profile folder");
    }
    let home = tmp.path().join("home");
    fs::create_dir_all(&home).expect("home");
    // The exe in a folder of its own, as unpacked from the zip ("Tải về" = Downloads).
    let folder = tmp.path().join("Tải về").join("bangtin-windows");
    fs::create_dir_all(&folder).expect("folder");
    let exe = folder.join("bangtin.exe");
    fs::copy(&wine.exe, &exe).expect("copy exe");
    // Wine opens web addresses with xdg-open: this one writes down what it was asked to open.
    let bin = tmp.path().join("bin");
    let opened = tmp.path().join("opened.txt");
    fs::create_dir_all(&bin).expect("bin");
    let script = bin.join("xdg-open");
    fs::write(
        &script,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", opened.display()),
    )
    .expect("script");
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let start = |stdin: Option<&str>| {
        let mut c = wine.wine_command(&exe);
        c.current_dir(&folder)
            .env("USER", user)
            .env("HOME", &home)
            .env("PATH", &path);
        Running::start(c, stdin)
    };

    let mut first = start(Some("Trường Bình An\r\n"));
    let addr = first.wait_for_url();
    let shown = first.wait_for("Thư mục trang web:");
    assert!(
        shown.contains(r"\Documents\bangtin\Trường Bình An"),
        "{shown}"
    );
    first.wait_for("ĐỂ DỪNG: đóng cửa sổ này");
    // The preview is already starting: no terminal instructions ("cd ... && bangtin serve").
    let said = first.seen.join("\n");
    assert!(said.contains("Đã tạo trang web mới"), "{said}");
    assert!(!said.contains("bangtin serve"), "{said}");
    let page = poll(addr, "/", |r| r.status == 200);
    assert!(page.text().contains("Trường Bình An"), "{}", page.text());
    // The browser opens at the teacher's desk, on the port after the preview's.
    let url = "/_bangtin/";
    let start_wait = std::time::Instant::now();
    while !fs::read_to_string(&opened)
        .unwrap_or_default()
        .contains("http://127.0.0.1:")
        || !fs::read_to_string(&opened)
            .unwrap_or_default()
            .contains(url)
    {
        assert!(
            start_wait.elapsed() < PATIENCE,
            "the browser was not opened at the desk ({url})"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(first);
    let site = profile.join("Documents/bangtin").join(SCHOOL_DIR);
    let config = fs::read_to_string(site.join("config.toml")).expect("config.toml in Documents");
    assert!(
        config.contains("school_name = \"Trường Bình An\""),
        "{config}"
    );
    let memory = fs::read_to_string(profile.join("AppData/Roaming/bangtin/last-site.txt"))
        .expect("the site is remembered");
    assert!(
        memory.ends_with("\\Documents\\bangtin\\Trường Bình An\r\n"),
        "{memory:?}"
    );

    // The second double-click asks nothing and serves the same site.
    let mut second = start(None);
    let addr = second.wait_for_url();
    let page = poll(addr, "/", |r| r.status == 200);
    assert!(page.text().contains("Trường Bình An"), "{}", page.text());
    assert!(
        !second.seen.iter().any(|l| l.contains("Nhập tên trường")),
        "{}",
        second.seen.join("\n")
    );
    drop(second);
    let _ = fs::remove_dir_all(&profile);
}
