//! The report of the fixture site `tests/fixtures/report` (posts spread over 2024): counts,
//! lists, gaps, period boundaries, drafts and future posts left out, NFC text, the writers.

use chrono::NaiveDate;
use i18n::Lang;
use report::{Format, Period, Report};
use std::path::PathBuf;

fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/report")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn make(period: &str, today: &str) -> Report {
    let settings = report::load_settings(&site(), Lang::Vi).unwrap();
    let p = Period::parse(period, &settings.calendar, Lang::Vi).unwrap();
    report::make(&site(), p, d(today), Lang::Vi).unwrap()
}

fn titles(r: &Report) -> Vec<&str> {
    r.posts.iter().map(|p| p.title.as_str()).collect()
}

fn task(r: &Report, stt: u32) -> Vec<&str> {
    let t = r.tasks.iter().find(|t| t.task.stt == stt).unwrap();
    t.posts.iter().map(|&k| r.posts[k].title.as_str()).collect()
}

#[test]
fn first_half_counts_9_june_and_not_10_june() {
    let r = make("2024-H1", "2024-07-05");
    assert_eq!(
        titles(&r),
        [
            "Kế hoạch thông tin đối ngoại",
            "Tuần lễ Cộng đồng ASEAN ở trường",
            "Quê hương em",
            "Triển lãm bản đồ Hoàng Sa",
            "Bài ngày 9 tháng 6",
        ]
    );
    // Task 7 (seas and islands) through its section; task 6 (ASEAN) through the section and
    // through the chuyen_de topic of a post in another section.
    assert_eq!(
        task(&r, 7),
        ["Triển lãm bản đồ Hoàng Sa", "Bài ngày 9 tháng 6"]
    );
    assert_eq!(
        task(&r, 6),
        [
            "Kế hoạch thông tin đối ngoại",
            "Tuần lễ Cộng đồng ASEAN ở trường"
        ]
    );
    assert_eq!(task(&r, 9), ["Quê hương em"]);
    let gaps: Vec<u32> = r.gaps().map(|t| t.task.stt).collect();
    assert_eq!(gaps, [1, 2, 3, 4, 5, 10, 11, 14, 15, 16]);
}

#[test]
fn counts_per_section_photos_and_english() {
    let r = make("2024-H1", "2024-07-05");
    let row = |dir: &str| r.sections.iter().find(|s| s.dir == dir).unwrap().clone();
    let bien = row("bien-dao");
    assert_eq!((bien.posts, bien.photos, bien.english), (2, 2, 1));
    assert_eq!(bien.name, "Biển, đảo");
    let que = row("quang-ba-dia-phuong");
    assert_eq!((que.posts, que.photos, que.english), (1, 2, 0));
    // A section of the plan with nothing published is listed with zero, not left out.
    assert_eq!(row("hang-viet-nam").posts, 0);
    assert_eq!(row("ke-hoach").posts, 1);
    assert!(r.sections.iter().all(|s| s.dir != "huong-dan"));
    let total = r.total();
    assert_eq!((total.posts, total.photos, total.english), (5, 4, 1));
    let en = r.posts.iter().find_map(|p| p.english.clone()).unwrap();
    assert_eq!(en, "https://truong.example.edu.vn/en/bien-dao/hoang-sa/");
}

#[test]
fn year_report_leaves_out_future_posts_and_reads_the_schools_notes() {
    // Made on 1 August: the post dated that day is published, the one of 10 November is not yet.
    let r = make("2024", "2024-08-01");
    assert_eq!(titles(&r).len(), 7, "{:?}", titles(&r));
    assert!(titles(&r).contains(&"Bài ngày 10 tháng 6"));
    assert!(titles(&r).contains(&"Bài tháng 8"));
    // Made after the deadline: the post of 10 November is published but belongs to the next year.
    let late = make("2024", "2024-12-01");
    assert_eq!(titles(&late), titles(&r));
    assert_eq!(
        r.notes.limitations.as_deref(),
        Some("- Chưa có bài viết về quyền con người.\n- Ít bài có bản tiếng Anh.")
    );
    assert!(r.plans_heading.contains("NĂM 2025"), "{}", r.plans_heading);
    // Drafts never count.
    assert!(!titles(&late).contains(&"Bài nháp hàng Việt"));
    let early = make("2024", "2024-06-09");
    assert!(!titles(&early).contains(&"Bài ngày 10 tháng 6"));
}

