//! The renderer's answer to each pulldown-cmark event: text, the start and the end of each
//! tag (headings, code, images, tables, footnotes, raw HTML).

use std::borrow::Cow;
use std::ops::Range;

use i18n::tr;
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, Tag, TagEnd};

use crate::placeholder::{push_placeholder, single_placeholder, strip_placeholders, Sub};

use crate::error::{MdError, MdErrorKind};
use crate::renderer::*;
use crate::text::*;

/// How deep tags may nest (a real page nests a list in a list in a quote: a handful).
const MAX_NESTING: usize = 100;

impl<'a> Renderer<'a, '_> {
    /// The renderer's answer to one event at `range` of the prepared source.
    pub(crate) fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if self.image.is_some() {
            self.event_in_image(event);
            return;
        }
        if self.code.is_some() {
            self.event_in_code(event);
            return;
        }
        match event {
            Event::Start(tag) => self.open_tag(tag, range),
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
            Event::Html(t) => self.html_piece(t, range),
            Event::InlineHtml(t) => self.inline_html(t, range),
            Event::FootnoteReference(name) => self.footnote_reference(&name),
            Event::TaskListMarker(checked) => self.task_list_marker(checked),
            Event::SoftBreak | Event::HardBreak => {
                self.plain.push(' ');
                self.out.push(event);
            }
            Event::Rule => self.out.push(event),
            Event::InlineMath(_) | Event::DisplayMath(_) => self.out.push(event),
        }
    }

    /// An event inside an image: its text goes to the alt text, until the image ends.
    #[inline]
    fn event_in_image(&mut self, event: Event<'a>) {
        let Some(img) = self.image.as_mut() else {
            return;
        };
        match event {
            Event::Start(Tag::Image { .. }) => img.depth += 1,
            Event::End(TagEnd::Image) if img.depth > 0 => img.depth -= 1,
            Event::End(TagEnd::Image) => self.finish_image(),
            Event::Text(t) | Event::Code(t) => img.alt.push_str(&strip_placeholders(&t)),
            Event::SoftBreak | Event::HardBreak => img.alt.push(' '),
            _ => {}
        }
    }

    /// An event inside a code block: its text is the code, until the block ends.
    #[inline]
    fn event_in_code(&mut self, event: Event<'a>) {
        let Some(code) = self.code.as_mut() else {
            return;
        };
        match event {
            Event::Text(t) => code.content.push_str(&t),
            Event::End(TagEnd::CodeBlock) => self.finish_code(),
            _ => {}
        }
    }

    /// A tag opens: kept on the stack of open tags (too deep a nesting is an error).
    #[inline]
    fn open_tag(&mut self, tag: Tag<'a>, range: Range<usize>) {
        if self.stack.len() == MAX_NESTING {
            self.errors.push(MdError {
                offset: range.start,
                kind: MdErrorKind::TooDeep { limit: MAX_NESTING },
            });
        }
        self.stack.push(tag.to_end());
        self.start(tag, range);
    }

    /// A piece of an HTML block: gathered while the block is open, else raw HTML.
    #[inline]
    fn html_piece(&mut self, t: CowStr<'a>, range: Range<usize>) {
        match self.html_block.as_mut() {
            Some(buf) => {
                buf.pieces.push((buf.text.len(), range.start));
                buf.text.push_str(&t);
            }
            None => self.raw(t, &[(0, range.start)]),
        }
    }

    /// Inline HTML: raw HTML, noting whether it opens or closes a `<script>` or `<style>`.
    #[inline]
    fn inline_html(&mut self, t: CowStr<'a>, range: Range<usize>) {
        let tag = t.trim_start().as_bytes();
        let starts = |p: &[u8]| tag.len() >= p.len() && tag[..p.len()].eq_ignore_ascii_case(p);
        if starts(b"<script") || starts(b"<style") {
            self.in_inline_script = !t.to_ascii_lowercase().contains("</s");
        } else if starts(b"</script") || starts(b"</style") {
            self.in_inline_script = false;
        }
        self.raw(t, &[(0, range.start)])
    }

    /// A footnote mark: its number, linked to its note (the first mark also gets an id).
    #[inline]
    fn footnote_reference(&mut self, name: &str) {
        let (n, first) = self.footnote_number(name);
        let id = footnote_slug(name, n);
        let mut html = String::from(FOOTNOTE_REF_START);
        if first {
            html.push_str(&format!(" id=\"fnref-{id}\""));
        }
        html.push_str(&format!("><a href=\"#fn-{id}\">{n}</a></sup>"));
        self.out.push(Event::Html(html.into()));
    }

    /// A task list box.
    #[inline]
    fn task_list_marker(&mut self, checked: bool) {
        // Task boxes are shown, not used: disabled, and kept out of the cleaner.
        let html = if checked {
            "<input type=\"checkbox\" disabled checked> "
        } else {
            "<input type=\"checkbox\" disabled> "
        };
        self.push_sub(html.to_string(), false);
    }

    pub(crate) fn text(&mut self, t: &str) {
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
    pub(crate) fn push_sub(&mut self, html: String, block: bool) {
        let mut ph = String::with_capacity(8);
        push_placeholder(&mut ph, self.subs.len());
        self.subs.push(Sub { html, block });
        self.out.push(Event::Html(ph.into()));
    }

    pub(crate) fn start(&mut self, tag: Tag<'a>, range: Range<usize>) {
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
            Tag::CodeBlock(kind) => self.start_code_block(kind),
            Tag::Image {
                dest_url, title, ..
            } => self.start_image(dest_url, title, range),
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
            Tag::Table(aligns) => self.start_table(aligns),
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
            Tag::TableCell => self.start_table_cell(),
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

    /// A code block: its text is gathered until it ends, then highlighted.
    fn start_code_block(&mut self, kind: CodeBlockKind<'a>) {
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

    /// An image: its alt text is gathered until it ends, then the host makes its HTML.
    fn start_image(&mut self, dest_url: CowStr<'a>, title: CowStr<'a>, range: Range<usize>) {
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

    /// A table, in a labelled region that scrolls on a narrow screen.
    fn start_table(&mut self, aligns: Vec<Alignment>) {
        self.tables += 1;
        let lang = self.host.page_lang().unwrap_or(self.opts.lang);
        let label = tr!(lang, "Bảng {}", "Table {}", self.tables);
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

    /// A table cell: a header cell in the head, aligned as its column.
    fn start_table_cell(&mut self) {
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

    pub(crate) fn end(&mut self, end: TagEnd) {
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
}
