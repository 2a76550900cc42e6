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

mod error;
mod highlight;
mod sanitize;
mod shortcode;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use i18n::{tr, Lang};
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

pub use error::{line_col, MdError, MdErrorKind, SyntaxProblem};
pub use highlight::highlight_css;

use shortcode::{
    push_placeholder, single_placeholder, strip_placeholders, Prepared, Sub, PH_CLOSE, PH_OPEN,
};

/// How to render Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Keep raw HTML as written instead of cleaning it (`[markdown] unsafe_html = true`).
    pub unsafe_html: bool,
    /// Highlight fenced code with syntect (CSS classes from [`highlight_css`]).
    pub highlight: bool,
    /// Language of messages and of the few words the output carries (table labels).
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

/// The page-wide slug function: the Vietnamese slugger, so heading ids match page slugs.
fn slugify(s: &str) -> String {
    vi::slugify(s)
}

/// Makes `base` unique among `seen` by appending -1, -2...; records the result.
fn unique_slug(base: &str, seen: &mut HashSet<String>) -> String {
    vi::unique_slug(base, seen)
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

struct PendingHeading {
    idx: usize,
    level: u32,
    explicit: Option<String>,
    text: String,
}

struct CodeBuf {
    lang: String,
    content: String,
}

struct ImageBuf<'a> {
    dest: CowStr<'a>,
    title: CowStr<'a>,
    alt: String,
    offset: usize,
    /// Nested images inside the alt text (rare, but the parser allows it).
    depth: usize,
}

struct TableState {
    aligns: Vec<Alignment>,
    in_head: bool,
    col: usize,
}

struct HtmlBuf {
    text: String,
    /// (position in `text`, offset in the prepared source) of each piece.
    pieces: Vec<(usize, usize)>,
}

struct Renderer<'a, 'o> {
    text_placeholders: bool,
    /// Between inline `<script>`/`<style>` and its end tag: text is code, not words.
    in_inline_script: bool,
    opts: &'o Options,
    host: &'o dyn Host,
    prepared: &'o Prepared<'o>,
    out: Vec<Event<'a>>,
    subs: Vec<Sub>,
    errors: Vec<MdError>,
    /// Open tags, to close a summary cut in the middle of a list or quote.
    stack: Vec<TagEnd>,
    heading: Option<PendingHeading>,
    headings: Vec<PendingHeading>,
    code: Option<CodeBuf>,
    image: Option<ImageBuf<'a>>,
    image_index: usize,
    table: Option<TableState>,
    tables: usize,
    footnotes: HashMap<String, usize>,
    html_block: Option<HtmlBuf>,
    raw_html: bool,
    summary_at: Option<(usize, Vec<TagEnd>)>,
    plain: String,
    links: Vec<InternalLink>,
    removed: Vec<Removed>,
}

