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
            unicode_segmentation::UnicodeSegmentation::unicode_words(d.body.as_str()).collect();
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
    for (rel, bytes) in &files {
        let path: PathBuf = dir.path().join(rel.split('/').collect::<PathBuf>());
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    let index_dir = dir.path().join("search").join("vi");
    for q in &queries {
        query_figures(&index_dir, q);
    }
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
fn load(content: &Path) -> Vec<Doc> {
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
                url: format!("/{sec_name}/{slug}/"),
                title,
                date,
                section: sec_title.clone(),
                body: strip_markdown(body),
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
