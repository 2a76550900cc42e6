//! Builds killed (SIGKILL) at seeded moments, through the real binary, on a generated site of
//! a few hundred pages with photos: `public/` is always the previous complete site or the new
//! complete site, never a mix; the next build succeeds, gives the same bytes as a build never
//! interrupted (so no half-written image cache entry is reused), and clears the staging folder
//! the killed build left. A build running beside another keeps its staging folder.
//!
//! CI runs a handful of kill points; `BANGTIN_KILLS=50` runs more, `BANGTIN_KILL_SEED=N`
//! another series.
#![cfg(unix)]

mod common;
use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PAGES: usize = 200;
const PHOTOS: usize = 4;
const TODAY: &str = "2026-01-15";

/// Writes version `v` of the generated site (v2 edits every page and half the photos).
fn write_site(root: &Path, v: u32) {
    fs::create_dir_all(root.join("content")).unwrap();
    fs::write(
        root.join("config.toml"),
        "title = \"Trường Thử\"\nbase_url = \"https://thu.example.edu.vn\"\n\
         default_language = \"vi\"\ntheme = \"truong\"\n\n[[taxonomies]]\nname = \"tags\"\n\n\
         [images]\nwidths = [320, 640]\n",
    )
    .unwrap();
    fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Trang chủ\"\n+++\n",
    )
    .unwrap();
    let sections = ["tin-tuc", "hoat-dong", "thong-bao"];
    for s in sections {
        let dir = root.join("content").join(s);
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("_index.md"),
            format!("+++\ntitle = \"{s}\"\nsort_by = \"date\"\npaginate_by = 10\n+++\n"),
        )
        .unwrap();
    }
    for i in 0..PAGES {
        let s = sections[i % sections.len()];
        let day = 1 + i % 28;
        let body = format!(
            "Bài số {i}, bản {v}. Học sinh lớp {} tham gia hoạt động ngoại khóa.\n\n\
             ## Nội dung\n\nBiển đảo quê hương, phiên bản {v}. {}\n",
            1 + i % 5,
            "Các em chăm chỉ học tập. ".repeat(20)
        );
        let md = format!(
            "+++\ntitle = \"Bài {i} (bản {v})\"\ndate = 2025-{:02}-{day:02}\n\
             [taxonomies]\ntags = [\"lớp {}\"]\n+++\n{body}",
            1 + i % 12,
            1 + i % 5
        );
        fs::write(root.join("content").join(s).join(format!("bai-{i}.md")), md).unwrap();
    }
    for i in 0..PHOTOS {
        let dir = root.join("content/hoat-dong").join(format!("album-{i}"));
        fs::create_dir_all(&dir).unwrap();
        // Half the photos change in v2: their variants are new files, made during the build.
        let shade = if i % 2 == 0 { v } else { 1 };
        fs::write(dir.join("anh.jpg"), photo(i as u32 * 7 + shade * 31)).unwrap();
        fs::write(
            dir.join("index.md"),
            format!(
                "+++\ntitle = \"Album {i} (bản {v})\"\ndate = 2025-06-{:02}\n+++\n\
                 ![Học sinh trong album {i}](anh.jpg)\n",
                1 + i
            ),
        )
        .unwrap();
    }
}

