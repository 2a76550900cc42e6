//! `bangtin deploy` against real FTP, FTPS and SFTP servers on 127.0.0.1
//! (start them with `.ci/deploy-servers.sh`). Results are checked on the servers' disk.

#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{give_to_test_user, make_writable, proxy, tree, write, Fixture, Proto, SITE_FILES};
use deploy::{DeployError, Stage, MANIFEST_NAME};
use i18n::Lang;
use unicode_normalization::UnicodeNormalization;

const IMAGE: &str = "tin-tuc/khai-giang/ảnh-trường.jpg";
const PAGE: &str = "tin-tuc/khai-giang/index.html";

fn first_deploy(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "first") else {
        return;
    };
    let mut opts = fx.options();
    opts.progress = true; // drawn only on a terminal, but the code path runs
    let summary = fx.deploy_ok(&opts);
    assert_eq!(summary.uploaded.len(), SITE_FILES, "{summary:?}");
    assert_eq!(summary.unchanged, 0);
    assert!(summary.deleted.is_empty() && !summary.dry_run);
    assert!(summary.bytes > 80_000);
    fx.assert_server_matches_site(&[]);

    // Upload order: every asset, then pages, then the home pages, then feeds.
    let stages: Vec<Stage> = summary
        .uploaded
        .iter()
        .map(|p| deploy::plan::stage(p))
        .collect();
    let mut sorted = stages.clone();
    sorted.sort();
    assert_eq!(stages, sorted, "upload order {:?}", summary.uploaded);
    let pos = |p: &str| summary.uploaded.iter().position(|u| u == p).unwrap();
    assert!(pos(IMAGE) < pos(PAGE));
    assert!(
        pos(PAGE) < pos("tin-tuc/index.html"),
        "deeper pages before listings"
    );
    assert!(pos("index.html") < pos("atom.xml"));

    // The Vietnamese name is stored as UTF-8 (NFC) on the server.
    let nfc: String = IMAGE.nfc().collect();
    assert!(fx.remote().join(&nfc).is_file());

    // The manifest is cached locally too.
    let cached = deploy::manifest::read_cache(fx.cache.path(), &fx.target()).expect("no cache");
    assert_eq!(cached, fx.remote_manifest());
}

fn edit_one_page(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "edit") else {
        return;
    };
    fx.deploy_ok(&fx.options());
    let manifest_before = fx.remote_manifest();
    let files_before = identities(&fx.remote());
    write(fx.out(), PAGE, "<p>Lễ khai giảng (đã sửa)</p>".as_bytes());
    let summary = fx.deploy_ok(&fx.options());
    assert_eq!(summary.uploaded, [PAGE]);
    assert_eq!(summary.unchanged, SITE_FILES - 1);
    fx.assert_server_matches_site(&[]);
    // On the server's disk, only the page and the manifest were written again.
    let files_after = identities(&fx.remote());
    let rewritten: Vec<&String> = files_after
        .iter()
        .filter(|(k, v)| files_before.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(rewritten, [MANIFEST_NAME, PAGE]);
    assert_ne!(manifest_before, fx.remote_manifest());

    // Nothing changed: nothing is sent, and the server says so.
    let again = fx.deploy_ok(&fx.options());
    assert!(again.uploaded.is_empty() && again.deleted.is_empty());
    assert_eq!(again.unchanged, SITE_FILES);
    assert!(again.message(Lang::En).contains("already up to date"));
}

