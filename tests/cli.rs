//! The command line as a user runs it: `check` exit codes and formats, help in both languages.

mod common;
use common::*;
use std::fs;

#[test]
fn check_reports_problems_and_exits_non_zero() {
    let (_dir, root) = site_copy("basic");
    let r = root.to_str().unwrap();
    // The fixture builds; its only findings are warnings, so check succeeds.
    let o = bangtin(&["--root", r, "check"], "en");
    assert!(
        o.status.success(),
        "{}{}",
        stderr(&o),
        String::from_utf8_lossy(&o.stdout)
    );
    // A raw HTML link to a page that does not exist is an error with its line.
    let p = root.join("content/tin-tuc/em.md");
    let text = fs::read_to_string(&p).unwrap() + "\n[Lịch](/khong-co-trang-nay/)\n";
    fs::write(&p, text).unwrap();
    let o = bangtin(&["--root", r, "check", "--format", "json"], "en");
    assert!(!o.status.success());
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    let broken: Vec<&serde_json::Value> = report
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "broken_link")
        .collect();
    assert_eq!(broken.len(), 1, "{report:#}");
    assert_eq!(broken[0]["file"], "content/tin-tuc/em.md");
    assert_eq!(broken[0]["line"], 7);
    assert_eq!(broken[0]["severity"], "error");
    // The text report is Vietnamese by default.
    let o = bangtin(&["--root", r, "check"], "vi");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("lỗi"), "{out}");
}

#[test]
fn unknown_format_is_refused() {
    let o = bangtin(
        &[
            "--root",
            fixture("basic").to_str().unwrap(),
            "check",
            "--format",
            "xml",
        ],
        "en",
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("unsupported format: xml"));
}

#[test]
fn missing_config_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let o = bangtin(&["--root", dir.path().to_str().unwrap(), "build"], "en");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bangtin init"), "{}", stderr(&o));
    let o = bangtin(&["--root", dir.path().to_str().unwrap(), "build"], "vi");
    assert!(
        stderr(&o).contains("không đọc được config.toml"),
        "{}",
        stderr(&o)
    );
}
