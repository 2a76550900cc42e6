//! The renderer's state over one page's events, and its steps besides the events
//! themselves (`events.rs`): links and images resolved, code highlighted, raw HTML kept or
//! cleaned, and the page put together at the end ([`Renderer::finish`]).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Alignment, CowStr, Event, Tag, TagEnd};

use crate::error::{MdError, MdErrorKind};
use crate::placeholder::{Sub, PH_OPEN};
use crate::shortcode::Prepared;
use crate::text::*;
use crate::{Heading, Host, InternalLink, Options, Removed, Rendered};

pub(crate) struct PendingHeading {
    pub(crate) idx: usize,
    pub(crate) level: u32,
    pub(crate) explicit: Option<String>,
    pub(crate) text: String,
}

pub(crate) struct CodeBuf {
    pub(crate) lang: String,
    pub(crate) content: String,
}

pub(crate) struct ImageBuf<'a> {
    pub(crate) dest: CowStr<'a>,
    pub(crate) title: CowStr<'a>,
    pub(crate) alt: String,
    pub(crate) offset: usize,
    /// Nested images inside the alt text (rare, but the parser allows it).
    pub(crate) depth: usize,
}

pub(crate) struct TableState {
    pub(crate) aligns: Vec<Alignment>,
    pub(crate) in_head: bool,
    pub(crate) col: usize,
}

pub(crate) struct HtmlBuf {
    pub(crate) text: String,
    /// (position in `text`, offset in the prepared source) of each piece.
    pub(crate) pieces: Vec<(usize, usize)>,
}

pub(crate) struct Renderer<'a, 'o> {
    pub(crate) text_placeholders: bool,
    /// Between inline `<script>`/`<style>` and its end tag: text is code, not words.
    pub(crate) in_inline_script: bool,
    pub(crate) opts: &'o Options,
    pub(crate) host: &'o dyn Host,
    pub(crate) prepared: &'o Prepared<'o>,
    pub(crate) out: Vec<Event<'a>>,
    pub(crate) subs: Vec<Sub>,
    pub(crate) errors: Vec<MdError>,
    /// Open tags, to close a summary cut in the middle of a list or quote.
    pub(crate) stack: Vec<TagEnd>,
    pub(crate) heading: Option<PendingHeading>,
    pub(crate) headings: Vec<PendingHeading>,
    pub(crate) code: Option<CodeBuf>,
    pub(crate) image: Option<ImageBuf<'a>>,
    pub(crate) image_index: usize,
    pub(crate) table: Option<TableState>,
    pub(crate) tables: usize,
    pub(crate) footnotes: HashMap<String, usize>,
    pub(crate) html_block: Option<HtmlBuf>,
    pub(crate) raw_html: bool,
    pub(crate) summary_at: Option<(usize, Vec<TagEnd>)>,
    pub(crate) plain: String,
    pub(crate) links: Vec<InternalLink>,
    pub(crate) removed: Vec<Removed>,
}

impl<'a> Renderer<'a, '_> {
    pub(crate) fn orig(&self, offset: usize) -> usize {
        self.prepared.orig_offset(offset)
    }

    /// Footnote number (by first appearance) and whether this is its first appearance.
    pub(crate) fn footnote_number(&mut self, name: &str) -> (usize, bool) {
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
    pub(crate) fn destination(&mut self, dest: CowStr<'a>, range: Range<usize>) -> CowStr<'a> {
        let dest: CowStr<'a> = if self.text_placeholders && dest.contains(PH_OPEN) {
            // A shortcode used as an address (e.g. `[x]({{ url() }})`): its output is text.
            crate::placeholder::substitute(&dest, &self.subs).into()
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
        if !self.opts.unsafe_html && crate::sanitize::is_unsafe_url(&dest) {
            self.removed.push(Removed {
                offset: self.orig(range.start),
                snippet: dest.to_string(),
            });
            return "#".into();
        }
        dest
    }

    pub(crate) fn finish_image(&mut self) {
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

    pub(crate) fn finish_code(&mut self) {
        let Some(code) = self.code.take() else { return };
        let html = crate::highlight::code_block(&code.lang, &code.content, self.opts.highlight);
        self.plain.push(' ');
        self.push_sub(html, true);
    }

    /// Raw HTML from the author: the summary marker, or content to clean.
    pub(crate) fn raw(&mut self, html: CowStr<'a>, pieces: &[(usize, usize)]) {
        if is_more_marker(&html) {
            // Not a valid cut inside a table or heading (the fragment could not be closed).
            let inside_table_or_heading = self.table.is_some() || self.heading.is_some();
            if self.summary_at.is_none() && !inside_table_or_heading {
                self.summary_at = Some((self.out.len(), self.stack.clone()));
            }
            return;
        }
        let report = !self.opts.unsafe_html;
        let mut found = crate::sanitize::Inspection::default();
        crate::sanitize::inspect(&html, report, &mut self.plain, &mut found);
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

    /// The page put together: ids and the table of contents, summary, HTML, words; or the
    /// errors, by offset.
    pub(crate) fn finish(mut self) -> Result<Rendered, Vec<MdError>> {
        let toc = nest(self.heading_ids());
        let summary = self.summary_html();
        let mut html = String::with_capacity(self.prepared.text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, std::mem::take(&mut self.out).into_iter());
        let html = self.finish_html(html);

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

    /// Gives every heading its id (written into its start event) and returns the headings in
    /// page order, not yet nested.
    fn heading_ids(&mut self) -> Vec<Heading> {
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
        flat
    }

    /// The HTML of the events before the summary marker, with the tags open there closed;
    /// `None` without a marker.
    fn summary_html(&mut self) -> Option<String> {
        let (idx, open) = self.summary_at.take()?;
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
        Some(self.finish_html(html))
    }

    /// Rendered HTML made final: cleaned when the author's raw HTML needs it, then the
    /// placeholders replaced by the HTML they stand for.
    fn finish_html(&self, html: String) -> String {
        let sanitize = !self.opts.unsafe_html && self.raw_html;
        let html = if sanitize {
            crate::sanitize::clean(&html)
        } else {
            html
        };
        if self.subs.is_empty() {
            html
        } else {
            crate::placeholder::substitute(&html, &self.subs)
        }
    }
}
