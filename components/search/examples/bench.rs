//! Measures the index of a generated corpus (see the benchmark generator in the shared
//! bench folder): build time, sizes, and what one query downloads.
//!
//! ```sh
//! gen_corpus.py --pages 10000 --out corpus10k
//! cargo run --release -p search --example bench -- corpus10k/content "biển đảo"
//! ```
//! Needs `node` for the query figures (it runs the browser script on the files).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use search::{build, Doc, Options};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(content) = args.next().map(PathBuf::from) else {
        eprintln!("usage: bench <content folder> [query ...]");
        std::process::exit(2);
    };
    let queries: Vec<String> = args.collect();
    let queries = if queries.is_empty() {
        vec!["biển đảo".to_string()]
    } else {
        queries
    };

    let t = Instant::now();
    let docs = load(&content);
    let load_time = t.elapsed();
    let text_bytes: usize = docs.iter().map(|d| d.body.len()).sum();
    println!(
        "corpus: {} pages, {:.1} MB of plain text (loaded in {:.2?})",
        docs.len(),
        text_bytes as f64 / 1e6,
        load_time
    );

    // The fast tokenizer must give exactly unicode-segmentation's words on real text.
    let t = Instant::now();
    for d in &docs {
        let mut fast = Vec::new();
        search::text::unicode_words(&d.body, |w| fast.push(w));
        let slow: Vec<&str> =
            unicode_segmentation::UnicodeSegmentation::unicode_words(&*d.body).collect();
        assert_eq!(fast, slow, "{}", d.url);
    }
    println!(
        "tokenizer check: same words as unicode-segmentation on every page ({:.2?})",
        t.elapsed()
    );

    let opts = Options::default();
    let mut times = Vec::new();
    let mut files = Vec::new();
    let cpu0 = cpu_seconds();
    for _ in 0..5 {
        let t = Instant::now();
        files = build("vi", &docs, &opts);
        times.push(t.elapsed());
    }
    let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| (b - a) / 5.0);
    times.sort();
    println!(
        "index build: median {:.0?} of 5 runs (min {:.0?}, max {:.0?}), threads: {}, CPU time per build: {}",
        times[2],
        times[0],
        times[4],
        rayon::current_num_threads(),
        cpu.map_or("n/a".to_string(), |c| format!("{:.0} ms", c * 1e3)),
    );

    let raw: usize = files.iter().map(|f| f.1.len()).sum();
    let gz: usize = files.iter().map(|f| gzip_len(&f.1)).sum();
    let terms = files.iter().filter(|f| f.0.contains("/t-")).count();
    let docs_n = files.iter().filter(|f| f.0.contains("/d-")).count();
    let meta = &files[0].1;
    println!(
        "index files: {} ({} term shards, {} document shards, meta {} B / {} B gzip)",
        files.len(),
        terms,
        docs_n,
        meta.len(),
        gzip_len(meta)
    );
    println!(
        "index size: {:.2} MB raw, {:.2} MB gzip",
        raw as f64 / 1e6,
        gz as f64 / 1e6
    );
    let script_gz = gzip_len(search::SCRIPT.as_bytes());
    println!(
        "script: {} B raw, {} B gzip; script + whole index gzip: {:.1} KB",
        search::SCRIPT.len(),
        script_gz,
        (script_gz + gz) as f64 / 1e3
    );

    let dir = tempfile::tempdir().expect("temp dir");
    // SEARCH_BENCH_KEEP=1 keeps the written index for a closer look.
    let dir_path = if std::env::var_os("SEARCH_BENCH_KEEP").is_some() {
        let kept = dir.keep();
        println!("index kept in {}", kept.display());
        kept
    } else {
        dir.path().to_path_buf()
    };
    for (rel, bytes) in &files {
        let path: PathBuf = dir_path.join(rel.split('/').collect::<PathBuf>());
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    let index_dir = dir_path.join("search").join("vi");
    for q in &queries {
        query_figures(&index_dir, q);
    }
    std::fs::write(dir_path.join("search.js"), search::SCRIPT).expect("write script");
    chromium_figures(&dir_path, &queries);
}

