//! Reading `word/document.xml` (and its notes) into the [`Document`] model: paragraphs with
//! their kind (title, heading, list item), runs with marks and legacy fonts repaired, tables,
//! hyperlinks, pictures, text boxes, footnotes and endnotes; tracked changes accepted,
//! comments dropped and counted.

mod drawing;
mod fields;
mod inline;
mod table;

use crate::archive::Package;
use crate::error::ImportError;
use crate::model::{Block, Document, Inline, Kind, Marks, Para};
use crate::numbering::{self, Level, Numbering};
use crate::rels::{self, Rel};
use crate::styles::{num_pr, Role, Styles};
use crate::xml::{attr, child, child_val, is, is_w, parse};
use fields::Fields;
use roxmltree::Node;
use std::collections::HashMap;

/// The parts of a package that make up its text.
const DOCUMENT: &str = "word/document.xml";

/// Reads the document of an opened package.
pub fn read(pkg: &mut Package) -> Result<Document, ImportError> {
    let mut texts: HashMap<&str, String> = HashMap::new();
    for part in [
        DOCUMENT,
        "word/styles.xml",
        "word/numbering.xml",
        "word/theme/theme1.xml",
        "word/footnotes.xml",
        "word/endnotes.xml",
    ] {
        if let Some(t) = pkg.read_text(part)? {
            texts.insert(part, t);
        }
    }
    let file = pkg.path().to_path_buf();
    let mut docs = HashMap::new();
    for (part, text) in &texts {
        docs.insert(*part, parse(text, &file, part)?);
    }
    let mut rels_of = HashMap::new();
    for part in [DOCUMENT, "word/footnotes.xml", "word/endnotes.xml"] {
        let text = pkg.read_text(&rels::rels_name(part))?;
        rels_of.insert(part, rels::parse(text.as_deref(), part));
    }
    let styles = Styles::parse(
        docs.get("word/styles.xml"),
        docs.get("word/theme/theme1.xml"),
    );
    let numbering = Numbering::parse(docs.get("word/numbering.xml"));
    let notes = |part: &str, kind: &str| -> HashMap<String, Node> {
        docs.get(part)
            .map(|d| {
                d.root_element()
                    .children()
                    .filter(|n| is_w(*n, kind))
                    .filter(|n| attr(*n, "type").is_none_or(|t| t == "normal"))
                    .filter_map(|n| Some((attr(n, "id")?.to_string(), n)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut w = Walker {
        styles: &styles,
        numbering: &numbering,
        rels: &rels_of,
        part: DOCUMENT,
        footnotes: notes("word/footnotes.xml", "footnote"),
        endnotes: notes("word/endnotes.xml", "endnote"),
        note_refs: Vec::new(),
        counters: HashMap::new(),
        fields: Fields::default(),
        pending: Vec::new(),
        doc: Document::default(),
        legacy: Vec::new(),
    };
    let Some(body) = docs
        .get(DOCUMENT)
        .and_then(|d| child(d.root_element(), "body"))
    else {
        return Ok(w.doc);
    };
    w.doc.blocks = w.body(body);
    w.read_notes();
    w.doc.counts.legacy = std::mem::take(&mut w.legacy);
    Ok(w.doc)
}

/// Footnote or endnote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoteKind {
    Foot,
    End,
}

/// State of one walk through a document.
struct Walker<'s, 'a, 'i> {
    styles: &'s Styles,
    numbering: &'s Numbering,
    rels: &'s HashMap<&'static str, HashMap<String, Rel>>,
    /// The part being read (its relationships resolve `r:id`s).
    part: &'static str,
    footnotes: HashMap<String, Node<'a, 'i>>,
    endnotes: HashMap<String, Node<'a, 'i>>,
    /// Notes in the order they are first referenced; their number is the index + 1.
    note_refs: Vec<(NoteKind, String)>,
    /// The last number given per (list, level).
    counters: HashMap<(u32, u8), u32>,
    fields: Fields,
    /// Blocks found inside runs (text boxes), placed after the paragraph.
    pending: Vec<Block>,
    doc: Document,
    /// Runs converted per legacy font name.
    legacy: Vec<(String, usize)>,
}

impl<'a, 'i> Walker<'_, 'a, 'i> {
    /// The blocks of a body, cell, note or text box.
    fn body(&mut self, parent: Node<'a, 'i>) -> Vec<Block> {
        let mut out = Vec::new();
        for n in parent.children().filter(|n| n.is_element()) {
            match n.tag_name().name() {
                "p" => self.paragraph(n, &mut out),
                "tbl" => {
                    if let Some(t) = self.table(n) {
                        out.push(t);
                    }
                }
                "sdt" => {
                    if let Some(c) = child(n, "sdtContent") {
                        out.extend(self.body(c));
                    }
                }
                "customXml" | "ins" | "moveTo" => out.extend(self.body(n)),
                "AlternateContent" => {
                    if let Some(c) = n.children().find(|c| is(*c, "Choice")) {
                        out.extend(self.body(c));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// One paragraph, and any text boxes anchored in it after it.
    fn paragraph(&mut self, p: Node<'a, 'i>, out: &mut Vec<Block>) {
        let ppr = child(p, "pPr");
        let style = ppr.and_then(|x| child_val(x, "pStyle"));
        let started_in_toc = self.fields.in_toc();
        let mut inlines = self.inlines(p, style);
        self.fields.flush_paragraph(&mut inlines);
        let pending = std::mem::take(&mut self.pending);
        if started_in_toc || self.fields.in_toc() {
            out.extend(pending);
            return;
        }
        let num = ppr
            .and_then(|x| child(x, "numPr"))
            .and_then(num_pr)
            .or_else(|| self.styles.numbering(style));
        let kind = match self.styles.role(style) {
            Some(Role::Title) => Kind::Title,
            Some(Role::Heading(n)) => {
                // A numbered heading ("I.", "1.2.") keeps the number Word draws for it.
                if let Some(label) = num.and_then(|(id, level)| self.heading_label(id, level)) {
                    inlines.insert(0, Inline::Text(format!("{label} "), Marks::default()));
                }
                Kind::Heading(n)
            }
            None => num
                .and_then(|(id, level)| self.item(id, level))
                .unwrap_or(Kind::Normal),
        };
        let centered = ppr
            .and_then(|x| child_val(x, "jc"))
            .is_some_and(|j| j == "center");
        let mut para = Para {
            kind,
            inlines,
            centered,
        };
        if para.kind == Kind::Normal {
            typed_bullet(&mut para);
        }
        let empty = para.inlines.iter().all(|i| match i {
            Inline::Text(t, _) => t.trim().is_empty(),
            Inline::Break => true,
            _ => false,
        });
        if !empty {
            out.push(Block::Para(para));
        }
        out.extend(pending);
    }

    /// Counts one more paragraph at `level` of a list: its level definition and number.
    fn count(&mut self, num_id: u32, level: u8) -> Option<(Level, u32)> {
        let l = self.numbering.level(num_id, level)?;
        let list = self.numbering.list_of(num_id);
        let n = match self.counters.get(&(list, level)) {
            Some(n) => n.saturating_add(1),
            None => l.start,
        };
        self.counters.insert((list, level), n);
        self.counters
            .retain(|(li, lv), _| *li != list || *lv <= level);
        Some((l, n))
    }

    /// The kind of a list paragraph, numbering it.
    fn item(&mut self, num_id: u32, level: u8) -> Option<Kind> {
        let (l, n) = self.count(num_id, level)?;
        Some(Kind::Item {
            level: level.min(8),
            ordered: l.ordered,
            number: n,
        })
    }

    /// The number label of a numbered heading ("II.", "1.2."), counting it.
    fn heading_label(&mut self, num_id: u32, level: u8) -> Option<String> {
        let (l, _) = self.count(num_id, level)?;
        if !l.ordered {
            return None;
        }
        let list = self.numbering.list_of(num_id);
        let levels: Vec<Option<Level>> = (0..=level.min(8))
            .map(|k| self.numbering.level(num_id, k))
            .collect();
        let counters = &self.counters;
        let number = |k: u8| counters.get(&(list, k)).copied().unwrap_or(1);
        Some(numbering::label(&levels, number, level)).filter(|s| !s.is_empty())
    }

    /// The number of a note reference, reading the note later.
    fn note(&mut self, kind: NoteKind, id: &str) -> Option<usize> {
        let known = match kind {
            NoteKind::Foot => self.footnotes.contains_key(id),
            NoteKind::End => self.endnotes.contains_key(id),
        };
        if !known {
            return None;
        }
        let key = (kind, id.to_string());
        let at = match self.note_refs.iter().position(|r| *r == key) {
            Some(i) => i,
            None => {
                self.note_refs.push(key);
                self.note_refs.len() - 1
            }
        };
        Some(at + 1)
    }

    /// Reads the referenced notes, in order (a note may reference another).
    fn read_notes(&mut self) {
        let mut i = 0;
        while let Some((kind, id)) = self.note_refs.get(i).cloned() {
            let (node, part) = match kind {
                NoteKind::Foot => (self.footnotes.get(&id).copied(), "word/footnotes.xml"),
                NoteKind::End => (self.endnotes.get(&id).copied(), "word/endnotes.xml"),
            };
            self.part = part;
            let blocks = node.map(|n| self.body(n)).unwrap_or_default();
            self.doc.notes.push(blocks);
            i += 1;
        }
        self.part = DOCUMENT;
    }

    /// The relationship `id` of the part being read.
    fn rel(&self, id: &str) -> Option<&Rel> {
        self.rels.get(self.part).and_then(|r| r.get(id))
    }

    /// Counts one run converted from legacy font `name`.
    fn count_legacy(&mut self, name: &str) {
        match self.legacy.iter_mut().find(|(n, _)| n == name) {
            Some((_, k)) => *k += 1,
            None => self.legacy.push((name.to_string(), 1)),
        }
    }
}

/// A paragraph typed as "- text" or "• text" is a bullet list item, as its author meant.
fn typed_bullet(para: &mut Para) {
    let Some(Inline::Text(t, _)) = para.inlines.first_mut() else {
        return;
    };
    let trimmed = t.trim_start();
    let Some(rest) = ["- ", "• ", "+ ", "– ", "* ", "-\t", "•\t"]
        .iter()
        .find_map(|b| trimmed.strip_prefix(b))
    else {
        return;
    };
    *t = rest.trim_start().to_string();
    para.kind = Kind::Item {
        level: 0,
        ordered: false,
        number: 1,
    };
}
