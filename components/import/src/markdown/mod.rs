//! The model to tidy Markdown: headings shifted so the page title is the only level 1,
//! lists with nesting, tables, pictures, footnotes; blank lines only between blocks.

pub mod escape;
pub mod inline;
mod table;

use crate::model::{Block, Kind, Para};
use escape::Place;
use inline::{Ctx, Picture};

/// Renders the body blocks and the notes.
pub fn render(blocks: &[Block], notes: &[Vec<Block>], pictures: &[Picture]) -> String {
    let ctx = Ctx {
        place: Place::Body,
        heading: false,
        images: pictures,
    };
    // The page title is the h1; the document's highest heading level becomes h2.
    let top = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(Para {
                kind: Kind::Heading(n),
                ..
            }) => Some(*n),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut out = String::new();
    write_blocks(blocks, top, ctx, &mut out);
    for (k, note) in notes.iter().enumerate() {
        let mut body = String::new();
        write_blocks(note, top, ctx, &mut body);
        let body = body.trim();
        if body.is_empty() {
            continue;
        }
        let indented = body.replace("\n\n", "\n\n    ").replace("\n    \n", "\n\n");
        out.push_str(&format!("\n[^{}]: {}\n", k + 1, indented));
    }
    let out = out.trim().to_string() + "\n";
    vi::nfc_owned(out)
}

/// Open lists: for each level, where its item text starts (the indent of the next level).
struct Lists {
    indents: Vec<usize>,
    /// Whether the top-level list is numbered.
    ordered: Option<bool>,
}

fn write_blocks(blocks: &[Block], top: u8, ctx: Ctx, out: &mut String) {
    let mut lists = Lists {
        indents: Vec::new(),
        ordered: None,
    };
    for b in blocks {
        match b {
            Block::Para(p) => match p.kind {
                Kind::Item {
                    level,
                    ordered,
                    number,
                } => item(p, (level, ordered, number), &mut lists, ctx, out),
                Kind::Heading(n) => {
                    lists.indents.clear();
                    let text = inline::render(
                        &p.inlines,
                        Ctx {
                            heading: true,
                            ..ctx
                        },
                    );
                    if text.is_empty() {
                        continue;
                    }
                    let level = (n.saturating_sub(top) + 2).min(6) as usize;
                    blank_line(out);
                    out.push_str(&"#".repeat(level));
                    out.push(' ');
                    out.push_str(&text);
                    out.push('\n');
                }
                Kind::Normal | Kind::Title => {
                    lists.indents.clear();
                    let text = inline::render(&p.inlines, ctx);
                    if text.is_empty() {
                        continue;
                    }
                    blank_line(out);
                    out.push_str(&text);
                    out.push('\n');
                }
            },
            Block::Table(rows) => {
                lists.indents.clear();
                blank_line(out);
                out.push_str(&table::render(rows, ctx));
                out.push('\n');
            }
        }
    }
}

/// One list item, indented under the open items of lower levels.
fn item(
    p: &Para,
    (level, ordered, number): (u8, bool, u32),
    lists: &mut Lists,
    ctx: Ctx,
    out: &mut String,
) {
    let text = inline::render(&p.inlines, ctx);
    if text.is_empty() {
        return;
    }
    // A new list, or a list of the other kind, after a blank line.
    if lists.indents.is_empty() || (level == 0 && lists.ordered != Some(ordered)) {
        blank_line(out);
    }
    if level == 0 {
        lists.ordered = Some(ordered);
    }
    let depth = (level as usize).min(lists.indents.len());
    lists.indents.truncate(depth);
    let indent = if depth == 0 {
        0
    } else {
        lists.indents[depth - 1]
    };
    let marker = if ordered {
        format!("{number}. ")
    } else {
        "- ".to_string()
    };
    lists.indents.push(indent + marker.chars().count());
    let pad = " ".repeat(indent + marker.chars().count());
    out.push_str(&" ".repeat(indent));
    out.push_str(&marker);
    out.push_str(&text.replace('\n', &format!("\n{pad}")));
    out.push('\n');
}

/// Ends the previous block with one blank line.
fn blank_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
}
