//! Relationship parts (`word/_rels/document.xml.rels`): what `r:id`s point to.

use crate::archive::resolve;
use crate::xml::{attr, is};
use std::collections::HashMap;

/// Where a relationship points.
#[derive(Debug, Clone)]
pub struct Rel {
    /// A package name ("word/media/image1.png") or, when external, an address.
    pub target: String,
    /// Points outside the package (a web address, a linked picture).
    pub external: bool,
}

/// The relationships of the part `from`, parsed from its .rels text (absent: none).
pub fn parse(text: Option<&str>, from: &str) -> HashMap<String, Rel> {
    let mut out = HashMap::new();
    let Some(doc) = text.and_then(|t| roxmltree::Document::parse(t).ok()) else {
        return out;
    };
    for r in doc.descendants().filter(|n| is(*n, "Relationship")) {
        let (Some(id), Some(target)) = (attr(r, "Id"), attr(r, "Target")) else {
            continue;
        };
        let external = attr(r, "TargetMode") == Some("External");
        let target = if external {
            Some(target.to_string())
        } else {
            resolve(from, target)
        };
        if let Some(target) = target {
            out.insert(id.to_string(), Rel { target, external });
        }
    }
    out
}

/// The .rels part of `part`: "word/document.xml" -> "word/_rels/document.xml.rels".
pub fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/_rels/{name}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}