impl<'a> Renderer<'a, '_> {
    fn orig(&self, offset: usize) -> usize {
        self.prepared.orig_offset(offset)
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if let Some(img) = self.image.as_mut() {
            match event {
                Event::Start(Tag::Image { .. }) => img.depth += 1,
                Event::End(TagEnd::Image) if img.depth > 0 => img.depth -= 1,
                Event::End(TagEnd::Image) => self.finish_image(),
                Event::Text(t) | Event::Code(t) => img.alt.push_str(&strip_placeholders(&t)),
                Event::SoftBreak | Event::HardBreak => img.alt.push(' '),
                _ => {}
            }
            return;
        }
        if let Some(code) = self.code.as_mut() {
            match event {
                Event::Text(t) => code.content.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.finish_code(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => {
                self.stack.push(tag.to_end());
                self.start(tag, range);
            }
            Event::End(end) => {
                self.stack.pop();
                self.end(end);
            }
            Event::Text(t) => {
                self.text(&t);
                self.out.push(Event::Text(t));
            }
            Event::Code(t) => {
                self.text(&t);
                self.out.push(Event::Code(t));
            }
            Event::Html(t) => match self.html_block.as_mut() {
                Some(buf) => {
                    buf.pieces.push((buf.text.len(), range.start));
                    buf.text.push_str(&t);
                }
                None => self.raw(t, &[(0, range.start)]),
            },
            Event::InlineHtml(t) => {
                let tag = t.trim_start().as_bytes();
                let starts =
                    |p: &[u8]| tag.len() >= p.len() && tag[..p.len()].eq_ignore_ascii_case(p);
                if starts(b"<script") || starts(b"<style") {
                    self.in_inline_script = !t.to_ascii_lowercase().contains("</s");
                } else if starts(b"</script") || starts(b"</style") {
                    self.in_inline_script = false;
                }
                self.raw(t, &[(0, range.start)])
            }
            Event::FootnoteReference(name) => {
                let (n, first) = self.footnote_number(&name);
                let id = footnote_slug(&name, n);
                let mut html = String::from(FOOTNOTE_REF_START);
                if first {
                    html.push_str(&format!(" id=\"fnref-{id}\""));
                }
                html.push_str(&format!("><a href=\"#fn-{id}\">{n}</a></sup>"));
                self.out.push(Event::Html(html.into()));
            }
            Event::TaskListMarker(checked) => {
                // Task boxes are shown, not used: disabled, and kept out of the cleaner.
                let html = if checked {
                    "<input type=\"checkbox\" disabled checked> "
                } else {
                    "<input type=\"checkbox\" disabled> "
                };
                self.push_sub(html.to_string(), false);
            }
            Event::SoftBreak | Event::HardBreak => {
                self.plain.push(' ');
                self.out.push(event);
            }
            Event::Rule => self.out.push(event),
            Event::InlineMath(_) | Event::DisplayMath(_) => self.out.push(event),
        }
    }

    fn text(&mut self, t: &str) {
        if self.in_inline_script {
            return;
        }
        let t = if self.text_placeholders {
            strip_placeholders(t)
        } else {
            Cow::Borrowed(t)
        };
        if let Some(h) = self.heading.as_mut() {
            h.text.push_str(&t);
        }
        self.plain.push_str(&t);
    }

    /// Emits a placeholder for HTML that must not pass through the cleaner.
    fn push_sub(&mut self, html: String, block: bool) {
        let mut ph = String::with_capacity(8);
        push_placeholder(&mut ph, self.subs.len());
        self.subs.push(Sub { html, block });
        self.out.push(Event::Html(ph.into()));
    }

    fn start(&mut self, tag: Tag<'a>, range: Range<usize>) {
        match tag {
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                self.heading = Some(PendingHeading {
                    idx: self.out.len(),
                    level: heading_level(level),
                    explicit: id.as_ref().map(|s| s.to_string()),
                    text: String::new(),
                });
                self.out.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                // Code blocks are not nested in the tag stack: they hold only text.
                self.stack.pop();
                self.code = Some(CodeBuf {
                    lang,
                    content: String::new(),
                });
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.stack.pop();
                let offset = self.orig(range.start);
                let dest = self.destination(dest_url, range);
                self.image = Some(ImageBuf {
                    dest,
                    title,
                    alt: String::new(),
                    offset,
                    depth: 0,
                });
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let dest_url = self.destination(dest_url, range);
                let dest_url = match self.host.asset_url(&dest_url) {
                    Some(url) => url.into(),
                    None => dest_url,
                };
                self.out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Tag::Table(aligns) => {
                self.tables += 1;
                let label = tr!(self.opts.lang, "Bảng {}", "Table {}", self.tables);
                self.out.push(Event::Html(
                    format!(
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{label}\">\n<table>\n"
                    )
                    .into(),
                ));
                self.table = Some(TableState {
                    aligns,
                    in_head: false,
                    col: 0,
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                    t.col = 0;
                }
                self.out.push(Event::Html("<thead>\n<tr>".into()));
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.col = 0;
                }
                self.out.push(Event::Html("<tr>".into()));
            }
            Tag::TableCell => {
                let (in_head, align) = match &self.table {
                    Some(t) => (
                        t.in_head,
                        t.aligns.get(t.col).copied().unwrap_or(Alignment::None),
                    ),
                    None => (false, Alignment::None),
                };
                let mut html = String::from(if in_head { "<th scope=\"col\"" } else { "<td" });
                match align {
                    Alignment::Left => html.push_str(" class=\"align-left\""),
                    Alignment::Center => html.push_str(" class=\"align-center\""),
                    Alignment::Right => html.push_str(" class=\"align-right\""),
                    Alignment::None => {}
                }
                html.push('>');
                self.out.push(Event::Html(html.into()));
            }
            Tag::FootnoteDefinition(name) => {
                let (n, _) = self.footnote_number(&name);
                let id = footnote_slug(&name, n);
                self.out.push(Event::Html(
                    format!(
                        "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>\n"
                    )
                    .into(),
                ));
            }
            Tag::HtmlBlock => {
                self.html_block = Some(HtmlBuf {
                    text: String::new(),
                    pieces: Vec::new(),
                });
            }
            other => self.out.push(Event::Start(other)),
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Heading(_) => {
                self.out.push(Event::End(end));
                self.plain.push(' ');
                if let Some(h) = self.heading.take() {
                    self.headings.push(h);
                }
            }
            TagEnd::Paragraph => {
                // A shortcode alone on its lines came out as a paragraph of one
                // placeholder: its HTML is block-level, so drop the <p>.
                let n = self.out.len();
                let lone_block = n >= 2
                    && matches!(self.out[n - 2], Event::Start(Tag::Paragraph))
                    && match &self.out[n - 1] {
                        Event::Text(t) => single_placeholder(t)
                            .and_then(|i| self.subs.get(i))
                            .is_some_and(|s| s.block),
                        _ => false,
                    };
                if lone_block {
                    self.out.remove(n - 2);
                } else {
                    self.out.push(Event::End(end));
                }
                self.plain.push(' ');
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = false;
                }
                self.out
                    .push(Event::Html("</tr>\n</thead>\n<tbody>\n".into()));
            }
            TagEnd::TableRow => self.out.push(Event::Html("</tr>\n".into())),
            TagEnd::TableCell => {
                let in_head = self.table.as_ref().is_some_and(|t| t.in_head);
                if let Some(t) = self.table.as_mut() {
                    t.col += 1;
                }
                self.out
                    .push(Event::Html(if in_head { "</th>" } else { "</td>" }.into()));
                self.plain.push(' ');
            }
            TagEnd::Table => {
                self.table = None;
                self.out
                    .push(Event::Html("</tbody>\n</table>\n</div>\n".into()));
            }
            TagEnd::FootnoteDefinition => {
                self.out.push(Event::Html("</div>\n".into()));
                self.plain.push(' ');
            }
            TagEnd::HtmlBlock => {
                if let Some(buf) = self.html_block.take() {
                    let pieces = buf.pieces;
                    self.raw(buf.text.into(), &pieces);
                }
                self.plain.push(' ');
            }
            TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::List(_) => {
                self.out.push(Event::End(end));
                self.plain.push(' ');
            }
            other => self.out.push(Event::End(other)),
        }
    }

    /// Footnote number (by first appearance) and whether this is its first appearance.
    fn footnote_number(&mut self, name: &str) -> (usize, bool) {
        let next = self.footnotes.len() + 1;
        match self.footnotes.get(name) {
            Some(&n) => (n, false),
            None => {
                self.footnotes.insert(name.to_string(), next);
                (next, true)
            }
        }
    }

    /// Rewrites a link or image address: `@/` links are resolved through the host,
    /// dangerous schemes are neutralised unless raw HTML is trusted.
    fn destination(&mut self, dest: CowStr<'a>, range: Range<usize>) -> CowStr<'a> {
        let dest: CowStr<'a> = if self.text_placeholders && dest.contains(PH_OPEN) {
            // A shortcode used as an address (e.g. `[x]({{ url() }})`): its output is text.
            shortcode::substitute(&dest, &self.subs).into()
        } else {
            dest
        };
        if let Some(rest) = dest.strip_prefix("@/") {
            let (target, anchor) = match rest.split_once('#') {
                Some((t, a)) => (t, Some(percent_decode(a).into_owned())),
                None => (rest, None),
            };
            // Editors may write `@/bien-dao/ho%C3%A0ng%20sa.md`; the file is what counts.
            let target = percent_decode(target);
            let target = target.as_ref();
            let src = &self.prepared.text[range.clone()];
            let at = src.find("@/").map_or(range.start, |k| range.start + k);
            let offset = self.orig(at);
            self.links.push(InternalLink {
                target: target.to_string(),
                anchor: anchor.clone(),
                offset,
            });
            return match self.host.resolve_link(target) {
                Some(mut url) => {
                    if let Some(a) = anchor {
                        url.push('#');
                        url.push_str(&a);
                    }
                    url.into()
                }
                None => {
                    self.errors.push(MdError {
                        offset,
                        kind: MdErrorKind::BrokenLink {
                            target: target.to_string(),
                        },
                    });
                    dest
                }
            };
        }
        if !self.opts.unsafe_html && sanitize::is_unsafe_url(&dest) {
            self.removed.push(Removed {
                offset: self.orig(range.start),
                snippet: dest.to_string(),
            });
            return "#".into();
        }
        dest
    }

    fn finish_image(&mut self) {
        let Some(img) = self.image.take() else { return };
        let index = self.image_index;
        self.image_index += 1;
        let html = match self
            .host
            .image(&img.dest, img.alt.trim(), &img.title, index)
        {
            Ok(Some(html)) => html,
            Ok(None) => {
                let src = self.host.asset_url(&img.dest);
                let src = src.as_deref().unwrap_or(&img.dest);
                default_img(src, img.alt.trim(), &img.title, index)
            }
            Err(message) => {
                self.errors.push(MdError {
                    offset: img.offset,
                    kind: MdErrorKind::ImageFailed {
                        src: img.dest.to_string(),
                        message,
                    },
                });
                String::new()
            }
        };
        self.push_sub(html, false);
    }

    fn finish_code(&mut self) {
        let Some(code) = self.code.take() else { return };
        let html = highlight::code_block(&code.lang, &code.content, self.opts.highlight);
        self.plain.push(' ');
        self.push_sub(html, true);
    }

    /// Raw HTML from the author: the summary marker, or content to clean.
    fn raw(&mut self, html: CowStr<'a>, pieces: &[(usize, usize)]) {
        if is_more_marker(&html) {
            // Not a valid cut inside a table or heading (the fragment could not be closed).
            let inside_table_or_heading = self.table.is_some() || self.heading.is_some();
            if self.summary_at.is_none() && !inside_table_or_heading {
                self.summary_at = Some((self.out.len(), self.stack.clone()));
            }
            return;
        }
        let report = !self.opts.unsafe_html;
        let mut found = sanitize::Inspection::default();
        sanitize::inspect(&html, report, &mut self.plain, &mut found);
        if report {
            self.raw_html = true;
            for (pos, snippet) in found.removed {
                let piece = pieces.partition_point(|p| p.0 <= pos).saturating_sub(1);
                let (piece_pos, piece_offset) = pieces.get(piece).copied().unwrap_or((0, 0));
                let offset = self.orig(piece_offset + (pos - piece_pos));
                self.removed.push(Removed { offset, snippet });
            }
        }
        self.out.push(Event::Html(html));
    }

    fn finish(mut self) -> Result<Rendered, Vec<MdError>> {
        // Explicit ids first, so that generated ones step around them.
        let mut seen: HashSet<String> = self
            .headings
            .iter()
            .filter_map(|h| h.explicit.clone())
            .collect();
        let mut flat = Vec::with_capacity(self.headings.len());
        for h in &self.headings {
            let title = h.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let id = match &h.explicit {
                Some(id) => id.clone(),
                None => {
                    let base = slugify(&title);
                    let base = if base.is_empty() {
                        "muc".to_string()
                    } else {
                        base
                    };
                    unique_slug(&base, &mut seen)
                }
            };
            if let Some(Event::Start(Tag::Heading { id: slot, .. })) = self.out.get_mut(h.idx) {
                *slot = Some(id.clone().into());
            }
            flat.push(Heading {
                level: h.level,
                id,
                title,
                children: Vec::new(),
            });
        }
        let toc = nest(flat);

        let sanitize = !self.opts.unsafe_html && self.raw_html;
        let finish_html = |html: String| {
            let html = if sanitize {
                sanitize::clean(&html)
            } else {
                html
            };
            if self.subs.is_empty() {
                html
            } else {
                shortcode::substitute(&html, &self.subs)
            }
        };

        let summary = self.summary_at.take().map(|(idx, open)| {
            let mut html = String::new();
            let closing = open.into_iter().rev().map(Event::End);
            // Summaries are shown together on listing pages: no ids there (they would
            // repeat), and no footnote marks (their notes are not shown).
            let events = self.out[..idx].iter().filter_map(|e| match e {
                Event::Html(h) if h.starts_with(FOOTNOTE_REF_START) => None,
                Event::Start(Tag::Heading {
                    level,
                    classes,
                    attrs,
                    ..
                }) => Some(Event::Start(Tag::Heading {
                    level: *level,
                    id: None,
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                })),
                other => Some(other.clone()),
            });
            pulldown_cmark::html::push_html(&mut html, events.chain(closing));
            finish_html(html)
        });
        let mut html = String::with_capacity(self.prepared.text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, std::mem::take(&mut self.out).into_iter());
        let html = finish_html(html);

        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| e.offset);
            return Err(self.errors);
        }

        let word_count = count_words(&self.plain);
        let text = if self.opts.plain_text {
            std::mem::take(&mut self.plain)
        } else {
            String::new()
        };
        Ok(Rendered {
            ids: collect_ids(&html),
            html,
            summary,
            toc,
            links: self.links,
            text,
            word_count,
            removed_html: self.removed,
        })
    }
}