/// Each file on the server's disk with its inode and modification time: a file written again
/// (a new temporary file renamed into place) gets a new identity.
fn identities(root: &std::path::Path) -> std::collections::BTreeMap<String, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    tree(root)
        .into_keys()
        .map(|k| {
            let m = fs::metadata(root.join(&k)).unwrap();
            (k, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// Files of earlier deploys that the site no longer has are deleted by default, pages before
/// the assets they use and after the new files are in place; files bangtin never uploaded
/// stay unless `--delete` is confirmed, and hidden files (the host's settings) always stay.
fn stale_files_go_foreign_files_stay(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "delete") else {
        return;
    };
    fx.deploy_ok(&fx.options());
    // The school's own files on the host, unknown to bangtin.
    for (path, body) in [
        ("truong-cu.html", "trang cũ của trường"),
        ("tin-tuc/khai-giang/ghi-chu.txt", "ghi chú"),
        (".htaccess", "Options -Indexes"),
    ] {
        let p = fx.remote().join(path);
        fs::write(&p, body).unwrap();
        give_to_test_user(&p);
    }
    let foreign = [
        "truong-cu.html",
        "tin-tuc/khai-giang/ghi-chu.txt",
        ".htaccess",
    ];
    // The site drops a page, its image and the stylesheet.
    fs::remove_dir_all(fx.out().join("tin-tuc/khai-giang")).unwrap();
    fs::remove_dir_all(fx.out().join("css")).unwrap();

    let summary = fx.deploy_ok(&fx.options());
    assert_eq!(summary.deleted.len(), 3, "{summary:?}");
    // Pages go before the assets they use.
    assert_eq!(summary.deleted[0], PAGE);
    fx.assert_server_matches_site(&foreign);
    // A folder left empty is removed; one that holds a foreign file stays.
    assert!(!fx.remote().join("css").exists());
    assert!(fx.remote_manifest().pending_delete.is_empty());

    // --delete lists the foreign files and asks; declined, nothing of theirs is touched.
    let asked = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut opts = fx.options();
    opts.delete = true;
    let seen = asked.clone();
    opts.confirm = Some(deploy::Confirm(Arc::new(move |files: &[String]| {
        seen.lock().unwrap().extend_from_slice(files);
        false
    })));
    let declined = fx.deploy_ok(&opts);
    assert_eq!(
        *asked.lock().unwrap(),
        ["tin-tuc/khai-giang/ghi-chu.txt", "truong-cu.html"],
        "asked about the foreign files, hidden ones left out"
    );
    assert!(declined.deleted.is_empty());
    assert_eq!(declined.foreign.len(), 2);
    assert!(declined.message(Lang::Vi).contains("--delete"));
    fx.assert_server_matches_site(&foreign);
    // Without a way to ask, nothing is deleted either.
    opts.confirm = None;
    assert!(fx.deploy_ok(&opts).deleted.is_empty());
    fx.assert_server_matches_site(&foreign);

    // Confirmed: they go, and the folder they kept alive; .htaccess stays.
    opts.confirm = Some(deploy::Confirm(Arc::new(|_: &[String]| true)));
    let summary = fx.deploy_ok(&opts);
    assert_eq!(
        summary.deleted,
        ["truong-cu.html", "tin-tuc/khai-giang/ghi-chu.txt"]
    );
    fx.assert_server_matches_site(&[".htaccess"]);
    assert!(!fx.remote().join("tin-tuc/khai-giang").exists());
}

/// Files deleted or changed by hand on the server: a normal deploy trusts its own manifest,
/// `--verify` finds them (sizes; over SFTP the content too) and sends them again; it also
/// removes half-written uploads an interrupted deploy left.
fn verify_repairs_the_server(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "verify") else {
        return;
    };
    fx.deploy_ok(&fx.options());
    fs::remove_file(fx.remote().join("css/style.css")).unwrap();
    fs::write(fx.remote().join("404.html"), "cut").unwrap();
    // Same size, other bytes: only reading the file back can tell.
    let same_size =
        "x".repeat(fs::metadata(fx.remote().join("robots.txt")).unwrap().len() as usize);
    fs::write(fx.remote().join("robots.txt"), same_size).unwrap();
    let tmp = fx.remote().join("tin-tuc/.cu.html.bangtin-tmp");
    fs::write(&tmp, "half").unwrap();
    give_to_test_user(&tmp);

    let trusting = fx.deploy_ok(&fx.options());
    assert!(trusting.uploaded.is_empty() && !trusting.checked);

    let mut opts = fx.options();
    opts.verify = true;
    let summary = fx.deploy_ok(&opts);
    let mut expected = vec!["404.html", "css/style.css"];
    if proto == Proto::Sftp {
        expected.push("robots.txt");
    }
    assert_eq!(summary.repaired, expected);
    assert!(summary.checked && summary.message(Lang::En).contains("sent again"));
    assert_eq!(summary.deleted, ["tin-tuc/.cu.html.bangtin-tmp"]);
    if proto != Proto::Sftp {
        // FTP compares sizes only: the same-size change stays (put it back by hand).
        let original = fs::read(fx.out().join("robots.txt")).unwrap();
        fs::write(fx.remote().join("robots.txt"), original).unwrap();
    }
    fx.assert_server_matches_site(&[]);
}

/// Another computer deploys to the same folder: the first computer's next deploy sees that
/// the server's manifest is not the one it wrote last and checks the server before trusting
/// it, so a file deleted by hand in between is sent again.
fn another_computer_deployed(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "two-computers") else {
        return;
    };
    fx.deploy_ok(&fx.options());
    let other_cache = tempfile::tempdir().unwrap();
    let mut other = fx.options();
    other.cache_dir = Some(other_cache.path().to_path_buf());
    write(fx.out(), "index.html", "<h1>Trang chủ mới</h1>".as_bytes());
    let theirs = fx.deploy_ok(&other);
    assert!(!theirs.trusted && theirs.checked, "{theirs:?}");
    assert_eq!(theirs.uploaded, ["index.html"]);
    fs::remove_file(fx.remote().join(IMAGE)).unwrap();

    let ours = fx.deploy_ok(&fx.options());
    assert!(!ours.trusted && ours.checked, "{ours:?}");
    assert_eq!(ours.repaired, [IMAGE]);
    assert_eq!(ours.uploaded, [IMAGE]);
    assert!(ours.message(Lang::En).contains("another computer"));
    fx.assert_server_matches_site(&[]);
    // Now the manifest is ours again: trusted, nothing checked, nothing sent.
    let again = fx.deploy_ok(&fx.options());
    assert!(again.trusted && !again.checked && again.uploaded.is_empty());
}

