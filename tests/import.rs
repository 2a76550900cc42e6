//! `bangtin import` end to end: the real binary imports the school plan (as a .docx written by
//! python-docx) and a folder of documents into a copy of the school's site, `bangtin build`
//! builds it, and axe-core in Chromium finds no WCAG 2.1 AA violation on the imported pages.
//!
//! Needs python3 with python-docx; axe needs node, Chromium and tests/browser/node_modules.
//! Without them the tests skip loudly, and fail when CI=true.

mod common;

use common::{bangtin, copy_dir, stderr};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Writes the .docx fixtures into `out`; false (skipped loudly) without python-docx.
fn make_fixtures(out: &Path) -> bool {
    let run = Command::new("python3")
        .arg(repo().join("components/import/tests/fixtures/make_docx.py"))
        .arg(repo().join("components/vi/tests/data/ke-hoach-31-KH-THBA-2024.txt"))
        .arg(out)
        .output();
    match run {
        Ok(o) if o.status.success() => true,
        other => {
            let why = match other {
                Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            assert!(!in_ci(), "python3 with python-docx is needed in CI: {why}");
            eprintln!("\n!!!!!!!! SKIPPED: no python-docx (pip install python-docx): {why}\n");
            false
        }
    }
}

/// A copy of the school's site (config, content, data, static, theme).
fn school_site(to: &Path) {
    for dir in ["content", "data", "static", "themes"] {
        copy_dir(&repo().join(dir), &to.join(dir));
    }
    std::fs::copy(repo().join("config.toml"), to.join("config.toml")).expect("copy config.toml");
}

#[test]
fn imported_plan_and_folder_build_and_pass_axe() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let fx = tmp.path().join("docx");
    if !make_fixtures(&fx) {
        return;
    }
    let root = tmp.path().join("site");
    school_site(&root);
    let r = root.to_str().unwrap();
    let seed = fx.join("seed.docx");
    let out = bangtin(
        &[
            "--root",
            r,
            "import",
            seed.to_str().unwrap(),
            "--section",
            "ke-hoach",
            "--slug",
            "ke-hoach-nhap-tu-word",
        ],
        "vi",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("văn bản hành chính"),
        "report in Vietnamese: {err}"
    );
    let page = root.join("content/ke-hoach/ke-hoach-nhap-tu-word/index.md");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        page.display().to_string()
    );
    // The same --slug again is refused, and the page is untouched.
    let before = std::fs::read(&page).unwrap();
    let again = bangtin(
        &[
            "--root",
            r,
            "import",
            seed.to_str().unwrap(),
            "--section",
            "ke-hoach",
            "--slug",
            "ke-hoach-nhap-tu-word",
        ],
        "en",
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("does not overwrite"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&page).unwrap(), before);
    // A folder: the documents in it, one page each; a broken one fails alone.
    let folder = tmp.path().join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    for name in ["basic.docx", "mixed.docx", "not-a-zip.docx"] {
        std::fs::copy(fx.join(name), folder.join(name)).unwrap();
    }
    std::fs::write(folder.join("~$basic.docx"), "Word's lock file").unwrap();
    let many = bangtin(
        &[
            "--root",
            r,
            "import",
            folder.to_str().unwrap(),
            "--section",
            "bien-dao",
            "--draft",
        ],
        "en",
    );
    assert!(!many.status.success(), "one file was not a .docx");
    let err = stderr(&many);
    assert!(err.contains("1 of 3 files could not be imported"), "{err}");
    assert!(
        err.contains("not-a-zip.docx: not a Word .docx file"),
        "{err}"
    );
    let bien_dao = root.join("content/bien-dao");
    assert!(bien_dao.join("ngay-hoi-doc-sach-2024/index.md").exists());
    let build = bangtin(&["--root", r, "build", "--drafts"], "en");
    assert!(build.status.success(), "{}", stderr(&build));
    let public = root.join("public");
    let html =
        std::fs::read_to_string(public.join("ke-hoach/ke-hoach-nhap-tu-word/index.html")).unwrap();
    for text in [
        "Số: 31/KH-THBA",
        "Đặng Thành Trung",
        "MỤC ĐÍCH YÊU CẦU",
        "Lưu: VT.",
    ] {
        assert!(html.contains(text), "{text} missing from the built page");
    }
    axe_on(
        &public,
        &[
            "ke-hoach/ke-hoach-nhap-tu-word/",
            "bien-dao/ngay-hoi-doc-sach-2024/",
        ],
    );
}

/// Runs tests/browser/axe.mjs over the given pages of a built site only.
fn axe_on(public: &Path, pages: &[&str]) {
    let modules = repo().join("tests/browser/node_modules");
    let tools = Path::new("/usr/bin/chromium").exists()
        && modules.join("axe-core").exists()
        && modules.join("playwright-core").exists()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !tools {
        assert!(
            !in_ci(),
            "axe needs node, chromium and tests/browser/node_modules in CI"
        );
        eprintln!("\n!!!!!!!! SKIPPED axe: run .ci/browser-setup.sh\n");
        return;
    }
    // Keep the assets, and only the imported pages' HTML.
    for e in walkdir::WalkDir::new(public).into_iter().flatten() {
        let rel = e
            .path()
            .strip_prefix(public)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // axe.mjs wants the home page there; it is checked too.
        let keep = rel == "index.html" || pages.iter().any(|p| rel.starts_with(p));
        if e.file_type().is_file() && rel.ends_with(".html") && !keep {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let run = Command::new("node")
        .arg(repo().join("tests/browser/axe.mjs"))
        .arg(public)
        .current_dir(repo().join("tests/browser"))
        .output()
        .expect("run node");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success(),
        "axe found problems on the imported pages:\n{out}"
    );
}
