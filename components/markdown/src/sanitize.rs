//! Raw HTML written in Markdown: the allow-list, the ammonia cleaner built from it, and a
//! light reader that tells the author what the cleaner will remove.
//!
//! ammonia does the actual cleaning (on the whole page, so tags opened and closed in
//! different places stay balanced); the reader only mirrors the same allow-list to point
//! at each removed tag, attribute or address in the source.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Content elements an author may write. No iframe, object, form, script, style:
/// embeds go through shortcodes.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed together with their content.
const CLEAN_CONTENT: &[&str] = &["script", "style"];

/// Attributes allowed on every element.
const GENERIC_ATTRS: &[&str] = &[
    "id",
    "class",
    "title",
    "lang",
    "dir",
    "role",
    "aria-label",
    "aria-hidden",
];

/// Attributes allowed on some elements only.
const TAG_ATTRS: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    (
        "img",
        &["src", "alt", "width", "height", "loading", "decoding"],
    ),
    ("td", &["colspan", "rowspan", "headers"]),
    ("th", &["colspan", "rowspan", "headers", "scope"]),
    ("ol", &["start", "reversed", "type"]),
    ("li", &["value"]),
    ("time", &["datetime"]),
    ("data", &["value"]),
    ("del", &["cite", "datetime"]),
    ("ins", &["cite", "datetime"]),
    ("blockquote", &["cite"]),
    ("q", &["cite"]),
    ("details", &["open"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    // The scrollable wrapper of tables is focusable so keyboards can scroll it.
    ("div", &["tabindex"]),
];

/// Attributes holding an address, checked against [`SCHEMES`].
const URL_ATTRS: &[&str] = &["href", "src", "cite"];

/// Address schemes allowed in links and images; relative addresses are always allowed.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "sms"];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(CLEAN_CONTENT.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRS.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRS
                .iter()
                .map(|(t, a)| (*t, a.iter().copied().collect::<HashSet<_>>()))
                .collect::<HashMap<_, _>>(),
        )
        .url_schemes(SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true);
    b
});

/// Cleans a whole HTML fragment with the allow-list above.
pub(crate) fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// True for `javascript:`, `vbscript:`, `data:` and other schemes outside [`SCHEMES`].
/// Browsers ignore control characters and spaces inside a scheme, so they are skipped.
pub(crate) fn is_unsafe_url(url: &str) -> bool {
    let mut scheme = String::new();
    for c in url.chars() {
        match c {
            ':' => {
                return !scheme.is_empty() && !SCHEMES.contains(&scheme.as_str());
            }
            '/' | '?' | '#' => return false,
            c if c.is_ascii_control() || c == ' ' => {}
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase());
            }
            _ => return false,
        }
    }
    false
}

fn attr_allowed(tag: &str, attr: &str) -> bool {
    GENERIC_ATTRS.contains(&attr)
        || TAG_ATTRS
            .iter()
            .any(|(t, attrs)| *t == tag && attrs.contains(&attr))
}

/// What reading raw HTML found.
#[derive(Debug, Default)]
pub(crate) struct Inspection {
    /// (byte position in the raw HTML, snippet) of everything the cleaner removes.
    pub removed: Vec<(usize, String)>,
}

/// Longest snippet kept in a report.
const SNIPPET_MAX: usize = 80;

fn snippet(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= SNIPPET_MAX {
        return s.to_string();
    }
    let mut out: String = s.chars().take(SNIPPET_MAX).collect();
    out.push('…');
    out
}

/// Reads raw HTML: appends its visible text to `plain` and, if `report`, lists what the
/// cleaner will remove.
pub(crate) fn inspect(raw: &str, report: bool, plain: &mut String, found: &mut Inspection) {
    let b = raw.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    while let Some(rel) = raw[i..].find('<') {
        let lt = i + rel;
        let next = b.get(lt + 1).copied();
        let tag_end = |from: usize| find_tag_end(raw, from);
        match next {
            Some(b'!') | Some(b'?') => {
                push_text(plain, &raw[text_start..lt]);
                let end = if raw[lt..].starts_with("<!--") {
                    raw[lt..].find("-->").map_or(raw.len(), |e| lt + e + 3)
                } else {
                    raw[lt..].find('>').map_or(raw.len(), |e| lt + e + 1)
                };
                i = end;
                text_start = end;
            }
            Some(b'/') if b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => {
                push_text(plain, &raw[text_start..lt]);
                let end = tag_end(lt);
                let (name, _) = parse_tag(&raw[lt + 1..end]);
                if BREAKING.contains(&name.as_str()) {
                    plain.push(' ');
                }
                i = end;
                text_start = end;
            }
            Some(c) if c.is_ascii_alphabetic() => {
                push_text(plain, &raw[text_start..lt]);
                let end = tag_end(lt);
                let tag_text = &raw[lt..end];
                let (name, attrs) = parse_tag(tag_text);
                if BREAKING.contains(&name.as_str()) {
                    plain.push(' ');
                }
                let mut after = end;
                if CLEAN_CONTENT.contains(&name.as_str()) {
                    // Skip the content up to the closing tag: it is removed, never shown.
                    let close = format!("</{name}");
                    after = find_ascii_ci(raw, end, &close).map_or(raw.len(), tag_end);
                    if report {
                        found.removed.push((lt, snippet(&raw[lt..after])));
                    }
                } else if !TAGS.contains(&name.as_str()) {
                    if report {
                        found.removed.push((lt, snippet(tag_text)));
                    }
                } else if report {
                    for a in attrs {
                        let bad = !attr_allowed(&name, &a.name)
                            || (URL_ATTRS.contains(&a.name.as_str()) && is_unsafe_url(&a.value));
                        if bad {
                            found
                                .removed
                                .push((lt + a.start, snippet(&tag_text[a.start..a.end])));
                        }
                    }
                }
                i = after;
                text_start = after;
            }
            _ => i = lt + 1,
        }
    }
    push_text(plain, &raw[text_start..]);
}

