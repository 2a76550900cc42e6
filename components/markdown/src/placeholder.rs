//! Placeholders for shortcode HTML: a shortcode is replaced by a numbered placeholder before
//! Markdown parsing, and the placeholder by the host's HTML at the very end, so that the
//! HTML is neither parsed as Markdown nor touched by the sanitizer.

use std::borrow::Cow;

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

#[cfg(test)]
mod tests {
    use super::*;

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
