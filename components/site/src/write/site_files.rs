//! The files a site gets besides its pages: sitemap.xml, robots.txt and the redirect pages of
//! aliases (and of each paginated section's `page/1/`), rendered with the `sitemap.xml`,
//! `robots.txt` and `alias.html` templates (built in, see `load::builtin`; a theme or the
//! site may replace them); and the search index of each language.

use super::feeds::date_value;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::render::contexts::file_for;
use crate::render::tera::render_bytes;
use crate::render::values::Model;
use i18n::Lang;
use serde_json::{json, Value};
use std::path::Path;
use tera::{Context, Tera};

/// The redirect pages: each page's aliases (an old address), and `page/1/` of each paginated
/// section, as (output file, absolute URL it sends to).
pub(crate) fn redirects(model: &Model<'_>) -> Vec<(String, String)> {
    let config = model.config;
    let content = model.content;
    let mut out = Vec::new();
    for p in &content.pages {
        for a in &p.front.aliases {
            let a = format!("/{}/", a.trim_matches('/'));
            out.push((file_for(&a), config.absolute(&p.path)));
        }
    }
    for s in &content.sections {
        if s.front.paginate_by > 0 && s.front.render {
            out.push((
                file_for(&format!("{}page/1/", s.path)),
                config.absolute(&s.path),
            ));
        }
    }
    out
}

/// A redirect page to `url` (the `alias.html` template; its context is `url`).
pub(crate) fn alias_page(
    tera: &Tera,
    rel: &str,
    url: &str,
    lang: Lang,
) -> Result<Vec<u8>, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("url", url);
    render_bytes(tera, "alias.html", &ctx, Path::new(rel), lang)
}

/// The site's config as templates see it, in its default language.
fn config_value(model: &Model<'_>) -> Value {
    let lang = &model.config.default_language;
    model
        .derived
        .config_values
        .get(lang)
        .cloned()
        .unwrap_or(Value::Null)
}

/// robots.txt (the `robots.txt` template; its context is `config`).
pub(crate) fn robots(model: &Model<'_>, tera: &Tera, lang: Lang) -> Result<Vec<u8>, Diagnostic> {
    let ctx = Context::from_value(json!({ "config": config_value(model) })).unwrap_or_default();
    render_bytes(tera, "robots.txt", &ctx, Path::new("robots.txt"), lang)
}

/// One URL of the sitemap: its permalink, last update and the versions in other languages
/// (itself included) when it has any.
fn sitemap_entry(permalink: String, updated: Value, alternates: Vec<(&str, String)>) -> Value {
    let alternates: Vec<Value> = alternates
        .into_iter()
        .map(|(lang, permalink)| json!({ "lang": lang, "permalink": permalink }))
        .collect();
    json!({ "permalink": permalink, "updated": updated, "alternates": alternates })
}

/// The versions of a page or section in every language (`of` gives one's language and path),
/// when it has more than one.
fn versions<'a>(
    config: &Config,
    list: Option<&Vec<usize>>,
    of: impl Fn(usize) -> (&'a str, &'a str),
) -> Vec<(&'a str, String)> {
    match list {
        Some(list) if list.len() > 1 => list
            .iter()
            .map(|&j| {
                let (lang, path) = of(j);
                (lang, config.absolute(path))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The sitemap's entries: every page, section, taxonomy and term, with the translations of
/// each, in the order of their permalinks.
fn sitemap_entries(model: &Model<'_>) -> Vec<Value> {
    let config = model.config;
    let content = model.content;
    let mut urls: Vec<(String, Value)> = Vec::new();
    let page = |j: usize| {
        (
            content.pages[j].lang.as_str(),
            content.pages[j].path.as_str(),
        )
    };
    for p in &content.pages {
        let alternates = versions(config, model.derived.translations.get(p.key.as_str()), page);
        let loc = config.absolute(&p.path);
        let entry = sitemap_entry(loc.clone(), date_value(p.updated.or(p.date)), alternates);
        urls.push((loc, entry));
    }
    let section = |j: usize| {
        let s = &content.sections[j];
        (s.lang.as_str(), s.path.as_str())
    };
    for s in content.sections.iter().filter(|s| s.front.render) {
        let list = model.derived.section_translations.get(s.key.as_str());
        let loc = config.absolute(&s.path);
        let entry = sitemap_entry(loc.clone(), Value::Null, versions(config, list, section));
        urls.push((loc, entry));
    }
    for t in model.taxonomies {
        let paths =
            std::iter::once(t.path.clone()).chain(t.terms.iter().map(|term| t.term_path(term)));
        for path in paths {
            let loc = config.absolute(&path);
            urls.push((loc.clone(), sitemap_entry(loc, Value::Null, Vec::new())));
        }
    }
    urls.sort_by(|a, b| a.0.cmp(&b.0));
    urls.into_iter().map(|(_, v)| v).collect()
}

/// sitemap.xml (the `sitemap.xml` template; its context is `config` and `entries`).
pub(crate) fn sitemap(model: &Model<'_>, tera: &Tera, lang: Lang) -> Result<Vec<u8>, Diagnostic> {
    let value = json!({ "config": config_value(model), "entries": sitemap_entries(model) });
    let ctx = Context::from_value(value).unwrap_or_default();
    render_bytes(tera, "sitemap.xml", &ctx, Path::new("sitemap.xml"), lang)
}

/// Builds the search index of one language, handing each file (path, bytes) to `emit` as soon
/// as it is made, from the index's threads.
pub(crate) fn search_files(
    model: &Model<'_>,
    lang_code: &str,
    emit: impl Fn(String, Vec<u8>) + Sync,
) {
    let config = model.config;
    let content = model.content;
    let docs: Vec<search::Doc> = content
        .pages
        .iter()
        .zip(model.page_bodies)
        .filter(|(p, _)| p.lang == lang_code)
        .filter(|(p, _)| {
            config.search.sections.is_empty()
                || config.search.sections.iter().any(|s| {
                    p.relative_path
                        .starts_with(&format!("{}/", s.trim_matches('/')))
                })
        })
        .map(|(p, b)| search::Doc {
            url: p.path.as_str().into(),
            title: p.title.as_str().into(),
            date: p.date.map(|d| {
                if lang_code == "vi" {
                    vi::date::long_vi(d).into()
                } else {
                    vi::date::long_en(d).into()
                }
            }),
            section: content.sections[p.section].title.as_str().into(),
            body: b.text.as_str().into(),
        })
        .collect();
    search::build_into(lang_code, &docs, &search::Options::default(), emit);
}