/// Byte length of the non-ASCII whitespace character at `b[i]`, or 0. Besides ASCII,
/// `char::is_whitespace` is true only for U+0085, U+00A0 (0xC2 ..), U+1680
/// (0xE1 0x9A 0x80), U+2000..=U+200A, U+2028, U+2029, U+202F, U+205F (0xE2 ..) and
/// U+3000 (0xE3 0x80 0x80); Vietnamese letters never match.
fn multibyte_whitespace_len(b: &[u8], i: usize) -> usize {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match (b[i], at(1), at(2)) {
        (0xC2, 0x85 | 0xA0, _) => 2,
        (0xE1, 0x9A, 0x80) => 3,
        (0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0xE2, 0x81, 0x9F) => 3,
        (0xE3, 0x80, 0x80) => 3,
        _ => 0,
    }
}

/// How many words `split_whitespace` finds in `s`. The text between two non-ASCII whitespace
/// characters (rare) is counted with a loop the compiler vectorizes.
fn count_words(s: &str) -> usize {
    let b = s.as_bytes();
    // U+1680 is the only whitespace led by E1, the lead byte of most Vietnamese letters:
    // when present (hardly ever), the standard library's count.
    if memchr::memmem::find(b, "\u{1680}".as_bytes()).is_some() {
        return s.split_whitespace().count();
    }
    let mut words = 0;
    let mut start = 0;
    // C2, E2 and E3 are lead bytes here (never continuation bytes): character starts, so
    // none falls inside the whitespace character before it.
    for i in memchr::memchr3_iter(0xC2, 0xE2, 0xE3, b) {
        let len = multibyte_whitespace_len(b, i);
        if len > 0 {
            words += count_ascii_words(&b[start..i]);
            start = i + len;
        }
    }
    words + count_ascii_words(&b[start..])
}