/// The page the browser measures on: it types each query twice (the second time the shards
/// are cached) and reports, per query, the time from the input event to the result count
/// on screen, less the script's 120 ms typing delay.
const BENCH_PAGE: &str = r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>
<form role="search" action="/tim-kiem/" data-search-index="/search/vi/" data-search-lang="vi">
  <input type="search" name="q" data-search-input><div data-search-results aria-live="polite"></div>
</form>
<img src="/hold" alt="">
<script src="/search.js"></script>
<script>
addEventListener("DOMContentLoaded", async () => {
  const input = document.querySelector("[data-search-input]"), out = {};
  try {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const type = (q) => new Promise((done) => {
    const status = document.querySelector(".search-status");
    const t0 = performance.now();
    new MutationObserver((_, obs) => { if (status.textContent) { obs.disconnect(); done(performance.now() - t0 - 120); } })
      .observe(status, { childList: true, characterData: true, subtree: true });
    input.value = q;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  const t = performance.now();
  input.focus();
  while (!performance.getEntriesByType("resource").some((e) => e.name.includes("meta.json") && e.responseEnd > 0)) await sleep(5);
  out.meta_ms = performance.now() - t;
  await sleep(200);
  for (const q of QUERIES) {
    const cold = await type(q);
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    const warm = await type(q);
    out[q] = { cold, warm, shown: document.querySelectorAll(".search-result").length };
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
  }
  } catch (e) { out.error = String(e); }
  fetch("/done?" + encodeURIComponent(JSON.stringify(out)));
});
</script></body></html>"#;

/// Runs the bench page in headless Chromium against the index in `root`.
fn chromium_figures(root: &Path, queries: &[String]) {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    let page = BENCH_PAGE.replace("QUERIES", &serde_json::to_string(queries).expect("json"));
    std::fs::write(root.join("bench.html"), page).expect("write page");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (done_tx, done_rx) = mpsc::channel::<String>();
    let (hold_tx, hold_rx) = mpsc::channel::<()>();
    let hold_rx = std::sync::Arc::new(std::sync::Mutex::new(hold_rx));
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (root, done_tx, hold_tx, hold_rx) = (
                root.clone(),
                done_tx.clone(),
                hold_tx.clone(),
                hold_rx.clone(),
            );
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                let mut h = String::new();
                while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
                    h.clear();
                }
                let target = line.split(' ').nth(1).unwrap_or("/").to_string();
                let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                let mut out = &stream;
                // The image keeps the page loading (and Chromium from dumping it) until the
                // measurements are in.
                if path == "/hold" {
                    let _ = hold_rx.lock().map(|rx| rx.recv());
                } else if path == "/done" {
                    let _ = done_tx.send(query.to_string());
                    let _ = hold_tx.send(());
                }
                let body =
                    std::fs::read(root.join(path.trim_start_matches('/'))).unwrap_or_default();
                let _ = write!(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: {}\r\nConnection: close\r\n\r\n",
                    body.len(),
                    if path.ends_with(".html") { "text/html; charset=utf-8" } else if path.ends_with(".js") { "text/javascript" } else { "application/json" }
                )
                .and_then(|_| out.write_all(&body));
            });
        }
    });
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--dump-dom",
        ])
        .arg(format!("http://127.0.0.1:{port}/bench.html"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if status.is_err() {
        println!("chromium: not available");
        return;
    }
    match done_rx.recv_timeout(std::time::Duration::from_secs(5)) {
        Ok(q) => {
            let json = percent_decode(&q);
            println!("chromium (headless, real time, localhost, no gzip): {json}");
        }
        Err(_) => println!("chromium: the bench page did not report"),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs the browser script on one query and reports what it downloads and how long it takes.
fn query_figures(index_dir: &Path, q: &str) {
    let runner = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("run.js");
    // Twice: the first includes reading and parsing the shards, the second is the ranking alone.
    let req = serde_json::json!([{ "q": q, "n": 10 }, { "q": q, "n": 10 }]);
    let mut child = match Command::new("node")
        .arg(runner)
        .arg(index_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            println!("query {q:?}: node not available ({e})");
            return;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(req.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("node");
    let answers: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON from node");
    let a = &answers[0];
    let loaded: Vec<String> = a["loaded"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut raw = 0;
    let mut gz = 0;
    for name in &loaded {
        let bytes = std::fs::read(index_dir.join(name)).expect("loaded file exists");
        raw += bytes.len();
        gz += gzip_len(&bytes);
    }
    let script_gz = gzip_len(search::SCRIPT.as_bytes());
    println!(
        "query {q:?}: {} results; loads {} files ({}): {:.1} KB raw, {:.1} KB gzip (+ script {:.1} KB gzip); \
         search incl. reading+parsing shards {:.1} ms, ranking alone {:.1} ms",
        a["ids"].as_array().map_or(0, Vec::len),
        loaded.len(),
        loaded.join(" "),
        raw as f64 / 1e3,
        gz as f64 / 1e3,
        script_gz as f64 / 1e3,
        a["ms"].as_f64().unwrap_or(f64::NAN),
        answers[1]["ms"].as_f64().unwrap_or(f64::NAN),
    );
}

/// User + system CPU time of this process so far (Linux), to see past a busy machine.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip").len()
}

/// Reads the corpus: every `<section>/<page>.md`, with the section title from `_index.md`.
fn load(content: &Path) -> Vec<Doc<'static>> {
    let mut sections: Vec<PathBuf> = std::fs::read_dir(content)
        .expect("content folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    sections.sort();
    let mut docs = Vec::new();
    for sec in sections {
        let (sec_title, _, _) =
            split(&std::fs::read_to_string(sec.join("_index.md")).unwrap_or_default());
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&sec)
            .expect("section folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md"))
            .collect();
        pages.sort();
        let sec_name = sec
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        for p in pages {
            let text = std::fs::read_to_string(&p).expect("page");
            let (title, date, body) = split(&text);
            let slug = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            docs.push(Doc {
                url: format!("/{sec_name}/{slug}/").into(),
                title: title.into(),
                date: date.map(Into::into),
                section: sec_title.clone().into(),
                body: strip_markdown(body).into(),
            });
        }
    }
    docs
}

/// (title, formatted date, body) of a page with TOML front matter.
fn split(text: &str) -> (String, Option<String>, &str) {
    let mut title = String::new();
    let mut date = None;
    let Some(rest) = text.strip_prefix("+++") else {
        return (title, date, text);
    };
    let (front, body) = rest.split_once("\n+++").unwrap_or((rest, ""));
    for line in front.lines() {
        if let Some(v) = line.strip_prefix("title = ") {
            title = v.trim_matches('"').to_string();
        } else if let Some(v) = line.strip_prefix("date = ") {
            let parts: Vec<&str> = v.trim().split('-').collect();
            if let [y, m, d] = parts[..] {
                date = Some(format!("ngày {d} tháng {m} năm {y}"));
            }
        }
    }
    (title, date, body)
}

/// Crude Markdown to text: enough for measuring, not for the site.
fn strip_markdown(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut code = false;
    for line in md.lines() {
        if line.starts_with("```") {
            code = !code;
            continue;
        }
        let line = line.trim_start_matches(['#', '>', '-', ' ', '|']);
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let (before, after) = rest.split_at(i);
            out.push_str(&before.replace(['[', '!', '*', '|'], ""));
            rest = after.split_once(')').map_or("", |x| x.1);
        }
        out.push_str(&rest.replace(['[', '*', '|'], " "));
        out.push('\n');
    }
    out
}
