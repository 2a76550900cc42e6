//! Turns the model into template contexts and renders every output with Tera.

use crate::config::Config;
use crate::content::{Content, Page, Section};
use crate::diag::{line_col, Diagnostic};
use crate::taxonomy::Taxonomy;
use i18n::{tr, Lang};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tera::{Context, Tera};

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

/// Markdown rendered for one page or section.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// HTML.
    pub html: String,
    /// HTML before `<!-- more -->`.
    pub summary: Option<String>,
    /// Table of contents.
    pub toc: Vec<markdown::Heading>,
    /// Every id of the body.
    pub ids: Vec<String>,
    /// Plain text, for search.
    pub text: String,
    /// Words.
    pub word_count: usize,
    /// Internal links to check once every page is rendered.
    pub links: Vec<markdown::InternalLink>,
    /// What the sanitizer removed.
    pub removed_html: Vec<markdown::Removed>,
}

/// Renders Markdown from a template filter: no shortcodes, no internal links.
pub fn markdown_plain(src: &str) -> String {
    struct Plain;
    impl markdown::Host for Plain {
        fn resolve_link(&self, _: &str) -> Option<String> {
            None
        }
        fn shortcode(
            &self,
            name: &str,
            _: &Map<String, Value>,
            _: Option<&str>,
        ) -> Result<String, String> {
            Err(format!("shortcode {name} is not available here"))
        }
        fn image(&self, _: &str, _: &str, _: &str, _: usize) -> Result<Option<String>, String> {
            Ok(None)
        }
    }
    let opts = markdown::Options {
        unsafe_html: false,
        highlight: true,
        lang: Lang::Vi,
        smart_punctuation: false,
        plain_text: false,
    };
    markdown::render(src, &opts, &Plain)
        .map(|r| r.html)
        .unwrap_or_else(|_| String::new())
}

/// What Markdown rendering needs from the site: links, shortcodes, images.
pub struct Host<'a> {
    /// Relative content path -> URL path.
    pub links: &'a HashMap<String, String>,
    /// Templates for shortcodes.
    pub tera: &'a Tera,
    /// The site config.
    pub config: &'a Config,
    /// The site folder.
    pub root: &'a Path,
    /// Bundle folder of the page (relative to root), if any.
    pub bundle_dir: Option<&'a Path>,
    /// Folder of the Markdown file, relative to root.
    pub file_dir: PathBuf,
    /// URL path of the page.
    pub page_path: &'a str,
    /// Language of the page.
    pub lang: &'a str,
    /// The image processor, when enabled.
    pub images: Option<&'a images::Processor>,
    /// Processed image files to publish: (output relative path, cached file).
    pub image_files: &'a Mutex<Vec<(String, PathBuf)>>,
    /// Warnings (missing images...).
    pub warnings: &'a Mutex<Vec<String>>,
    /// Message language.
    pub msg_lang: Lang,
}

