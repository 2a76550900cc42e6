use std::time::Instant;
fn main() {
    let py = "```python\n# Chương trình chào mừng ngày hội ASEAN\ncac_nuoc = [\"Việt Nam\", \"Lào\", \"Campuchia\", \"Thái Lan\"]\nfor nuoc in cac_nuoc:\n    print(\"Xin chào các bạn đến từ\", nuoc)\n```\n";
    struct H;
    impl markdown::Host for H {
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
    let opts = markdown::Options {
        unsafe_html: false,
        highlight: true,
        lang: i18n::Lang::Vi,
        smart_punctuation: false,
        plain_text: false,
    };
    let t = Instant::now();
    let _ = markdown::render(py, &opts, &H);
    println!("first block (with syntax set load): {:?}", t.elapsed());
    let ascii = "```python\n# Chuong trinh chao mung ngay hoi ASEAN\ncac_nuoc = [\"Viet Nam\", \"Lao\", \"Campuchia\", \"Thai Lan\"]\nfor nuoc in cac_nuoc:\n    print(\"Xin chao cac ban den tu\", nuoc)\n```\n";
    let one = "```python\nx = 1\n```\n";
    for (name, src) in [
        ("python", py.to_string()),
        ("ascii", ascii.to_string()),
        ("one line", one.to_string()),
        ("plain", py.replace("```python", "```")),
    ] {
        let t = Instant::now();
        let n = 2000;
        for _ in 0..n {
            let _ = markdown::render(&src, &opts, &H);
        }
        println!("{name}: {:?} per block", t.elapsed() / n);
    }
}