#[test]
fn header_follows_the_decree() {
    let r = make("2024-H1", "2024-07-05");
    assert_eq!(
        r.place_date,
        "(cập nhật địa danh), ngày 05 tháng 7 năm 2024"
    );
    assert_eq!(r.number, "Số:      /BC-THT");
    assert_eq!(r.school, "TRƯỜNG TIỂU HỌC THỬ");
    assert_eq!(r.issuer, "ỦY BAN NHÂN DÂN XÃ (CẬP NHẬT TÊN XÃ)");
    assert_eq!(
        r.subject,
        "Kết quả thực hiện hoạt động thông tin đối ngoại 6 tháng đầu năm 2024"
    );
    let jan = make("2024-H1", "2024-01-16");
    assert!(jan.place_date.ends_with("ngày 16 tháng 01 năm 2024"));
    assert_eq!(
        r.extra,
        [
            (
                "Số buổi sinh hoạt dưới cờ về biển, đảo".to_string(),
                "4".to_string()
            ),
            (
                "Số học sinh tham gia cuộc thi vẽ tranh".to_string(),
                "120".to_string()
            ),
        ]
    );
    assert_eq!(make("2024", "2024-08-01").extra.len(), 1);
}

#[test]
fn markdown_and_html_hold_the_same_report_in_nfc() {
    let r = make("2024-H1", "2024-07-05");
    let md = String::from_utf8(report::render(&r, Format::Md)).unwrap();
    let html = String::from_utf8(report::render(&r, Format::Html)).unwrap();
    for text in [&md, &html] {
        assert_eq!(vi::nfc(text), text.as_str(), "the output is NFC");
        assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        assert!(text.contains("Độc lập - Tự do - Hạnh phúc"));
        assert!(text.contains("Tuần lễ Cộng đồng ASEAN ở trường"));
        assert!(text.contains("https://truong.example.edu.vn/bien-dao/ngay-9-6/"));
        assert!(!text.contains("Bài ngày 10 tháng 6"));
        assert!(text.contains("Chưa có bài viết nào trong kỳ."));
        assert!(
            text.contains("bao-cao/2024-H1.md"),
            "the skeleton names the notes file"
        );
    }
    assert!(md.contains(
        "- [Bài ngày 9 tháng 6](https://truong.example.edu.vn/bien-dao/ngay-9-6/) (09/6/2024)"
    ));
    assert!(md.contains("| Biển, đảo | 2 | 2 | 1 |"));
    assert!(md.contains("***Nơi nhận:***"));
    assert!(html.contains("size: A4 portrait"));
    assert!(html.contains("<tr class=\"total\"><td>Tổng cộng</td><td class=\"n\">5</td>"));
}

#[test]
fn output_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bao-cao").join("r.md");
    report::write_file(&path, b"first", false, Lang::En).unwrap();
    let e = report::write_file(&path, b"second", false, Lang::En).unwrap_err();
    assert!(e.contains("--force"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), b"first");
    report::write_file(&path, b"second", true, Lang::En).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
}

#[test]
fn errors_say_what_to_do() {
    let s = report::load_settings(&site(), Lang::En).unwrap();
    let p = Period::parse("2023", &s.calendar, Lang::En).unwrap();
    let e = report::make(&site(), p, d("2024-07-05"), Lang::En).unwrap_err();
    assert!(e.contains("data/ke-hoach-2023.toml"), "{e}");
    assert!(e.contains("[report] plan"), "{e}");
}
