//! The inside of a paragraph: runs (text with marks, breaks, symbols, note references,
//! pictures), hyperlinks, tracked insertions (kept) and deletions (dropped), fields, and the
//! repair of text typed in a legacy TCVN3 or VNI font.

use super::{NoteKind, Walker};
use crate::model::{Inline, Marks};
use crate::styles::{RunProps, Vert};
use crate::xml::{attr, child, child_val, is, rel_attr};
use roxmltree::Node;

impl<'a, 'i> Walker<'_, 'a, 'i> {
    /// The inlines of a paragraph (or of a hyperlink, insertion, content control in one).
    pub(super) fn inlines(&mut self, parent: Node<'a, 'i>, style: Option<&str>) -> Vec<Inline> {
        let mut out = Vec::new();
        for n in parent.children().filter(|n| n.is_element()) {
            match n.tag_name().name() {
                "r" => self.run(n, style, &mut out),
                "hyperlink" => {
                    let url = rel_attr(n, "id")
                        .and_then(|id| self.rel(id))
                        .filter(|r| r.external)
                        .map(|r| r.target.clone());
                    let inner = self.inlines(n, style);
                    match url {
                        Some(u) if !inner.is_empty() => {
                            self.fields.emit(vec![Inline::Link(u, inner)], &mut out)
                        }
                        // A link to a bookmark inside the document: its text stays.
                        _ => out.extend(inner),
                    }
                }
                "ins" | "moveTo" => {
                    self.doc.counts.insertions += 1;
                    let inner = self.inlines(n, style);
                    out.extend(inner);
                }
                "del" | "moveFrom" => self.doc.counts.deletions += 1,
                "smartTag" | "customXml" | "fldSimple" | "dir" | "bdo" => {
                    let inner = self.inlines(n, style);
                    match attr(n, "instr").map(simple_link) {
                        Some(Some(url)) if !inner.is_empty() => out.push(Inline::Link(url, inner)),
                        _ => out.extend(inner),
                    }
                }
                "sdt" => {
                    if let Some(c) = child(n, "sdtContent") {
                        let inner = self.inlines(c, style);
                        out.extend(inner);
                    }
                }
                "AlternateContent" => {
                    if let Some(c) = n.children().find(|c| is(*c, "Choice")) {
                        let inner = self.inlines(c, style);
                        out.extend(inner);
                    }
                }
                "oMath" | "oMathPara" => self.doc.counts.objects += 1,
                _ => {}
            }
        }
        out
    }

    /// One run: its text, breaks and objects, with the run's effective properties.
    fn run(&mut self, r: Node<'a, 'i>, style: Option<&str>, out: &mut Vec<Inline>) {
        let rpr = child(r, "rPr");
        let direct = rpr.map(RunProps::parse).unwrap_or_default();
        let rstyle = rpr.and_then(|p| child_val(p, "rStyle"));
        let props = self.styles.effective(style, rstyle, &direct);
        let hidden = props.hidden == Some(true);
        let marks = Marks {
            bold: props.bold == Some(true),
            italic: props.italic == Some(true) || props.underline == Some(true),
            strike: props.strike == Some(true),
            sup: props.vert == Some(Vert::Super),
            sub: props.vert == Some(Vert::Sub),
        };
        let mut text = String::new();
        let mut items: Vec<Inline> = Vec::new();
        for c in r.children().filter(|n| n.is_element()) {
            match c.tag_name().name() {
                "t" => text.push_str(c.text().unwrap_or("")),
                "tab" | "ptab" => text.push('\t'),
                "softHyphen" => text.push('\u{AD}'),
                "noBreakHyphen" => text.push('-'),
                "sym" => text.extend(symbol(c)),
                // Page and column breaks have no place on a web page.
                "br" | "cr" if !matches!(attr(c, "type"), Some("page" | "column")) => {
                    self.flush(&mut text, &props, marks, &mut items);
                    items.push(Inline::Break);
                }
                "fldChar" => {
                    self.flush(&mut text, &props, marks, &mut items);
                    self.field_char(c, &mut items, out);
                }
                "instrText" => self.fields.instr(c.text().unwrap_or("")),
                "footnoteReference" | "endnoteReference" => {
                    let kind = if c.tag_name().name() == "footnoteReference" {
                        NoteKind::Foot
                    } else {
                        NoteKind::End
                    };
                    self.flush(&mut text, &props, marks, &mut items);
                    if let Some(n) = attr(c, "id").and_then(|id| self.note(kind, id)) {
                        items.push(Inline::Note(n));
                    }
                }
                "commentReference" => self.doc.counts.comments += 1,
                "drawing" | "pict" => {
                    self.flush(&mut text, &props, marks, &mut items);
                    if let Some(img) = self.drawing(c) {
                        items.push(img);
                    }
                }
                "object" => self.doc.counts.objects += 1,
                "AlternateContent" => {
                    self.flush(&mut text, &props, marks, &mut items);
                    if let Some(choice) = c.children().find(|x| is(*x, "Choice")) {
                        if let Some(img) = self.drawing(choice) {
                            items.push(img);
                        }
                    }
                }
                _ => {}
            }
        }
        self.flush(&mut text, &props, marks, &mut items);
        if !hidden {
            self.fields.emit(items, out);
        }
    }

    /// A `w:fldChar`: what came before it in the run is emitted first, so it lands in the
    /// right field.
    fn field_char(&mut self, c: Node, items: &mut Vec<Inline>, out: &mut Vec<Inline>) {
        self.fields.emit(std::mem::take(items), out);
        match attr(c, "fldCharType") {
            Some("begin") => self.fields.begin(),
            // `separate` is done either way; a table of contents is counted.
            Some("separate") if self.fields.separate() => self.doc.counts.tocs += 1,
            Some("end") => self.fields.end(out),
            _ => {}
        }
    }

    /// Turns gathered text into an inline, repairing a legacy font.
    fn flush(
        &mut self,
        text: &mut String,
        props: &RunProps,
        marks: Marks,
        items: &mut Vec<Inline>,
    ) {
        if text.is_empty() {
            return;
        }
        let raw = std::mem::take(text);
        let font = |f: &Option<crate::styles::FontRef>| {
            f.as_ref()
                .and_then(|f| self.styles.font_name(f))
                .map(str::to_string)
        };
        let (ascii, hansi) = (font(&props.ascii), font(&props.hansi));
        // Legacy text lives in the bytes above 0x7F, which Word draws with the hAnsi font;
        // ASCII letters use the ascii font (a ".VnTimeH" there draws them as capitals).
        let legacy = hansi.as_deref().and_then(vi::legacy::font);
        let ascii_caps = ascii
            .as_deref()
            .and_then(vi::legacy::font)
            .is_some_and(|f| f.capitals);
        let mut s = match legacy {
            Some(f) if !raw.is_ascii() || f.capitals || ascii_caps => {
                if let Some(name) = &hansi {
                    self.count_legacy(name);
                }
                vi::legacy::from_font(&raw, f)
            }
            _ => raw.replace('\u{AD}', ""),
        };
        if ascii_caps || props.caps == Some(true) {
            s = s.to_uppercase();
        }
        items.push(Inline::Text(s, marks));
    }
}

/// A `w:sym`: a character of a symbol font; private-use codes of Symbol/Wingdings have no
/// meaning outside that font and are left out.
fn symbol(n: Node) -> Option<char> {
    let code = u32::from_str_radix(attr(n, "char")?, 16).ok()?;
    let c = char::from_u32(code)?;
    if (0xF000..=0xF0FF).contains(&code) {
        let font = attr(n, "font").unwrap_or("");
        return vi::legacy::font(font).map(|_| c);
    }
    Some(c)
}

/// The address of a simple HYPERLINK field.
fn simple_link(instr: &str) -> Option<String> {
    let rest = instr.trim().strip_prefix("HYPERLINK")?.trim();
    let url = rest.strip_prefix('"')?.split('"').next()?;
    (!url.is_empty()).then(|| url.to_string())
}
