//! Markdown to HTML for bangtin.
//!
//! One pass over pulldown-cmark events gives the page HTML, its summary, table of
//! contents, ids, internal links and plain text. Shortcodes are rendered by the site
//! through [`Host`]; raw HTML is cleaned with ammonia unless the site opts out.
//!
//! The HTML a theme can style:
//! - headings carry their id (`<h2 id="bien-dao">`), nothing else;
//! - tables: `<div class="table-wrap" role="region" tabindex="0" aria-label="Bảng 1">`
//!   around `<table>` (give it `overflow-x: auto`), header cells `<th scope="col">`,
//!   aligned columns `class="align-left|align-center|align-right"`;
//! - code: `<pre class="code" data-lang="python"><code>` with `hl-*` span classes styled
//!   by [`highlight_css`];
//! - footnotes: `<sup class="footnote-reference" id="fnref-x"><a href="#fn-x">1</a></sup>`
//!   and `<div class="footnote-definition" id="fn-x"><sup class="footnote-definition-label">`;
//! - task lists: `<input type="checkbox" disabled>` at the start of the item;
//! - images: `<img src alt [title] [loading="lazy"] decoding="async">` unless the site
//!   provides its own HTML.
//!
//! Here: the options and results, and [`render`]. The renderer's state and its steps are in
//! `renderer.rs`, its answer to each event in `events.rs`, small text helpers in `text.rs`;
//! shortcodes in `shortcode.rs` (with `shortcode_scan.rs`, `shortcode_parse.rs` and
//! `placeholder.rs`), raw HTML cleaning in `sanitize.rs`, code in `highlight.rs`.

mod error;
mod events;
mod highlight;
mod placeholder;
mod renderer;
mod sanitize;
mod shortcode;
mod shortcode_parse;
mod shortcode_scan;
mod text;

use std::borrow::Cow;
use std::collections::HashMap;

use i18n::{tr, Lang};
use pulldown_cmark::Parser;

pub use error::{line_col, MdError, MdErrorKind, SyntaxProblem};
pub use highlight::highlight_css;
use renderer::Renderer;

use placeholder::{PH_CLOSE, PH_OPEN};

/// How to render Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Keep raw HTML as written instead of cleaning it (`[markdown] unsafe_html = true`).
    pub unsafe_html: bool,
    /// Highlight fenced code with syntect (CSS classes from [`highlight_css`]).
    pub highlight: bool,
    /// Language of messages, and of the few words the output carries (table labels) when the
    /// host does not name the page's language.
    pub lang: Lang,
    /// Typographic quotes and dashes.
    pub smart_punctuation: bool,
    /// Keep the plain text of the body in [`Rendered::text`] (the search index reads it);
    /// without it only the words are counted.
    pub plain_text: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            unsafe_html: false,
            highlight: true,
            lang: Lang::Vi,
            smart_punctuation: false,
            plain_text: true,
        }
    }
}

/// What the site provides while rendering one page.
pub trait Host: Sync {
    /// `target` is the part after "@/" without the "#anchor" (e.g. "bien-dao/hoang-sa.md");
    /// returns the page/section URL or None if it does not exist.
    fn resolve_link(&self, target: &str) -> Option<String>;
    /// Renders a shortcode with a Tera template; `body` is Some for
    /// `{% name(...) %}body{% end %}` (raw text, not yet rendered). Err(message) becomes an
    /// [`MdError`].
    fn shortcode(
        &self,
        name: &str,
        args: &serde_json::Map<String, serde_json::Value>,
        body: Option<&str>,
    ) -> Result<String, String>;
    /// Lets the site replace a Markdown image with responsive HTML; `index` = 0 for the
    /// first image of the page. None => default `<img>` (the first image without
    /// `loading="lazy"`).
    fn image(
        &self,
        src: &str,
        alt: &str,
        title: &str,
        index: usize,
    ) -> Result<Option<String>, String>;
    /// The address a relative link or image `dest` (as written, maybe percent-encoded) should
    /// have in the page, when the file it names is published under another name (a bundle's
    /// "Kế hoạch.pdf" as "ke-hoach.pdf"); None keeps `dest`.
    fn asset_url(&self, dest: &str) -> Option<String> {
        let _ = dest;
        None
    }

    /// The language of the page, for the few words the output carries (a table's label), so
    /// that they do not depend on who builds it; None: [`Options::lang`].
    fn page_lang(&self) -> Option<Lang> {
        None
    }
}