/// Words of `b` separated by ASCII whitespace: the starts of words, counted without branches
/// in blocks small enough for a byte counter (which the compiler vectorizes).
fn count_ascii_words(b: &[u8]) -> usize {
    let ws = |c: u8| (c == b' ') | (c.wrapping_sub(b'\t') < 5);
    let Some(&first) = b.first() else {
        return 0;
    };
    let mut words = usize::from(!ws(first));
    for (prev, cur) in b.chunks(255).zip(b[1..].chunks(255)) {
        let mut starts = 0u8;
        for (&p, &c) in prev.iter().zip(cur) {
            starts += u8::from(ws(p) & !ws(c));
        }
        words += usize::from(starts);
    }
    words
}

/// `<!-- more -->`, also written `<!--more-->` (Hugo's spelling).
fn is_more_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|s| s.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim() == "more")
}

/// Decodes `%XX` escapes; text that would not be valid UTF-8 stays as written.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |k: usize| b.get(k).and_then(|&c| (c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(Cow::Borrowed(s), Cow::Owned)
}

/// How footnote marks start (also how the summary recognises them).
const FOOTNOTE_REF_START: &str = "<sup class=\"footnote-reference\"";

fn heading_level(level: HeadingLevel) -> u32 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn footnote_slug(name: &str, n: usize) -> String {
    let s = slugify(name);
    if s.is_empty() {
        n.to_string()
    } else {
        s
    }
}

