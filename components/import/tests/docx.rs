//! Real .docx files, written by python-docx (tests/fixtures/make_docx.py), imported into real
//! site folders; the Markdown is asserted, and the pages are built with the site.
//!
//! Needs python3 with python-docx (`pip install python-docx`, or Debian's python3-docx); without
//! it the tests say loudly that they are skipped, and fail when CI=true.

mod common;

use import::{import_docx, ImportError, Note, Options, Report};
use std::path::{Path, PathBuf};

fn fixtures() -> Option<&'static Path> {
    common::fixtures("import-fixtures")
}

/// A small site: home and two sections.
fn site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    for (path, text) in [
        ("content/_index.md", "+++\ntitle = \"Trang chủ\"\n+++\n"),
        (
            "content/tin-tuc/_index.md",
            "+++\ntitle = \"Tin tức\"\n+++\n",
        ),
        (
            "content/ke-hoach/_index.md",
            "+++\ntitle = \"Kế hoạch\"\n+++\n",
        ),
    ] {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    (dir, root)
}

fn import(root: &Path, name: &str, section: &str) -> Option<(Report, String)> {
    let file = fixtures()?.join(name);
    let opts = Options {
        section: Some(section.into()),
        ..Options::default()
    };
    let report = import_docx(root, &file, &opts)
        .unwrap_or_else(|e| panic!("{name}: {}", e.message(i18n::Lang::En)));
    let md = std::fs::read_to_string(&report.page).expect("index.md written");
    Some((report, md))
}

/// The body after the front matter.
fn body(md: &str) -> &str {
    md.splitn(3, "+++\n").nth(2).expect("front matter").trim()
}

#[test]
fn basic_document_becomes_tidy_markdown() {
    let (_t, root) = site();
    let Some((report, md)) = import(&root, "basic.docx", "tin-tuc") else {
        return;
    };
    assert_eq!(report.title, "Ngày hội đọc sách 2024");
    assert_eq!(report.slug, "ngay-hoi-doc-sach-2024");
    assert!(
        md.starts_with("+++\ntitle = \"Ngày hội đọc sách 2024\"\n"),
        "{md}"
    );
    let expected = [
        "Trường tổ chức **ngày hội đọc sách** cho *tất cả* học sinh, *gạch chân*, ~~bỏ~~ và m<sup>2</sup> và H<sub>2</sub>O.",
        "## Chuẩn bị",
        "- Sách của thư viện\n  - Truyện tranh\n  - Sách giáo khoa\n- Sách của lớp\n\n1. Đăng ký\n2. Đọc\n3. Kể lại",
        "### Lịch các lớp",
        "| Lớp | Ngày | Phòng |\n| --- | --- | --- |\n| 1A | Thứ Hai | Thư viện |\n| 2B | Thứ Ba | Phòng 3\\|4 |",
        "### Phân công",
        "<tr><th>Khối</th><th colspan=\"2\">Giáo viên</th></tr>",
        "<tr><td rowspan=\"2\">Khối 1</td><td>Cô Lan</td><td>Cô Hoa</td></tr>\n<tr><td>Thầy Nam</td><td>Cô Mai</td></tr>",
        "Xem thêm tại [Bộ Giáo dục](https://moet.gov.vn/tin-tuc) và [Wikipedia](https://vi.wikipedia.org/wiki/S%C3%A1ch).",
        "Ảnh: ![Học sinh đọc sách dưới gốc cây](hoc-sinh-doc-sach-duoi-goc-cay.png)",
        "![](anh-2.png)\n\n![Sơ đồ thư viện](anh-2.png)",
        "Câu có chú thích[^1] và chữ thêm.",
        "Trước hộp.\n\nChữ trong hộp",
        "## III. Tổng kết\n\n## IV. Khen thưởng",
        "Đoạn cuối: 1. không phải danh sách, # không phải đề mục, a\\*b\\*c.",
        "[^1]: Theo kế hoạch của **nhà trường**.",
    ];
    let b = body(&md);
    for e in expected {
        assert!(b.contains(e), "missing:\n{e}\n--- in ---\n{b}");
    }
    assert!(!b.contains("chữ xóa"), "deleted text is gone");
    assert!(!b.contains("\n\n\n"), "one blank line between blocks");
    // The pictures sit beside index.md, byte for byte.
    let page = report.page.parent().unwrap();
    let media = fixtures().unwrap().join("media");
    assert_eq!(
        std::fs::read(page.join("hoc-sinh-doc-sach-duoi-goc-cay.png")).unwrap(),
        std::fs::read(media.join("do.png")).unwrap()
    );
    assert!(page.join("anh-2.png").exists());
    for note in [
        Note::ImageWithoutAlt {
            file: "anh-2.png".into(),
        },
        Note::Comments { count: 1 },
        Note::TrackedChanges {
            insertions: 1,
            deletions: 1,
        },
        Note::TextBoxes { count: 1 },
    ] {
        assert!(
            report.remarks.contains(&note),
            "{note:?} in {:?}",
            report.remarks
        );
    }
    assert!(report.remarks[0].is_warning(), "warnings come first");
    assert_eq!((report.tables, report.notes), (2, 1));
    builds(&root, "tin-tuc/ngay-hoi-doc-sach-2024");
}

