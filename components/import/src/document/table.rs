//! Tables: rows (deleted rows dropped, header rows marked), cells with their column span and
//! vertical merges, any content in a cell (paragraphs, lists, nested tables).

use super::Walker;
use crate::model::{Block, Cell, Row};
use crate::xml::{attr, child, child_val, is_w, toggle};
use roxmltree::Node;

impl<'a, 'i> Walker<'_, 'a, 'i> {
    /// A `w:tbl`; a table of one cell is a frame around its content, which is returned as is
    /// (as the first block; any further ones follow through `pending`).
    pub(super) fn table(&mut self, tbl: Node<'a, 'i>) -> Option<Block> {
        let mut rows = Vec::new();
        for tr in flatten(tbl, "tr") {
            let trpr = child(tr, "trPr");
            if trpr.is_some_and(|p| child(p, "del").is_some()) {
                self.doc.counts.deletions += 1;
                continue;
            }
            let header = trpr.and_then(|p| toggle(p, "tblHeader")) == Some(true);
            let mut cells = Vec::new();
            for tc in flatten(tr, "tc") {
                let tcpr = child(tc, "tcPr");
                let span = tcpr
                    .and_then(|p| child_val(p, "gridSpan"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1u32)
                    .clamp(1, 64);
                let merged = tcpr
                    .and_then(|p| child(p, "vMerge"))
                    .is_some_and(|m| attr(m, "val").is_none_or(|v| v == "continue"));
                let blocks = self.body(tc);
                cells.push(Cell {
                    blocks,
                    span,
                    merged,
                });
            }
            if !cells.is_empty() {
                rows.push(Row { cells, header });
            }
        }
        if rows.len() == 1 && rows[0].cells.len() == 1 {
            let mut blocks = std::mem::take(&mut rows[0].cells[0].blocks).into_iter();
            let first = blocks.next();
            let rest: Vec<Block> = blocks.collect();
            self.pending.splice(0..0, rest);
            return first;
        }
        (!rows.is_empty()).then_some(Block::Table(rows))
    }
}

/// Children `w:name` of `n`, looking through content controls and custom XML around them.
fn flatten<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Vec<Node<'a, 'i>> {
    let mut out = Vec::new();
    for c in n.children().filter(|c| c.is_element()) {
        if is_w(c, name) {
            out.push(c);
        } else if is_w(c, "sdt") {
            if let Some(content) = child(c, "sdtContent") {
                out.extend(flatten(content, name));
            }
        } else if is_w(c, "customXml") {
            out.extend(flatten(c, name));
        }
    }
    out
}
