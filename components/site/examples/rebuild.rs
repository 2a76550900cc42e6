//! Measures rebuild times with the session cache (what `serve` does on save):
//! `cargo run --release -p site --example rebuild -- SITE_DIR PAGE.md`
//! Prints the full build, a no-change rebuild, a body edit and a title edit. The page is
//! restored afterwards.

use std::sync::Arc;

// The same allocator as the bangtin binary, so the figures match what serve does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(root), Some(page)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: rebuild SITE_DIR CONTENT_FILE");
        std::process::exit(2);
    };
    let original = std::fs::read_to_string(page).expect("read the page");
    let cache = Arc::new(site::Cache::new());
    let mut opts = site::Options::new(root, i18n::Lang::En);
    opts.memory = true;
    opts.cache = Some(cache);
    let run = |label: &str| {
        let t = Instant::now();
        let b = site::build(&opts, &|_| {}).unwrap_or_else(|f| panic!("{:?}", f.0));
        println!(
            "{label:<22} {:>8.1} ms  (reused {}, rendered {})",
            t.elapsed().as_secs_f64() * 1000.0,
            b.reuse.reused,
            b.reuse.rendered
        );
    };
    run("full build");
    run("no change");
    std::fs::write(page, format!("{original}\nMột câu mới.\n")).expect("write");
    run("body edit");
    std::fs::write(page, original.replacen("title = \"", "title = \"Sửa ", 1)).expect("write");
    run("title edit");
    std::fs::write(page, &original).expect("restore");
}
