//! Small helpers over roxmltree for WordprocessingML: elements by local name in the Word
//! namespace (transitional or strict), attributes by local name, on/off properties.

use crate::error::ImportError;
use roxmltree::{Document, Node, ParsingOptions};
use std::path::Path;

/// Parses one part; DTDs (and so entity expansion) are refused, as Word never writes them.
pub fn parse<'a>(text: &'a str, file: &Path, part: &str) -> Result<Document<'a>, ImportError> {
    let opts = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        ImportError::Xml {
            file: file.to_path_buf(),
            part: part.to_string(),
            line: pos.row,
            column: pos.col,
            detail: e.to_string(),
        }
    })
}

/// Whether `n` is the WordprocessingML element `name` (w:p, w:r, ...).
pub fn is_w(n: Node, name: &str) -> bool {
    n.is_element()
        && n.tag_name().name() == name
        && n.tag_name()
            .namespace()
            .is_some_and(|ns| ns.contains("wordprocessingml"))
}

/// Whether `n` is an element with local name `name`, whatever its namespace.
pub fn is(n: Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name
}

/// The first child element `w:name`.
pub fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| is_w(*c, name))
}

/// An attribute by local name (`w:val`, `val`), whatever its namespace.
pub fn attr<'a>(n: Node<'a, '_>, local: &str) -> Option<&'a str> {
    n.attributes()
        .find(|a| a.name() == local)
        .map(|a| a.value())
}

/// A relationship id attribute (`r:id`, `r:embed`, `r:link`).
pub fn rel_attr<'a>(n: Node<'a, '_>, local: &str) -> Option<&'a str> {
    n.attributes()
        .find(|a| a.name() == local && a.namespace().is_some_and(|ns| ns.contains("relationships")))
        .map(|a| a.value())
}

/// The `w:val` of child `name`.
pub fn child_val<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name).and_then(|c| attr(c, "val"))
}

/// An on/off property such as `<w:b/>` or `<w:b w:val="0"/>`: `None` when absent.
pub fn toggle(n: Node, name: &str) -> Option<bool> {
    child(n, name).map(|c| !matches!(attr(c, "val"), Some("0" | "false" | "off" | "none")))
}
