//! The password never reaches a log, even with a logger that records everything.
//! (Its own test binary: a logger is process-wide.)

#![cfg(unix)]

mod common;

use std::sync::Mutex;

use common::{Fixture, Proto};

static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Recorder;

impl log::Log for Recorder {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        RECORDS
            .lock()
            .unwrap()
            .push(format!("{} {}", record.target(), record.args()));
    }
    fn flush(&self) {}
}

#[test]
fn ftp_password_is_never_logged() {
    let Some(fx) = Fixture::new(Proto::Ftp, "no-log") else {
        return;
    };
    log::set_logger(&Recorder).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    fx.deploy_ok(&fx.options());
    let records = RECORDS.lock().unwrap();
    // The logger did see the FTP session, so the check below is not vacuous.
    assert!(
        records.iter().any(|r| r.contains("suppaftp")),
        "{records:?}"
    );
    let pw = common::password();
    let leaks: Vec<_> = records.iter().filter(|r| r.contains(&pw)).collect();
    assert!(leaks.is_empty(), "password in the logs: {leaks:?}");
}
