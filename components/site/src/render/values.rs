//! The values templates see ([`Model`]): each page's and section's value and listing, the
//! config per language, translations, the latest pages; made once per build and shared by
//! every output.

use super::markdown::Body;
use crate::config::Config;
use crate::load::content::{Content, Page};
use crate::load::published::Published;
use crate::model::sort::newest;
use crate::model::taxonomy::{term_slug, Taxonomy};
use crate::util::PAR_CHUNK;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use tera::Context;

/// A JSON object from `"key": value` pairs, each value moved in with `Value::from`. `json!`
/// would copy a `Value` again through serde, and contexts are built for every output.
macro_rules! object {
    ({ $($k:literal : $v:expr),* $(,)? }) => {{
        let mut m = ::serde_json::Map::new();
        $( m.insert($k.to_owned(), ::serde_json::Value::from($v)); )*
        ::serde_json::Value::Object(m)
    }};
}
pub(crate) use object;

/// A value of any serializable type (a copy through serde; for front matter tables).
fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Everything needed to build template contexts.
pub struct Model<'a> {
    /// Config.
    pub config: &'a Config,
    /// Content.
    pub content: &'a Content,
    /// Rendered page bodies (same order as pages).
    pub page_bodies: &'a [Arc<Body>],
    /// Rendered section bodies.
    pub section_bodies: &'a [Arc<Body>],
    /// Taxonomies.
    pub taxonomies: &'a [Taxonomy],
    /// Values derived from the above, kept between rebuilds of a preview session.
    pub derived: Derived,
    /// Where each page stands in its section's list (for `lower` and `higher`).
    position: Vec<Option<usize>>,
}

/// Each page's index in its section's list of pages.
fn positions(content: &Content) -> Vec<Option<usize>> {
    let mut at = vec![None; content.pages.len()];
    for (si, s) in content.sections.iter().enumerate() {
        for (k, &i) in s.pages.iter().enumerate() {
            if content.pages.get(i).is_some_and(|p| p.section == si) {
                at[i] = Some(k);
            }
        }
    }
    at
}

/// What a model computes from the content once: reused as is when only a few pages change.
#[derive(Debug, Default, Clone)]
pub struct Derived {
    /// Pages sharing a translation key.
    pub translations: HashMap<String, Vec<usize>>,
    /// Sections sharing a translation key.
    pub section_translations: HashMap<String, Vec<usize>>,
    /// Listing values of pages (no content), shared with the template functions.
    pub listings: std::sync::Arc<Vec<Value>>,
    /// Config value per language.
    pub config_values: HashMap<String, Value>,
    /// The ten latest pages per language.
    pub latest_pages: HashMap<String, Vec<usize>>,
    /// The same as listing values.
    pub latest: HashMap<String, Value>,
    /// The home section of each language without its pages (the `home` every template gets).
    pub home: HashMap<String, Value>,
}

fn date_str(d: Option<chrono::NaiveDate>) -> Value {
    d.map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
        .unwrap_or(Value::Null)
}

fn toc_value(config: &Config, path: &str, toc: &[markdown::Heading]) -> Value {
    Value::Array(
        toc.iter()
            .map(|h| {
                object!({
                    "level": h.level, "id": h.id.as_str(), "title": h.title.as_str(),
                    "permalink": format!("{}#{}", config.absolute(path), h.id),
                    "children": toc_value(config, path, &h.children),
                })
            })
            .collect(),
    )
}

impl<'a> Model<'a> {
    /// Builds the shared values once. With `all_listings`, every page's listing is made now
    /// (the template functions and the serve session need them); else each is made when an
    /// output first shows it (see [`Model::listing`]).
    pub fn new(
        config: &'a Config,
        content: &'a Content,
        page_bodies: &'a [Arc<Body>],
        section_bodies: &'a [Arc<Body>],
        taxonomies: &'a [Taxonomy],
        all_listings: bool,
    ) -> Self {
        let mut translations: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in content.pages.iter().enumerate() {
            translations.entry(p.key.clone()).or_default().push(i);
        }
        let mut section_translations: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in content.sections.iter().enumerate() {
            section_translations
                .entry(s.key.clone())
                .or_default()
                .push(i);
        }
        let mut m = Model {
            config,
            content,
            page_bodies,
            section_bodies,
            taxonomies,
            derived: Derived {
                translations,
                section_translations,
                ..Derived::default()
            },
            position: positions(content),
        };
        if all_listings {
            m.derived.listings = std::sync::Arc::new(
                (0..content.pages.len())
                    .into_par_iter()
                    .with_max_len(PAR_CHUNK)
                    .map(|i| m.page_listing(i))
                    .collect(),
            );
        }
        let base = serde_json::to_value(config).unwrap_or(Value::Null);
        for lang in config.all_languages() {
            let mut v = base.clone();
            if let Value::Object(o) = &mut v {
                o.insert("title".into(), json!(config.title_in(&lang)));
                o.insert("description".into(), json!(config.description_in(&lang)));
                o.insert("search_enabled".into(), json!(config.search.enabled));
                let langs: Map<String, Value> = config
                    .all_languages()
                    .iter()
                    .map(|l| (l.clone(), json!({"title": config.title_in(l), "description": config.description_in(l), "path": format!("{}/", config.lang_prefix(l))})))
                    .collect();
                o.insert("languages".into(), Value::Object(langs));
            }
            m.derived.config_values.insert(lang.clone(), v);
            let dated = newest(&content.pages, &lang, 10);
            m.derived.latest.insert(
                lang.clone(),
                Value::Array(dated.iter().map(|&i| m.listing(i)).collect()),
            );
            m.derived.latest_pages.insert(lang.clone(), dated);
            let home = content
                .sections
                .iter()
                .position(|s| s.dir.is_empty() && s.lang == lang)
                .map(|i| m.section_value(i, Value::Array(Vec::new())))
                .unwrap_or(Value::Null);
            m.derived.home.insert(lang, home);
        }
        m
    }