impl markdown::Host for Host<'_> {
    fn resolve_link(&self, target: &str) -> Option<String> {
        self.links
            .get(target.trim_start_matches('/'))
            .map(|p| self.config.absolute(p))
    }

    fn shortcode(
        &self,
        name: &str,
        args: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<String, String> {
        let template = format!("shortcodes/{name}.html");
        if !self.tera.get_template_names().any(|n| n == template) {
            let known: Vec<String> = self
                .tera
                .get_template_names()
                .filter_map(|n| {
                    n.strip_prefix("shortcodes/")
                        .and_then(|n| n.strip_suffix(".html"))
                        .map(String::from)
                })
                .collect();
            return Err(tr!(
                self.msg_lang,
                "không có shortcode `{name}` (cần tệp templates/shortcodes/{name}.html). Các shortcode có sẵn: {}",
                "there is no shortcode `{name}` (it needs templates/shortcodes/{name}.html). Available: {}",
                known.join(", ")
            ));
        }
        let mut ctx = Context::new();
        for (k, v) in args {
            ctx.insert(k, v);
        }
        if let Some(b) = body {
            ctx.insert("body", b);
        }
        ctx.insert("page_path", self.page_path);
        ctx.insert("lang", self.lang);
        ctx.insert("config", self.config);
        ctx.insert("base_url", &self.config.base_url);
        // A shortcode given a local photo (figure) gets the same responsive HTML as a Markdown image.
        if let (Some(src), Some(_)) = (args.get("src").and_then(Value::as_str), self.images) {
            let alt = args.get("alt").and_then(Value::as_str).unwrap_or("");
            if let Ok(Some(html)) = markdown::Host::image(self, src, alt, "", 1) {
                ctx.insert("image_html", &html);
            }
        }
        self.tera
            .render(&template, &ctx)
            .map_err(|e| crate::templates::error_chain(&e))
    }

    fn image(
        &self,
        src: &str,
        alt: &str,
        title: &str,
        index: usize,
    ) -> Result<Option<String>, String> {
        if src.contains("://") || src.starts_with("data:") || src.starts_with("//") {
            return Ok(None);
        }
        let clean = src.split(['?', '#']).next().unwrap_or(src);
        let clean = percent_decode(clean);
        if clean.split('/').any(|p| p == "..") {
            return Ok(None);
        }
        let (base, rel, url_dir) = if let Some(abs) = clean.strip_prefix('/') {
            let url_dir = match abs.rfind('/') {
                Some(i) => format!("/{}/", &abs[..i]),
                None => "/".to_string(),
            };
            (self.root.join("static"), abs, url_dir)
        } else {
            let base = self.bundle_dir.unwrap_or(&self.file_dir);
            let url_dir = match clean.rfind('/') {
                Some(i) => format!("{}{}/", self.page_path, &clean[..i]),
                None => self.page_path.to_string(),
            };
            (self.root.join(base), clean.as_str(), url_dir)
        };
        // Found by its composed (NFC) name too: macOS and zip tools store names decomposed.
        let file = images::assets::find(&base, rel).map_err(|near| {
            let folder = base.strip_prefix(self.root).unwrap_or(&base).display();
            match near {
                Some(n) => tr!(
                    self.msg_lang,
                    "không có tệp `{rel}` trong thư mục {folder}/; có phải `{n}`?",
                    "there is no file `{rel}` in {folder}/; did you mean `{n}`?"
                ),
                None => tr!(
                    self.msg_lang,
                    "không có tệp `{rel}` trong thư mục {folder}/: hãy chép ảnh vào đó hoặc sửa tên trong bài",
                    "there is no file `{rel}` in {folder}/: copy the photo there or fix the name in the page"
                ),
            }
        })?;
        let Some(processor) = self.images else {
            return Ok(None);
        };
        if !images::is_image(&file)
            || file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("gif"))
        {
            return Ok(None);
        }
        let processed = processor
            .process(&file)
            .map_err(|e| e.message(self.msg_lang))?;
        {
            let mut files = self.image_files.lock().unwrap_or_else(|e| e.into_inner());
            for v in &processed.variants {
                files.push((
                    format!("{}{}", url_dir.trim_start_matches('/'), v.file_name),
                    v.cache_path.clone(),
                ));
            }
        }
        let title = if title.is_empty() { None } else { Some(title) };
        Ok(Some(images::picture_html(
            &processed,
            &url_dir,
            alt,
            title,
            index > 0,
            "(min-width: 50rem) 46rem, 100vw",
        )))
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Converts a Markdown error to a diagnostic at its place in the file.
pub fn md_diag(
    file: &Path,
    raw: &str,
    body_offset: usize,
    e: &markdown::MdError,
    lang: Lang,
) -> Diagnostic {
    let (l, c) = line_col(raw, body_offset + e.offset);
    Diagnostic::error(file, l, c, e.message(lang))
}

/// Everything needed to build template contexts.
pub struct Model<'a> {
    /// Config.
    pub config: &'a Config,
    /// Content.
    pub content: &'a Content,
    /// Rendered page bodies (same order as pages).
    pub page_bodies: &'a [Body],
    /// Rendered section bodies.
    pub section_bodies: &'a [Body],
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
        page_bodies: &'a [Body],
        section_bodies: &'a [Body],
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
                    .with_max_len(crate::build::PAR_CHUNK)
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
            let dated = crate::content::newest(&content.pages, &lang, 10);
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
        page_bodies: &'a [Body],
        section_bodies: &'a [Body],
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
                        None => crate::taxonomy::term_slug(t),
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
            "extra": p.front.extra.clone(),
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
        let assets: Vec<String> = p
            .assets
            .iter()
            .filter_map(|a| a.file_name().map(|n| n.to_string_lossy().into_owned()))
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
    fn shared_context(&self, lang: &str) -> Context {
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
const SHARED_KEYS: [&str; 3] = ["config", "base_url", "home"];

/// Template contexts of one rendering thread, one per language. The values every output of a
/// language shares go in once; an output's own values are moved in for its render and taken
/// out after it. Tera copies nothing a template reads from its context, so `home.subsections`
/// or `config.extra` in a menu cost nothing per page, unlike a copy in every context.
pub struct Contexts<'l> {
    by_lang: HashMap<String, Context>,
    /// Listings lent to term pagers, when the build has such a pool.
    lend: Option<&'l Listings<'l>>,
}

impl<'l> Contexts<'l> {
    /// Contexts that borrow term pagers' listings from `lend`, or copy them.
    pub fn new(lend: Option<&'l Listings<'l>>) -> Self {
        Contexts {
            by_lang: HashMap::new(),
            lend,
        }
    }

    /// The listings of `pages` for a pager: lent (given back by [`Contexts::with`]) or copied.
    pub fn listings(&self, model: &Model<'_>, pages: &[usize]) -> Value {
        match self.lend {
            Some(l) => l.take_all(pages),
            None => model.listings(pages),
        }
    }

    /// Page `i`'s own value, on its lent listing (given back by [`Contexts::with`]).
    pub fn page_value(&self, model: &Model<'_>, i: usize) -> Value {
        let listing = match self.lend {
            Some(l) => l.take(i),
            None => model.listing(i),
        };
        model.page_value(i, listing)
    }

    /// Runs `f` with the context of `lang` holding `own` besides the shared values; then gives
    /// back the listings `lent` says the context holds.
    pub fn with<R>(
        &mut self,
        model: &Model<'_>,
        lang: &str,
        own: Map<String, Value>,
        lent: Lent<'_>,
        f: impl FnOnce(&Context) -> R,
    ) -> R {
        let ctx = self
            .by_lang
            .entry(lang.to_owned())
            .or_insert_with(|| model.shared_context(lang));
        debug_assert!(own.keys().all(|k| !SHARED_KEYS.contains(&k.as_str())));
        let keys: Vec<String> = own.keys().cloned().collect();
        ctx.extend(Context::from_value(Value::Object(own)).unwrap_or_default());
        let r = f(ctx);
        for k in &keys {
            let v = ctx.remove(k);
            let (Some(l), Some(Value::Object(mut o))) = (self.lend, v) else {
                continue;
            };
            match (lent, k.as_str()) {
                (Lent::Pager(pages), "paginator") => {
                    if let Some(list) = o.remove("pages") {
                        l.give_all(pages, list);
                    }
                }
                (Lent::Page(i), "page") => {
                    for key in PAGE_ONLY {
                        o.remove(key);
                    }
                    l.give(i, Value::Object(o));
                }
                _ => {}
            }
        }
        r
    }
}

/// Which lent listings an output's context holds.
#[derive(Clone, Copy)]
pub enum Lent<'p> {
    /// None.
    Nothing,
    /// `page`: page `i`'s listing with what only its own page shows.
    Page(usize),
    /// `paginator.pages`: the listings of these pages.
    Pager(&'p [usize]),
}

/// The keys a page's own value adds to its listing (see [`Model::page_value`]).
const PAGE_ONLY: [&str; 6] = ["content", "toc", "ancestors", "lower", "higher", "assets"];

/// Listings lent to outputs in turn. A page shows on its own page, in a pager of its section and
/// in a pager of each of its terms; with all of these rendered in date order, its listing is
/// copied once and lent to each while it is still in the cache, instead of copied for each
/// (60,000 copies for 10,000 pages with 4 tags). Tera never changes a context, so what comes
/// back is the listing as it was lent.
pub struct Listings<'a> {
    model: &'a Model<'a>,
    slots: Vec<Mutex<Slot>>,
}

