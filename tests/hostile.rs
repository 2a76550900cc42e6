//! Hostile content through the real binary: each input is generated here (nothing big is
//! committed), built (or imported) with a time limit, and the child's peak memory is taken
//! from the kernel (`wait4`). Each gives a located error or a warning within its stated bounds,
//! never a panic, a hang or an out-of-memory. The bounds are stated in README (Reliability,
//! Hostile input); they are several times what this machine measures, so a slow CI machine
//! passes and a blow-up (quadratic time, a copy per level) does not.
#![cfg(target_os = "linux")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a bounded run of the binary did.
struct Run {
    /// stdout then stderr.
    text: String,
    success: bool,
    secs: f64,
    /// Peak resident memory of the child, in MB.
    peak_mb: u64,
}

/// Runs `bangtin args` with messages in English; killed (and the test failed) past `limit`.
fn run(args: &[&str], limit: Duration) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    // Reaped by `wait4` below, which also gives its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_bangtin"))
        .args(args)
        .env("BANGTIN_LANG", "en")
        .env("BANGTIN_TODAY", "2026-01-15")
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).unwrap())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    loop {
        // SAFETY: `status` and `usage` are valid for writes; `pid` is our child.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(r >= 0, "wait4: {}", std::io::Error::last_os_error());
        if r == pid {
            break;
        }
        if started.elapsed() > limit {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("hang: {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let secs = started.elapsed().as_secs_f64();
    let text = format!(
        "{}{}",
        fs::read_to_string(&out).unwrap_or_default(),
        fs::read_to_string(&err).unwrap_or_default()
    );
    assert!(
        !libc::WIFSIGNALED(status),
        "killed by signal {} (stack overflow or out of memory?): {args:?}\n{text}",
        libc::WTERMSIG(status)
    );
    assert!(!text.contains("panicked"), "{text}");
    Run {
        text,
        success: libc::WEXITSTATUS(status) == 0,
        secs,
        peak_mb: usage.ru_maxrss as u64 / 1024,
    }
}

/// A small site (the bundled theme) with the given pages (path under content/, text).
fn site(pages: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    fs::create_dir_all(root.join("content")).unwrap();
    fs::write(
        root.join("config.toml"),
        "title = \"Trường Thử\"\nbase_url = \"https://thu.example.edu.vn\"\n\
         default_language = \"vi\"\ntheme = \"truong\"\n",
    )
    .unwrap();
    fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Trang chủ\"\n+++\n",
    )
    .unwrap();
    for (rel, text) in pages {
        let path = root.join("content").join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    (dir, root)
}

/// Builds `root` within `secs` seconds and `mb` MB; prints what it measured (for README).
fn build_bounded(case: &str, root: &Path, secs: u64, mb: u64) -> Run {
    let r = run(
        &["--root", root.to_str().unwrap(), "build"],
        Duration::from_secs(secs),
    );
    eprintln!(
        "{case}: {:.2} s, {} MB peak, {}",
        r.secs,
        r.peak_mb,
        if r.success { "built" } else { "refused" }
    );
    assert!(r.peak_mb <= mb, "{case}: {} MB > {mb} MB", r.peak_mb);
    r
}

fn page(front: &str, body: &str) -> Vec<u8> {
    format!("+++\ntitle = \"Trang\"\n{front}+++\n{body}").into_bytes()
}

#[test]
fn a_50_mb_markdown_page() {
    let para =
        "Học sinh lớp 5 tham gia **hoạt động** ngoại khóa, [xem thêm](https://example.com).\n\n";
    let body = para.repeat(50_000_000 / para.len());
    let (_dir, root) = site(&[("lon.md", &page("", &body))]);
    let r = build_bounded("50 MB Markdown", &root, 120, 3000);
    assert!(r.success, "{}", r.text);
    assert!(
        r.text
            .contains("content/lon.md: warning: the page holds 47 MB of text"),
        "{}",
        r.text
    );
}

#[test]
fn a_list_nested_100000_levels() {
    let body = format!("{}x\n", "- ".repeat(100_000));
    let (_dir, root) = site(&[("sau.md", &page("", &body))]);
    let r = build_bounded("100,000 nested list levels", &root, 60, 1000);
    assert!(!r.success, "{}", r.text);
    assert!(r.text.contains("sau.md:4:101: error"), "{}", r.text);
    assert!(r.text.contains("nested more than 100 deep"), "{}", r.text);
}

#[test]
fn a_table_of_10000_columns() {
    let row = |cell: &str| format!("|{}\n", format!("{cell}|").repeat(10_000));
    let body = format!("{}{}{}", row("cột"), row("---"), row("ô").repeat(20));
    let (_dir, root) = site(&[("rong.md", &page("", &body))]);
    let r = build_bounded("10,000-column table", &root, 60, 1000);
    assert!(r.success || r.text.contains("rong.md"), "{}", r.text);
}

#[test]
fn a_front_matter_alias_bomb() {
    // Nine levels of nine aliases: 387 million strings once expanded.
    let mut yaml = String::from("---\ntitle: Bom\na0: &a0 [\"lol\"]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    yaml.push_str("---\nNội dung.\n");
    let (_dir, root) = site(&[("bom.md", yaml.as_bytes())]);
    let r = build_bounded("YAML alias bomb", &root, 60, 1000);
    assert!(!r.success && r.text.contains("bom.md"), "{}", r.text);
}

#[test]
fn a_shortcode_nested_10000_deep() {
    let n = 10_000;
    let body = format!(
        "{}Giữa.\n{}",
        "{% note() %}\n".repeat(n),
        "{% end %}\n".repeat(n)
    );
    let (_dir, root) = site(&[("long.md", &page("", &body))]);
    let r = build_bounded("shortcode nested 10,000 deep", &root, 60, 1000);
    assert!(!r.success, "{}", r.text);
    assert!(r.text.contains("long.md:"), "{}", r.text);
    assert!(r.text.contains("nested more than 16 deep"), "{}", r.text);
}

/// CRC-32 (PNG's), for a hand-made header.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small PNG file whose header claims `w` x `h` pixels.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0, 0, 0, 0, 1]);
    chunk(b"IEND", &[]);
    png
}

/// A small WebP file (extended format) whose header claims `w` x `h` pixels.
fn webp_claiming(w: u32, h: u32, animated: bool) -> Vec<u8> {
    let mut vp8x = vec![if animated { 0x02 } else { 0 }, 0, 0, 0];
    vp8x.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    let mut body = b"WEBPVP8X".to_vec();
    body.extend_from_slice(&10u32.to_le_bytes());
    body.extend_from_slice(&vp8x);
    body.extend_from_slice(b"VP8L\x05\0\0\0\x2f\0\0\0\0\0");
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&(body.len() as u32).to_le_bytes());
    webp.extend_from_slice(&body);
    webp
}

/// A real iPhone-style HEIC (made by libheif's `heif-enc` from a small JPEG) whose image size
/// boxes (`ispe`) are rewritten to claim `w` x `h` pixels; `None` (skipped loudly, a failure in
/// CI) without heif-enc.
fn heic_claiming(w: u32, h: u32) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("a.jpg"), dir.path().join("a.heic"));
    fs::write(&src, testkit::jpeg(64, 48, 90)).unwrap();
    match Command::new("heif-enc")
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .output()
    {
        Ok(o) if o.status.success() => {}
        other => {
            testkit::skip(&format!("heif-enc cannot make a HEIC here ({other:?})"));
            return None;
        }
    }
    let mut heic = fs::read(&out).unwrap();
    let mut patched = 0;
    for at in 0..heic.len().saturating_sub(16) {
        // `ispe`, then version and flags (4 bytes), then width and height (big-endian).
        if &heic[at..at + 4] == b"ispe" {
            heic[at + 8..at + 12].copy_from_slice(&w.to_be_bytes());
            heic[at + 12..at + 16].copy_from_slice(&h.to_be_bytes());
            patched += 1;
        }
    }
    assert!(patched > 0, "no ispe box in heif-enc's output");
    Some(heic)
}

