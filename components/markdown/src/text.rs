//! Small functions over text and HTML the renderer uses: word counts, the summary marker,
//! percent-decoding, heading levels and ids, footnote slugs, the default image tag, the
//! table of contents nested.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::HeadingLevel;
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::Heading;

/// Byte length of the non-ASCII whitespace character at `b[i]`, or 0. Besides ASCII,
/// `char::is_whitespace` is true only for U+0085, U+00A0 (0xC2 ..), U+1680
/// (0xE1 0x9A 0x80), U+2000..=U+200A, U+2028, U+2029, U+202F, U+205F (0xE2 ..) and
/// U+3000 (0xE3 0x80 0x80); Vietnamese letters never match.
pub(crate) fn multibyte_whitespace_len(b: &[u8], i: usize) -> usize {
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
pub(crate) fn count_words(s: &str) -> usize {
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
pub(crate) fn count_ascii_words(b: &[u8]) -> usize {
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
pub(crate) fn is_more_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|s| s.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim() == "more")
}

/// Decodes `%XX` escapes; text that would not be valid UTF-8 stays as written.
pub(crate) fn percent_decode(s: &str) -> Cow<'_, str> {
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
pub(crate) const FOOTNOTE_REF_START: &str = "<sup class=\"footnote-reference\"";

pub(crate) fn heading_level(level: HeadingLevel) -> u32 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

pub(crate) fn footnote_slug(name: &str, n: usize) -> String {
    let s = slugify(name);
    if s.is_empty() {
        n.to_string()
    } else {
        s
    }
}

/// `<img>` with lazy loading for every image but the first (likely above the fold).
pub(crate) fn default_img(src: &str, alt: &str, title: &str, index: usize) -> String {
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
pub(crate) fn nest(flat: Vec<Heading>) -> Vec<Heading> {
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
pub(crate) static ID_ATTR: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(" id=\""));

/// Every `id="..."` attribute in the HTML, in order, each once. Only text inside tags
/// counts: in text, `<` and `>` are always escaped, so `id="` typed in a paragraph is
/// not taken for an id.
pub(crate) fn collect_ids(html: &str) -> Vec<String> {
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
        let id = crate::sanitize::decode_entities(&value[..end]);
        if seen.insert(id.clone()) {
            ids.push(id);
        }
    }
    ids
}

/// The page-wide slug function: the Vietnamese slugger, so heading ids match page slugs.
pub(crate) fn slugify(s: &str) -> String {
    vi::slugify(s)
}

/// Makes `base` unique among `seen` by appending -1, -2...; records the result.
pub(crate) fn unique_slug(base: &str, seen: &mut HashSet<String>) -> String {
    vi::unique_slug(base, seen)
}