    /// A model over changed content, reusing values derived before (see [`Model::into_derived`]).
    pub fn with_derived(
        config: &'a Config,
        content: &'a Content,
        page_bodies: &'a [Arc<Body>],
        section_bodies: &'a [Arc<Body>],
        taxonomies: &'a [Taxonomy],
        derived: Derived,
    ) -> Self {
        Model {
            config,
            content,
            page_bodies,
            section_bodies,
            taxonomies,
            derived,
            position: positions(content),
        }
    }

    /// Gives up the borrowed inputs, keeping what was derived from them.
    pub fn into_derived(self) -> Derived {
        self.derived
    }

    fn page_translations(&self, i: usize) -> Value {
        let p = &self.content.pages[i];
        let others = self.derived.translations.get(p.key.as_str());
        self.translation_links(i, others, |j| {
            let t = &self.content.pages[j];
            (&t.lang, &t.title, &t.path)
        })
    }

    fn section_translations_value(&self, i: usize) -> Value {
        let s = &self.content.sections[i];
        let others = self.derived.section_translations.get(s.key.as_str());
        self.translation_links(i, others, |j| {
            let t = &self.content.sections[j];
            (&t.lang, &t.title, &t.path)
        })
    }

    /// `[{lang, title, permalink, path}]` of the other versions of item `i`.
    fn translation_links<'s>(
        &'s self,
        i: usize,
        versions: Option<&Vec<usize>>,
        describe: impl Fn(usize) -> (&'s String, &'s String, &'s String),
    ) -> Value {
        let list = versions.map(Vec::as_slice).unwrap_or(&[]);
        Value::Array(
            list.iter()
                .filter(|&&j| j != i)
                .map(|&j| {
                    let (lang, title, path) = describe(j);
                    object!({"lang": lang.as_str(), "title": title.as_str(), "permalink": self.config.absolute(path), "path": path.as_str()})
                })
                .collect(),
        )
    }

    /// The listing values of the given pages.
    pub fn listings(&self, pages: &[usize]) -> Value {
        Value::Array(pages.iter().map(|&j| self.listing(j)).collect())
    }

    /// Page `i`'s listing: a copy of the one made with the model, or a new one.
    pub fn listing(&self, i: usize) -> Value {
        match self.derived.listings.get(i) {
            Some(v) => v.clone(),
            None => self.page_listing(i),
        }
    }

    /// A page as listings show it (no content).
    pub fn page_listing(&self, i: usize) -> Value {
        let p = &self.content.pages[i];
        let b = &self.page_bodies[i];
        let mut terms = Map::new();
        for (name, list) in &p.front.taxonomies {
            let Some(tc) = self.config.taxonomy(name) else {
                continue;
            };
            let prefix = self.config.lang_prefix(&p.lang);
            let slugs = self
                .taxonomies
                .iter()
                .find(|x| x.name == *name && x.lang == p.lang)
                .map(|x| &x.slugs);
            let v: Vec<Value> = list
                .iter()
                .map(|t| {
                    let slug = match slugs.and_then(|s| s.get(t)) {
                        Some(s) => s.clone(),
                        None => term_slug(t),
                    };
                    let permalink = self
                        .config
                        .absolute(&format!("{prefix}/{}/{slug}/", tc.slug));
                    object!({"name": t.as_str(), "slug": slug, "permalink": permalink})
                })
                .collect();
            terms.insert(name.clone(), Value::Array(v));
        }
        let section = &self.content.sections[p.section];
        object!({
            "title": p.title.as_str(),
            "description": p.description.as_str(),
            "date": date_str(p.date),
            "updated": date_str(p.updated),
            "slug": p.slug.as_str(),
            "path": p.path.as_str(),
            "permalink": self.config.absolute(&p.path),
            "summary": b.summary.clone(),
            "word_count": b.word_count,
            "reading_time": b.word_count.div_ceil(200).max(1),
            "taxonomies": to_json(&p.front.taxonomies),
            "terms": terms,
            "extra": page_extra(p),
            "authors": p.front.authors.clone(),
            "draft": p.front.draft,
            "lang": p.lang.as_str(),
            "translations": self.page_translations(i),
            "section_path": section.path.as_str(),
            "section_title": section.title.as_str(),
            "relative_path": p.relative_path.as_str(),
            "weight": p.front.weight,
        })
    }