/// A listing between two loans, and how many loans are left: after the last one it is freed
/// at once, so the pool holds only the listings of the pagers in progress.
#[derive(Default)]
struct Slot {
    value: Option<Value>,
    loans: u32,
}

impl<'a> Listings<'a> {
    /// An empty pool over the model's listings; `loans` says how many pagers show each page (a
    /// wrong count costs time or memory, never correctness).
    pub fn new(model: &'a Model<'a>, loans: &[u32]) -> Self {
        let slots = (0..model.content.pages.len())
            .map(|i| {
                Mutex::new(Slot {
                    value: None,
                    loans: loans.get(i).copied().unwrap_or(0),
                })
            })
            .collect();
        Listings { model, slots }
    }

    fn slot(&self, i: usize) -> std::sync::MutexGuard<'_, Slot> {
        self.slots[i].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The listing of page `i`: from the pool, or from the model.
    pub fn take(&self, i: usize) -> Value {
        let pooled = self.slot(i).value.take();
        pooled.unwrap_or_else(|| self.model.listing(i))
    }

    /// The listings of `pages`, as an array.
    pub fn take_all(&self, pages: &[usize]) -> Value {
        Value::Array(pages.iter().map(|&i| self.take(i)).collect())
    }

    /// Gives back the listing of page `i`, kept for its next loan or freed after its last.
    pub fn give(&self, i: usize, v: Value) {
        debug_assert_eq!(v, self.model.listing(i), "a lent listing came back changed");
        let mut slot = self.slot(i);
        slot.loans = slot.loans.saturating_sub(1);
        if slot.loans > 0 {
            slot.value = Some(v);
        } else {
            // Freed outside the lock.
            drop(slot);
            drop(v);
        }
    }

