//! The Word report of the fixture site: its parts (styles, page set-up, page-number header),
//! then the real thing: LibreOffice (headless) converts it to PDF, poppler renders page 1, and
//! the pixels show the margins and the two header blocks where Nghị định 30/2020 puts them.
//! Set `BANGTIN_SCREENSHOTS=1` to refresh docs/screenshots/bao-cao-docx-trang-1.png.

use chrono::NaiveDate;
use i18n::Lang;
use report::{Format, Period, Report};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn h1_report() -> Report {
    let site = repo().join("tests/fixtures/report");
    let s = report::load_settings(&site, Lang::Vi).unwrap();
    let p = Period::parse("2024-H1", &s.calendar, Lang::Vi).unwrap();
    let today = NaiveDate::from_ymd_opt(2024, 7, 5).unwrap();
    report::make(&site, p, today, Lang::Vi).unwrap()
}

fn part(zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> String {
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn word_file_has_named_styles_a4_margins_and_numbers_from_page_2() {
    let bytes = report::render(&h1_report(), Format::Docx);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let styles = part(&mut zip, "word/styles.xml");
    for id in [
        "Normal",
        "Title",
        "Subtitle",
        "Heading1",
        "Heading2",
        "ListParagraph",
        "Hyperlink",
    ] {
        assert!(
            styles.contains(&format!("w:styleId=\"{id}\"")),
            "no style {id}"
        );
    }
    assert!(styles.contains("w:ascii=\"Times New Roman\""));
    assert!(styles.contains("<w:sz w:val=\"26\" />"), "13 pt body text");
    let doc = part(&mut zip, "word/document.xml");
    assert!(
        doc.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""),
        "A4 portrait"
    );
    // 20 mm = 1134 twips, 30 mm = 1701, 15 mm = 850.
    for m in [
        "w:top=\"1134\"",
        "w:bottom=\"1134\"",
        "w:left=\"1701\"",
        "w:right=\"850\"",
    ] {
        assert!(doc.contains(m), "margin {m}");
    }
    assert!(
        doc.contains("<w:titlePg"),
        "page 1 has its own (empty) header"
    );
    assert!(doc.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(doc.contains("ngày 05 tháng 7 năm 2024"));
    assert!(
        doc.contains("Tuần lễ Cộng đồng ASEAN ở trường"),
        "NFC title"
    );
    assert!(doc.contains("Nơi nhận:"));
    let names: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("word/header"))
        .map(str::to_string)
        .collect();
    let headers: Vec<String> = names.iter().map(|n| part(&mut zip, n)).collect();
    assert!(headers.iter().any(|h| h.contains("PAGE")), "a PAGE field");
}

fn missing(what: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("the LibreOffice test cannot run in CI: {what}");
    }
    eprintln!("\n*** SKIPPED LibreOffice test: {what} ***\n");
}

