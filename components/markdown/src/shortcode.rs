//! Shortcodes: `{{ name(k=v) }}` and `{% name(k=v) %}body{% end %}`.
//!
//! They are found in the raw source (outside code spans and blocks), rendered by the
//! [`Host`], and replaced by placeholders before Markdown parsing. The placeholders are
//! swapped for the host's HTML at the very end, so that shortcode output is neither
//! parsed as Markdown nor touched by the sanitizer.
//!
//! Here: [`prepare`], which rewrites the source call by call. Finding the calls is in
//! `shortcode_scan.rs`, reading one in `shortcode_parse.rs`, the placeholders in
//! `placeholder.rs`.

use std::borrow::Cow;
use std::ops::Range;

use serde_json::{Map, Value};

use crate::error::{MdError, MdErrorKind};
use crate::placeholder::{push_placeholder, Sub};
use crate::shortcode_parse::{parse_open, Open};
use crate::shortcode_scan::{code_ranges, has_open_marker, trim_body, Scanner};
use crate::Host;

/// One replacement made in the source, to map offsets back to the author's file.
#[derive(Debug, Clone, Copy)]
struct Edit {
    orig_start: usize,
    orig_end: usize,
    new_start: usize,
    new_end: usize,
}

/// The source with shortcodes replaced by placeholders.
pub(crate) struct Prepared<'s> {
    /// The text to give to the Markdown parser.
    pub text: Cow<'s, str>,
    edits: Vec<Edit>,
}

impl Prepared<'_> {
    /// Maps an offset in [`Prepared::text`] back to the original source.
    pub fn orig_offset(&self, new: usize) -> usize {
        let idx = self.edits.partition_point(|e| e.new_start <= new);
        if idx == 0 {
            return new;
        }
        let e = self.edits[idx - 1];
        if new < e.new_end {
            e.orig_start
        } else {
            e.orig_end + (new - e.new_end)
        }
    }
}

/// Finds, renders and replaces every shortcode of `src`.
pub(crate) fn prepare<'s>(
    src: &'s str,
    md_opts: pulldown_cmark::Options,
    host: &dyn Host,
    subs: &mut Vec<Sub>,
    errors: &mut Vec<MdError>,
) -> Prepared<'s> {
    if !has_open_marker(src) {
        return Prepared {
            text: Cow::Borrowed(src),
            edits: Vec::new(),
        };
    }
    let scanner = Scanner {
        src,
        code: code_ranges(src, md_opts),
    };
    let mut out = Rewrite::new(src);
    let mut i = 0;
    while let Some(pos) = scanner.next_open(i) {
        let block = src.as_bytes()[pos + 1] == b'%';
        let close = if block { "%}" } else { "}}" };
        // `{{/* name() */}}` writes the shortcode literally (for documentation pages).
        if src[pos + 2..].starts_with("/*") {
            i = match literal(src, pos, block) {
                Some((range, text)) => {
                    let end = range.end;
                    out.replace(range, &text);
                    end
                }
                None => pos + 2,
            };
            continue;
        }
        i = match parse_open(src, pos, block) {
            Open::NotShortcode => pos + 2,
            Open::End { end } => {
                errors.push(MdError {
                    offset: pos,
                    kind: MdErrorKind::StrayEnd,
                });
                end
            }
            Open::Bad {
                offset,
                name,
                problem,
            } => {
                errors.push(MdError {
                    offset,
                    kind: MdErrorKind::ShortcodeSyntax { name, problem },
                });
                skip_bad(&scanner, pos, offset, close, block)
            }
            Open::Call { name, args, end } => {
                let call = Call {
                    pos,
                    end,
                    block,
                    name,
                    args,
                };
                call.render(&scanner, host, &mut out, subs, errors)
            }
        };
    }
    out.finish()
}

/// The source as it is rewritten: the text so far, and each replacement made.
struct Rewrite<'s> {
    src: &'s str,
    out: String,
    edits: Vec<Edit>,
    /// How much of `src` is in `out` (copied or replaced).
    copied: usize,
}

impl<'s> Rewrite<'s> {
    fn new(src: &'s str) -> Self {
        Rewrite {
            src,
            out: String::with_capacity(src.len() + 64),
            edits: Vec::new(),
            copied: 0,
        }
    }

