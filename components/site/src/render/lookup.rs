//! The values the template functions hand out (`get_url`, `get_page`, `get_section`,
//! `get_taxonomy`, file hashes), and the taxonomy values outputs show.

use super::functions::Lookup;
use super::values::{object, Model};
use crate::config::Config;
use crate::load::theme::{StaticSource, Theme};
use crate::model::taxonomy::{Taxonomy, Term};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// What template functions need besides pages and sections: links, taxonomies, file hashes.
pub(crate) fn base_lookup(
    config: &Config,
    taxonomies: &[Taxonomy],
    links: &Arc<HashMap<String, String>>,
    theme: &Theme,
) -> Lookup {
    let taxonomies = taxonomies
        .iter()
        .map(|t| ((t.name.clone(), t.lang.clone()), taxonomy_value(config, t)))
        .collect();
    let hashes = theme
        .statics
        .iter()
        .filter(|(rel, _)| rel.ends_with(".css") || rel.ends_with(".js"))
        .filter_map(|(rel, src)| {
            let bytes = match src {
                StaticSource::Disk(p) => std::fs::read(p).ok()?,
                StaticSource::Bundled(b) => b.to_vec(),
            };
            Some((rel.clone(), blake3::hash(&bytes).to_hex()[..10].to_string()))
        })
        .collect();
    Lookup {
        base_url: config.base_url.clone(),
        default_language: config.default_language.clone(),
        links: links.clone(),
        taxonomies,
        hashes,
        ..Lookup::default()
    }
}

/// What template functions return once every body is rendered: pages, sections and listings
/// besides what [`base_lookup`] has.
pub(crate) fn make_lookup(
    config: &Config,
    model: &Model<'_>,
    links: &Arc<HashMap<String, String>>,
    theme: &Theme,
) -> Lookup {
    let content = model.content;
    let pages = content
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.relative_path.clone(), i))
        .collect();
    let sections = content
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let v = model.section_value(i, Value::Array(Vec::new()));
            (s.relative_path.clone(), v)
        })
        .collect();
    let section_pages = content
        .sections
        .iter()
        .map(|s| (s.relative_path.clone(), s.pages.clone()))
        .collect();
    Lookup {
        listings: model.derived.listings.clone(),
        pages,
        sections,
        section_pages,
        ..base_lookup(config, model.taxonomies, links, theme)
    }
}

/// `{name, slug, permalink, pages_count}` of a term.
pub(crate) fn term_value(config: &Config, t: &Taxonomy, term: &Term) -> Value {
    object!({"name": term.name.as_str(), "slug": term.slug.as_str(), "permalink": config.absolute(&t.term_path(term)), "pages_count": term.pages.len()})
}

/// `{name, slug, title, lang, permalink}` of a taxonomy.
pub(crate) fn taxonomy_header(config: &Config, t: &Taxonomy) -> Value {
    let title = config
        .taxonomy(&t.name)
        .and_then(|c| c.title.clone())
        .unwrap_or_else(|| t.name.clone());
    object!({"name": t.name.as_str(), "slug": t.slug.as_str(), "title": title, "lang": t.lang.as_str(), "permalink": config.absolute(&t.path)})
}

/// Every term of a taxonomy as [`term_value`].
pub(crate) fn terms_value(config: &Config, t: &Taxonomy) -> Value {
    Value::Array(
        t.terms
            .iter()
            .map(|term| term_value(config, t, term))
            .collect(),
    )
}

/// `{taxonomy, terms}`, what `get_taxonomy` returns.
fn taxonomy_value(config: &Config, t: &Taxonomy) -> Value {
    object!({"taxonomy": taxonomy_header(config, t), "terms": terms_value(config, t)})
}
