//! Tables: a pipe table when Markdown can hold it (no merged cells, one paragraph per cell),
//! else an HTML table with `colspan`/`rowspan` and header cells, on lines with no blank line
//! so Markdown keeps it whole.

use super::escape::{self, Place};
use super::inline::{self, Ctx};
use crate::model::{Block, Inline, Kind, Row};

/// Renders a table.
pub fn render(rows: &[Row], ctx: Ctx) -> String {
    if simple(rows) {
        pipe(rows, ctx)
    } else {
        html(rows, ctx)
    }
}

fn simple(rows: &[Row]) -> bool {
    rows.iter().flat_map(|r| &r.cells).all(|c| {
        c.span == 1
            && !c.merged
            && c.blocks.len() <= 1
            && c.blocks
                .iter()
                .all(|b| matches!(b, Block::Para(p) if p.kind == Kind::Normal))
    })
}

fn cell_inlines(blocks: &[Block]) -> &[Inline] {
    match blocks.first() {
        Some(Block::Para(p)) => &p.inlines,
        _ => &[],
    }
}

fn pipe(rows: &[Row], ctx: Ctx) -> String {
    let ctx = Ctx {
        place: Place::Cell,
        ..ctx
    };
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, r) in rows.iter().enumerate() {
        let mut cells: Vec<String> = r
            .cells
            .iter()
            .map(|c| inline::render(cell_inlines(&c.blocks), ctx))
            .collect();
        cells.resize(width, String::new());
        out.push_str("| ");
        out.push_str(&cells.join(" | "));
        out.push_str(" |\n");
        if k == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(width));
            out.push('\n');
        }
    }
    out.pop();
    out
}

/// Row spans of the cells that start a vertical merge, by (row, cell index).
fn row_spans(rows: &[Row]) -> Vec<Vec<u32>> {
    // Grid column where each cell starts.
    let starts: Vec<Vec<u32>> = rows
        .iter()
        .map(|r| {
            let mut col = 0;
            r.cells
                .iter()
                .map(|c| {
                    let at = col;
                    col += c.span;
                    at
                })
                .collect()
        })
        .collect();
    let mut spans: Vec<Vec<u32>> = rows.iter().map(|r| vec![1; r.cells.len()]).collect();
    for (ri, r) in rows.iter().enumerate() {
        for (ci, c) in r.cells.iter().enumerate() {
            if c.merged {
                continue;
            }
            let col = starts[ri][ci];
            let mut n = 1;
            for (rj, below) in rows.iter().enumerate().skip(ri + 1) {
                let continues = starts[rj]
                    .iter()
                    .position(|&s| s == col)
                    .is_some_and(|k| below.cells[k].merged);
                if !continues {
                    break;
                }
                n += 1;
            }
            spans[ri][ci] = n;
        }
    }
    spans
}

fn html(rows: &[Row], ctx: Ctx) -> String {
    let spans = row_spans(rows);
    // Rows Word repeats on each page are headers; else the first row is.
    let marked = rows.iter().take_while(|r| r.header).count();
    let headers = if marked > 0 { marked } else { 1 };
    let mut out = String::from("<table>\n");
    for (ri, r) in rows.iter().enumerate() {
        if ri == 0 {
            out.push_str("<thead>\n");
        }
        if ri == headers {
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>");
        let tag = if ri < headers { "th" } else { "td" };
        for (ci, c) in r.cells.iter().enumerate() {
            if c.merged {
                continue;
            }
            out.push('<');
            out.push_str(tag);
            if c.span > 1 {
                out.push_str(&format!(" colspan=\"{}\"", c.span));
            }
            if spans[ri][ci] > 1 {
                out.push_str(&format!(" rowspan=\"{}\"", spans[ri][ci]));
            }
            out.push('>');
            out.push_str(&blocks_html(&c.blocks, ctx));
            out.push_str(&format!("</{tag}>"));
        }
        out.push_str("</tr>\n");
        if ri + 1 == headers {
            out.push_str("</thead>\n");
        }
    }
    if rows.len() > headers {
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>");
    out
}

/// Cell content as HTML on one line: paragraphs joined by <br>, lists as <ul>/<ol>.
fn blocks_html(blocks: &[Block], ctx: Ctx) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let close = |list: &mut Option<(bool, Vec<String>)>, parts: &mut Vec<String>| {
        if let Some((ordered, items)) = list.take() {
            let t = if ordered { "ol" } else { "ul" };
            parts.push(format!("<{t}><li>{}</li></{t}>", items.join("</li><li>")));
        }
    };
    for b in blocks {
        match b {
            Block::Para(p) => {
                let text = html_inlines(&p.inlines, ctx);
                match p.kind {
                    Kind::Item { ordered, .. } => {
                        if list.as_ref().is_some_and(|(o, _)| *o != ordered) {
                            close(&mut list, &mut parts);
                        }
                        list.get_or_insert((ordered, Vec::new())).1.push(text);
                    }
                    _ => {
                        close(&mut list, &mut parts);
                        parts.push(text);
                    }
                }
            }
            Block::Table(rows) => {
                close(&mut list, &mut parts);
                parts.push(html(rows, ctx).replace('\n', ""));
            }
        }
    }
    close(&mut list, &mut parts);
    parts.join("<br>")
}

/// Inlines as HTML (Markdown is not read inside an HTML block).
fn html_inlines(items: &[Inline], ctx: Ctx) -> String {
    let mut out = String::new();
    for i in items {
        match i {
            Inline::Text(t, m) => {
                let mut s = html_escape(t);
                for (on, tag) in [
                    (m.sup, "sup"),
                    (m.sub, "sub"),
                    (m.strike, "del"),
                    (m.italic, "em"),
                    (m.bold, "strong"),
                ] {
                    if on && !t.trim().is_empty() {
                        s = format!("<{tag}>{s}</{tag}>");
                    }
                }
                out.push_str(&s);
            }
            Inline::Break => out.push_str("<br>"),
            Inline::Link(url, inner) => out.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                html_escape(url),
                html_inlines(inner, ctx)
            )),
            Inline::Image(k) => {
                if let Some(p) = ctx.images.get(*k) {
                    out.push_str(&format!(
                        "<img src=\"{}\" alt=\"{}\">",
                        html_escape(&p.file),
                        html_escape(&p.alt)
                    ));
                }
            }
            Inline::Note(n) => out.push_str(&format!("<sup>{n}</sup>")),
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut safe = String::new();
    // Shortcode openers are read before HTML; keep them literal.
    escape::text_shortcodes(&collapsed, &mut safe);
    safe
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
