//! How long one fenced code block takes to render, highlighted and not (a benchmark, not a
//! test): `cargo run --release -p markdown --example highlight`. The figures are in the
//! top-level BENCHMARKS.md (*Fourth round*).

use std::time::Instant;

/// No links, shortcodes or images: only the code blocks matter here.
struct NoSite;

impl markdown::Host for NoSite {
    fn resolve_link(&self, _: &str) -> Option<String> {
        None
    }
    fn shortcode(
        &self,
        _: &str,
        _: &serde_json::Map<String, serde_json::Value>,
        _: Option<&str>,
    ) -> Result<String, String> {
        Err(String::new())
    }
    fn image(&self, _: &str, _: &str, _: &str, _: usize) -> Result<Option<String>, String> {
        Ok(None)
    }
}

fn main() {
    // A block of the benchmark corpus (../shared/bench), with and without its diacritics.
    let python = "```python\n# Chương trình chào mừng ngày hội ASEAN\ncac_nuoc = [\"Việt Nam\", \"Lào\", \"Campuchia\", \"Thái Lan\"]\nfor nuoc in cac_nuoc:\n    print(\"Xin chào các bạn đến từ\", nuoc)\n```\n";
    let ascii = "```python\n# Chuong trinh chao mung ngay hoi ASEAN\ncac_nuoc = [\"Viet Nam\", \"Lao\", \"Campuchia\", \"Thai Lan\"]\nfor nuoc in cac_nuoc:\n    print(\"Xin chao cac ban den tu\", nuoc)\n```\n";
    let opts = markdown::Options {
        unsafe_html: false,
        highlight: true,
        lang: i18n::Lang::Vi,
        smart_punctuation: false,
        plain_text: false,
    };
    let t = Instant::now();
    let _ = markdown::render(python, &opts, &NoSite);
    println!("first block (loads the syntaxes): {:?}", t.elapsed());
    let blocks = [
        ("python, 5 lines", python.to_string()),
        ("the same without diacritics", ascii.to_string()),
        ("python, 1 line", "```python\nx = 1\n```\n".to_string()),
        (
            "5 lines, no language (not highlighted)",
            python.replace("```python", "```"),
        ),
    ];
    for (name, src) in blocks {
        let n = 2000;
        let t = Instant::now();
        for _ in 0..n {
            let _ = markdown::render(&src, &opts, &NoSite);
        }
        println!("{name}: {:?} a block", t.elapsed() / n);
    }
}
