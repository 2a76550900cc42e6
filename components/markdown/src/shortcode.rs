//! Shortcodes: `{{ name(k=v) }}` and `{% name(k=v) %}body{% end %}`.
//!
//! They are found in the raw source (outside code spans and blocks), rendered by the
//! [`Host`], and replaced by placeholders before Markdown parsing. The placeholders are
//! swapped for the host's HTML at the very end, so that shortcode output is neither
//! parsed as Markdown nor touched by the sanitizer.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};
use serde_json::{Map, Number, Value};

use crate::error::{MdError, MdErrorKind, SyntaxProblem};
use crate::Host;

/// Starts a placeholder: a private-use character that Markdown and HTML leave alone.
pub(crate) const PH_OPEN: char = '\u{E000}';
/// Ends a placeholder.
pub(crate) const PH_CLOSE: char = '\u{E001}';

/// HTML waiting to be put in place of a placeholder.
#[derive(Debug)]
pub(crate) struct Sub {
    pub html: String,
    /// The placeholder stands alone on its lines: it must not be wrapped in `<p>`.
    pub block: bool,
}

/// Appends the placeholder for substitution number `idx`.
pub(crate) fn push_placeholder(out: &mut String, idx: usize) {
    use std::fmt::Write;
    out.push(PH_OPEN);
    let _ = write!(out, "{idx}");
    out.push(PH_CLOSE);
}

/// If `s` (trimmed) is exactly one placeholder, its number.
pub(crate) fn single_placeholder(s: &str) -> Option<usize> {
    let s = s.trim();
    let inner = s.strip_prefix(PH_OPEN)?.strip_suffix(PH_CLOSE)?;
    inner.parse().ok()
}