/// The server's disk fills up (a 256 KiB tmpfs mounted as the target folder): the deploy
/// stops at once with an error naming the file and its size, not after rounds of retries;
/// no half-written file is left, and the manifest still tells the truth.
fn full_disk_is_a_clear_error(proto: Proto) {
    if !common::is_root("mounting a small tmpfs as the server's folder") {
        return;
    }
    let folder = common::home().join(format!("t-{}-full", proto.scheme()));
    let _ = std::process::Command::new("umount").arg(&folder).status();
    let Some(fx) = Fixture::new(proto, "full") else {
        return;
    };
    let _mount = common::Tmpfs::mount(&fx.remote(), "256k");
    let big = "tai-lieu/so-tay-giao-vien.pdf";
    write(fx.out(), big, &common::noise(400_000, 9));
    let mut opts = fx.options();
    opts.retries = 3;
    let started = Instant::now();
    let err = fx.deploy(&opts).expect_err("the disk is full");
    let DeployError::Stopped { cause, .. } = &err else {
        panic!("expected a stop, got {err:?}");
    };
    let DeployError::NoSpace { path, size, .. } = &**cause else {
        panic!("expected a full disk, got {cause:?}");
    };
    assert_eq!((path.as_str(), *size), (big, 400_000));
    assert!(
        started.elapsed().as_secs() < 5,
        "retried: {:?}",
        started.elapsed()
    );
    let (en, vi) = (err.message(Lang::En), err.message(Lang::Vi));
    assert!(
        en.contains(big) && en.contains("390.62 KiB") && en.contains("space"),
        "{en}"
    );
    assert!(vi.contains(big) && vi.contains("hết chỗ"), "{vi}");
    fx.assert_manifest_truthful();
    let left: Vec<_> = tree(&fx.remote())
        .into_keys()
        .filter(|k| k.contains(".bangtin-tmp"))
        .collect();
    assert!(left.is_empty(), "half-written files left: {left:?}");
}

/// A folder on the server the account may not write to stops the deploy half-way (home
/// pages come after the other pages); the re-run uploads only what is missing.
fn resume_after_refused_folder(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "resume-perm") else {
        return;
    };
    let blocked = fx.remote().join("en");
    fs::create_dir_all(&blocked).unwrap();
    fs::set_permissions(&blocked, fs::Permissions::from_mode(0o555)).unwrap();
    give_to_test_user(&fx.remote());

    let err = fx
        .deploy(&fx.options())
        .expect_err("the upload into en/ must fail");
    let DeployError::Stopped { done, total, cause } = &err else {
        panic!("expected a stop, got {err:?}");
    };
    assert_eq!(*total, SITE_FILES);
    assert!(*done > 0 && *done < SITE_FILES, "done {done}");
    assert!(matches!(**cause, DeployError::Remote { .. }), "{cause:?}");
    assert!(err.message(Lang::En).contains("Run the command again"));
    assert!(err.message(Lang::Vi).contains("Chạy lại lệnh"));
    let partial = fx.assert_manifest_truthful();
    assert_eq!(partial.files.len(), *done);
    // The home page and feeds were not published before their pages could be.
    assert!(!fx.remote().join("index.html").exists());
    assert!(!fx.remote().join("atom.xml").exists());

    make_writable(&fx.remote());
    let summary = fx.deploy_ok(&fx.options());
    let mut expected: Vec<String> = common::tree(fx.out())
        .into_keys()
        .filter(|k| !partial.files.contains_key(k))
        .collect();
    expected.sort();
    let mut got = summary.uploaded.clone();
    got.sort();
    assert_eq!(got, expected, "only the missing files are uploaded");
    assert_eq!(summary.unchanged, *done);
    fx.assert_server_matches_site(&[]);
}