    fn ancestors(&self, mut s: Option<usize>) -> Value {
        let mut chain = Vec::new();
        while let Some(i) = s {
            let sec = &self.content.sections[i];
            chain.push(object!({"title": sec.title.as_str(), "permalink": self.config.absolute(&sec.path), "path": sec.path.as_str()}));
            s = sec.parent;
        }
        chain.reverse();
        Value::Array(chain)
    }

    fn neighbour(&self, i: Option<usize>) -> Value {
        match i {
            Some(j) => {
                let p = &self.content.pages[j];
                object!({"title": p.title.as_str(), "permalink": self.config.absolute(&p.path), "path": p.path.as_str()})
            }
            None => Value::Null,
        }
    }

    /// A page with its content, for page.html: its `listing` with what only its own page shows
    /// ([`PAGE_ONLY`]).
    pub fn page_value(&self, i: usize, listing: Value) -> Value {
        let p = &self.content.pages[i];
        let b = &self.page_bodies[i];
        let mut v = listing;
        let list = &self.content.sections[p.section].pages;
        let pos = self.position.get(i).copied().flatten();
        let lower = pos.and_then(|k| list.get(k + 1).copied());
        let higher = pos
            .and_then(|k| k.checked_sub(1))
            .and_then(|k| list.get(k).copied());
        let assets: Vec<String> = Published::new(p.bundle_dir.as_deref(), &p.assets)
            .files()
            .iter()
            .map(|f| f.name.clone())
            .collect();
        if let Value::Object(o) = &mut v {
            o.insert("content".into(), Value::from(b.html.as_str()));
            o.insert("toc".into(), toc_value(self.config, &p.path, &b.toc));
            o.insert("ancestors".into(), self.ancestors(Some(p.section)));
            o.insert("lower".into(), self.neighbour(lower));
            o.insert("higher".into(), self.neighbour(higher));
            o.insert("assets".into(), Value::from(assets));
        }
        v
    }

    /// A section, with the given `pages` (an array of listings).
    pub fn section_value(&self, i: usize, pages: Value) -> Value {
        let s = &self.content.sections[i];
        let b = &self.section_bodies[i];
        let subsections: Vec<Value> = s
            .subsections
            .iter()
            .map(|&j| {
                let c = &self.content.sections[j];
                object!({"title": c.title.as_str(), "permalink": self.config.absolute(&c.path), "path": c.path.as_str(), "description": c.description.as_str(), "pages_count": c.pages.len(), "extra": c.front.extra.clone()})
            })
            .collect();
        object!({
            "title": s.title.as_str(),
            "description": s.description.as_str(),
            "path": s.path.as_str(),
            "permalink": self.config.absolute(&s.path),
            "content": b.html.as_str(),
            "toc": toc_value(self.config, &s.path, &b.toc),
            "extra": s.front.extra.clone(),
            "lang": s.lang.as_str(),
            "pages": pages,
            "pages_count": s.pages.len(),
            "subsections": subsections,
            "ancestors": self.ancestors(s.parent),
            "translations": self.section_translations_value(i),
            "relative_path": s.relative_path.as_str(),
        })
    }

    /// What every output of a language shares (`config`, `base_url`, `home`): see [`Contexts`].
    pub(crate) fn shared_context(&self, lang: &str) -> Context {
        let value = |m: &HashMap<String, Value>| m.get(lang).cloned().unwrap_or(Value::Null);
        let shared = object!({
            "config": value(&self.derived.config_values),
            "base_url": self.config.base_url.as_str(),
            "home": value(&self.derived.home),
        });
        Context::from_value(shared).unwrap_or_default()
    }

    /// The values of one output that every template gets; the output adds its own by moving
    /// them in (inserting into a `Context` would copy them again).
    pub fn base_map(&self, lang: &str, path: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("lang".into(), Value::String(lang.to_string()));
        m.insert("current_path".into(), Value::String(path.to_string()));
        m.insert(
            "current_url".into(),
            Value::String(self.config.absolute(path)),
        );
        m
    }
}

/// The keys of [`Model::shared_context`].
pub(crate) const SHARED_KEYS: [&str; 3] = ["config", "base_url", "home"];

/// A page's `[extra]`, with its share picture (`image`, a file of its bundle) named as it is
/// published (see `load::published`).
fn page_extra(p: &Page) -> Value {
    let mut extra = p.front.extra.clone();
    let share = extra.get("image").and_then(Value::as_str);
    if let (Some(img), Some(bundle)) = (share, p.bundle_dir.as_deref()) {
        let published = Published::new(Some(bundle), &p.assets);
        if let Some(name) = published.name_of_original(img) {
            let name = name.to_string();
            extra.insert("image".into(), Value::from(name));
        }
    }
    Value::Object(extra)
}
