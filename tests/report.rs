//! `bangtin report` end to end on the fixture site `tests/fixtures/report`: what is due on a
//! given day (`BANGTIN_TODAY`), the report written as a file, to the terminal, never over an
//! existing file without `--force`, and plain errors.

mod common;
use common::*;
use std::process::{Command, Output};

fn report(args: &[&str], today: &str, lang: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bangtin"))
        .args(["--root", fixture("report").to_str().unwrap(), "report"])
        .args(args)
        .env("BANGTIN_LANG", lang)
        .env("BANGTIN_TODAY", today)
        .env_remove("LC_ALL")
        .output()
        .expect("run bangtin")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn due_counts_the_days_to_the_next_deadline() {
    let o = report(&["--due"], "2024-05-31", "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("6 tháng đầu năm 2024"), "{out}");
    assert!(
        out.contains("trước ngày 10 tháng 6 năm 2024, còn 10 ngày"),
        "{out}"
    );
    assert!(out.contains("bangtin report --period 2024-H1"), "{out}");
    assert!(out.contains("trước ngày 10 tháng 11 năm 2024"), "{out}");

    // On the deadline itself the 6-monthly report is late: the yearly one is next.
    let o = report(&["--due"], "2024-06-10", "en");
    let out = stdout(&o);
    assert!(out.contains("period 2024,"), "{out}");
    assert!(
        out.contains("due before 10 November 2024, 153 days left"),
        "{out}"
    );

    let o = report(&["--due"], "2024-11-09", "en");
    assert!(
        stdout(&o).contains("Today is the last day"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn writes_the_report_and_keeps_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bao-cao.html");
    let out_s = out.to_str().unwrap();
    let args = ["--period", "2024-H1", "--format", "html", "--output", out_s];
    let o = report(&args, "2024-07-05", "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    let msg = stderr(&o);
    assert!(msg.contains("5 bài viết, 4 ảnh, 1 bài có bản tiếng Anh; 6/16 nhiệm vụ có bài, 10 nhiệm vụ chưa có bài"), "{msg}");
    assert!(
        msg.contains("## II. Hạn chế, tồn tại"),
        "the skeleton is shown: {msg}"
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("ngày 05 tháng 7 năm 2024"));

    std::fs::write(&out, "sửa tay").unwrap();
    let o = report(&args, "2024-07-05", "en");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "sửa tay");

    let forced: Vec<&str> = args.iter().copied().chain(["--force"]).collect();
    assert!(report(&forced, "2024-07-05", "en").status.success());
    assert!(std::fs::read_to_string(&out).unwrap().contains("BÁO CÁO"));
}

#[test]
fn markdown_to_the_terminal_defaults_to_the_period_due() {
    // On 1 July the yearly report is due next.
    let o = report(&["--format", "md", "--output", "-"], "2024-07-01", "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.contains("**Kết quả thực hiện hoạt động thông tin đối ngoại năm 2024**"),
        "{md}"
    );
    assert!(md.contains("Bài ngày 10 tháng 6"));
    assert!(
        md.contains("- Ít bài có bản tiếng Anh."),
        "the school's own Part II"
    );
}

#[test]
fn bad_input_is_explained() {
    let o = report(&["--period", "H1"], "2024-07-01", "vi");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("viết 2024-H1"), "{}", stderr(&o));
    let o = report(&["--period", "2024", "--format", "pdf"], "2024-07-01", "en");
    assert!(stderr(&o).contains("use docx"), "{}", stderr(&o));
}