#[test]
fn images_that_claim_100000_by_100000_pixels() {
    let md = page("", "![Ảnh khổng lồ](khong-lo.png)\n");
    let mut cases = vec![
        ("png", png_claiming(100_000, 100_000)),
        ("webp", webp_claiming(100_000, 100_000, false)),
        ("animated webp", webp_claiming(100_000, 100_000, true)),
    ];
    cases.extend(heic_claiming(100_000, 100_000).map(|h| ("heic", h)));
    for (name, bytes) in cases {
        let file = format!(
            "anh/khong-lo.{}",
            match name {
                "png" | "heic" => name,
                _ => "webp",
            }
        );
        let md = String::from_utf8(md.clone())
            .unwrap()
            .replace("khong-lo.png", &file[4..]);
        let (_dir, root) = site(&[("anh/index.md", md.as_bytes()), (&file, &bytes)]);
        let r = build_bounded(
            &format!("{name} claiming 100,000 x 100,000"),
            &root,
            60,
            600,
        );
        if name == "heic" {
            // libheif's own limit, reported as a photo too large (not as a damaged one).
            assert!(r.text.contains("too large"), "{}", r.text);
        }
        if name == "animated webp" {
            // Published as it is (re-encoding would stop the animation): never decoded.
            continue;
        }
        assert!(
            !r.success && r.text.contains("anh/index.md"),
            "{name}: {}",
            r.text
        );
    }
}

