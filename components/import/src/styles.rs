//! Styles (`word/styles.xml`) and the theme's fonts: what a paragraph's style makes it (a
//! heading of some level, the title, a list item) and a run's effective properties, following
//! `basedOn` inheritance from the document defaults down to the run's own properties.

use crate::xml::{attr, child, child_val, is, is_w, toggle};
use roxmltree::Node;
use std::collections::HashMap;

/// A font as a run names it: by name, or by its role in the theme ("minorHAnsi").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FontRef {
    Name(String),
    Theme(String),
}

/// Superscript or subscript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vert {
    Super,
    Sub,
    Base,
}

/// Run properties at one level (default, style, direct); `None` means "inherit".
#[derive(Debug, Clone, Default)]
pub struct RunProps {
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub underline: Option<bool>,
    pub strike: Option<bool>,
    pub caps: Option<bool>,
    pub hidden: Option<bool>,
    pub vert: Option<Vert>,
    /// Font of characters up to U+007F.
    pub ascii: Option<FontRef>,
    /// Font of the other Latin characters (where legacy text lives: 0x80-0xFF).
    pub hansi: Option<FontRef>,
}

impl RunProps {
    /// Reads a `w:rPr` element.
    pub fn parse(rpr: Node) -> RunProps {
        let underline = child_val(rpr, "u")
            .map(|v| v != "none")
            .or_else(|| child(rpr, "u").map(|_| true));
        let vert = child_val(rpr, "vertAlign").map(|v| match v {
            "superscript" => Vert::Super,
            "subscript" => Vert::Sub,
            _ => Vert::Base,
        });
        let fonts = child(rpr, "rFonts");
        // A theme font wins over a named one at the same level (ECMA-376 17.3.2.26).
        let font = |theme: &str, name: &str| {
            let f = fonts?;
            attr(f, theme)
                .map(|t| FontRef::Theme(t.to_string()))
                .or_else(|| attr(f, name).map(|n| FontRef::Name(n.to_string())))
        };
        RunProps {
            bold: toggle(rpr, "b"),
            italic: toggle(rpr, "i"),
            underline,
            strike: toggle(rpr, "strike").or(toggle(rpr, "dstrike")),
            caps: toggle(rpr, "caps"),
            hidden: toggle(rpr, "vanish"),
            vert,
            ascii: font("asciiTheme", "ascii"),
            hansi: font("hAnsiTheme", "hAnsi"),
        }
    }

    /// These properties with `over`'s set ones on top.
    pub fn merge(&mut self, over: &RunProps) {
        fn set<T: Clone>(a: &mut Option<T>, b: &Option<T>) {
            if b.is_some() {
                a.clone_from(b);
            }
        }
        set(&mut self.bold, &over.bold);
        set(&mut self.italic, &over.italic);
        set(&mut self.underline, &over.underline);
        set(&mut self.strike, &over.strike);
        set(&mut self.caps, &over.caps);
        set(&mut self.hidden, &over.hidden);
        set(&mut self.vert, &over.vert);
        set(&mut self.ascii, &over.ascii);
        set(&mut self.hansi, &over.hansi);
    }
}

/// What a paragraph style makes a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    Heading(u8),
}

/// One style of styles.xml.
#[derive(Debug, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    rpr: RunProps,
    outline: Option<u8>,
    num: Option<(u32, u8)>,
}

/// The styles of a document, its default run properties and its theme fonts.
#[derive(Debug, Default)]
pub struct Styles {
    map: HashMap<String, Style>,
    defaults: RunProps,
    default_para: Option<String>,
    /// Theme fonts: "minor" and "major" Latin typefaces.
    theme: HashMap<&'static str, String>,
}

