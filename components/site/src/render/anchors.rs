//! Links to an anchor of another page (`@/page.md#anchor`) are checked once every body is
//! rendered, against the ids each body has.

use super::markdown::Body;
use crate::diag::{line_col, Diagnostic};
use crate::load::content::Content;
use i18n::{tr, Lang};
use std::collections::HashMap;
use std::sync::Arc;

/// Every `@/page.md#anchor` must name an id that exists on that page.
pub(crate) fn check_anchors(
    content: &Content,
    pages: &[Arc<Body>],
    sections: &[Arc<Body>],
    links: &HashMap<String, String>,
    lang: Lang,
    errors: &mut Vec<Diagnostic>,
) {
    let mut ids: HashMap<&str, &[String]> = HashMap::new();
    for (p, b) in content.pages.iter().zip(pages) {
        ids.insert(&p.relative_path, &b.ids);
    }
    for (s, b) in content.sections.iter().zip(sections) {
        ids.insert(&s.relative_path, &b.ids);
    }
    let sources = content
        .pages
        .iter()
        .map(|p| (&p.file, &p.raw, p.body_offset))
        .zip(pages)
        .chain(
            content
                .sections
                .iter()
                .map(|s| (&s.file, &s.raw, s.body_offset))
                .zip(sections),
        );
    for ((file, raw, off), body) in sources {
        for l in &body.links {
            let Some(anchor) = &l.anchor else { continue };
            let target = l.target.trim_start_matches('/');
            if !links.contains_key(target) {
                continue;
            }
            let ok = ids
                .get(target)
                .map(|list| list.iter().any(|i| i == anchor))
                .unwrap_or(false);
            if !ok {
                let (line, col) = line_col(raw, off + l.offset);
                errors.push(Diagnostic::error(
                    file,
                    line,
                    col,
                    tr!(
                        lang,
                        "liên kết @/{target}#{anchor}: trang đó không có mục (tiêu đề) nào mang mã #{anchor}",
                        "link @/{target}#{anchor}: that page has no heading or element with id #{anchor}"
                    ),
                ));
            }
        }
    }
}
