//! A real Ctrl-C (SIGINT) in the middle of a deploy stops it cleanly; running again resumes.
//! (Its own test binary: a signal handler is process-wide.)

#![cfg(unix)]

mod common;

use std::time::{Duration, Instant};

use common::{write, Fixture, Proto, SITE_FILES};
use deploy::DeployError;

#[test]
fn ctrl_c_stops_after_the_current_file_and_the_next_run_resumes() {
    let Some(fx) = Fixture::new(Proto::Ftp, "ctrl-c") else {
        return;
    };
    for i in 0..300 {
        write(fx.out(), &format!("anh/{i:03}.txt"), &common::noise(500, i));
    }
    let total = SITE_FILES + 300;
    let mut opts = fx.options();
    opts.cancel = deploy::stop_on_ctrl_c(i18n::Lang::En);
    assert!(opts.cancel.is_some(), "the handler could not be installed");

    // Press Ctrl-C as soon as the first file lands on the server.
    let watched = fx.remote();
    let presser = std::thread::spawn(move || {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            // Names only, and errors ignored: files are renamed while we look.
            let landed = walkdir::WalkDir::new(&watched)
                .into_iter()
                .flatten()
                .any(|e| {
                    e.file_type().is_file() && !e.file_name().to_string_lossy().contains("bangtin")
                });
            if landed {
                let pid = std::process::id().to_string();
                let status = std::process::Command::new("kill")
                    .args(["-INT", &pid])
                    .status()
                    .unwrap();
                assert!(status.success());
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("no file reached the server");
    });
    let err = fx.deploy(&opts).expect_err("Ctrl-C must stop the deploy");
    presser.join().unwrap();
    let DeployError::Stopped { done, cause, .. } = &err else {
        panic!("expected a stop, got {err:?}");
    };
    assert!(matches!(**cause, DeployError::Interrupted), "{cause:?}");
    assert!(*done > 0 && *done < total, "done {done} of {total}");
    let partial = fx.assert_manifest_truthful();
    assert_eq!(
        partial.files.len(),
        *done,
        "everything uploaded is recorded"
    );

    opts.cancel = None;
    let summary = fx.deploy_ok(&opts);
    assert_eq!(summary.uploaded.len(), total - done);
    fx.assert_server_matches_site(&[]);
}