/// The connection is cut in the middle of the upload and no retry is allowed: the deploy
/// stops, records what is in place, and the next run sends only the rest.
fn resume_after_cut_connection(proto: Proto, cut_after: u64) {
    let Some(fx) = Fixture::new(proto, "resume-cut") else {
        return;
    };
    let relay = proxy(fx.addr, cut_after);
    let mut opts = fx.options();
    opts.retries = 0;
    let err = deploy::deploy(
        fx.out(),
        &fx.target_at(relay.addr),
        &common::password(),
        &opts,
    )
    .expect_err("the cut connection must stop the deploy");
    let DeployError::Stopped { done, cause, .. } = &err else {
        panic!("expected a stop, got {err:?}");
    };
    assert!(matches!(**cause, DeployError::Network { .. }), "{cause:?}");
    assert!(
        *done > 0 && *done < SITE_FILES,
        "cut too early or too late: done {done}"
    );
    let partial = fx.assert_manifest_truthful();
    assert_eq!(partial.files.len(), *done);
    eprintln!("{proto:?}: the cut stopped the deploy after {done} of {SITE_FILES} files");

    let summary = fx.deploy_ok(&fx.options());
    assert_eq!(summary.uploaded.len(), SITE_FILES - done);
    assert!(summary
        .uploaded
        .iter()
        .all(|p| !partial.files.contains_key(p)));
    fx.assert_server_matches_site(&[]);
}

/// The same cut with retries allowed: the deploy reconnects and finishes by itself.
fn retries_through_a_cut_connection(proto: Proto, cut_after: u64) {
    let Some(fx) = Fixture::new(proto, "retry-cut") else {
        return;
    };
    let relay = proxy(fx.addr, cut_after);
    let mut opts = fx.options();
    opts.retries = 3;
    let summary = deploy::deploy(
        fx.out(),
        &fx.target_at(relay.addr),
        &common::password(),
        &opts,
    )
    .unwrap_or_else(|e| panic!("deploy through a flaky line failed: {e}"));
    assert_eq!(summary.uploaded.len(), SITE_FILES);
    assert!(
        relay.connections.load(std::sync::atomic::Ordering::SeqCst) >= 2,
        "the deploy must have reconnected"
    );
    fx.assert_server_matches_site(&[]);
}

/// The line stalls in the middle of the upload (packets vanish, nothing closes): the deploy
/// notices after its timeout instead of waiting for ever. Without retries it stops, resumable,
/// and the next run sends the rest; with retries it reconnects and finishes by itself.
fn survives_a_stalled_connection(proto: Proto, stall_after: u64) {
    let Some(fx) = Fixture::new(proto, "stall") else {
        return;
    };
    let timeout = Duration::from_secs(2);
    let relay = common::proxy_stalling(fx.addr, stall_after);
    let mut opts = fx.options();
    opts.retries = 0;
    opts.timeout = timeout;
    let started = Instant::now();
    let err = deploy::deploy(
        fx.out(),
        &fx.target_at(relay.addr),
        &common::password(),
        &opts,
    )
    .expect_err("the stalled connection must stop the deploy");
    let waited = started.elapsed();
    assert!(err.is_resumable(), "{err:?}");
    let said = err.message(Lang::En);
    assert!(said.contains("the server stopped answering"), "{said}");
    assert!(
        err.message(Lang::Vi).contains("máy chủ không trả lời"),
        "{}",
        err.message(Lang::Vi)
    );
    assert!(
        waited < timeout * 5,
        "a stall must be noticed within a few timeouts, took {waited:?}"
    );
    eprintln!("{proto:?}: the stall stopped the deploy after {waited:?}: {said}");
    fx.assert_manifest_truthful();
    let summary = fx.deploy_ok(&fx.options());
    assert!(
        !summary.uploaded.is_empty(),
        "the rest is sent by the next run"
    );
    fx.assert_server_matches_site(&[]);

    // From the start again, with retries: one deploy gets through by itself.
    let Some(fx) = Fixture::new(proto, "stall-retry") else {
        return;
    };
    let relay = common::proxy_stalling(fx.addr, stall_after);
    let mut opts = fx.options();
    opts.timeout = timeout;
    opts.retries = 3;
    let started = Instant::now();
    deploy::deploy(
        fx.out(),
        &fx.target_at(relay.addr),
        &common::password(),
        &opts,
    )
    .unwrap_or_else(|e| panic!("deploy through a stalling line failed: {e}"));
    assert!(
        relay.connections.load(std::sync::atomic::Ordering::SeqCst) >= 2,
        "the deploy must have reconnected"
    );
    eprintln!(
        "{proto:?}: with retries the deploy finished in {:?}",
        started.elapsed()
    );
    fx.assert_server_matches_site(&[]);
}

