//! Inlines to Markdown: emphasis opened and closed only where the formatting changes (never
//! around spaces, never empty), links, pictures, note references, line breaks.

use super::escape::{self, Place};
use crate::model::{Inline, Marks};

/// How inlines are written.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub place: Place,
    /// Headings are bold already: bold is dropped there, and breaks become spaces.
    pub heading: bool,
    /// File names of the document's pictures, by index.
    pub images: &'a [Picture],
}

/// A picture as written: its file name beside index.md and its alt text.
#[derive(Debug, Clone)]
pub struct Picture {
    pub file: String,
    pub alt: String,
}

/// An item with the formatting it sits in; `None` marks space-like items (whitespace,
/// breaks, pictures, notes) that take the formatting around them.
struct Piece {
    md: String,
    marks: Option<Marks>,
}

/// Renders inlines as one Markdown paragraph (lines joined by hard breaks).
pub fn render(items: &[Inline], ctx: Ctx) -> String {
    let mut pieces = Vec::new();
    flatten(items, ctx, &mut pieces);
    // Breaks and spaces at either end of a paragraph show nothing (a "\\" there would).
    let blank = |p: &Piece| p.marks.is_none() && matches!(p.md.as_str(), " " | "\\\n" | "<br>");
    while pieces.last().is_some_and(blank) {
        pieces.pop();
    }
    let lead = pieces.iter().take_while(|p| blank(p)).count();
    pieces.drain(..lead);
    // Space-like pieces take the formatting both neighbours share.
    let solid: Vec<Option<Marks>> = pieces.iter().map(|p| p.marks).collect();
    let mut prev: Option<Marks> = None;
    let mut resolved = Vec::with_capacity(pieces.len());
    for (k, p) in pieces.iter().enumerate() {
        let m = match p.marks {
            Some(m) => m,
            None => {
                let next = solid[k + 1..].iter().flatten().next().copied();
                match (prev, next) {
                    (Some(a), Some(b)) => common(a, b),
                    _ => Marks::default(),
                }
            }
        };
        if p.marks.is_some() {
            prev = p.marks;
        }
        resolved.push(m);
    }
    let mut out = String::new();
    let mut open: Vec<Mark> = Vec::new();
    for (p, m) in pieces.iter().zip(resolved) {
        let want = wanted(m, ctx);
        while open.iter().any(|o| !want.contains(o)) {
            if let Some(o) = open.pop() {
                out.push_str(o.close());
            }
        }
        for w in want {
            if !open.contains(&w) {
                out.push_str(w.open());
                open.push(w);
            }
        }
        out.push_str(&p.md);
    }
    while let Some(o) = open.pop() {
        out.push_str(o.close());
    }
    tidy_lines(&out, ctx)
}

/// One emphasis kind, in the order they are opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Bold,
    Italic,
    Strike,
    Sup,
    Sub,
}

impl Mark {
    fn open(self) -> &'static str {
        match self {
            Mark::Bold => "**",
            Mark::Italic => "*",
            Mark::Strike => "~~",
            Mark::Sup => "<sup>",
            Mark::Sub => "<sub>",
        }
    }

    fn close(self) -> &'static str {
        match self {
            Mark::Bold => "**",
            Mark::Italic => "*",
            Mark::Strike => "~~",
            Mark::Sup => "</sup>",
            Mark::Sub => "</sub>",
        }
    }
}

fn wanted(m: Marks, ctx: Ctx) -> Vec<Mark> {
    let mut v = Vec::new();
    if m.bold && !ctx.heading {
        v.push(Mark::Bold);
    }
    if m.italic {
        v.push(Mark::Italic);
    }
    if m.strike {
        v.push(Mark::Strike);
    }
    if m.sup {
        v.push(Mark::Sup);
    } else if m.sub {
        v.push(Mark::Sub);
    }
    v
}

fn common(a: Marks, b: Marks) -> Marks {
    Marks {
        bold: a.bold && b.bold,
        italic: a.italic && b.italic,
        strike: a.strike && b.strike,
        sup: a.sup && b.sup,
        sub: a.sub && b.sub,
    }
}

/// Text split into words and spaces; links, pictures, notes, breaks as whole pieces.
fn flatten(items: &[Inline], ctx: Ctx, out: &mut Vec<Piece>) {
    for i in items {
        match i {
            Inline::Text(t, marks) => {
                let mut word = String::new();
                for c in t.chars() {
                    if c.is_whitespace() {
                        push_word(&mut word, *marks, ctx, out);
                        // Runs of spaces, tabs and no-break spaces are one space.
                        if out.last().is_none_or(|p| p.md != " ") {
                            out.push(Piece {
                                md: " ".into(),
                                marks: None,
                            });
                        }
                    } else {
                        word.push(c);
                    }
                }
                push_word(&mut word, *marks, ctx, out);
            }
            Inline::Break => out.push(Piece {
                md: match (ctx.heading, ctx.place) {
                    (true, _) => " ".into(),
                    (false, Place::Cell) => "<br>".into(),
                    (false, Place::Body) => "\\\n".into(),
                },
                marks: None,
            }),
            Inline::Link(url, inner) => {
                let text = render(inner, ctx);
                if text.trim().is_empty() {
                    continue;
                }
                out.push(Piece {
                    md: format!("[{}]({})", text.trim(), destination(url)),
                    marks: None,
                });
            }
            Inline::Image(k) => {
                if let Some(p) = ctx.images.get(*k) {
                    let mut alt = String::new();
                    escape::text(&p.alt, ctx.place, &mut alt);
                    out.push(Piece {
                        md: format!("![{alt}]({})", destination(&p.file)),
                        marks: None,
                    });
                }
            }
            Inline::Note(n) => out.push(Piece {
                md: format!("[^{n}]"),
                marks: None,
            }),
        }
    }
}

fn push_word(word: &mut String, marks: Marks, ctx: Ctx, out: &mut Vec<Piece>) {
    if word.is_empty() {
        return;
    }
    let mut md = String::new();
    escape::text(word, ctx.place, &mut md);
    word.clear();
    out.push(Piece {
        md,
        marks: Some(marks),
    });
}

/// A link destination: in <angle brackets> when it has spaces or parentheses.
fn destination(url: &str) -> String {
    let url = url.trim();
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// Trims the paragraph, drops spaces at line ends and escapes what would start a block.
fn tidy_lines(s: &str, ctx: Ctx) -> String {
    let s = s.trim();
    // A heading's text cannot start a block; a cell's is on one line.
    if ctx.place == Place::Cell || ctx.heading {
        return s.to_string();
    }
    s.split('\n')
        .map(|l| escape::line_start(l.trim_end_matches(' ')))
        .collect::<Vec<_>>()
        .join("\n")
}
