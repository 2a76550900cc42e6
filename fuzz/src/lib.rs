//! What several fuzz targets share: a [`markdown::Host`] that answers like the site does
//! (links resolve, shortcodes render their arguments escaped, bodies are rendered as Markdown)
//! without a site folder, and the checks every rendering must pass.

use std::cell::Cell;

use markdown::{Host, Options, Rendered};

thread_local! {
    /// How deep shortcode bodies are being rendered, so a fuzzed nest stays fast.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Bodies deeper than this are shown as text (the fuzzer would otherwise spend its time there).
const MAX_DEPTH: u32 = 4;

/// A host with no site behind it: every `@/` link exists, every shortcode exists.
pub struct FuzzHost {
    /// The options bodies are rendered with.
    pub opts: Options,
}

impl Host for FuzzHost {
    fn resolve_link(&self, target: &str) -> Option<String> {
        (!target.is_empty()).then(|| format!("/{}/", vi::slugify(target)))
    }

    fn shortcode(
        &self,
        name: &str,
        args: &serde_json::Map<String, serde_json::Value>,
        body: Option<&str>,
    ) -> Result<String, String> {
        if name == "error" {
            return Err("the error shortcode".into());
        }
        let args = vi::escape_html(&serde_json::Value::Object(args.clone()).to_string());
        let body = match body {
            None => String::new(),
            Some(b) if DEPTH.get() >= MAX_DEPTH => vi::escape_html(b),
            Some(b) => {
                DEPTH.set(DEPTH.get() + 1);
                let inner = markdown::render(b, &self.opts, self);
                DEPTH.set(DEPTH.get() - 1);
                match inner {
                    Ok(r) => r.html,
                    Err(errors) => return Err(format!("{} errors in the body", errors.len())),
                }
            }
        };
        Ok(format!(
            "<div class=\"sc-{}\" data-args=\"{args}\">{body}</div>",
            vi::slugify(name)
        ))
    }

    fn image(
        &self,
        src: &str,
        alt: &str,
        _title: &str,
        index: usize,
    ) -> Result<Option<String>, String> {
        Ok((index % 2 == 1).then(|| {
            format!(
                "<img src=\"{}\" alt=\"{}\">",
                vi::escape_html(src),
                vi::escape_html(alt)
            )
        }))
    }
}

/// What must hold of any page rendered with `unsafe_html = false`, whatever its source.
pub fn check_rendered(r: &Rendered, opts: &Options) {
    let mut seen = std::collections::HashSet::new();
    for id in &r.ids {
        assert!(seen.insert(id.as_str()), "id {id:?} given twice");
    }
    if !opts.unsafe_html {
        let low = r.html.to_ascii_lowercase();
        assert!(
            !low.contains("<script"),
            "a <script> got through: {}",
            r.html
        );
        assert!(
            !low.contains("<iframe"),
            "an <iframe> got through: {}",
            r.html
        );
    }
}