/// The line goes down for good in the middle of a long upload, so not even the final save of
/// the manifest gets through: the server keeps the last checkpoint (saved every 20 files),
/// which claims only files that are in place, and the next run sends only the rest.
fn resume_from_checkpoint(proto: Proto, cut_after: u64) {
    let Some(fx) = Fixture::new(proto, "checkpoint") else {
        return;
    };
    for i in 0..60 {
        write(
            fx.out(),
            &format!("ds/hoc-sinh-{i:02}.txt"),
            &common::noise(1000, i + 10),
        );
    }
    let total = SITE_FILES + 60;
    let relay = common::proxy_dying(fx.addr, cut_after);
    let mut opts = fx.options();
    opts.retries = 0;
    let err = deploy::deploy(
        fx.out(),
        &fx.target_at(relay.addr),
        &common::password(),
        &opts,
    )
    .expect_err("the line went down");
    let DeployError::Stopped { done, .. } = &err else {
        panic!("expected a stop, got {err:?}");
    };
    let checkpoint = fx.assert_manifest_truthful();
    let claimed = checkpoint.files.len();
    eprintln!("{proto:?}: stopped after {done} of {total} files; the checkpoint claims {claimed}");
    assert!(
        claimed >= 20 && claimed % 20 == 0,
        "claimed {claimed}, done {done}"
    );
    assert!(
        claimed <= *done && *done < total,
        "claimed {claimed}, done {done}"
    );

    let summary = fx.deploy_ok(&fx.options());
    assert_eq!(summary.uploaded.len(), total - claimed);
    assert_eq!(summary.unchanged, claimed);
    fx.assert_server_matches_site(&[]);
}

/// When the manifest cannot be written, no changed file may be replaced: otherwise the old
/// manifest would vouch for content the server no longer has (and a later deploy of that old
/// content would skip it). The manifest write is blocked by a folder squatting on its
/// temporary name.
fn unwritable_manifest_blocks_replacing(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "manifest-blocked") else {
        return;
    };
    fx.deploy_ok(&fx.options());
    let v1 = fs::read(fx.out().join(PAGE)).unwrap();
    write(fx.out(), PAGE, b"<p>v2</p>");
    let squatter = fx.remote().join(format!(".{MANIFEST_NAME}.bangtin-tmp"));
    fs::create_dir(&squatter).unwrap();
    fs::write(squatter.join("x"), b"x").unwrap();

    let err = fx
        .deploy(&fx.options())
        .expect_err("the manifest cannot be written");
    assert!(matches!(err, DeployError::Remote { .. }), "{err:?}");
    fx.assert_manifest_truthful();

    // Back to v1 locally: the next deploy must leave v1 on the server.
    fs::remove_dir_all(&squatter).unwrap();
    fs::write(fx.out().join(PAGE), &v1).unwrap();
    fx.deploy_ok(&fx.options());
    fx.assert_server_matches_site(&[]);
}

fn wrong_password(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "password") else {
        return;
    };
    fx.deploy_ok(&fx.options());
    write(fx.out(), "index.html", b"<h1>changed</h1>");
    let before = tree(&fx.remote());
    let mut opts = fx.options();
    opts.retries = 3;
    let started = Instant::now();
    let secret = "sai-mat-khau-123";
    let err = deploy::deploy(fx.out(), &fx.target(), secret, &opts).expect_err("must refuse");
    assert!(matches!(err, DeployError::Auth { .. }), "{err:?}");
    // Refused at once, not retried.
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
    let (vi, en) = (err.message(Lang::Vi), err.message(Lang::En));
    assert!(
        vi.contains("mật khẩu") && vi.contains("Không có gì trên máy chủ bị thay đổi"),
        "{vi}"
    );
    assert!(en.contains("wrong user name or password"), "{en}");
    assert!(!vi.contains(secret) && !en.contains(secret) && !format!("{err:?}").contains(secret));
    assert_eq!(tree(&fx.remote()), before, "the server changed");
}

