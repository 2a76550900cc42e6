//! Finding shortcodes in the raw source: `{{` and `{%` outside code spans and blocks, the
//! `{% end %}` that closes a block, and whether a call stands alone on its lines.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use crate::shortcode_parse::{parse_open, Open};

/// True if `src` contains `{{` or `{%` (one memchr-driven pass; most pages have neither).
pub(crate) fn has_open_marker(src: &str) -> bool {
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
pub(crate) fn trim_body(body: &str) -> &str {
    let body = body
        .strip_prefix("\r\n")
        .or_else(|| body.strip_prefix('\n'))
        .unwrap_or(body);
    body.strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))
        .unwrap_or(body)
}

/// Byte ranges of code spans and code blocks, where shortcodes are plain text.
pub(crate) fn code_ranges(src: &str, md_opts: pulldown_cmark::Options) -> Vec<Range<usize>> {
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

/// The source and its code ranges, where shortcodes are plain text.
pub(crate) struct Scanner<'s> {
    /// The author's source.
    pub(crate) src: &'s str,
    /// Code spans and blocks, sorted by start.
    pub(crate) code: Vec<Range<usize>>,
}

impl Scanner<'_> {
    /// The end of the code range containing `pos`, if any.
    fn code_end(&self, pos: usize) -> Option<usize> {
        let idx = self.code.partition_point(|r| r.start <= pos);
        let r = self.code.get(idx.checked_sub(1)?)?;
        (pos < r.end).then_some(r.end)
    }

    /// The next `{{` or `{%` at or after `from` that is not in code.
    pub(crate) fn next_open(&self, mut from: usize) -> Option<usize> {
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
    pub(crate) fn find_end(&self, from: usize) -> Option<(usize, usize)> {
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
    pub(crate) fn alone_on_lines(&self, start: usize, end: usize) -> Option<&str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_markers() {
        assert!(has_open_marker("a {{ b"));
        assert!(has_open_marker("{% x"));
        assert!(!has_open_marker("a { b } {"));
        assert!(!has_open_marker(""));
    }
}
