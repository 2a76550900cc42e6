//! Times `import_docx` on one document: `cargo run --release -p import --example bench_import --
//! FILE.docx [RUNS]`. Each run imports into a fresh site folder (so nothing is suffixed) and
//! prints the wall time; the median is printed last.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(docx) = args.next().map(PathBuf::from) else {
        eprintln!("usage: bench FILE.docx [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut times = Vec::new();
    for _ in 0..runs {
        let site = tempfile::tempdir().expect("temp dir");
        let content = site.path().join("content/tin-tuc");
        std::fs::create_dir_all(&content).expect("content folder");
        std::fs::write(site.path().join("content/_index.md"), "+++\n+++\n").expect("home");
        std::fs::write(content.join("_index.md"), "+++\n+++\n").expect("section");
        let opts = import::Options {
            section: Some("tin-tuc".into()),
            ..Default::default()
        };
        let start = Instant::now();
        let report = import::import_docx(site.path(), &docx, &opts)
            .unwrap_or_else(|e| panic!("{}", e.message(i18n::Lang::En)));
        let took = start.elapsed();
        let md = std::fs::metadata(&report.page)
            .map(|m| m.len())
            .unwrap_or(0);
        println!(
            "{:.3} s: {} paragraphs, {} headings, {} pictures, index.md {} KB",
            took.as_secs_f64(),
            report.paragraphs,
            report.headings,
            report.images.len(),
            md / 1024
        );
        times.push(took.as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!("median {:.3} s over {runs} runs", times[runs / 2]);
}