/// Builds the site with the `site` crate and returns the page's HTML.
fn builds(root: &Path, page: &str) -> String {
    std::fs::write(
        root.join("config.toml"),
        "title = \"Trường\"\nbase_url = \"https://example.edu.vn\"\ndefault_language = \"vi\"\n",
    )
    .unwrap();
    if !root.join("themes").exists() {
        let templates = root.join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        for (name, text) in [
            ("index.html", "{{ section.title }}"),
            ("section.html", "{{ section.title }}"),
            ("page.html", "<h1>{{ page.title }}</h1>{{ page.content | safe }}"),
            ("van-ban.html", "<h1>{{ page.extra.loai_van_ban }} {{ page.extra.trich_yeu }}</h1>{{ page.content | safe }}<p>{{ page.extra.nguoi_ky }}</p>"),
        ] {
            std::fs::write(templates.join(name), text).unwrap();
        }
    }
    let mut opts = site::Options::new(root, i18n::Lang::En);
    opts.drafts = true;
    let built = site::build(&opts, &|_: &str| {});
    if let Err(site::Failed(d)) = &built {
        let msgs: Vec<String> = d.iter().map(|x| x.render(i18n::Lang::En)).collect();
        panic!("the imported page does not build:\n{}", msgs.join("\n"));
    }
    std::fs::read_to_string(root.join("public").join(page).join("index.html"))
        .unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The plan's front matter fields, as the site's hand-made page has them.
const PLAN_FIELDS: [&str; 15] = [
    "title = \"Kế hoạch triển khai hoạt động thông tin đối ngoại năm 2024\"",
    "date = 2024-01-16",
    "template = \"van-ban.html\"",
    "co_quan_chu_quan = \"UBND HUYỆN THỦ THỪA\"",
    "co_quan = \"TRƯỜNG TH BÌNH AN\"",
    "so_ky_hieu = \"Số: 31/KH-THBA\"",
    "quoc_hieu = \"CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\"",
    "tieu_ngu = \"Độc lập - Tự do - Hạnh phúc\"",
    "dia_danh_ngay = \"Bình An, ngày 16 tháng 01 năm 2024\"",
    "loai_van_ban = \"KẾ HOẠCH\"",
    "trich_yeu = \"Triển khai hoạt động thông tin đối ngoại năm 2024\"",
    "noi_nhan = [\"Phòng GD&ĐT (Để B/c);\", \"Các bộ phận trong nhà trường (Để T/h);\", \"Lưu: VT.\"]",
    "chuc_vu = \"HIỆU TRƯỞNG\"",
    "nguoi_ky = \"Đặng Thành Trung\"",
    "description = \"Kế hoạch số 31/KH-THBA ngày 16/01/2024: triển khai hoạt động thông tin đối ngoại năm 2024.\"",
];

#[test]
fn the_school_plan_is_an_administrative_document() {
    let (_t, root) = site();
    let Some((report, md)) = import(&root, "seed.docx", "ke-hoach") else {
        return;
    };
    assert!(report.administrative);
    for f in PLAN_FIELDS {
        assert!(md.contains(&format!("{f}\n")), "missing {f} in\n{md}");
    }
    let b = body(&md);
    assert!(
        b.starts_with("Căn cứ Kế hoạch số 53/PGDĐT ngày 15/01/2024"),
        "{b}"
    );
    for e in [
        "## I. MỤC ĐÍCH YÊU CẦU\n\n### 1. Mục đích\n\n- Nâng cao nhận thức",
        "#### 5.1. Quảng bá hình ảnh, tiềm năng, thế mạnh của đại phương",
        "Trên đây là Kế hoạch triển khai hoạt động thông tin đối ngoại của đơn vị Trường Tiểu học Bình An năm 2024./.",
        "Phụ lục",
        "| Stt | Tên nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian thực hiện |",
    ] {
        assert!(b.contains(e), "missing:\n{e}\n--- in ---\n{b}");
    }
    // The header, recipients and signature left the body.
    for gone in [
        "Nơi nhận",
        "Độc lập",
        "Đặng Thành Trung",
        "UBND HUYỆN THỦ THỪA\n",
    ] {
        assert!(!b.contains(gone), "{gone} still in the body");
    }
    // All 16 tasks of the appendix table.
    assert!(b.contains("| 16. |") || b.contains("| 16 |"), "{b}");
    let html = builds(
        &root,
        "ke-hoach/ke-hoach-trien-khai-hoat-dong-thong-tin-doi-ngoai-nam-2024",
    );
    assert!(
        html.contains("Đặng Thành Trung") && html.contains("<h2"),
        "{html}"
    );
}

/// The same plan typed in a legacy font gives the same page.
fn same_as_unicode(name: &str, font: &str) {
    let (_t, root) = site();
    let Some((_, unicode)) = import(&root, "seed.docx", "ke-hoach") else {
        return;
    };
    let Some((report, legacy)) = import(&root, name, "tin-tuc") else {
        return;
    };
    let strip = |md: &str| md.replace(name, "seed.docx");
    assert_eq!(strip(&legacy), unicode);
    assert!(
        report
            .remarks
            .iter()
            .any(|r| matches!(r, Note::LegacyFont { font: f, .. } if f == font)),
        "{:?}",
        report.remarks
    );
}

#[test]
fn the_plan_in_tcvn3_with_vntimeh_capitals_comes_back_exactly() {
    same_as_unicode("seed-tcvn3.docx", ".VnTime");
}

#[test]
fn the_plan_in_vni_comes_back_exactly() {
    same_as_unicode("seed-vni.docx", "VNI-Times");
}

#[test]
fn only_legacy_runs_are_converted_in_a_mixed_document() {
    let (_t, root) = site();
    let Some((_, md)) = import(&root, "mixed.docx", "tin-tuc") else {
        return;
    };
    let b = body(&md);
    for e in [
        "Trường Tiểu học Bình An tổ chức lễ khai giảng năm học mới.",
        // The same code point, three fonts: .VnTime "ề", VNI "Ị", Unicode "Ò".
        "ề Ị Ò",
        "Tiếng Việt tổ hợp",
        "KẾ HOẠCH NĂM HỌC",
        "Trường lớp Một",
    ] {
        assert!(b.contains(e), "missing {e:?} in\n{b}");
    }
    assert!(
        !md.contains('\u{301}') && !md.contains('\u{AD}'),
        "NFC, no soft hyphen"
    );
}

#[test]
fn malformed_files_are_refused_and_nothing_is_written() {
    let (_t, root) = site();
    let Some(fx) = fixtures() else { return };
    let before = listing(&root);
    let opts = Options {
        section: Some("tin-tuc".into()),
        ..Options::default()
    };
    type Expected = fn(&ImportError) -> bool;
    let cases: [(&str, Expected); 6] = [
        ("not-a-zip.docx", |e| {
            matches!(e, ImportError::NotDocx { .. })
        }),
        ("no-document.docx", |e| {
            matches!(e, ImportError::NoDocument { .. })
        }),
        (
            "traversal.docx",
            |e| matches!(e, ImportError::UnsafeEntry { entry, .. } if entry == "../../evil.txt"),
        ),
        ("bomb.docx", |e| matches!(e, ImportError::ZipBomb { .. })),
        ("huge.docx", |e| {
            matches!(e, ImportError::EntryTooLarge { .. })
        }),
        ("broken-xml.docx", |e| {
            matches!(e, ImportError::Xml { line: 2, .. })
        }),
    ];
    for (name, expected) in cases {
        let err = import_docx(&root, &fx.join(name), &opts).expect_err(name);
        assert!(expected(&err), "{name}: {err:?}");
        let vi = err.message(i18n::Lang::Vi);
        assert!(vi.contains(name), "the message names the file: {vi}");
        assert_eq!(listing(&root), before, "{name} wrote something");
    }
    assert!(!root.join("../evil.txt").exists());
}

fn listing(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walk(root);
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        out.push(e.path());
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        }
    }
    out
}

