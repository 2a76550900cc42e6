//! `kill -9` at seeded random points of a deploy: between kills and while each run goes on,
//! the server's folder is sampled, and no page there may link to a missing file; the
//! manifest always parses and claims only files that are there; the last run completes.
//!
//! CI runs a few hundred files and a handful of kill points; `BANGTIN_KILL_POINTS=50` and
//! `BANGTIN_KILL_PAGES=2000` make the long run (see benches/deploy-vs-lftp.sh).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A synthetic built site: posts in sections, each with a photo, a listing per section, a
/// home page, a stylesheet named by its version, a search index naming its shards.
/// Version 2 renames the stylesheet (every page changes), edits a third of the photos,
/// drops every seventh post (its listing no longer links it), adds new posts and shards.
pub fn write_site(out: &Path, pages: usize, version: u32) {
    let _ = std::fs::remove_dir_all(out);
    let css = format!("/css/style-{version}.css");
    put(
        out,
        &css[1..],
        format!("body{{color:#{version}{version}3}}").as_bytes(),
    );
    let sections = 6;
    let mut listings: Vec<Vec<String>> = vec![Vec::new(); sections];
    let count = if version == 1 {
        pages
    } else {
        pages + pages / 10
    };
    for i in 0..count {
        if version == 2 && i % 7 == 3 {
            continue;
        }
        let s = i % sections;
        let dir = format!("s{s}/p{i}");
        let photo_v = if version == 2 && i % 3 == 0 { 2 } else { 1 };
        let photo = format!("anh-{photo_v}.jpg");
        put(
            out,
            &format!("{dir}/{photo}"),
            &testkit::noise(3000 + i % 500, (i as u64) << 2 | photo_v),
        );
        let html = format!(
            "<link rel=\"stylesheet\" href=\"{css}\"><h1>Bài {i}</h1><img src=\"/{dir}/{photo}\">\
             <a href=\"/s{s}/\">Chuyên mục</a> <a href=\"/\">Trang chủ</a>"
        );
        put(out, &format!("{dir}/index.html"), html.as_bytes());
        listings[s].push(format!("<a href=\"/{dir}/\">Bài {i}</a>"));
    }
    let mut home = format!("<link rel=\"stylesheet\" href=\"{css}\">");
    for (s, links) in listings.iter().enumerate() {
        let html = format!(
            "<link rel=\"stylesheet\" href=\"{css}\">{}",
            links.join("\n")
        );
        put(out, &format!("s{s}/index.html"), html.as_bytes());
        home.push_str(&format!("<a href=\"/s{s}/\">Mục {s}</a>"));
    }
    put(out, "index.html", home.as_bytes());
    let shards: Vec<String> = (0..8)
        .map(|k| format!("t-{k}-{version}{}.json", (k + version as usize) % 3))
        .collect();
    for k in &shards {
        put(
            out,
            &format!("search/vi/{k}"),
            format!("[\"{k}\"]").as_bytes(),
        );
    }
    put(
        out,
        "search/vi/meta.json",
        serde_json::json!({ "shards": shards })
            .to_string()
            .as_bytes(),
    );
    put(out, "sitemap.xml", b"<urlset></urlset>");
}

fn put(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// The files a page (or the search index) needs: root-relative links, `/` meaning index.html.
fn needs(served: &Path, rel: &str, text: &str) -> Vec<PathBuf> {
    if rel.ends_with("meta.json") {
        let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let dir = served.join(rel).parent().unwrap().to_path_buf();
        return v["shards"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(|s| dir.join(s)))
            .collect();
    }
    let mut out = Vec::new();
    for attr in ["href=\"/", "src=\"/"] {
        for part in text.split(attr).skip(1) {
            let link = part.split('"').next().unwrap_or("");
            let file = if link.is_empty() || link.ends_with('/') {
                format!("{link}index.html")
            } else {
                link.to_string()
            };
            out.push(served.join(file));
        }
    }
    out
}

/// Broken links on the server right now: (page, missing file). A page read, then found gone
/// or changed when the missing file is noticed, was being replaced or deleted: not counted.
pub fn broken_links(served: &Path) -> Vec<(String, PathBuf)> {
    let mut broken = Vec::new();
    for e in walkdir::WalkDir::new(served).into_iter().flatten() {
        let rel = e
            .path()
            .strip_prefix(served)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if !(rel.ends_with(".html") || rel.ends_with("meta.json")) || rel.contains(".bangtin-tmp") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        for need in needs(served, &rel, &text) {
            if !need.exists() && std::fs::read_to_string(e.path()).ok().as_ref() == Some(&text) {
                broken.push((rel.clone(), need));
            }
        }
    }
    broken
}

/// The manifest on the server parses and claims only files that are there with that content.
pub fn check_manifest(served: &Path) {
    let Ok(bytes) = std::fs::read(served.join(deploy::MANIFEST_NAME)) else {
        return;
    };
    let m = deploy::Manifest::parse(&bytes).expect("the manifest on the server is corrupt");
    for (path, entry) in &m.files {
        let bytes = std::fs::read(served.join(path))
            .unwrap_or_else(|_| panic!("the manifest claims {path}, which is not there"));
        assert_eq!(
            &deploy::Entry::of(&bytes),
            entry,
            "the manifest claims a wrong {path}"
        );
    }
}

/// Seeded xorshift: the same kill points every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Runs `cmd` and kills it with SIGKILL after `after` (if still running), sampling the
/// server meanwhile; → (whether it finished by itself and succeeded, broken links seen).
pub fn run_and_kill(
    mut cmd: Command,
    after: Option<Duration>,
    served: &Path,
) -> (bool, Vec<(String, PathBuf)>) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (stop, served) = (stop.clone(), served.to_path_buf());
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                seen.extend(broken_links(&served));
            }
            seen
        })
    };
    let started = Instant::now();
    let finished = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status.success());
        }
        if after.is_some_and(|a| started.elapsed() >= a) {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    stop.store(true, Ordering::SeqCst);
    let mut seen = sampler.join().unwrap();
    seen.extend(broken_links(served));
    (finished == Some(true), seen)
}

/// Every file under `root`, relative path -> bytes.
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}
