//! `floor <mode> <content dir> [manifest] [out dir]`: the least work a static site build does.
//!
//! Modes (each uses every core, like bangtin does):
//! - `io CONTENT MANIFEST OUT`: read every `.md` of CONTENT, then write the files listed in
//!   MANIFEST (lines `size<TAB>relative path`, e.g. the listing of bangtin's output) into OUT,
//!   with the same sizes (bytes taken from the input text).
//! - `md CONTENT`: read every `.md`, skip the front matter, parse and render the body to HTML
//!   with pulldown-cmark (the extensions bangtin enables); no highlighting, no templates.
//! - `full CONTENT MANIFEST OUT`: `md`, then write the manifest's files as `io` does.
//! - `hash CONTENT`: walk CONTENT and hash every file with XXH3-128, the hash bangtin's
//!   no-change key takes of file contents (a no-change rebuild's floor).
//!
//! Prints one line of totals on stderr so the harness can check the work was done.

use pulldown_cmark::{html, Options, Parser};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::{env, fs, process, thread};

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let usage = "usage: floor io|md|full|hash CONTENT [MANIFEST OUT]";
    let (Some(mode), Some(content)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        process::exit(2);
    };
    let content = Path::new(content);
    let files = walk(content, mode == "hash");
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    match mode.as_str() {
        "hash" => {
            let sum = AtomicUsize::new(0);
            par_each(&files, threads, |p| {
                let bytes = read(p);
                let h = xxhash_rust::xxh3::xxh3_128(&bytes).to_le_bytes();
                sum.fetch_add(h[0] as usize + bytes.len(), Ordering::Relaxed);
            });
            eprintln!("hash: {} files", files.len());
        }
        "md" | "full" | "io" => {
            let parse = mode != "io";
            let total_in = AtomicUsize::new(0);
            let total_html = AtomicUsize::new(0);
            par_each(&files, threads, |p| {
                let text = String::from_utf8(read(p)).unwrap_or_default();
                total_in.fetch_add(text.len(), Ordering::Relaxed);
                if parse {
                    let body = strip_front_matter(&text);
                    let mut out = String::with_capacity(body.len() * 3 / 2);
                    html::push_html(&mut out, Parser::new_ext(body, md_options()));
                    total_html.fetch_add(out.len(), Ordering::Relaxed);
                }
            });
            eprint!(
                "{mode}: read {} files, {} bytes; html {} bytes",
                files.len(),
                total_in.load(Ordering::Relaxed),
                total_html.load(Ordering::Relaxed)
            );
            if mode != "md" {
                let (Some(manifest), Some(out)) = (args.get(2), args.get(3)) else {
                    eprintln!("\n{usage}");
                    process::exit(2);
                };
                let (n, bytes) = write_manifest(Path::new(manifest), Path::new(out), &files, threads);
                eprint!("; wrote {n} files, {bytes} bytes");
            }
            eprintln!();
        }
        _ => {
            eprintln!("{usage}");
            process::exit(2);
        }
    }
}

/// The extensions bangtin's markdown crate turns on.
fn md_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", p.display());
        process::exit(1)
    })
}

/// Every file (or every `.md` file) under `dir`, in a stable order.
fn walk(dir: &Path, all: bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| all || p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    v
}

/// The body after a `+++` or `---` front matter block.
fn strip_front_matter(text: &str) -> &str {
    for fence in ["+++", "---"] {
        if let Some(rest) = text.strip_prefix(fence) {
            if let Some(end) = rest.find(&format!("\n{fence}")) {
                return &rest[end + 1 + fence.len()..];
            }
        }
    }
    text
}

/// Runs `f` on every item, spread over `threads` threads (work stealing by an atomic index).
fn par_each<T: Sync>(items: &[T], threads: usize, f: impl Fn(&T) + Sync) {
    let next = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                f(item);
            });
        }
    });
}

/// Writes every file of the manifest (same size, same relative path) under `out`.
fn write_manifest(manifest: &Path, out: &Path, inputs: &[PathBuf], threads: usize) -> (usize, usize) {
    let text = String::from_utf8(read(manifest)).unwrap_or_default();
    let entries: Vec<(usize, &str)> = text
        .lines()
        .filter_map(|l| {
            let (size, rel) = l.split_once('\t')?;
            Some((size.trim().parse().ok()?, rel))
        })
        .collect();
    // Realistic bytes to write: the input text, repeated as needed.
    let mut filler = Vec::new();
    for p in inputs.iter().take(64) {
        filler.extend(read(p));
    }
    if filler.is_empty() {
        filler.push(b' ');
    }
    let max = entries.iter().map(|e| e.0).max().unwrap_or(0);
    while filler.len() < max {
        filler.extend_from_within(..);
    }
    let bytes = AtomicUsize::new(0);
    par_each(&entries, threads, |(size, rel)| {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            if fs::create_dir_all(dir).is_err() {
                eprintln!("cannot create {}", dir.display());
                process::exit(1);
            }
        }
        if let Err(e) = fs::write(&path, &filler[..*size]) {
            eprintln!("cannot write {}: {e}", path.display());
            process::exit(1);
        }
        bytes.fetch_add(*size, Ordering::Relaxed);
    });
    (entries.len(), bytes.load(Ordering::Relaxed))
}
