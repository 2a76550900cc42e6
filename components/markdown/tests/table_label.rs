//! A table's label is in the page's language, whatever the language of bangtin's messages:
//! the same site built on computers with other locales gives the same pages.

use markdown::{render, Host, Options};

/// A page in `lang` with no links, shortcodes or images.
struct Page(Option<i18n::Lang>);

impl Host for Page {
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
    fn page_lang(&self) -> Option<i18n::Lang> {
        self.0
    }
}

fn label(page: Option<i18n::Lang>, messages: i18n::Lang) -> String {
    let opts = Options {
        lang: messages,
        ..Options::default()
    };
    let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n", &opts, &Page(page))
        .expect("renders")
        .html;
    let at = html.find("aria-label=\"").expect("a label") + "aria-label=\"".len();
    html[at..].split('"').next().unwrap_or_default().to_string()
}

#[test]
fn tables_are_labelled_in_the_pages_language() {
    use i18n::Lang::{En, Vi};
    assert_eq!(label(Some(Vi), En), "Bảng 1");
    assert_eq!(label(Some(En), Vi), "Table 1");
    // A host that does not say falls back to the language of messages.
    assert_eq!(label(None, En), "Table 1");
}