fn dry_run_changes_nothing(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "dry-run") else {
        return;
    };
    let mut opts = fx.options();
    opts.dry_run = true;
    opts.delete = true;
    // Before the first deploy: everything would be sent, and not even the folder is created.
    let first = fx.deploy_ok(&opts);
    assert_eq!(first.uploaded.len(), SITE_FILES);
    assert!(!fx.remote().exists(), "a dry run created the target folder");

    fx.deploy_ok(&fx.options());
    write(fx.out(), PAGE, b"<p>edited</p>");
    write(
        fx.out(),
        "thong-bao/hop-phu-huynh/index.html",
        "<p>Họp phụ huynh</p>".as_bytes(),
    );
    fs::remove_file(fx.out().join("404.html")).unwrap();
    let before = tree(&fx.remote());
    let summary = fx.deploy_ok(&opts);
    assert!(summary.dry_run);
    assert_eq!(
        summary.uploaded,
        ["thong-bao/hop-phu-huynh/index.html", PAGE]
    );
    assert_eq!(summary.deleted, ["404.html"]);
    assert!(summary
        .message(Lang::En)
        .contains("+ thong-bao/hop-phu-huynh/index.html"));
    assert_eq!(tree(&fx.remote()), before, "a dry run changed the server");
}

fn decomposed_vietnamese_names_arrive_composed(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "nfd") else {
        return;
    };
    // macOS and some tools write names decomposed (NFD); the server must get NFC.
    let nfd: String = "tài-liệu/thời-khoá-biểu.pdf".nfd().collect();
    write(fx.out(), &nfd, b"%PDF-1.4");
    let summary = fx.deploy_ok(&fx.options());
    let nfc = "tài-liệu/thời-khoá-biểu.pdf";
    assert!(
        summary.uploaded.iter().any(|p| p == nfc),
        "{:?}",
        summary.uploaded
    );
    assert_eq!(fs::read(fx.remote().join(nfc)).unwrap(), b"%PDF-1.4");
    assert!(!fx.remote().join(&nfd).exists() || nfd == nfc);
}

/// `scheme://user@host//abs/path` names an absolute folder; missing levels (here with
/// Vietnamese names) are created.
fn absolute_vietnamese_target_folder(proto: Proto) {
    let Some(fx) = Fixture::new(proto, "abs") else {
        return;
    };
    let folder = fx.remote().join("trường").join("web");
    let url = format!(
        "{}://{}@{}/{}",
        proto.scheme(),
        common::user(),
        fx.addr,
        folder.display()
    );
    assert!(url.contains(&format!("{}//", fx.addr)), "{url}");
    let target: deploy::Target = url.parse().unwrap();
    assert!(target.path.starts_with('/'));
    let summary = deploy::deploy(fx.out(), &target, &common::password(), &fx.options())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.uploaded.len(), SITE_FILES);
    assert_eq!(tree(&folder).len(), SITE_FILES + 1);
    assert!(folder.join("index.html").is_file() && folder.join(MANIFEST_NAME).is_file());
}

// --- FTP ---------------------------------------------------------------------------------

#[test]
fn ftp_first_deploy() {
    first_deploy(Proto::Ftp);
}

#[test]
fn ftp_edit_one_page() {
    edit_one_page(Proto::Ftp);
}

#[test]
fn ftp_stale_files_go_foreign_files_stay() {
    stale_files_go_foreign_files_stay(Proto::Ftp);
}

#[test]
fn ftp_full_disk_is_a_clear_error() {
    full_disk_is_a_clear_error(Proto::Ftp);
}

#[test]
fn sftp_full_disk_is_a_clear_error() {
    full_disk_is_a_clear_error(Proto::Sftp);
}

#[test]
fn ftp_verify_repairs_the_server() {
    verify_repairs_the_server(Proto::Ftp);
}

#[test]
fn ftp_another_computer_deployed() {
    another_computer_deployed(Proto::Ftp);
}

