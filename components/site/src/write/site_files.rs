//! The files a site gets besides its pages: sitemap.xml, the redirect pages of aliases (and of
//! each paginated section's `page/1/`), and the search index of each language.

use super::feeds::{self, SitemapUrl};
use crate::render::contexts::file_for;
use crate::render::values::Model;

/// The redirect pages: each page's aliases (an old address), and `page/1/` of each paginated
/// section, as (output file, HTML).
pub(crate) fn redirects(model: &Model<'_>) -> Vec<(String, String)> {
    let config = model.config;
    let content = model.content;
    let mut out = Vec::new();
    for p in &content.pages {
        for a in &p.front.aliases {
            let a = format!("/{}/", a.trim_matches('/'));
            out.push((file_for(&a), feeds::redirect(&config.absolute(&p.path))));
        }
    }
    for s in &content.sections {
        if s.front.paginate_by > 0 && s.front.render {
            out.push((
                file_for(&format!("{}page/1/", s.path)),
                feeds::redirect(&config.absolute(&s.path)),
            ));
        }
    }
    out
}

/// The sitemap of every page, section, taxonomy and term, with the translations of each.
pub(crate) fn sitemap(model: &Model<'_>) -> String {
    let config = model.config;
    let content = model.content;
    let mut urls = Vec::new();
    for p in &content.pages {
        let list = model
            .derived
            .translations
            .get(p.key.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let alternates = if list.len() > 1 {
            list.iter()
                .map(|&j| {
                    (
                        content.pages[j].lang.clone(),
                        config.absolute(&content.pages[j].path),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        urls.push(SitemapUrl {
            loc: config.absolute(&p.path),
            lastmod: p.updated.or(p.date),
            alternates,
        });
    }
    for s in content.sections.iter().filter(|s| s.front.render) {
        let list = model
            .derived
            .section_translations
            .get(s.key.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let alternates = if list.len() > 1 {
            list.iter()
                .map(|&j| {
                    (
                        content.sections[j].lang.clone(),
                        config.absolute(&content.sections[j].path),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        urls.push(SitemapUrl {
            loc: config.absolute(&s.path),
            lastmod: None,
            alternates,
        });
    }
    for t in model.taxonomies {
        urls.push(SitemapUrl {
            loc: config.absolute(&t.path),
            lastmod: None,
            alternates: Vec::new(),
        });
        for term in &t.terms {
            urls.push(SitemapUrl {
                loc: config.absolute(&t.term_path(term)),
                lastmod: None,
                alternates: Vec::new(),
            });
        }
    }
    urls.sort_by(|a, b| a.loc.cmp(&b.loc));
    feeds::sitemap(&urls)
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
