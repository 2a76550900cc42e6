//! `bangtin deploy` as a teacher runs it: build, upload to a real FTP server on loopback
//! (started by .ci/deploy-servers.sh), nothing to do the second time, and the zip for a panel.

mod common;
#[path = "deploy/kill.rs"]
mod kill;
use common::*;
use std::process::Command;
use std::time::Duration;
use testkit::{env_or, ftp_server};

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

/// Old files of earlier deploys go by default; files bangtin never uploaded go only with
/// `--delete`, which a script must confirm with `--yes` (there is no one to ask).
#[test]
fn old_files_go_foreign_files_need_delete_and_yes() {
    let Some((addr, home)) = ftp_server() else {
        return;
    };
    let (_dir, root) = site_copy("basic");
    let folder = format!("cli-delete-{}", std::process::id());
    let user = env_or("BANGTIN_TEST_DEPLOY_USER", "bangtin-test");
    let target = format!("ftp://{user}@{addr}/{folder}");
    let password = env_or("BANGTIN_TEST_DEPLOY_PASSWORD", "bangtin-test-pw");
    let o = deploy(&root, &["--target", &target], &password);
    assert!(o.status.success(), "{}", stderr(&o));
    let served = home.join(&folder);
    let foreign = served.join("trang-cu-cua-truong.html");
    std::fs::write(&foreign, "trang cũ").unwrap();
    let page = "bien-dao/hai-dang/index.html";
    assert!(served.join(page).is_file());
    std::fs::remove_file(root.join("content/bien-dao/hai-dang.md")).unwrap();

    let o = deploy(&root, &["--target", &target, "--delete"], &password);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    assert!(
        served.join(page).is_file() && foreign.is_file(),
        "nothing changed"
    );

    let o = deploy(&root, &["--target", &target], &password);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !served.join(page).exists(),
        "the old page is removed by default"
    );
    assert!(foreign.is_file(), "a file bangtin never uploaded stays");

    let o = deploy(
        &root,
        &["--target", &target, "--delete", "--yes"],
        &password,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("  - trang-cu-cua-truong.html"),
        "{}",
        stderr(&o)
    );
    assert!(!foreign.exists());
    let _ = std::fs::remove_dir_all(served);
}

/// `kill -9` at seeded points of a deploy that replaces most of a site: no sampled moment
/// shows a page linking to a missing file, the manifest is never corrupt nor lying, and the
/// next deploy completes with exactly the new site on the server.
#[test]
fn killed_deploys_never_break_the_live_site() {
    let Some((addr, home)) = ftp_server() else {
        return;
    };
    let points: usize = env_or("BANGTIN_KILL_POINTS", "5").parse().unwrap();
    let pages: usize = env_or("BANGTIN_KILL_PAGES", "300").parse().unwrap();
    let (_dir, root) = site_copy("basic");
    let folder = format!("cli-kill-{}", std::process::id());
    let served = home.join(&folder);
    let user = env_or("BANGTIN_TEST_DEPLOY_USER", "bangtin-test");
    let target = format!("ftp://{user}@{addr}/{folder}");
    let password = env_or("BANGTIN_TEST_DEPLOY_PASSWORD", "bangtin-test-pw");
    let public = root.join("public");
    let run = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_bangtin"));
        c.args(["--root", root.to_str().unwrap(), "deploy", "--no-build"])
            .args(["--target", &target])
            .env("BANGTIN_LANG", "en")
            .env("BANGTIN_DEPLOY_PASSWORD", &password);
        c
    };
    kill::write_site(&public, pages, 1);
    let started = std::time::Instant::now();
    // A first deploy is not live before its home page arrives: only its end is checked.
    let (ok, _) = kill::run_and_kill(run(), None, &served);
    let broken = kill::broken_links(&served);
    assert!(
        ok && broken.is_empty(),
        "first deploy: {:?}",
        &broken[..broken.len().min(5)]
    );
    let full = started.elapsed();

    kill::write_site(&public, pages, 2);
    let mut rng = kill::Rng(0x5eed_b4a9_7111);
    let mut kills = 0;
    while kills < points {
        // Kill points spread over about one full deploy's time.
        let span = (full.as_millis() as u64 * 2 / points as u64).max(20);
        let after = Duration::from_millis(10 + rng.below(span));
        let (finished, broken) = kill::run_and_kill(run(), Some(after), &served);
        assert!(
            broken.is_empty(),
            "after {kills} kills: {:?}",
            &broken[..broken.len().min(5)]
        );
        kill::check_manifest(&served);
        if finished {
            break;
        }
        kills += 1;
    }
    eprintln!("{kills} kill points (first deploy {full:?})");
    let (ok, broken) = kill::run_and_kill(run(), None, &served);
    assert!(
        ok && broken.is_empty(),
        "last deploy: {:?}",
        &broken[..broken.len().min(5)]
    );
    kill::check_manifest(&served);
    let mut on_server = kill::tree(&served);
    on_server.remove(deploy::MANIFEST_NAME);
    let site = kill::tree(&public);
    assert_eq!(
        on_server.keys().collect::<Vec<_>>(),
        site.keys().collect::<Vec<_>>(),
        "the server holds exactly the new site"
    );
    assert!(on_server == site, "same bytes");
    assert!(kills > 0, "no deploy was killed: the site is too small");
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