#[test]
fn ftp_resume_after_refused_folder() {
    resume_after_refused_folder(Proto::Ftp);
}

#[test]
fn ftp_resume_after_cut_connection() {
    // Only the control connection goes through the relay (~150 bytes of commands per file).
    resume_after_cut_connection(Proto::Ftp, 700);
}

#[test]
fn ftp_retries_through_a_cut_connection() {
    retries_through_a_cut_connection(Proto::Ftp, 700);
}

#[test]
fn ftp_survives_a_stalled_connection() {
    survives_a_stalled_connection(Proto::Ftp, 700);
}

#[test]
fn ftp_resume_from_checkpoint() {
    // About 100 bytes of commands per file on the control connection.
    resume_from_checkpoint(Proto::Ftp, 3_500);
}

#[test]
fn ftp_dry_run_offline_uses_the_local_manifest_copy() {
    let Some(fx) = Fixture::new(Proto::Ftp, "offline") else {
        return;
    };
    let relay = proxy(fx.addr, u64::MAX);
    let target = fx.target_at(relay.addr);
    let pw = common::password();
    deploy::deploy(fx.out(), &target, &pw, &fx.options()).unwrap();
    write(fx.out(), PAGE, b"<p>edited offline</p>");
    relay.kill();
    let mut opts = fx.options();
    opts.retries = 0;
    // A real deploy cannot happen without the server...
    let err = deploy::deploy(fx.out(), &target, &pw, &opts).expect_err("server is down");
    assert!(matches!(err, DeployError::Connect { .. }), "{err:?}");
    // ...but a dry run can still tell what would be sent.
    opts.dry_run = true;
    let summary = deploy::deploy(fx.out(), &target, &pw, &opts).unwrap();
    assert!(summary.offline && summary.dry_run);
    assert_eq!(summary.uploaded, [PAGE]);
    assert!(summary.message(Lang::En).contains("was not asked"));
    // Without a password, a dry run uses the local copy without connecting.
    let summary = deploy::deploy(fx.out(), &target, "", &opts).unwrap();
    assert!(summary.offline);
    assert_eq!(summary.uploaded, [PAGE]);
}

#[test]
fn ftp_unwritable_manifest_blocks_replacing() {
    unwritable_manifest_blocks_replacing(Proto::Ftp);
}

#[test]
fn ftp_absolute_vietnamese_target_folder() {
    absolute_vietnamese_target_folder(Proto::Ftp);
}

#[test]
fn ftp_wrong_password() {
    wrong_password(Proto::Ftp);
}

#[test]
fn ftp_dry_run_changes_nothing() {
    dry_run_changes_nothing(Proto::Ftp);
}

#[test]
fn ftp_vietnamese_names() {
    decomposed_vietnamese_names_arrive_composed(Proto::Ftp);
}

#[test]
fn ftp_cancel_before_start_changes_nothing() {
    let Some(fx) = Fixture::new(Proto::Ftp, "cancel") else {
        return;
    };
    let mut opts = fx.options();
    opts.cancel = Some(Arc::new(AtomicBool::new(true)));
    let err = fx.deploy(&opts).expect_err("cancelled");
    assert!(
        matches!(&err, DeployError::Stopped { done: 0, cause, .. } if matches!(**cause, DeployError::Interrupted)),
        "{err:?}"
    );
    // Only the (empty) target folder was made; no file, not even a manifest.
    assert!(tree(&fx.remote()).is_empty());
}

// --- FTPS (explicit TLS, self-signed certificate) ---------------------------------------

#[test]
fn ftps_first_deploy() {
    first_deploy(Proto::Ftps);
}

#[test]
fn ftps_edit_one_page() {
    edit_one_page(Proto::Ftps);
}

#[test]
fn ftps_wrong_password() {
    wrong_password(Proto::Ftps);
}

#[test]
fn ftps_refuses_a_self_signed_certificate_unless_allowed() {
    let Some(fx) = Fixture::new(Proto::Ftps, "cert") else {
        return;
    };
    let mut opts = fx.options();
    opts.accept_invalid_certs = false;
    let err = fx.deploy(&opts).expect_err("self-signed must be refused");
    assert!(matches!(err, DeployError::Tls { .. }), "{err:?}");
    assert!(err.message(Lang::En).contains("accept_invalid_certs"));
    assert!(!fx.remote().exists() || tree(&fx.remote()).is_empty());
}