/// `<img>` with lazy loading for every image but the first (likely above the fold).
fn default_img(src: &str, alt: &str, title: &str, index: usize) -> String {
    let mut html = String::from("<img src=\"");
    let _ = escape_href(&mut html, src);
    html.push_str("\" alt=\"");
    let _ = escape_html(&mut html, alt);
    html.push('"');
    if !title.is_empty() {
        html.push_str(" title=\"");
        let _ = escape_html(&mut html, title);
        html.push('"');
    }
    if index > 0 {
        html.push_str(" loading=\"lazy\"");
    }
    html.push_str(" decoding=\"async\">");
    html
}

/// Turns the flat list of headings into a tree: each heading becomes a child of the
/// nearest earlier heading with a smaller level.
fn nest(flat: Vec<Heading>) -> Vec<Heading> {
    fn attach(list: &mut Vec<Heading>, h: Heading) {
        match list.last_mut() {
            Some(last) if last.level < h.level => attach(&mut last.children, h),
            _ => list.push(h),
        }
    }
    let mut roots = Vec::new();
    for h in flat {
        attach(&mut roots, h);
    }
    roots
}

/// Searcher for ` id="`, built once (SIMD substring search over every page).
static ID_ATTR: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(" id=\""));

/// Every `id="..."` attribute in the HTML, in order, each once. Only text inside tags
/// counts: in text, `<` and `>` are always escaped, so `id="` typed in a paragraph is
/// not taken for an id.
fn collect_ids(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut seen = HashSet::new();
    let bytes = html.as_bytes();
    for pos in ID_ATTR.find_iter(bytes) {
        // Inside a tag if the nearest `<` or `>` before it is a `<`.
        let in_tag = bytes[..pos]
            .iter()
            .rev()
            .find(|&&b| b == b'<' || b == b'>')
            .is_some_and(|&b| b == b'<');
        if !in_tag {
            continue;
        }
        let value = &html[pos + 5..];
        let Some(end) = value.find('"') else { break };
        let id = sanitize::decode_entities(&value[..end]);
        if seen.insert(id.clone()) {
            ids.push(id);
        }
    }
    ids
}

#[cfg(test)]
mod tests;
