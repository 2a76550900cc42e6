//! List numbering (`word/numbering.xml`): whether a list level is bulleted or numbered and
//! where its numbers start. A paragraph points at a `w:num` (numId) and a level (ilvl); the
//! num points at an abstract definition, possibly overriding some levels.

use crate::xml::{attr, child, child_val, is_w};
use roxmltree::Node;
use std::collections::HashMap;

/// One level of a list definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// Numbers (1., a., i., ...) rather than bullets.
    pub ordered: bool,
    /// The first number.
    pub start: u32,
    /// How numbers are written: "decimal", "upperRoman", "lowerLetter", ...
    pub format: String,
    /// The label pattern: "%1." or "%1.%2." (`%k` is level k's number).
    pub text: String,
}

impl Level {
    /// `n` as this level writes it: 4 -> "4", "IV", "iv", "D", "d".
    pub fn write(&self, n: u32) -> String {
        match self.format.as_str() {
            "upperRoman" => roman(n),
            "lowerRoman" => roman(n).to_lowercase(),
            "upperLetter" => letter(n),
            "lowerLetter" => letter(n).to_lowercase(),
            _ => n.to_string(),
        }
    }
}

/// Roman numerals (Word writes 1-3999 this way).
fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v && out.len() < 32 {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// A, B, ... Z, AA, BB, ... as Word counts letters.
fn letter(n: u32) -> String {
    let n = n.max(1) - 1;
    let c = char::from(b'A' + (n % 26) as u8);
    c.to_string().repeat((n / 26 + 1).min(8) as usize)
}

/// The lists of a document.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<u32, HashMap<u8, Level>>,
    /// numId -> (abstractNumId, overridden levels).
    nums: HashMap<u32, (u32, HashMap<u8, Override>)>,
}

/// What a `w:num` changes in one level of its abstract list.
#[derive(Debug, Clone)]
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
        let base = self.abstracts.get(abs).and_then(|l| l.get(&ilvl)).cloned();
        let base = base.unwrap_or(Level {
            ordered: false,
            start: 1,
            format: "bullet".into(),
            text: String::new(),
        });
        Some(match over.get(&ilvl) {
            Some(Override::Level(l)) => l.clone(),
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

/// The label of a numbered paragraph: the level's pattern with each `%k` replaced by level
/// k's current number ("%1.%2." -> "2.3."); `number(k)` gives level k's (0-based) number.
pub fn label(levels: &[Option<Level>], number: impl Fn(u8) -> u32, at: u8) -> String {
    let Some(Some(this)) = levels.get(at as usize) else {
        return String::new();
    };
    let mut out = String::new();
    let mut chars = this.text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().and_then(|d| d.to_digit(10))) {
            ('%', Some(k @ 1..=9)) => {
                chars.next();
                let lvl = (k - 1) as u8;
                if let Some(Some(l)) = levels.get(lvl as usize) {
                    out.push_str(&l.write(number(lvl)));
                }
            }
            _ => out.push(c),
        }
    }
    out.trim().to_string()
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
        format: fmt.to_string(),
        text: child_val(l, "lvlText").unwrap_or("").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_as_word_draws_them() {
        let lvl = |format: &str, text: &str| {
            Some(Level {
                ordered: true,
                start: 1,
                format: format.into(),
                text: text.into(),
            })
        };
        let levels = [lvl("upperRoman", "%1."), lvl("decimal", "%1.%2.")];
        assert_eq!(label(&levels, |k| [4, 2][k as usize], 0), "IV.");
        assert_eq!(label(&levels, |k| [4, 2][k as usize], 1), "IV.2.");
        assert_eq!(roman(1994), "MCMXCIV");
        assert_eq!(letter(28), "BB");
        assert_eq!(lvl("lowerLetter", "%1)").unwrap().write(3), "c");
    }
}
