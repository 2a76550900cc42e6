//! `bangtin deploy` as a teacher runs it: build, upload to a real FTP server on loopback
//! (started by .ci/deploy-servers.sh), nothing to do the second time, and the zip for a panel.

mod common;
use common::*;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.into())
}

/// The FTP test server, or None (skipped loudly) outside CI when it is not running.
fn ftp_server() -> Option<(String, PathBuf)> {
    let addr = env_or("BANGTIN_TEST_FTP", "127.0.0.1:2121");
    let home = PathBuf::from(env_or("BANGTIN_TEST_DEPLOY_HOME", "/srv/bangtin-test"));
    let up = addr
        .parse()
        .ok()
        .and_then(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).ok())
        .is_some();
    if up && home.is_dir() {
        return Some((addr, home));
    }
    let msg = format!("the FTP test server {addr} is not running; start it with `sudo bash .ci/deploy-servers.sh`");
    if std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
    {
        panic!("{msg}");
    }
    eprintln!("\n*** SKIPPED: {msg} ***\n");
    None
}

fn deploy(root: &std::path::Path, args: &[&str], password: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bangtin"))
        .args(["--root", root.to_str().unwrap(), "deploy"])
        .args(args)
        .env("BANGTIN_LANG", "en")
        .env("BANGTIN_DEPLOY_PASSWORD", password)
        .output()
        .unwrap()
}

#[test]
fn builds_uploads_then_has_nothing_to_do() {
    let Some((addr, home)) = ftp_server() else {
        return;
    };
    let (_dir, root) = site_copy("basic");
    let folder = format!("cli-{}", std::process::id());
    let user = env_or("BANGTIN_TEST_DEPLOY_USER", "bangtin-test");
    let target = format!("ftp://{user}@{addr}/{folder}");
    let password = env_or("BANGTIN_TEST_DEPLOY_PASSWORD", "bangtin-test-pw");

    // A wrong password: clear message, exit non-zero, nothing uploaded.
    let o = deploy(&root, &["--target", &target], "sai-mat-khau");
    assert!(!o.status.success());
    assert!(
        !stderr(&o).contains("sai-mat-khau"),
        "the password is never printed"
    );
    assert!(!home.join(&folder).join("index.html").exists());

    let o = deploy(&root, &["--target", &target], &password);
    assert!(o.status.success(), "{}", stderr(&o));
    let served = home.join(&folder);
    assert!(
        std::fs::read_to_string(served.join("bien-dao/truong-sa/index.html"))
            .unwrap()
            .contains("Trường Sa thân yêu")
    );
    assert!(served.join("sitemap.xml").exists());
    assert!(
        !served.join(".bangtin-build").exists(),
        "the build marker is bangtin's own, not the site's"
    );

    let o = deploy(&root, &["--target", &target, "--no-build"], &password);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("already up to date"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(served);
}

#[test]
fn zip_for_a_control_panel() {
    let (dir, root) = site_copy("basic");
    let zip = dir.path().join("site.zip");
    let o = deploy(&root, &["--zip", zip.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&zip).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let names = String::from_utf8_lossy(&bytes);
    assert!(names.contains("bien-dao/truong-sa/index.html"));
    assert!(root.join("public/.bangtin-build").exists());
    assert!(
        !names.contains(".bangtin"),
        "no internal file (build marker, manifest) in the archive"
    );
}

#[test]
fn no_target_says_how_to_set_one() {
    let (_dir, root) = site_copy("basic");
    let o = deploy(&root, &["--no-build", "--dry-run"], "");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("run `bangtin build` first") || err.contains("[deploy] target"),
        "{err}"
    );
}
