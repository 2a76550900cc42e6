//! Word fields (`w:fldChar` begin / separate / end around `w:instrText`): a HYPERLINK field
//! becomes a link around its result, a table of contents (TOC) is left out (the site makes its
//! own), any other field (PAGE, DATE, REF...) keeps its result text. Fields nest and may
//! span paragraphs.

use crate::model::Inline;

/// What a field does, from its instruction.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Link(String),
    Toc,
    Keep,
}

#[derive(Debug)]
struct Field {
    instr: String,
    /// Past `separate`: runs are the field's result, not its code.
    in_result: bool,
    action: Action,
    result: Vec<Inline>,
}

/// The open fields, innermost last.
#[derive(Debug, Default)]
pub struct Fields {
    stack: Vec<Field>,
}

impl Fields {
    /// `fldChar begin`.
    pub fn begin(&mut self) {
        self.stack.push(Field {
            instr: String::new(),
            in_result: false,
            action: Action::Keep,
            result: Vec::new(),
        });
    }

    /// `instrText`: part of the innermost field's code.
    pub fn instr(&mut self, text: &str) {
        if let Some(f) = self.stack.last_mut().filter(|f| !f.in_result) {
            f.instr.push_str(text);
        }
    }

    /// `fldChar separate`; true when the field is a table of contents.
    pub fn separate(&mut self) -> bool {
        let Some(f) = self.stack.last_mut() else {
            return false;
        };
        f.in_result = true;
        f.action = action(&f.instr);
        f.action == Action::Toc
    }

    /// `fldChar end`: the field's output goes to the field around it, or to `out`.
    pub fn end(&mut self, out: &mut Vec<Inline>) {
        let Some(f) = self.stack.pop() else { return };
        let items = match f.action {
            Action::Link(url) if !f.result.is_empty() => vec![Inline::Link(url, f.result)],
            Action::Toc => Vec::new(),
            _ => f.result,
        };
        self.emit(items, out);
    }

    /// Output of runs: into the innermost field's result, nowhere while in a field's code,
    /// else into `out`.
    pub fn emit(&mut self, items: Vec<Inline>, out: &mut Vec<Inline>) {
        match self.stack.last_mut() {
            Some(f) if f.in_result => f.result.extend(items),
            Some(_) => {}
            None => out.extend(items),
        }
    }

    /// Inside a table of contents: its paragraphs are left out.
    pub fn in_toc(&self) -> bool {
        self.stack.iter().any(|f| f.action == Action::Toc)
    }

    /// At the end of a paragraph, what open fields have gathered belongs to it.
    pub fn flush_paragraph(&mut self, out: &mut Vec<Inline>) {
        let mut gathered = Vec::new();
        for f in self.stack.iter_mut().filter(|f| f.in_result) {
            let items = std::mem::take(&mut f.result);
            match &f.action {
                Action::Link(url) if !items.is_empty() => {
                    gathered.push(Inline::Link(url.clone(), items))
                }
                Action::Toc => {}
                _ => gathered.extend(items),
            }
        }
        out.extend(gathered);
    }
}

/// The action of a field instruction such as `HYPERLINK "https://x.vn" \o "tip"`.
fn action(instr: &str) -> Action {
    let mut words = tokens(instr).into_iter();
    match words.next().map(|w| w.to_ascii_uppercase()).as_deref() {
        Some("TOC") => Action::Toc,
        Some("HYPERLINK") => {
            let mut url = None;
            let mut local = false;
            while let Some(w) = words.next() {
                if w.starts_with('\\') {
                    local |= w == "\\l";
                    // Switches with a value: skip the value.
                    if matches!(w.as_str(), "\\l" | "\\o" | "\\t" | "\\m") {
                        words.next();
                    }
                } else if url.is_none() {
                    url = Some(w);
                }
            }
            match url {
                Some(u) if !u.is_empty() => Action::Link(u),
                _ if local => Action::Keep,
                _ => Action::Keep,
            }
        }
        _ => Action::Keep,
    }
}

/// Words of a field instruction; "quoted strings" are one word, without the quotes.
fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let w: String = chars.by_ref().take_while(|&c| c != '"').collect();
            out.push(w);
        } else {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                w.push(c);
                chars.next();
            }
            out.push(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_instructions() {
        assert_eq!(
            action(r#" HYPERLINK "https://moet.gov.vn/a b" \o "Bộ GD" "#),
            Action::Link("https://moet.gov.vn/a b".into())
        );
        assert_eq!(action(r#"HYPERLINK \l "_Toc1""#), Action::Keep);
        assert_eq!(action(r#"TOC \o "1-3" \h \z \u"#), Action::Toc);
        assert_eq!(action("PAGE"), Action::Keep);
    }

    #[test]
    fn a_link_field_wraps_its_result() {
        let mut f = Fields::default();
        let mut out = Vec::new();
        f.begin();
        f.instr(r#"HYPERLINK "https://x.vn""#);
        f.emit(
            vec![Inline::Text("code".into(), Default::default())],
            &mut out,
        );
        assert!(!f.separate());
        let t = Inline::Text("x".into(), Default::default());
        f.emit(vec![t.clone()], &mut out);
        f.end(&mut out);
        assert_eq!(out, vec![Inline::Link("https://x.vn".into(), vec![t])]);
    }
}