/// A 640x480 JPEG whose pixels depend on `seed`.
fn photo(seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([
            ((x + seed) % 251) as u8,
            ((y * 3 + seed) % 241) as u8,
            ((x * y + seed) % 239) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

fn build_cmd(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bangtin"));
    c.args(["--root", root.to_str().unwrap(), "build"])
        .env("BANGTIN_LANG", "en")
        .env("BANGTIN_TODAY", TODAY)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// A complete build; panics with its messages when it fails.
fn build(root: &Path) {
    let o = build_cmd(root).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The output's files and their bytes, without the marker, which must be there: an output
/// without it is not a complete build.
fn tree(out: &Path) -> BTreeMap<String, Vec<u8>> {
    assert!(out.join(".bangtin-build").is_file(), "no marker in {out:?}");
    published(out)
        .into_iter()
        .filter(|(rel, _)| rel != ".bangtin-build")
        .collect()
}

/// Names beside the output left by builds (`.public.staging-*`).
fn leftovers(root: &Path) -> Vec<String> {
    fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.staging-"))
        .collect()
}

/// Sets the output back to the previous complete site and empties the image cache, so a
/// build has every step to do again, photos included.
fn reset(root: &Path, previous: &Path) {
    let out = root.join("public");
    if out.exists() {
        fs::remove_dir_all(&out).unwrap();
    }
    copy_dir(previous, &out);
    let _ = fs::remove_dir_all(root.join(".bangtin-cache"));
}

/// SplitMix64: seeded kill points without a crate.
struct Seeded(u64);
impl Seeded {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The two complete sites: v1 built (kept in `<dir>/previous`), then v2 built over it from an
/// empty cache; (site root, previous copy, v1 tree, v2 tree, time of the v2 build).
type Sites = (
    PathBuf,
    PathBuf,
    BTreeMap<String, Vec<u8>>,
    BTreeMap<String, Vec<u8>>,
    Duration,
);

fn two_sites(dir: &Path) -> Sites {
    let root = dir.join("site");
    write_site(&root, 1);
    build(&root);
    let previous = dir.join("previous");
    copy_dir(&root.join("public"), &previous);
    let v1 = tree(&previous);
    write_site(&root, 2);
    reset(&root, &previous);
    let started = Instant::now();
    build(&root);
    let full = started.elapsed();
    let v2 = tree(&root.join("public"));
    assert_ne!(v1, v2);
    assert!(
        v2.keys().any(|k| k.ends_with(".webp")),
        "photos were processed"
    );
    (root, previous, v1, v2, full)
}

#[test]
fn a_killed_build_leaves_the_previous_or_the_new_site_and_the_next_build_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let (root, previous, v1, v2, full) = two_sites(dir.path());
    let kills = env_number("BANGTIN_KILLS", 4);
    let mut seeded = Seeded(env_number("BANGTIN_KILL_SEED", 22));
    let (mut before_swap, mut after_swap, mut left) = (0, 0, 0);
    for i in 0..kills {
        reset(&root, &previous);
        // Kill points spread over the whole build, a few past its end.
        let delay = full.mul_f64(0.02 + 1.08 * seeded.unit());
        let mut child: Child = build_cmd(&root).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = tree(&root.join("public"));
        if now == v1 {
            before_swap += 1;
        } else if now == v2 {
            after_swap += 1;
        } else {
            let mixed: Vec<_> = now
                .iter()
                .filter(|(k, b)| v1.get(*k) != Some(b))
                .take(3)
                .collect();
            panic!(
                "kill {i} at {delay:?} ({status}) left a mix of both sites in public/: {:?}",
                mixed.iter().map(|(k, _)| k).collect::<Vec<_>>()
            );
        }
        left += usize::from(!leftovers(&root).is_empty());
        build(&root);
        assert!(
            tree(&root.join("public")) == v2,
            "kill {i} at {delay:?}: the next build differs from an uninterrupted one"
        );
        let after = leftovers(&root);
        assert!(after.is_empty(), "kill {i}: the next build left {after:?}");
    }
    eprintln!(
        "{kills} kills over a {full:?} build: {before_swap} before the swap, {after_swap} after; \
         {left} left a staging folder, cleared by the next build"
    );
    assert!(before_swap > 0 && left > 0, "no kill landed inside a build");
}

#[test]
fn a_running_builds_staging_folder_is_never_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let (root, previous, _, v2, _) = two_sites(dir.path());
    reset(&root, &previous);
    let first = build_cmd(&root).spawn().unwrap();
    let staging = root.join(format!(".public.staging-{}", first.id()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !staging.exists() {
        assert!(Instant::now() < deadline, "the first build never staged");
        std::thread::sleep(Duration::from_millis(5));
    }
    // A second build while the first one writes: it must leave the first one's folder alone.
    build(&root);
    let o = first.wait_with_output().unwrap();
    assert!(o.status.success(), "the first build failed: {}", stderr(&o));
    assert!(tree(&root.join("public")) == v2);
    assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
}