#[test]
fn file_names_a_web_server_or_windows_cannot_take() {
    for (case, rel) in [
        ("control character", "tin/bai\u{7}moi.md"),
        ("newline", "tin/hai\ndong.md"),
        ("Windows device name", "tin/CON.md"),
        ("Windows device name, lower case", "tin/aux.md"),
        ("dots", "tin/...md"),
    ] {
        let text = page("", "Nội dung.\n");
        let (_dir, root) = site(&[(rel, &text)]);
        let r = build_bounded(&format!("file name with a {case}"), &root, 30, 500);
        if case != "dots" {
            // A name starting with a dot is a hidden file, which a build never reads.
            assert!(r.text.contains("warning"), "{case}: {}", r.text);
        }
    }
    for (case, front) in [
        ("slug ..", "slug = \"..\"\n"),
        ("path ../..", "path = \"../../ngoai\"\n"),
        ("alias ../..", "aliases = [\"../../ngoai\"]\n"),
    ] {
        let text = page(front, "Nội dung.\n");
        let (dir, root) = site(&[("tin/bai.md", &text)]);
        let r = build_bounded(case, &root, 30, 500);
        if case != "slug .." {
            // Named at the page's key, not at the output file it would have written.
            assert!(
                !r.success && r.text.contains("tin/bai.md:3:1") && r.text.contains("../../ngoai"),
                "{case}: {}",
                r.text
            );
        }
        assert!(
            !dir.path().join("ngoai").exists(),
            "{case}: written outside the output"
        );
    }
}

#[test]
fn symbolic_link_loops() {
    let text = page("", "Nội dung.\n");
    let (_dir, root) = site(&[("a/bai.md", &text), ("b/bai.md", &text)]);
    let c = root.join("content");
    std::os::unix::fs::symlink("../b", c.join("a/den-b")).unwrap();
    std::os::unix::fs::symlink("../a", c.join("b/den-a")).unwrap();
    std::os::unix::fs::symlink("tu-than", c.join("tu-than")).unwrap();
    std::os::unix::fs::symlink(".", c.join("a/chinh-no")).unwrap();
    let r = build_bounded("symbolic link loops", &root, 60, 800);
    assert!(
        !r.success && r.text.contains("content/tu-than") && r.text.contains("leads to no file"),
        "{}",
        r.text
    );
}

/// A .docx whose main document unpacks from about 200 KB to 200 MB (1000:1); with `lie`, its headers
/// claim 1,000 bytes unpacked.
fn zip_bomb(lie: bool) -> Vec<u8> {
    use std::io::Write;
    // Written a megabyte at a time: the test process stays small (a child's peak memory, as
    // the kernel counts it, starts from its parent's size at the fork).
    let head = b"<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>";
    let tail = b"</w:t></w:r></w:p></w:body></w:document>";
    let chunk = vec![b'a'; 1 << 20];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(head).unwrap();
    for _ in 0..200 {
        zip.write_all(&chunk).unwrap();
    }
    zip.write_all(tail).unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    if lie {
        // The unpacked size in the local header and in the central directory.
        let size = ((head.len() + tail.len() + 200 * chunk.len()) as u32).to_le_bytes();
        let spots: Vec<usize> = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == size)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(spots.len(), 2, "both headers found");
        for at in spots {
            bytes[at..at + 4].copy_from_slice(&1000u32.to_le_bytes());
        }
    }
    bytes
}

#[test]
fn a_zip_bomb_in_a_word_file() {
    for (case, lie) in [("zip bomb", false), ("zip bomb with lying headers", true)] {
        let (dir, root) = site(&[]);
        let docx = dir.path().join("bom.docx");
        fs::write(&docx, zip_bomb(lie)).unwrap();
        let r = run(
            &[
                "--root",
                root.to_str().unwrap(),
                "import",
                docx.to_str().unwrap(),
            ],
            Duration::from_secs(60),
        );
        eprintln!(
            "{case}: {:.2} s, {} MB peak: {}",
            r.secs,
            r.peak_mb,
            r.text.trim()
        );
        assert!(
            !r.success && r.text.contains("bom.docx"),
            "{case}: {}",
            r.text
        );
        assert!(r.peak_mb <= 250, "{case}: {} MB", r.peak_mb);
        let pages = fs::read_dir(root.join("content")).unwrap().count();
        assert_eq!(pages, 1, "{case}: nothing imported");
    }
}