/// One heading of the table of contents, with the headings nested under it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`...
    pub level: u32,
    /// The heading's id (anchor).
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
    /// Deeper headings that follow this one.
    pub children: Vec<Heading>,
}

/// A link to `@/...` found in the page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InternalLink {
    /// The part after `@/`, without the anchor.
    pub target: String,
    /// The part after `#`, if any.
    pub anchor: Option<String>,
    /// Byte offset of the `@/` in the source.
    pub offset: usize,
}

/// Something the sanitizer removed from the author's raw HTML.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    /// Byte offset in the source.
    pub offset: usize,
    /// The removed tag, attribute or element as written (shortened if long).
    pub snippet: String,
}

impl Removed {
    /// A warning for the author, with what to do.
    pub fn message(&self, lang: Lang) -> String {
        let s = &self.snippet;
        tr!(
            lang,
            "đoạn HTML {s} đã bị loại bỏ vì không an toàn. Hãy dùng shortcode (ví dụ youtube, pdf) để nhúng nội dung, hoặc đặt unsafe_html = true trong [markdown] của config.toml nếu bạn tin nguồn này.",
            "the HTML {s} was removed because it is not safe. Use a shortcode (for example youtube, pdf) to embed content, or set unsafe_html = true under [markdown] in config.toml if you trust this source."
        )
    }
}

/// The result of rendering one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rendered {
    /// The page body as HTML.
    pub html: String,
    /// HTML of the part before `<!-- more -->` (a closed fragment), if the marker is there.
    pub summary: Option<String>,
    /// Table of contents, nested by heading level.
    pub toc: Vec<Heading>,
    /// Every id in the output, in order, each once.
    pub ids: Vec<String>,
    /// Every `@/` link, for the site's anchor checks.
    pub links: Vec<InternalLink>,
    /// Plain text of the body, no code blocks, with its whitespace as it came (blocks end with
    /// a space): the search index splits it into words and collapses the spaces of snippets.
    /// Empty unless [`Options::plain_text`].
    pub text: String,
    /// Number of words in `text`.
    pub word_count: usize,
    /// Raw HTML the sanitizer changed, for `check` to warn about.
    pub removed_html: Vec<Removed>,
}

fn md_options(opts: &Options) -> pulldown_cmark::Options {
    use pulldown_cmark::Options as O;
    let mut o = O::ENABLE_TABLES
        | O::ENABLE_FOOTNOTES
        | O::ENABLE_STRIKETHROUGH
        | O::ENABLE_TASKLISTS
        | O::ENABLE_HEADING_ATTRIBUTES;
    if opts.smart_punctuation {
        o |= O::ENABLE_SMART_PUNCTUATION;
    }
    o
}

/// Whether `s` holds [`PH_OPEN`] or [`PH_CLOSE`] (UTF-8 `EE 80 80`, `EE 80 81`). A byte
/// search: `contains` with a char pattern decodes every character of every page.
fn has_placeholder_chars(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(0xEE, b)
        .any(|i| b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x80 | 0x81)))
}

/// Renders one page's Markdown. All errors of the page are returned together.
pub fn render(source: &str, opts: &Options, host: &dyn Host) -> Result<Rendered, Vec<MdError>> {
    // Private-use characters would be taken for placeholders. U+FFFD has the same UTF-8
    // length, so byte offsets stay true.
    let cleaned: Cow<str> = if has_placeholder_chars(source) {
        Cow::Owned(source.replace([PH_OPEN, PH_CLOSE], "\u{FFFD}"))
    } else {
        Cow::Borrowed(source)
    };
    let md_opts = md_options(opts);
    let mut subs = Vec::new();
    let mut errors = Vec::new();
    let prepared = shortcode::prepare(&cleaned, md_opts, host, &mut subs, &mut errors);
    let mut r = Renderer {
        // Placeholders can only reach text events through shortcodes in the source.
        text_placeholders: !subs.is_empty(),
        in_inline_script: false,
        opts,
        host,
        prepared: &prepared,
        out: Vec::with_capacity(256),
        subs,
        errors,
        stack: Vec::new(),
        heading: None,
        headings: Vec::new(),
        code: None,
        image: None,
        image_index: 0,
        table: None,
        tables: 0,
        footnotes: HashMap::new(),
        html_block: None,
        raw_html: false,
        summary_at: None,
        plain: String::with_capacity(prepared.text.len()),
        links: Vec::new(),
        removed: Vec::new(),
    };
    for (event, range) in Parser::new_ext(&prepared.text, md_opts).into_offset_iter() {
        r.event(event, range);
    }
    r.finish()
}

#[cfg(test)]
mod tests;
