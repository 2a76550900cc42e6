//! Drawings (`w:drawing`, VML `w:pict`): pictures with their alt text (the description,
//! else the title), text boxes (their text is kept, after the paragraph), and objects that
//! cannot come over (charts, SmartArt), counted.

use super::Walker;
use crate::model::{Image, Inline};
use crate::xml::{attr, is, rel_attr};
use roxmltree::Node;

impl<'a, 'i> Walker<'_, 'a, 'i> {
    /// The picture in a drawing, if any; its text boxes go to `pending`.
    pub(super) fn drawing(&mut self, d: Node<'a, 'i>) -> Option<Inline> {
        // Text boxes, outermost only (one inside another is read with it).
        let boxes: Vec<Node> = d
            .descendants()
            .filter(|n| is(*n, "txbxContent"))
            .filter(|n| !n.ancestors().skip(1).any(|a| is(a, "txbxContent")))
            .collect();
        for b in boxes {
            self.doc.counts.text_boxes += 1;
            let blocks = self.body(b);
            self.pending.extend(blocks);
        }
        let is_object = d.descendants().any(|n| {
            is(n, "graphicData")
                && attr(n, "uri").is_some_and(|u| u.contains("chart") || u.contains("diagram"))
        });
        if is_object {
            self.doc.counts.objects += 1;
            return None;
        }
        // DrawingML a:blip (r:embed, or r:link for a linked picture), VML v:imagedata (r:id).
        let blip = d
            .descendants()
            .find(|n| (is(*n, "blip") || is(*n, "imagedata")) && !inside_text_box(*n))?;
        let Some(id) = rel_attr(blip, "embed").or_else(|| rel_attr(blip, "id")) else {
            if rel_attr(blip, "link").is_some() {
                self.doc.counts.linked_images += 1;
            }
            return None;
        };
        let rel = self.rel(id)?;
        if rel.external {
            self.doc.counts.linked_images += 1;
            return None;
        }
        let part = rel.target.clone();
        let props = d.descendants().find(|n| is(*n, "docPr"));
        let vml_alt = d
            .descendants()
            .find(|n| is(*n, "shape"))
            .and_then(|s| attr(s, "alt"));
        let alt = props
            .and_then(|p| attr(p, "descr"))
            .filter(|s| !s.trim().is_empty())
            .or_else(|| props.and_then(|p| attr(p, "title")))
            .filter(|s| !s.trim().is_empty())
            .or(vml_alt)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let name = props
            .and_then(|p| attr(p, "name"))
            .unwrap_or("")
            .to_string();
        self.doc.images.push(Image { part, alt, name });
        Some(Inline::Image(self.doc.images.len() - 1))
    }
}

fn inside_text_box(n: Node) -> bool {
    n.ancestors().any(|a| is(a, "txbxContent"))
}
