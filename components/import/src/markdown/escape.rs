//! Escaping Word text so Markdown shows it as typed: only what would otherwise change
//! meaning is escaped, so the file stays easy for a teacher to edit.

/// Where text goes: table cells also escape `|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Body,
    Cell,
}

/// Escapes the characters that are Markdown syntax anywhere in a line, and the site's
/// shortcode openers `{{` and `{%`.
pub fn text(s: &str, place: Place, out: &mut String) {
    let mut prev = '\0';
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '|' if place == Place::Cell => out.push_str("\\|"),
            '{' if prev == '{' => out.push_str("\\{"),
            '%' if prev == '{' => out.push_str("\\%"),
            // "&amp;" typed in Word must not become "&".
            '&' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&")
            }
            // Characters the site's Markdown reserves for its own placeholders.
            '\u{E000}' | '\u{E001}' => {}
            c => out.push(c),
        }
        prev = c;
    }
}

/// Keeps shortcode openers in HTML literal: `{{` -> `{&#123;`, `{%` -> `{&#37;`.
pub fn text_shortcodes(html: &str, out: &mut String) {
    let mut prev = '\0';
    for c in html.chars() {
        match c {
            '{' if prev == '{' => out.push_str("&#123;"),
            '%' if prev == '{' => out.push_str("&#37;"),
            '\u{E000}' | '\u{E001}' => {}
            c => out.push(c),
        }
        prev = c;
    }
}

/// Escapes what would make a line (a paragraph, or a line after a break) start a block:
/// a heading `#`, a quote `>`, a list marker `-`/`+`/`1.`, a rule or setext underline.
pub fn line_start(line: &str) -> String {
    let t = line.trim_start();
    let first = t.chars().next();
    let after = |n: usize| t[n..].chars().next();
    let marker_then_space = |n: usize| after(n).is_none_or(|c| c == ' ' || c == '\t');
    let needs = match first {
        Some('#' | '>') => true,
        Some('-' | '+' | '=') => {
            marker_then_space(1) || t.chars().all(|c| c == '-' || c == '=' || c == ' ')
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            digits <= 9 && matches!(after(digits), Some('.' | ')')) && marker_then_space(digits + 1)
        }
        _ => false,
    };
    if !needs {
        return t.to_string();
    }
    match first {
        Some(c) if c.is_ascii_digit() => {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            format!("{}\\{}", &t[..digits], &t[digits..])
        }
        _ => format!("\\{t}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut out = String::new();
        text(s, Place::Body, &mut out);
        out
    }

    #[test]
    fn only_syntax_is_escaped() {
        assert_eq!(esc("Số: 31/KH-THBA (Để B/c);"), "Số: 31/KH-THBA (Để B/c);");
        assert_eq!(esc("GD&ĐT, a*b, [x], <b>"), "GD&ĐT, a\\*b, \\[x\\], \\<b>");
        assert_eq!(
            esc("{{ youtube() }} {% x %}"),
            "{\\{ youtube() }} {\\% x %}"
        );
        assert_eq!(esc("&amp;"), "\\&amp;");
    }

    #[test]
    fn block_starts_are_escaped() {
        assert_eq!(line_start("1. Mục đích"), "1\\. Mục đích");
        assert_eq!(line_start("2024. Năm"), "2024\\. Năm");
        assert_eq!(line_start("5.1. Quảng bá"), "5.1. Quảng bá");
        assert_eq!(line_start("# số"), "\\# số");
        assert_eq!(line_start("- Lưu: VT."), "\\- Lưu: VT.");
        assert_eq!(line_start("---"), "\\---");
        assert_eq!(line_start("-5 độ"), "-5 độ");
        assert_eq!(line_start("   Căn cứ"), "Căn cứ");
    }
}
