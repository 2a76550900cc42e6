//! List numbering (`word/numbering.xml`): whether a list level is bulleted or numbered and
//! where its numbers start. A paragraph points at a `w:num` (numId) and a level (ilvl); the
//! num points at an abstract definition, possibly overriding some levels.

use crate::xml::{attr, child, child_val, is_w};
use roxmltree::Node;
use std::collections::HashMap;

/// One level of a list definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// Numbers (1., a., i., ...) rather than bullets.
    pub ordered: bool,
    /// The first number.
    pub start: u32,
}

/// The lists of a document.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<u32, HashMap<u8, Level>>,
    /// numId -> (abstractNumId, overridden levels).
    nums: HashMap<u32, (u32, HashMap<u8, Override>)>,
}

/// What a `w:num` changes in one level of its abstract list.
#[derive(Debug, Clone, Copy)]
enum Override {
    Level(Level),
    Start(u32),
}

impl Numbering {
    /// Reads numbering.xml (absent: no lists).
    pub fn parse(doc: Option<&roxmltree::Document>) -> Numbering {
        let mut out = Numbering::default();
        let Some(doc) = doc else { return out };
        let root = doc.root_element();
        for a in root.children().filter(|n| is_w(*n, "abstractNum")) {
            let Some(id) = attr(a, "abstractNumId").and_then(|v| v.parse().ok()) else {
                continue;
            };
            out.abstracts.insert(id, levels(a));
        }
        for n in root.children().filter(|n| is_w(*n, "num")) {
            let Some(id) = attr(n, "numId").and_then(|v| v.parse().ok()) else {
                continue;
            };
            let Some(abs) = child_val(n, "abstractNumId").and_then(|v| v.parse().ok()) else {
                continue;
            };
            let mut over = HashMap::new();
            for o in n.children().filter(|c| is_w(*c, "lvlOverride")) {
                let Some(ilvl) = attr(o, "ilvl").and_then(|v| v.parse::<u8>().ok()) else {
                    continue;
                };
                if let Some(l) = child(o, "lvl") {
                    over.insert(ilvl, Override::Level(level(l)));
                } else if let Some(start) =
                    child_val(o, "startOverride").and_then(|v| v.parse().ok())
                {
                    over.insert(ilvl, Override::Start(start));
                }
            }
            out.nums.insert(id, (abs, over));
        }
        out
    }

    /// The level `ilvl` of list `num_id`; `None` for numId 0 ("no list") or unknown lists.
    pub fn level(&self, num_id: u32, ilvl: u8) -> Option<Level> {
        let (abs, over) = self.nums.get(&num_id)?;
        let base = self.abstracts.get(abs).and_then(|l| l.get(&ilvl)).copied();
        let base = base.unwrap_or(Level {
            ordered: false,
            start: 1,
        });
        Some(match over.get(&ilvl) {
            Some(Override::Level(l)) => *l,
            Some(Override::Start(start)) => Level {
                start: *start,
                ..base
            },
            None => base,
        })
    }

    /// The abstract list a num belongs to: nums sharing one continue each other's numbers.
    pub fn list_of(&self, num_id: u32) -> u32 {
        self.nums.get(&num_id).map(|n| n.0).unwrap_or(num_id)
    }
}

fn levels(abs: Node) -> HashMap<u8, Level> {
    abs.children()
        .filter(|n| is_w(*n, "lvl"))
        .filter_map(|l| Some((attr(l, "ilvl")?.parse().ok()?, level(l))))
        .collect()
}

fn level(l: Node) -> Level {
    let fmt = child_val(l, "numFmt").unwrap_or("decimal");
    Level {
        ordered: !matches!(fmt, "bullet" | "none"),
        start: child_val(l, "start")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1),
    }
}