/// Position just after the `>` closing the tag that starts at `lt` (quotes respected).
fn find_tag_end(raw: &str, lt: usize) -> usize {
    let mut quote: Option<u8> = None;
    for (k, &c) in raw.as_bytes()[lt..].iter().enumerate() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'>') => return lt + k + 1,
            _ => {}
        }
    }
    raw.len()
}

fn find_ascii_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (from..h.len().saturating_sub(n.len()) + 1).find(|&k| h[k..k + n.len()].eq_ignore_ascii_case(n))
}

struct Attr {
    name: String,
    value: String,
    /// Byte range of the whole `name="value"` inside the tag text.
    start: usize,
    end: usize,
}

/// Splits `<name a="1" b>` into its lower-case name and attributes.
fn parse_tag(tag: &str) -> (String, Vec<Attr>) {
    let b = tag.as_bytes();
    let mut i = 1;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    let name = tag[1..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            break;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        let attr_name = tag[start..i].to_ascii_lowercase();
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = String::new();
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let vs = j + 1;
                let ve = tag[vs..].find(q as char).map_or(b.len(), |e| vs + e);
                value = tag[vs..ve].to_string();
                j = (ve + 1).min(b.len());
            } else {
                let vs = j;
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    j += 1;
                }
                value = tag[vs..j].to_string();
            }
            i = j;
        }
        attrs.push(Attr {
            name: attr_name,
            value: decode_entities(&value),
            start,
            end: i,
        });
    }
    (name, attrs)
}

/// Decodes the few entities that matter for text and scheme checks.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&#58;", ":")
        .replace("&colon;", ":")
        .replace("&amp;", "&")
}

/// Elements that separate words in the plain text (inline ones such as `<b>` do not).
const BREAKING: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

fn push_text(plain: &mut String, text: &str) {
    plain.push_str(&decode_entities(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(raw: &str) -> Vec<(usize, String)> {
        let mut plain = String::new();
        let mut found = Inspection::default();
        inspect(raw, true, &mut plain, &mut found);
        found.removed
    }

    #[test]
    fn reports_what_the_cleaner_removes() {
        assert_eq!(
            removed("<details><summary>Xem</summary>nội dung</details>"),
            vec![]
        );
        assert_eq!(
            removed("a <script>alert(1)</script> b"),
            vec![(2, "<script>alert(1)</script>".to_string())]
        );
        assert_eq!(
            removed(r#"<p onclick="x()" class="c">"#),
            vec![(3, r#"onclick="x()""#.to_string())]
        );
        assert_eq!(
            removed(r#"<a href="javascript:alert(1)">x</a>"#),
            vec![(3, r#"href="javascript:alert(1)""#.to_string())]
        );
        assert_eq!(
            removed(r#"<iframe src="https://x"></iframe>"#),
            vec![(0, r#"<iframe src="https://x">"#.to_string())]
        );
        assert_eq!(removed("<!-- ghi chú --><br>"), vec![]);
    }

    #[test]
    fn the_cleaner_agrees() {
        let out = clean(
            r#"<p onclick="x()" class="c">a<script>alert(1)</script></p><details open><summary>S</summary></details><a href="javascript:x">l</a><iframe src="x"></iframe>"#,
        );
        assert_eq!(
            out,
            r#"<p class="c">a</p><details open=""><summary>S</summary></details><a>l</a>"#
        );
    }

    #[test]
    fn visible_text_is_kept() {
        let mut plain = String::new();
        let mut found = Inspection::default();
        inspect(
            "<div>Xin <b>chào</b> &amp; hẹn<br>gặp<i>lại</i></div><style>p{}</style>",
            false,
            &mut plain,
            &mut found,
        );
        assert_eq!(
            plain.split_whitespace().collect::<Vec<_>>(),
            ["Xin", "chào", "&", "hẹn", "gặplại"]
        );
    }

    #[test]
    fn unsafe_schemes() {
        assert!(is_unsafe_url("javascript:alert(1)"));
        assert!(is_unsafe_url(" JaVa\tScript:alert(1)"));
        assert!(is_unsafe_url("data:text/html,x"));
        assert!(!is_unsafe_url("https://example.com"));
        assert!(!is_unsafe_url("/bien-dao/"));
        assert!(!is_unsafe_url("trang.html#a:b"));
        assert!(!is_unsafe_url("mailto:a@b.vn"));
    }
}
