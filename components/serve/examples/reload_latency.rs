//! Benchmark: time from a file's write to the rebuilt page being served, for a body edit and a
//! title edit, on a site folder (e.g. the corpus of the shared bench generator with the school
//! theme). Run with `cargo run --release -p serve --example reload_latency -- SITE [RUNS]`.
//! The edited page is restored at the end.

use i18n::Lang;
use serve::{Options, Server};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn get(addr: SocketAddr, target: &str) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return String::new();
    };
    let req = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The first page of the first section (sorted), and its URL `/<section>/<stem>/`.
fn pick_page(root: &Path) -> Option<(PathBuf, String)> {
    let mut sections: Vec<PathBuf> = std::fs::read_dir(root.join("content"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    sections.sort();
    for s in sections {
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&s)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('_'))
                    && !p.to_string_lossy().contains(".en.")
                    // Drafts are not served without --drafts.
                    && !std::fs::read_to_string(p).is_ok_and(|t| t.contains("\ndraft = true"))
            })
            .collect();
        pages.sort();
        if let Some(p) = pages.into_iter().next() {
            let url = format!(
                "/{}/{}/",
                s.file_name()?.to_string_lossy(),
                p.file_stem()?.to_string_lossy()
            );
            return Some((p, url));
        }
    }
    None
}

/// Puts the page back as it was, even when the benchmark panics.
struct Restore<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let _ = std::fs::write(self.file, self.text);
    }
}

fn stats(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    let median = v[v.len() / 2];
    format!(
        "median {median:.0} ms, min {:.0} ms, max {:.0} ms ({} runs)",
        v[0],
        v[v.len() - 1],
        v.len()
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: reload_latency SITE_DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let Some((file, url)) = pick_page(&root) else {
        eprintln!("{}: no page found under content/<section>/", root.display());
        std::process::exit(2);
    };
    let original = std::fs::read_to_string(&file).expect("read page");
    let _restore = Restore {
        file: &file,
        text: &original,
    };
    let mut o = Options::new(root.clone(), Lang::En);
    o.port = 0;
    o.quiet = true;
    let started = Instant::now();
    let server = Server::start(o).expect("server");
    if !server.errors().is_empty() {
        for e in server.errors() {
            eprintln!("{}", e.render(Lang::En));
        }
        std::process::exit(1);
    }
    println!(
        "first build (start): {:.0} ms; page {url}",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let addr = server.addr();
    // Let the watcher settle (events from reading the files at start are ignored anyway).
    std::thread::sleep(Duration::from_millis(300));
    for kind in ["body", "title", "date"] {
        let mut served = Vec::new();
        let mut builds = Vec::new();
        for i in 0..runs {
            let nonce = format!("bench{kind}{i}x{}", started.elapsed().as_nanos());
            let text = match kind {
                "body" => format!("{original}\nĐoạn sửa {nonce}.\n"),
                "title" => original
                    .lines()
                    .map(|l| {
                        if l.starts_with("title = ") {
                            format!("title = \"Tiêu đề {nonce}\"")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                // A new date moves the page in its listings; the nonce shows in the body.
                _ => original
                    .lines()
                    .map(|l| {
                        if l.starts_with("date = ") {
                            format!("date = 2020-01-{:02}", i % 28 + 1)
                        } else {
                            l.to_string()
                        }
                    })
                    .chain([nonce.clone()])
                    .collect::<Vec<_>>()
                    .join("\n"),
            };
            let t0 = Instant::now();
            std::fs::write(&file, &text).expect("write page");
            loop {
                if get(addr, &url).contains(&nonce) {
                    break;
                }
                if t0.elapsed() > Duration::from_secs(1800) {
                    panic!("the edit never showed up");
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            served.push(t0.elapsed().as_secs_f64() * 1000.0);
            builds.push(server.last_build_time().as_secs_f64() * 1000.0);
            // Let the next run start from a quiet watcher, after the search index caught up.
            std::thread::sleep(Duration::from_millis(1500));
        }
        println!("{kind} edit: write -> served: {}", stats(served));
        println!("{kind} edit: rebuild alone:   {}", stats(builds));
    }
    server.stop();
}