/// Replaces every placeholder in `html` by its substitution (or nothing if unknown).
pub(crate) fn substitute(html: &str, subs: &[Sub]) -> String {
    let mut out =
        String::with_capacity(html.len() + subs.iter().map(|s| s.html.len()).sum::<usize>());
    let mut rest = html;
    while let Some(start) = rest.find(PH_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + PH_OPEN.len_utf8()..];
        match after.find(PH_CLOSE) {
            Some(end) => {
                if let Some(sub) = after[..end].parse::<usize>().ok().and_then(|i| subs.get(i)) {
                    out.push_str(&sub.html);
                }
                rest = &after[end + PH_CLOSE.len_utf8()..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes placeholders from text meant for plain-text uses (ids, TOC, search).
pub(crate) fn strip_placeholders(s: &str) -> Cow<'_, str> {
    if !s.contains(PH_OPEN) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            PH_OPEN => inside = true,
            PH_CLOSE => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

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

/// True if `src` contains `{{` or `{%` (one memchr-driven pass; most pages have neither).
fn has_open_marker(src: &str) -> bool {
    let b = src.as_bytes();
    let mut from = 0;
    while let Some(rel) = src[from..].find('{') {
        let pos = from + rel;
        if matches!(b.get(pos + 1), Some(b'{' | b'%')) {
            return true;
        }
        from = pos + 1;
    }
    false
}

/// Drops the newline right after `%}` and right before `{% end %}`.
fn trim_body(body: &str) -> &str {
    let body = body
        .strip_prefix("\r\n")
        .or_else(|| body.strip_prefix('\n'))
        .unwrap_or(body);
    body.strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))
        .unwrap_or(body)
}

/// Byte ranges of code spans and code blocks, where shortcodes are plain text.
fn code_ranges(src: &str, md_opts: pulldown_cmark::Options) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Parser::new_ext(src, md_opts)
        .into_offset_iter()
        .filter_map(|(ev, range)| match ev {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => Some(range),
            _ => None,
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

struct Scanner<'s> {
    src: &'s str,
    code: Vec<Range<usize>>,
}

impl Scanner<'_> {
    /// The end of the code range containing `pos`, if any.
    fn code_end(&self, pos: usize) -> Option<usize> {
        let idx = self.code.partition_point(|r| r.start <= pos);
        let r = self.code.get(idx.checked_sub(1)?)?;
        (pos < r.end).then_some(r.end)
    }

    /// The next `{{` or `{%` at or after `from` that is not in code.
    fn next_open(&self, mut from: usize) -> Option<usize> {
        let bytes = self.src.as_bytes();
        loop {
            let rel = self.src.get(from..)?.find('{')?;
            let pos = from + rel;
            match bytes.get(pos + 1) {
                Some(b'{') | Some(b'%') => {
                    if let Some(end) = self.code_end(pos) {
                        from = end;
                        continue;
                    }
                    return Some(pos);
                }
                Some(_) => from = pos + 1,
                None => return None,
            }
        }
    }

    /// Finds the `{% end %}` matching a block opened before `from`, counting nested blocks.
    /// Returns (start of `{% end %}`, end of `{% end %}`).
    fn find_end(&self, from: usize) -> Option<(usize, usize)> {
        let mut depth = 0usize;
        let mut i = from;
        while let Some(pos) = self.next_open(i) {
            if self.src.as_bytes()[pos + 1] != b'%' || self.src[pos + 2..].starts_with("/*") {
                i = pos + 2;
                continue;
            }
            match parse_open(self.src, pos, true) {
                Open::End { end } => {
                    if depth == 0 {
                        return Some((pos, end));
                    }
                    depth -= 1;
                    i = end;
                }
                Open::Call { end, .. } => {
                    depth += 1;
                    i = end;
                }
                Open::NotShortcode | Open::Bad { .. } => i = pos + 2,
            }
        }
        None
    }

    /// If the span stands alone on its line(s) (only spaces or `>` before it, only
    /// spaces after), the text before it on its first line.
    fn alone_on_lines(&self, start: usize, end: usize) -> Option<&str> {
        let line_start = self.src[..start].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &self.src[line_start..start];
        if !prefix.bytes().all(|b| matches!(b, b' ' | b'\t' | b'>')) {
            return None;
        }
        let rest = &self.src[end..];
        let line_rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
        line_rest.trim().is_empty().then_some(prefix)
    }
}

enum Open {
    /// `{{` or `{%` that does not start a shortcode (e.g. `{{ x }}` in prose): left as text.
    NotShortcode,
    /// `{% end %}`, ending at `end`.
    End { end: usize },
    /// A well-formed opening, ending after its `}}` or `%}`.
    Call {
        name: String,
        args: Map<String, Value>,
        end: usize,
    },
    /// Started like a shortcode (`name(`) but cannot be read.
    Bad {
        offset: usize,
        name: String,
        problem: SyntaxProblem,
    },
}

/// Reads the shortcode opening at `pos` (which holds `{{` or `{%`).
fn parse_open(src: &str, pos: usize, block: bool) -> Open {
    let mut p = Cursor { s: src, i: pos + 2 };
    p.ws();
    let Some(name) = p.ident() else {
        return Open::NotShortcode;
    };
    p.ws();
    if block && name == "end" {
        return if p.eat("%}") {
            Open::End { end: p.i }
        } else {
            Open::NotShortcode
        };
    }
    if !p.eat("(") {
        return Open::NotShortcode;
    }
    let bad = |offset, problem| Open::Bad {
        offset,
        name: name.to_string(),
        problem,
    };
    let args = match p.args() {
        Ok(args) => args,
        Err((offset, problem)) => return bad(offset, problem),
    };
    p.ws();
    let (close, problem) = if block {
        ("%}", SyntaxProblem::CloseBlock)
    } else {
        ("}}", SyntaxProblem::CloseInline)
    };
    if !p.eat(close) {
        return bad(p.i, problem);
    }
    Open::Call {
        name: name.to_string(),
        args,
        end: p.i,
    }
}

type PResult<T> = Result<T, (usize, SyntaxProblem)>;

struct Cursor<'s> {
    s: &'s str,
    i: usize,
}

impl<'s> Cursor<'s> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<&'s str> {
        let start = self.i;
        if !self
            .peek()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        {
            return None;
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.i += 1;
        }
        Some(&self.s[start..self.i])
    }

    /// Arguments after `(`, up to and including `)`.
    fn args(&mut self) -> PResult<Map<String, Value>> {
        let mut map = Map::new();
        self.ws();
        if self.eat(")") {
            return Ok(map);
        }
        loop {
            self.ws();
            let at = self.i;
            let key = self.ident().ok_or((at, SyntaxProblem::ArgumentName))?;
            self.ws();
            if !self.eat("=") {
                return Err((self.i, SyntaxProblem::Equals));
            }
            self.ws();
            let value = self.value()?;
            if map.insert(key.to_string(), value).is_some() {
                return Err((at, SyntaxProblem::DuplicateArgument));
            }
            self.ws();
            if self.eat(")") {
                return Ok(map);
            }
            if !self.eat(",") {
                return Err((self.i, SyntaxProblem::CommaOrParen));
            }
            self.ws();
            // A trailing comma before `)` is fine.
            if self.eat(")") {
                return Ok(map);
            }
        }
    }

    fn value(&mut self) -> PResult<Value> {
        let start = self.i;
        match self.peek() {
            Some(q @ (b'"' | b'\'' | b'`')) => self.string(q).map(Value::String),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.eat("]") {
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value()?);
                    self.ws();
                    if self.eat("]") {
                        return Ok(Value::Array(items));
                    }
                    if !self.eat(",") {
                        return Err((self.i, SyntaxProblem::CommaOrBracket));
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => match self.ident() {
                Some("true") => Ok(Value::Bool(true)),
                Some("false") => Ok(Value::Bool(false)),
                _ => Err((start, SyntaxProblem::Value)),
            },
        }
    }

    /// A quoted string. Double quotes understand `\"`, `\\`, `\n` and `\t`; single
    /// quotes and backticks are raw.
    fn string(&mut self, quote: u8) -> PResult<String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        let rest = &self.s[self.i..];
        let mut chars = rest.char_indices();
        while let Some((k, c)) = chars.next() {
            if c as u32 == quote as u32 {
                self.i += k + 1;
                return Ok(out);
            }
            if c == '\\' && quote == b'"' {
                match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, other)) => out.push(other),
                    None => break,
                }
            } else {
                out.push(c);
            }
        }
        Err((start, SyntaxProblem::UnterminatedString))
    }

    fn number(&mut self) -> PResult<Value> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits = |c: &mut Self| {
            let s = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.i += 1;
            }
            c.i > s
        };
        if !digits(self) {
            return Err((start, SyntaxProblem::Value));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            float = true;
            if !digits(self) {
                return Err((start, SyntaxProblem::Value));
            }
        }
        let text = &self.s[start..self.i];
        let number = if float {
            text.parse::<f64>().ok().and_then(Number::from_f64)
        } else {
            text.parse::<i64>().ok().map(Number::from)
        };
        number
            .map(Value::Number)
            .ok_or((start, SyntaxProblem::Value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args_of(s: &str) -> PResult<Map<String, Value>> {
        let mut c = Cursor { s, i: 0 };
        c.args()
    }

    #[test]
    fn reads_argument_values() {
        let m = args_of(r#"key="v \"q\"", n=3, x=-1.5, flag=true, no=false, list=["a", 'b', 2], e=[], raw=`a\b`)"#).unwrap();
        assert_eq!(m["key"], Value::from("v \"q\""));
        assert_eq!(m["n"], Value::from(3));
        assert_eq!(m["x"], Value::from(-1.5));
        assert_eq!(m["flag"], Value::from(true));
        assert_eq!(m["no"], Value::from(false));
        assert_eq!(m["list"], serde_json::json!(["a", "b", 2]));
        assert_eq!(m["e"], serde_json::json!([]));
        assert_eq!(m["raw"], Value::from("a\\b"));
        assert!(args_of(")").unwrap().is_empty());
        assert_eq!(args_of("a=1,)").unwrap().len(), 1);
    }

    #[test]
    fn reports_argument_errors_where_they_are() {
        assert_eq!(args_of("a=1 b=2)"), Err((4, SyntaxProblem::CommaOrParen)));
        assert_eq!(args_of("a 1)"), Err((2, SyntaxProblem::Equals)));
        assert_eq!(args_of("a=)"), Err((2, SyntaxProblem::Value)));
        assert_eq!(args_of("a=yes)"), Err((2, SyntaxProblem::Value)));
        assert_eq!(
            args_of("a=\"open)"),
            Err((2, SyntaxProblem::UnterminatedString))
        );
        assert_eq!(args_of("a=[1 2])"), Err((5, SyntaxProblem::CommaOrBracket)));
        assert_eq!(
            args_of("a=1, a=2)"),
            Err((5, SyntaxProblem::DuplicateArgument))
        );
        assert_eq!(args_of("=1)"), Err((0, SyntaxProblem::ArgumentName)));
    }

    #[test]
    fn open_markers() {
        assert!(has_open_marker("a {{ b"));
        assert!(has_open_marker("{% x"));
        assert!(!has_open_marker("a { b } {"));
        assert!(!has_open_marker(""));
    }

    #[test]
    fn placeholders_round_trip() {
        let subs = vec![
            Sub {
                html: "<b>x</b>".into(),
                block: false,
            },
            Sub {
                html: "<div>y</div>".into(),
                block: true,
            },
        ];
        let mut s = String::from("a ");
        push_placeholder(&mut s, 1);
        s.push_str(" b ");
        push_placeholder(&mut s, 0);
        assert_eq!(substitute(&s, &subs), "a <div>y</div> b <b>x</b>");
        assert_eq!(strip_placeholders(&s), "a  b ");
        let mut one = String::new();
        push_placeholder(&mut one, 12);
        assert_eq!(single_placeholder(&format!(" {one}\n")), Some(12));
        assert_eq!(single_placeholder(&format!("x{one}")), None);
    }
}
