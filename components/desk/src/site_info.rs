//! What the desk shows about the site: its title, sections, the terms already used (for
//! picking tags and `chuyen_de` accent-insensitively) and whether publishing is set up.

use crate::error::ApiResult;
use crate::posts;
use i18n::Lang;
use serde_json::{json, Value};
use site::frontmatter::{self, SectionFront};
use std::collections::BTreeSet;
use std::path::Path;

/// `{title, lang, site_origin, sections, terms, deploy}`.
pub fn info(root: &Path, lang: Lang, site_origin: &str) -> ApiResult<Value> {
    let config = posts::config(root, lang)?;
    let mut sections = Vec::new();
    if let Ok(rd) = std::fs::read_dir(root.join("content")) {
        for e in rd.flatten() {
            let index = e.path().join("_index.md");
            let Ok(text) = std::fs::read_to_string(&index) else {
                continue;
            };
            let path = e.file_name().to_string_lossy().into_owned();
            // A section's front matter (sort_by, paginate_by…), not a page's.
            let title = frontmatter::split(&text, lang)
                .ok()
                .and_then(|split| frontmatter::parse::<SectionFront>(&split, lang).ok())
                .and_then(|f| f.title)
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| path.clone());
            sections.push((path, title));
        }
    }
    vi::sort_vi(&mut sections, |s| s.1.as_str());
    let mut tags = BTreeSet::new();
    let mut chuyen_de = BTreeSet::new();
    for (_, parsed) in posts::scan(root, lang) {
        for (set, key) in [(&mut tags, "tags"), (&mut chuyen_de, "chuyen_de")] {
            for t in parsed.front[key].as_array().into_iter().flatten() {
                if let Some(t) = t.as_str() {
                    set.insert(t.to_string());
                }
            }
        }
    }
    let sorted = |set: BTreeSet<String>| {
        let mut v: Vec<String> = set.into_iter().collect();
        vi::sort_vi(&mut v, |s| s.as_str());
        v
    };
    let target = config
        .deploy
        .target
        .as_deref()
        .and_then(|t| t.parse::<deploy::Target>().ok());
    Ok(json!({
        "title": config.title,
        "lang": lang.code(),
        "site_origin": site_origin,
        "sections": sections.iter().map(|(p, t)| json!({"path": p, "title": t})).collect::<Vec<_>>(),
        "terms": {"tags": sorted(tags), "chuyen_de": sorted(chuyen_de)},
        "deploy": {
            "configured": target.is_some(),
            "target_display": target.map(|t| format!("{} {}", t.scheme.name(), t.account())),
        },
    }))
}