// --- SFTP --------------------------------------------------------------------------------

#[test]
fn sftp_first_deploy() {
    first_deploy(Proto::Sftp);
}

#[test]
fn sftp_edit_one_page() {
    edit_one_page(Proto::Sftp);
}

#[test]
fn sftp_stale_files_go_foreign_files_stay() {
    stale_files_go_foreign_files_stay(Proto::Sftp);
}

#[test]
fn sftp_verify_repairs_the_server() {
    verify_repairs_the_server(Proto::Sftp);
}

#[test]
fn sftp_another_computer_deployed() {
    another_computer_deployed(Proto::Sftp);
}

#[test]
fn sftp_resume_after_refused_folder() {
    resume_after_refused_folder(Proto::Sftp);
}

#[test]
fn sftp_resume_after_cut_connection() {
    // The SSH handshake takes a few KB; the first asset is 40 KB: cut inside the second one.
    resume_after_cut_connection(Proto::Sftp, 60_000);
}

#[test]
fn sftp_survives_a_stalled_connection() {
    survives_a_stalled_connection(Proto::Sftp, 60_000);
}

#[test]
fn sftp_retries_through_a_cut_connection() {
    retries_through_a_cut_connection(Proto::Sftp, 60_000);
}

#[test]
fn sftp_resume_from_checkpoint() {
    // Handshake (a few KB), the 40 KB image, then ~1.3 KB per small file.
    resume_from_checkpoint(Proto::Sftp, 90_000);
}

#[test]
fn sftp_unwritable_manifest_blocks_replacing() {
    unwritable_manifest_blocks_replacing(Proto::Sftp);
}

#[test]
fn sftp_absolute_vietnamese_target_folder() {
    absolute_vietnamese_target_folder(Proto::Sftp);
}

#[test]
fn sftp_wrong_password() {
    wrong_password(Proto::Sftp);
}

#[test]
fn sftp_dry_run_changes_nothing() {
    dry_run_changes_nothing(Proto::Sftp);
}

#[test]
fn sftp_vietnamese_names() {
    decomposed_vietnamese_names_arrive_composed(Proto::Sftp);
}

#[test]
fn sftp_refuses_a_changed_host_key() {
    let Some(fx) = Fixture::new(Proto::Sftp, "hostkey") else {
        return;
    };
    fx.deploy_ok(&fx.options());
    let known = fx.cache.path().join("known_hosts");
    let line = fs::read_to_string(&known).expect("the host key was not remembered");
    assert!(
        line.contains(&format!("[127.0.0.1]:{}", fx.addr.port())),
        "{line}"
    );
    // Another machine answers at the same address.
    let host = line.split_whitespace().next().unwrap().to_string();
    fs::write(
        &known,
        format!("{host} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGTJ8ikQ2jbyZPm7w9maXUWAFLItBe0PWGCztQNGIslp\n"),
    )
    .unwrap();
    write(fx.out(), "index.html", b"<h1>changed</h1>");
    let before = tree(&fx.remote());
    let err = fx.deploy(&fx.options()).expect_err("must refuse");
    assert!(matches!(err, DeployError::HostKeyChanged { .. }), "{err:?}");
    assert_eq!(tree(&fx.remote()), before);
}

// --- without a server ----------------------------------------------------------------------

#[test]
fn an_unreachable_server_is_a_clear_error() {
    let site = tempfile::tempdir().unwrap();
    common::make_site(site.path());
    // Port 9 (discard) is not served on this machine's loopback.
    let target = "ftp://u@127.0.0.1:9/x".parse().unwrap();
    let opts = deploy::Options {
        retries: 0,
        ..Default::default()
    };
    let err = deploy::deploy(site.path(), &target, "pw", &opts).expect_err("nothing listens");
    assert!(matches!(err, DeployError::Connect { .. }), "{err:?}");
    assert!(err.message(Lang::En).contains("127.0.0.1:9"));
    assert!(err.is_resumable());
}

#[test]
fn the_manifest_name_is_reserved() {
    // A stray manifest in the output is never uploaded over the real one.
    let site = tempfile::tempdir().unwrap();
    common::make_site(site.path());
    write(site.path(), MANIFEST_NAME, b"{}");
    let files = deploy::manifest::scan(site.path()).unwrap();
    assert_eq!(files.len(), SITE_FILES);
}

#[test]
fn ftps_resume_after_refused_folder() {
    resume_after_refused_folder(Proto::Ftps);
}