impl Styles {
    /// Reads styles.xml (and theme1.xml for theme fonts); absent parts give Word's defaults.
    pub fn parse(
        styles: Option<&roxmltree::Document>,
        theme: Option<&roxmltree::Document>,
    ) -> Styles {
        let mut out = Styles::default();
        if let Some(doc) = theme {
            for (kind, key) in [("minorFont", "minor"), ("majorFont", "major")] {
                let face = doc
                    .descendants()
                    .find(|n| is(*n, kind))
                    .and_then(|n| n.children().find(|c| is(*c, "latin")))
                    .and_then(|l| attr(l, "typeface"));
                if let Some(face) = face {
                    out.theme.insert(key, face.to_string());
                }
            }
        }
        let Some(doc) = styles else {
            return out;
        };
        let root = doc.root_element();
        if let Some(rpr) = child(root, "docDefaults")
            .and_then(|d| child(d, "rPrDefault"))
            .and_then(|d| child(d, "rPr"))
        {
            out.defaults = RunProps::parse(rpr);
        }
        for s in root.children().filter(|n| is_w(*n, "style")) {
            let Some(id) = attr(s, "styleId") else {
                continue;
            };
            let ppr = child(s, "pPr");
            let num = ppr.and_then(|p| child(p, "numPr")).and_then(num_pr);
            let style = Style {
                name: child_val(s, "name").unwrap_or(id).to_string(),
                based_on: child_val(s, "basedOn").map(str::to_string),
                rpr: child(s, "rPr").map(RunProps::parse).unwrap_or_default(),
                outline: ppr
                    .and_then(|p| child_val(p, "outlineLvl"))
                    .and_then(|v| v.parse().ok()),
                num,
            };
            if attr(s, "type") == Some("paragraph") && attr(s, "default") == Some("1") {
                out.default_para = Some(id.to_string());
            }
            out.map.insert(id.to_string(), style);
        }
        out
    }

    /// The style and the styles it is based on, itself first (loops cut).
    fn chain<'s>(&'s self, id: Option<&'s str>) -> Vec<&'s Style> {
        let mut out: Vec<&Style> = Vec::new();
        let mut next = id.or(self.default_para.as_deref());
        while let Some(s) = next.and_then(|id| self.map.get(id)) {
            if out.iter().any(|seen| std::ptr::eq(*seen, s)) || out.len() > 32 {
                break;
            }
            out.push(s);
            next = s.based_on.as_deref();
        }
        out
    }

    /// Title or heading level of paragraph style `id`, by name or id first, then by outline
    /// level, along the inheritance chain.
    pub fn role(&self, id: Option<&str>) -> Option<Role> {
        if let Some(r) = id.and_then(role_by_name) {
            return Some(r);
        }
        for s in self.chain(id) {
            if let Some(r) = role_by_name(&s.name) {
                return Some(r);
            }
            if let Some(level) = s.outline.filter(|l| *l < 6) {
                return Some(Role::Heading(level + 1));
            }
        }
        None
    }

    /// The list numbering a paragraph style carries (numId, level).
    pub fn numbering(&self, id: Option<&str>) -> Option<(u32, u8)> {
        self.chain(id).iter().find_map(|s| s.num)
    }

    /// Effective run properties: defaults, paragraph style chain, character style chain,
    /// then the run's own.
    pub fn effective(&self, para: Option<&str>, run: Option<&str>, direct: &RunProps) -> RunProps {
        let mut p = self.defaults.clone();
        for s in self.chain(para).iter().rev() {
            p.merge(&s.rpr);
        }
        if run.is_some() {
            let chain: Vec<&Style> = run
                .map(|id| {
                    let mut v = Vec::new();
                    let mut next = Some(id);
                    while let Some(s) = next.and_then(|id| self.map.get(id)) {
                        if v.len() > 32 {
                            break;
                        }
                        v.push(s);
                        next = s.based_on.as_deref();
                    }
                    v
                })
                .unwrap_or_default();
            for s in chain.iter().rev() {
                p.merge(&s.rpr);
            }
        }
        p.merge(direct);
        p
    }