fn has(tool: &str, arg: &str) -> bool {
    Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        o.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Ink bounds of a page image: (left, top, right, bottom) in pixels.
fn ink(img: &image::GrayImage, x0: u32, x1: u32, y0: u32, y1: u32) -> Option<(u32, u32, u32, u32)> {
    let mut b: Option<(u32, u32, u32, u32)> = None;
    for y in y0..y1.min(img.height()) {
        for x in x0..x1.min(img.width()) {
            if img.get_pixel(x, y).0[0] < 140 {
                let (l, t, r, bt) = b.unwrap_or((x, y, x, y));
                b = Some((l.min(x), t.min(y), r.max(x), bt.max(y)));
            }
        }
    }
    b
}

#[test]
fn libreoffice_opens_it_and_page_1_has_the_decree_layout() {
    if !has("libreoffice", "--version") {
        return missing("libreoffice not found (apt-get install libreoffice-writer-nogui)");
    }
    if !has("pdftoppm", "-v") {
        return missing("pdftoppm not found (apt-get install poppler-utils)");
    }
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("bao-cao.docx");
    std::fs::write(&docx, report::render(&h1_report(), Format::Docx)).unwrap();
    // A profile of its own, so a LibreOffice already open on the machine does not take the job.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("lo").display()
    );
    run(Command::new("libreoffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&docx));
    let pdf = dir.path().join("bao-cao.pdf");
    let info = run(Command::new("pdfinfo").arg(&pdf));
    assert!(info.contains("595.") && info.contains("841."), "A4: {info}");
    let page = |n: &str| {
        run(Command::new("pdftotext")
            .args(["-layout", "-f", n, "-l", n])
            .arg(&pdf)
            .arg("-"))
    };
    let one = page("1");
    assert!(
        one.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && one.contains("BÁO CÁO"),
        "{one}"
    );
    assert_eq!(
        one.split_whitespace().next(),
        Some("ỦY"),
        "no page number on page 1: {one}"
    );
    let two = page("2");
    assert_eq!(
        two.split_whitespace().next(),
        Some("2"),
        "page 2 is numbered at the top: {two}"
    );
    // The signature block is never cut: the signer's name is on the page of "Nơi nhận".
    let all = run(Command::new("pdftotext").arg(&pdf).arg("-"));
    let last = all
        .split('\u{c}')
        .find(|p| p.contains("Nơi nhận:"))
        .expect("Nơi nhận");
    assert!(last.contains("(cập nhật họ tên Hiệu trưởng)"), "{last}");
    check_pixels(&pdf, dir.path());
}

fn check_pixels(pdf: &Path, dir: &Path) {
    let dpi = 60.0;
    run(Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(dir.join("trang-1")));
    let png = dir.join("trang-1.png");
    let img = image::open(&png).unwrap().to_luma8();
    let mm = |px: u32| px as f64 * 25.4 / dpi;
    let px = |mm: f64| (mm * dpi / 25.4) as u32;
    let (l, t, r, _) = ink(&img, 0, img.width(), 0, img.height()).expect("page 1 has text");
    let (left, top, right) = (mm(l), mm(t), 210.0 - mm(r));
    assert!((27.0..=36.0).contains(&left), "left margin {left:.1} mm");
    assert!((12.0..=21.0).contains(&right), "right margin {right:.1} mm");
    assert!((18.0..=27.0).contains(&top), "top margin {top:.1} mm");
    // The first 10 mm of text: the governing body top left, the national name top right, each
    // in its own column (the left one is 36 % of the 165 mm between the margins), white between.
    let band = (t, t + px(10.0));
    let split_mm = 30.0 + 165.0 * 0.36;
    let split = px(split_mm);
    let left_block = ink(&img, 0, split, band.0, band.1).expect("a block top left");
    let right_block = ink(&img, split, img.width(), band.0, band.1).expect("a block top right");
    let (gap_from, gap_to) = (mm(left_block.2), mm(right_block.0));
    assert!(
        gap_from < split_mm - 1.0,
        "left block ends at {gap_from:.1} mm"
    );
    assert!(
        gap_to > split_mm + 1.0,
        "right block starts at {gap_to:.1} mm"
    );
    // Both blocks are centred in their columns.
    let centre = |b: (u32, u32, u32, u32)| (mm(b.0) + mm(b.2)) / 2.0;
    let left_centre = (30.0 + split_mm) / 2.0;
    let right_centre = (split_mm + 195.0) / 2.0;
    assert!(
        (centre(left_block) - left_centre).abs() < 4.0,
        "left block centred"
    );
    assert!(
        (centre(right_block) - right_centre).abs() < 4.0,
        "right block centred"
    );
    if std::env::var("BANGTIN_SCREENSHOTS").is_ok() {
        let to = repo().join("docs/screenshots/bao-cao-docx-trang-1.png");
        std::fs::copy(&png, &to).unwrap();
        eprintln!("wrote {}", to.display());
    }
}