    /// Gives back the listings of `pages`, an array made by [`Listings::take_all`].
    pub fn give_all(&self, pages: &[usize], list: Value) {
        let Value::Array(list) = list else { return };
        if list.len() == pages.len() {
            for (&i, v) in pages.iter().zip(list) {
                self.give(i, v);
            }
        }
    }
}

/// Paginator value for pager `index` (0-based) of `total` pagers.
pub fn paginator(
    config: &Config,
    base: &str,
    pages: Value,
    index: usize,
    total: usize,
    per: usize,
    total_pages: usize,
) -> Value {
    let url = |k: usize| -> String {
        if k == 0 {
            config.absolute(base)
        } else {
            config.absolute(&format!("{base}page/{}/", k + 1))
        }
    };
    object!({
        "pages": pages,
        "current_index": index + 1,
        "number_pagers": total,
        "paginate_by": per,
        "first": url(0),
        "last": url(total.saturating_sub(1)),
        "previous": (index > 0).then(|| url(index - 1)),
        "next": (index + 1 < total).then(|| url(index + 1)),
        "total_pages": total_pages,
    })
}

/// Pagers of a listing of `len` pages, `per` to a pager (0: one pager).
pub fn pagers(len: usize, per: usize) -> usize {
    if per > 0 {
        len.div_ceil(per).max(1)
    } else {
        1
    }
}

/// URL path of pager `index` (0-based).
pub fn pager_path(base: &str, index: usize) -> String {
    if index == 0 {
        base.to_string()
    } else {
        format!("{base}page/{}/", index + 1)
    }
}

/// The output file for a URL path: `/a/b/` -> `a/b/index.html`.
pub fn file_for(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else if p.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        p.to_string()
    } else {
        format!("{p}/index.html")
    }
}

/// Renders one template, with the template's and the content file's names in the error.
pub fn render_template(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    for_file: &Path,
    lang: Lang,
) -> Result<String, Diagnostic> {
    tera.render(template, ctx)
        .map_err(|e| template_diag(template, &e, for_file, lang))
}

/// The same as bytes: Tera writes UTF-8, so checking it again (as `String` does) is wasted work.
pub fn render_bytes(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    for_file: &Path,
    lang: Lang,
) -> Result<Vec<u8>, Diagnostic> {
    let mut out = Vec::with_capacity(16 * 1024);
    tera.render_to(template, ctx, &mut out)
        .map_err(|e| template_diag(template, &e, for_file, lang))?;
    Ok(out)
}

fn template_diag(template: &str, e: &tera::Error, for_file: &Path, lang: Lang) -> Diagnostic {
    Diagnostic::error(
        for_file,
        0,
        0,
        tr!(
            lang,
            "lỗi khi dựng bằng mẫu {template}: {}",
            "error while rendering with template {template}: {}",
            crate::templates::error_chain(e)
        ),
    )
}

/// Template for a page: its own, its section's `page_template` (nearest ancestor), or page.html.
pub fn page_template(content: &Content, p: &Page) -> String {
    if let Some(t) = &p.front.template {
        return t.clone();
    }
    let mut s = Some(p.section);
    while let Some(i) = s {
        if let Some(t) = &content.sections[i].front.page_template {
            return t.clone();
        }
        s = content.sections[i].parent;
    }
    "page.html".into()
}

/// Template for a section.
pub fn section_template(s: &Section) -> String {
    if let Some(t) = &s.front.template {
        return t.clone();
    }
    if s.dir.is_empty() {
        "index.html".into()
    } else {
        "section.html".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_for_paths() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/bien-dao/"), "bien-dao/index.html");
        assert_eq!(file_for("/404.html"), "404.html");
        assert_eq!(pager_path("/a/", 2), "/a/page/3/");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b.jpg"), "a b.jpg");
        assert_eq!(percent_decode("%E1%BA%A3nh.jpg"), "ảnh.jpg");
        assert_eq!(percent_decode("x%"), "x%");
    }
}
