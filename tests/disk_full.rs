//! A build whose output disk fills up: a small tmpfs holds the output; the build that does not
//! fit fails with one clear error that names a file and says the disk is full (in Vietnamese
//! and in English), and the previous output is still there, whole, with no staging folder
//! left to fill the disk further.
//!
//! Mounting needs root: elsewhere the test says loudly that it did not run, and fails under
//! `CI=true` (CI runs as root).
#![cfg(target_os = "linux")]

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of `size` mounted on a new folder, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(at).unwrap();
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .ok()?;
        o.status
            .success()
            .then(|| Tmpfs(at.to_path_buf()))
            .or_else(|| {
                eprintln!("mount: {}", String::from_utf8_lossy(&o.stderr));
                None
            })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mounted(at: &Path, size: &str) -> Option<Tmpfs> {
    let fs = Tmpfs::mount(at, size);
    if fs.is_none() {
        let why = "SKIPPED: cannot mount a tmpfs (needs root): the full-disk build is not tested";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
        eprintln!("{why}");
    }
    fs
}

#[test]
fn a_full_disk_stops_the_build_with_a_clear_error_and_keeps_the_previous_output() {
    let (dir, root) = site_copy("basic");
    let Some(disk) = mounted(&dir.path().join("disk"), "1m") else {
        return;
    };
    let out = disk.0.join("public");
    let args = ["--root", root.to_str().unwrap(), "build", "--output"];
    let args = [&args[..], &[out.to_str().unwrap()]].concat();
    let o = bangtin(&args, "en");
    assert!(o.status.success(), "{}", stderr(&o));
    let before = published(&out);
    assert!(before.iter().any(|(rel, _)| rel == "index.html"));

    // A new page and a static file that cannot fit in what is left.
    fs::write(
        root.join("static/video-lop-5.bin"),
        testkit::noise(1_500_000, 22),
    )
    .unwrap();
    let page = root.join("content/tin-tuc/moi.md");
    fs::write(
        &page,
        "+++\ntitle = \"Bài mới\"\ndate = 2024-05-01\n+++\nBài mới.\n",
    )
    .unwrap();
    for (lang, words) in [
        ("en", ["the disk is full", "build again"]),
        ("vi", ["ổ đĩa đã đầy", "dựng lại"]),
    ] {
        let o = bangtin(&args, lang);
        let text = output_text(&o);
        assert!(!o.status.success(), "{text}");
        assert!(!text.contains("panicked"), "{text}");
        for w in words {
            assert!(text.contains(w), "{lang}: no '{w}' in: {text}");
        }
        assert!(
            !text.contains("os error 28"),
            "the system's wording only: {text}"
        );
        // The file that could not be written is named, once, not once per file.
        assert!(text.contains("video-lop-5.bin"), "{text}");
        let full = lang_pick(lang, "ổ đĩa đã đầy", "the disk is full");
        assert_eq!(text.matches(full).count(), 1, "{text}");
        assert_eq!(
            published(&out),
            before,
            "{lang}: the previous output changed"
        );
        let left: Vec<_> = fs::read_dir(&disk.0)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n != "public")
            .collect();
        assert!(left.is_empty(), "left on the full disk: {left:?}");
    }
    drop(disk);
}

fn lang_pick<'a>(lang: &str, vi: &'a str, en: &'a str) -> &'a str {
    if lang == "vi" {
        vi
    } else {
        en
    }
}
