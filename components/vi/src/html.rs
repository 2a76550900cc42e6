//! Text put into HTML: the one escaping function the workspace shares (templates, the report,
//! the preview server's pages, image tags), so that every writer escapes the same characters.

/// Escapes `& < > " '` for HTML text and attribute values (`'` as `&#39;`; `/` is left alone,
/// unlike Tera's default, which bloats every URL).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Copies the text between special characters in runs; they are ASCII, so every cut is
    // at a character boundary.
    let mut last = 0;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        let entity = match c {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("Biển đảo / Hoàng Sa"), "Biển đảo / Hoàng Sa");
        assert_eq!(
            escape_html(r#"<a href="x">Hoàng Sa & 'Trường Sa'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Hoàng Sa &amp; &#39;Trường Sa&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("&&ệ>"), "&amp;&amp;ệ&gt;");
        assert_eq!(
            escape_html("<script>\"'&"),
            "&lt;script&gt;&quot;&#39;&amp;"
        );
    }
}