#[test]
fn an_existing_page_is_never_overwritten() {
    let (_t, root) = site();
    let Some((first, md)) = import(&root, "basic.docx", "tin-tuc") else {
        return;
    };
    std::fs::write(
        root.join("content/tin-tuc/ngay-hoi-doc-sach-2024-2.md"),
        "mine",
    )
    .unwrap();
    let Some((second, _)) = import(&root, "basic.docx", "tin-tuc") else {
        return;
    };
    assert_eq!(second.slug, "ngay-hoi-doc-sach-2024-3");
    assert!(second.remarks.contains(&Note::SlugTaken {
        wanted: "ngay-hoi-doc-sach-2024".into(),
        used: "ngay-hoi-doc-sach-2024-3".into()
    }));
    assert_eq!(std::fs::read_to_string(&first.page).unwrap(), md);
    // A name asked for is not changed: the import is refused.
    let opts = Options {
        section: Some("tin-tuc".into()),
        slug: Some("ngay-hoi-doc-sach-2024".into()),
        draft: true,
    };
    let err = import_docx(&root, &fixtures().unwrap().join("basic.docx"), &opts).unwrap_err();
    assert!(matches!(err, ImportError::PageExists { .. }), "{err:?}");
    assert!(err.message(i18n::Lang::Vi).contains("không ghi đè"));
    // No staging folder is left behind.
    let hidden = std::fs::read_dir(root.join("content/tin-tuc"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(hidden, 0);
}

#[test]
fn drafts_slugs_and_sections_are_checked() {
    let (_t, root) = site();
    let Some(fx) = fixtures() else { return };
    let opts = Options {
        section: Some("khong-co".into()),
        ..Options::default()
    };
    let err = import_docx(&root, &fx.join("basic.docx"), &opts).unwrap_err();
    assert!(
        matches!(&err, ImportError::NoSection { known, .. } if known.contains(&"tin-tuc".to_string())),
        "{err:?}"
    );
    for bad in ["../x", "Có dấu", ".hidden"] {
        let opts = Options {
            section: Some("tin-tuc".into()),
            slug: Some(bad.into()),
            draft: false,
        };
        let err = import_docx(&root, &fx.join("basic.docx"), &opts).unwrap_err();
        assert!(matches!(err, ImportError::BadName { .. }), "{bad}: {err:?}");
    }
    let opts = Options {
        section: Some("tin-tuc".into()),
        slug: Some("doc-sach".into()),
        draft: true,
    };
    let r = import_docx(&root, &fx.join("basic.docx"), &opts).unwrap();
    assert_eq!(r.page, root.join("content/tin-tuc/doc-sach/index.md"));
    assert!(std::fs::read_to_string(&r.page)
        .unwrap()
        .contains("\ndraft = true\n"));
}
