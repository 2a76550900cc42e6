//! Helpers shared by the end-to-end tests: copy a fixture site, run the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture folder `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of a fixture site in a temporary folder.
pub fn site_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&fixture(name), &root);
    (dir, root)
}

/// Runs `bangtin` with arguments, messages in the given language.
pub fn bangtin(args: &[&str], lang: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bangtin"))
        .args(args)
        .env("BANGTIN_LANG", lang)
        .env_remove("LC_ALL")
        .output()
        .expect("run bangtin")
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Reads an output file as text.
pub fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// stdout and stderr of a run, as text.
pub fn output_text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

/// The `basic` fixture with `[images] enabled = false` replaced by `images` (e.g.
/// `"[images]\nwidths = [480]"`); returns (temp dir, site root, the Hoàng Sa page bundle).
pub fn site_with(images: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, root) = site_copy("basic");
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    std::fs::write(
        root.join("config.toml"),
        config.replace("[images]\nenabled = false", images),
    )
    .unwrap();
    let bundle = root.join("content/bien-dao/hoang-sa");
    (dir, root, bundle)
}

/// Adds lines to the site's `config.toml`.
pub fn add_config(root: &Path, toml: &str) {
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    std::fs::write(root.join("config.toml"), format!("{config}\n{toml}\n")).unwrap();
}

/// Appends Markdown to a bundle's page (`index.md`).
pub fn append(bundle: &Path, md: &str) {
    let page = bundle.join("index.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\n{md}\n")).unwrap();
}

/// `bangtin build` of `root` into `<dir>/public`, messages in `lang`.
pub fn build_into(dir: &Path, root: &Path, lang: &str) -> (Output, PathBuf) {
    let out = dir.join("public");
    let args = ["--root", root.to_str().unwrap(), "build", "--output"];
    let o = bangtin(&[&args[..], &[out.to_str().unwrap()]].concat(), lang);
    (o, out)
}

/// `bangtin check` of `root`: (whether it passed, stdout and stderr).
pub fn check(root: &Path, lang: &str) -> (bool, String) {
    let o = bangtin(&["--root", root.to_str().unwrap(), "check"], lang);
    (o.status.success(), output_text(&o))
}

#[allow(unused_imports)]
pub use testkit::{jpeg, with_gps};

/// Whether bytes hold an EXIF block.
pub fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"Exif\0\0")
}

/// Every file under `dir` (path relative to it, bytes).
pub fn published(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel.to_string_lossy().into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Every local address of a page in the attributes `attrs` (e.g. `["src", "srcset", "href"]`),
/// as paths under the output folder (`page_dir` is the page's own folder there, for relative
/// addresses).
pub fn local_urls(html: &str, page_dir: &str, attrs: &[&str]) -> Vec<String> {
    let mut urls = Vec::new();
    for attr in attrs {
        let attr = format!(" {attr}=\"");
        for piece in html.split(attr.as_str()).skip(1) {
            let value = piece.split('"').next().unwrap_or("");
            let candidates: Vec<&str> = if attr == " srcset=\"" {
                value.split(',').collect()
            } else {
                vec![value]
            };
            for candidate in candidates {
                let url = candidate.split_whitespace().next().unwrap_or("");
                let url = url.split(['#', '?']).next().unwrap_or("");
                if let Some(path) = url.strip_prefix("https://thu.example.edu.vn/") {
                    urls.push(path.to_string());
                } else if let Some(path) = url.strip_prefix('/') {
                    urls.push(path.to_string());
                } else if !url.is_empty() && !url.contains(':') {
                    urls.push(format!("{page_dir}{url}"));
                }
            }
        }
    }
    urls
}
