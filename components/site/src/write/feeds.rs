//! Atom and RSS feeds: [`FeedSpec`] (which feeds a site has and what they list) and their
//! files, rendered with the `atom.xml` and `rss.xml` templates (built in, see
//! `load::builtin`; a theme or the site may replace them).

use crate::diag::Diagnostic;
use crate::model::sort::newest;
use crate::render::jobs::WriteFn;
use crate::render::tera::render_bytes;
use crate::render::values::Model;
use chrono::NaiveDate;
use i18n::Lang;
use serde_json::{json, Value};
use std::path::Path;
use tera::{Context, Tera};

/// A feed (Atom + RSS) and the pages it lists.
#[derive(Debug, Clone)]
pub(crate) struct FeedSpec {
    /// URL path of the listing the feed belongs to.
    pub path: String,
    /// Channel title.
    pub title: String,
    /// Channel description.
    pub description: String,
    /// Language code.
    pub lang: String,
    /// Entries, newest first.
    pub pages: Vec<usize>,
    /// The listing the entries are the head of.
    pub source: FeedSource,
}

/// Which listing a feed shows the head of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeedSource {
    /// A language's pages by date (index in `Config::all_languages`).
    Home(usize),
    /// Section `i`'s pages.
    Section(usize),
    /// Term `k` of taxonomy `t`.
    Term(usize, usize),
}

/// Every feed of the site: each section's that asks for one, each language's home feed, and
/// each term's of the taxonomies with `feed = true`.
pub(crate) fn feed_specs(model: &Model<'_>) -> Vec<FeedSpec> {
    let config = model.config;
    let content = model.content;
    let mut specs = Vec::new();
    for (i, s) in content.sections.iter().enumerate() {
        if s.front.generate_feeds {
            specs.push(FeedSpec {
                path: s.path.clone(),
                title: s.title.clone(),
                description: s.description.clone(),
                lang: s.lang.clone(),
                pages: s.pages.iter().copied().take(config.feed_limit).collect(),
                source: FeedSource::Section(i),
            });
        }
    }
    for (l, lang_code) in config.all_languages().into_iter().enumerate() {
        let prefix = config.lang_prefix(&lang_code);
        if config.generate_feeds {
            let list = newest(&content.pages, &lang_code, config.feed_limit);
            specs.push(FeedSpec {
                path: format!("{prefix}/"),
                title: config.title_in(&lang_code).to_string(),
                description: config.description_in(&lang_code).to_string(),
                lang: lang_code.clone(),
                pages: list,
                source: FeedSource::Home(l),
            });
        }
    }
    for (t, tax) in model.taxonomies.iter().enumerate() {
        if config.taxonomy(&tax.name).map(|c| c.feed).unwrap_or(false) {
            for (k, term) in tax.terms.iter().enumerate() {
                specs.push(FeedSpec {
                    path: tax.term_path(term),
                    title: term.name.clone(),
                    description: String::new(),
                    lang: tax.lang.clone(),
                    pages: term.pages.iter().copied().take(config.feed_limit).collect(),
                    source: FeedSource::Term(t, k),
                });
            }
        }
    }
    specs
}

/// A date as templates get it (`2024-01-16`), or null.
pub(crate) fn date_value(d: Option<NaiveDate>) -> Value {
    d.map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
        .unwrap_or(Value::Null)
}

/// The context of a feed's templates (README, "Themes"): `config`, `lang`, `feed` (title,
/// description, permalink of the listing), `last_updated`, `pages` (title, permalink, date,
/// updated, summary); `feed_url` is set per file.
fn feed_context(model: &Model<'_>, feed: &FeedSpec) -> Context {
    let config = model.config;
    let pages: Vec<Value> = feed
        .pages
        .iter()
        .map(|&i| {
            let p = &model.content.pages[i];
            let summary = model.page_bodies[i]
                .summary
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or(&p.description);
            json!({
                "title": p.title,
                "permalink": config.absolute(&p.path),
                "date": date_value(p.date),
                "updated": date_value(p.updated),
                "summary": summary,
            })
        })
        .collect();
    let last = feed
        .pages
        .iter()
        .filter_map(|&i| {
            let p = &model.content.pages[i];
            p.updated.or(p.date)
        })
        .max();
    let value = json!({
        "config": model.derived.config_values.get(&feed.lang).cloned().unwrap_or(Value::Null),
        "lang": feed.lang,
        "feed": {
            "title": feed.title,
            "description": feed.description,
            "permalink": config.absolute(&feed.path),
        },
        "last_updated": date_value(last),
        "pages": pages,
    });
    Context::from_value(value).unwrap_or_default()
}

/// Writes the Atom and RSS files of one feed.
pub(crate) fn write_feeds(
    write: &WriteFn<'_>,
    model: &Model<'_>,
    tera: &Tera,
    feed: &FeedSpec,
    lang: Lang,
) -> Result<(), Diagnostic> {
    let mut ctx = feed_context(model, feed);
    let dir = feed.path.trim_start_matches('/');
    for file in ["atom.xml", "rss.xml"] {
        let rel = format!("{dir}{file}");
        ctx.insert(
            "feed_url",
            &model.config.absolute(&format!("{}{file}", feed.path)),
        );
        let bytes = render_bytes(tera, file, &ctx, Path::new(&rel), lang)?;
        write(&rel, &bytes)?;
    }
    Ok(())
}