    /// Copies the source up to `range`, then puts `with` in place of it.
    fn replace(&mut self, range: Range<usize>, with: &str) {
        self.out.push_str(&self.src[self.copied..range.start]);
        let new_start = self.out.len();
        self.out.push_str(with);
        self.edits.push(Edit {
            orig_start: range.start,
            orig_end: range.end,
            new_start,
            new_end: self.out.len(),
        });
        self.copied = range.end;
    }

    /// The rewritten text (the source itself when nothing was replaced).
    fn finish(mut self) -> Prepared<'s> {
        if self.edits.is_empty() {
            return Prepared {
                text: Cow::Borrowed(self.src),
                edits: self.edits,
            };
        }
        self.out.push_str(&self.src[self.copied..]);
        Prepared {
            text: Cow::Owned(self.out),
            edits: self.edits,
        }
    }
}

/// `{{/* name() */}}` at `pos`: its span and the shortcode written literally, or None when the
/// comment is not closed.
fn literal(src: &str, pos: usize, block: bool) -> Option<(Range<usize>, String)> {
    let close = if block { "%}" } else { "}}" };
    let end_marker = if block { "*/%}" } else { "*/}}" };
    let rel = src[pos + 4..].find(end_marker)?;
    let inner_end = pos + 4 + rel;
    let literal = format!(
        "{}{}{}",
        &src[pos..pos + 2],
        &src[pos + 4..inner_end],
        close
    );
    Some((pos..inner_end + 4, literal))
}

/// Where to go on after a call that cannot be read (opened at `pos`, the problem at `offset`):
/// past it and its body, so that one mistake is reported once.
fn skip_bad(scanner: &Scanner<'_>, pos: usize, offset: usize, close: &str, block: bool) -> usize {
    let mut i = match scanner.src[offset..].find(close) {
        Some(rel) => offset + rel + 2,
        None => pos + 2,
    };
    if block {
        if let Some((_, span_end)) = scanner.find_end(i) {
            i = span_end;
        }
    }
    i
}

/// A well-formed shortcode call: `{{ name(args) }}`, or `{% name(args) %}` with a body.
struct Call {
    /// Where its `{{` or `{%` is.
    pos: usize,
    /// The end of its opening.
    end: usize,
    block: bool,
    name: String,
    args: Map<String, Value>,
}

impl Call {
    /// Renders the call with the host and puts a placeholder for its HTML in place of it;
    /// returns where to go on.
    fn render(
        self,
        scanner: &Scanner<'_>,
        host: &dyn Host,
        out: &mut Rewrite<'_>,
        subs: &mut Vec<Sub>,
        errors: &mut Vec<MdError>,
    ) -> usize {
        let Call {
            pos,
            end,
            block,
            name,
            args,
        } = self;
        let src = scanner.src;
        let (body, span_end) = if block {
            match scanner.find_end(end) {
                Some((body_end, span_end)) => (Some(trim_body(&src[end..body_end])), span_end),
                None => {
                    errors.push(MdError {
                        offset: pos,
                        kind: MdErrorKind::UnclosedShortcode { name },
                    });
                    return end;
                }
            }
        } else {
            (None, end)
        };
        let html = match host.shortcode(&name, &args, body) {
            Ok(html) => html,
            Err(message) => {
                errors.push(MdError {
                    offset: pos,
                    kind: MdErrorKind::ShortcodeFailed { name, message },
                });
                String::new()
            }
        };
        let prefix = scanner.alone_on_lines(pos, span_end);
        let idx = subs.len();
        subs.push(Sub {
            html,
            block: prefix.is_some(),
        });
        let mut with = String::new();
        if let Some(prefix) = prefix {
            // Blank lines around the placeholder (inside the same list item or
            // quote) make it a paragraph of its own, which render() unwraps.
            with.push('\n');
            with.push_str(prefix);
            push_placeholder(&mut with, idx);
            with.push('\n');
            with.push_str(prefix);
        } else {
            push_placeholder(&mut with, idx);
        }
        out.replace(pos..span_end, &with);
        span_end
    }
}