    /// The font name a reference stands for.
    pub fn font_name<'s>(&'s self, f: &'s FontRef) -> Option<&'s str> {
        match f {
            FontRef::Name(n) => Some(n),
            FontRef::Theme(t) if t.starts_with("major") => {
                self.theme.get("major").map(|s| s.as_str())
            }
            FontRef::Theme(_) => self.theme.get("minor").map(|s| s.as_str()),
        }
    }
}

/// A `w:numPr`: (numId, ilvl).
pub fn num_pr(n: Node) -> Option<(u32, u8)> {
    let id = child_val(n, "numId")?.parse().ok()?;
    let level = child_val(n, "ilvl")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((id, level))
}

/// Title or heading level from a style name or id: "heading 1", "Heading1", "Tiêu đề 1",
/// "Đầu đề 2", "Title", "Tiêu đề".
fn role_by_name(name: &str) -> Option<Role> {
    use unicode_normalization::UnicodeNormalization;
    let n: String = name.nfc().collect::<String>().to_lowercase();
    let n = n.trim();
    if matches!(n, "title" | "tiêu đề" | "tựa đề") {
        return Some(Role::Title);
    }
    for prefix in ["heading", "tiêu đề", "đầu đề"] {
        if let Some(rest) = n.strip_prefix(prefix) {
            if let Ok(level) = rest.trim().parse::<u8>() {
                return (1..=9)
                    .contains(&level)
                    .then_some(Role::Heading(level.min(6)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names_in_english_and_vietnamese() {
        assert_eq!(role_by_name("heading 1"), Some(Role::Heading(1)));
        assert_eq!(role_by_name("Heading3"), Some(Role::Heading(3)));
        assert_eq!(role_by_name("Tiêu đề 2"), Some(Role::Heading(2)));
        // Typed on a Mac: decomposed marks.
        assert_eq!(
            role_by_name("Tie\u{302}u đe\u{302}\u{300} 1"),
            Some(Role::Heading(1))
        );
        assert_eq!(role_by_name("Title"), Some(Role::Title));
        assert_eq!(role_by_name("Normal"), None);
        assert_eq!(role_by_name("heading x"), None);
    }

    #[test]
    fn styles_inherit_heading_levels_and_fonts() {
        let xml = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
          <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/></w:rPr></w:rPrDefault></w:docDefaults>
          <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
          <w:style w:type="paragraph" w:styleId="u2"><w:name w:val="Tiêu đề 2"/><w:basedOn w:val="Normal"/></w:style>
          <w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="Mine"/><w:basedOn w:val="u2"/>
            <w:rPr><w:rFonts w:ascii=".VnTimeH" w:hAnsi=".VnTimeH"/><w:b/></w:rPr></w:style>
          <w:style w:type="paragraph" w:styleId="Outl"><w:name w:val="Outl"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
          <w:style w:type="character" w:styleId="Plain"><w:name w:val="Plain"/><w:rPr><w:b w:val="0"/></w:rPr></w:style>
        </w:styles>"#;
        let doc = roxmltree::Document::parse(xml).unwrap();
        let s = Styles::parse(Some(&doc), None);
        assert_eq!(s.role(Some("Mine")), Some(Role::Heading(2)));
        assert_eq!(s.role(Some("Outl")), Some(Role::Heading(3)));
        assert_eq!(s.role(Some("Normal")), None);
        let p = s.effective(Some("Mine"), None, &RunProps::default());
        assert_eq!(p.hansi, Some(FontRef::Name(".VnTimeH".into())));
        assert_eq!(p.bold, Some(true));
        let p = s.effective(Some("Mine"), Some("Plain"), &RunProps::default());
        assert_eq!(p.bold, Some(false));
        let p = s.effective(None, None, &RunProps::default());
        assert_eq!(p.ascii, Some(FontRef::Name("Arial".into())));
    }
}
