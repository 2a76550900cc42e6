//! Helpers shared by the import tests: the .docx fixtures, written once per test binary by
//! tests/fixtures/make_docx.py (python-docx).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// This crate's folder.
pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The school plan as text (the vi crate's copy of the seed).
pub fn seed_txt() -> PathBuf {
    manifest().join("../vi/tests/data/ke-hoach-31-KH-THBA-2024.txt")
}

/// The fixtures folder; `None` (skipped loudly, or a failure when CI=true) without
/// python-docx. Each test binary writes its own copy under `name`.
pub fn fixtures(name: &str) -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = std::fs::remove_dir_all(&out);
        let run = Command::new("python3")
            .arg(manifest().join("tests/fixtures/make_docx.py"))
            .arg(seed_txt())
            .arg(&out)
            .output();
        match run {
            Ok(o) if o.status.success() => Some(out),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "python3 with python-docx is needed in CI: {why}"
                );
                eprintln!("\n!!!!!!!! SKIPPED: cannot make .docx fixtures (pip install python-docx): {why}\n");
                None
            }
        }
    })
    .as_deref()
}
