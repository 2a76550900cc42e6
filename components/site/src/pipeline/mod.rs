//! The build: load -> model -> render -> write, every step in parallel where it can be.

use crate::cache::{hash_json, Cache, Key, Memo, Reuse};
use crate::config::Config;
use crate::content::{self, Content, Filter};
use crate::diag::{Diagnostic, Failed};
use crate::feeds;
use crate::functions::{self, Lookup};
use crate::output::{OutputError, Sink, WriteStats};
use crate::render::{self, Body, Host, Model};
use crate::taxonomy::{self, Taxonomy};
use crate::templates::{StaticSource, Theme};
use i18n::{tr, Lang};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site folder.
    pub root: PathBuf,
    /// Output folder (default `<root>/public`); `None` with `memory` keeps files in memory.
    pub output: Option<PathBuf>,
    /// Keep the output in memory instead of writing it.
    pub memory: bool,
    /// Include drafts.
    pub drafts: bool,
    /// Include pages dated in the future.
    pub future: bool,
    /// Replace config's base_url (e.g. for serve or a preview host).
    pub base_url: Option<String>,
    /// Message language.
    pub lang: Lang,
    /// HTML to insert before `</body>` of every page (live reload in serve).
    pub inject: Option<String>,
    /// Folder for the image cache (default `<root>/.bangtin-cache`).
    pub cache_dir: Option<PathBuf>,
    /// What earlier builds of this session rendered (serve): only what changed is redone.
    pub cache: Option<Arc<Cache>>,
    /// The process ends after this build (`bangtin build`): what the build made is left for
    /// the system to take back at exit, which is quicker than freeing it value by value.
    pub exits_after: bool,
}

impl Options {
    /// Defaults for a site folder.
    pub fn new(root: impl Into<PathBuf>, lang: Lang) -> Self {
        Options {
            root: root.into(),
            output: None,
            memory: false,
            drafts: false,
            future: false,
            base_url: None,
            lang,
            inject: None,
            cache_dir: None,
            cache: None,
            exits_after: false,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    /// Pages rendered.
    pub pages: usize,
    /// Sections.
    pub sections: usize,
    /// Files in the output.
    pub files: usize,
    /// Files written or unchanged.
    pub stats: WriteStats,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// Files kept in memory (memory builds only).
    pub memory: Option<BTreeMap<String, Vec<u8>>>,
    /// Images processed and reused from the cache.
    pub images: (usize, usize),
    /// Config used.
    pub config: Config,
    /// Loaded content (for check).
    pub content: Content,
    /// Rendered page bodies (for check).
    pub page_bodies: Vec<Body>,
    /// What came from the session cache (serve).
    pub reuse: Reuse,
    /// The output folder already held this build, so nothing was rendered or written
    /// (`pages` and `sections` are then 0; see [`crate::fresh`]).
    pub up_to_date: bool,
}

/// Which templates the outputs are rendered with (see [`Theme::pager_warnings`]).
fn outputs(config: &Config, content: &Content) -> crate::templates::Outputs {
    let mut o = crate::templates::Outputs::default();
    for p in &content.pages {
        o.all.insert(render::page_template(content, p));
    }
    for s in content.sections.iter().filter(|s| s.front.render) {
        let name = render::section_template(s);
        if s.front.paginate_by > 0 {
            o.paginated_sections.insert(name.clone());
        }
        o.all.insert(name);
    }
    for name in ["taxonomy_list.html", "taxonomy_single.html", "404.html"] {
        o.all.insert(name.to_string());
    }
    if config.taxonomies.iter().any(|t| t.paginate_by > 0) {
        o.paginated_terms.insert("taxonomy_single.html".to_string());
    }
    o
}

/// The most items of a parallel loop that a thread takes at once. Rayon splits a loop further
/// only when a thread steals work, so the last piece of a long loop (thousands of pages) could
/// keep one core busy for tens of milliseconds while the other one waits.
pub(crate) const PAR_CHUNK: usize = 16;

fn fail(d: Diagnostic) -> Failed {
    Failed(vec![d])
}

/// Builds a site. On error nothing in the output folder changes.
pub fn build(opts: &Options, progress: &(dyn Fn(&str) + Sync)) -> Result<Built, Failed> {
    run(opts, progress, false).map(|(b, _)| b)
}

/// Builds a site; with `keep`, also returns what a preview session needs to rebuild parts of it.
pub(crate) fn run(
    opts: &Options,
    progress: &(dyn Fn(&str) + Sync),
    keep: bool,
) -> Result<(Built, Option<Kept>), Failed> {
    let started = Instant::now();
    if let Some(c) = &opts.cache {
        c.begin();
    }
    let lang = opts.lang;
    let root = opts.root.as_path();
    let mut config = Config::load(root, lang).map_err(fail)?;
    if let Some(b) = &opts.base_url {
        config.base_url = b.trim_end_matches('/').to_string();
    }
    // Nothing to do when the output folder already holds a build of the same inputs.
    let pending = match crate::fresh::check(opts, &config, started) {
        crate::fresh::Check::UpToDate(built) => return Ok((*built, None)),
        crate::fresh::Check::Stale(pending) => pending,
    };
    let filter = Filter {
        drafts: opts.drafts,
        future: opts.future,
        today: Some(crate::fresh::today()),
    };
    progress(&tr!(lang, "Đọc nội dung", "Reading content"));
    let mut timings = Timings::start();
    let (content, theme) = rayon::join(
        || content::load(root, &config, filter, lang),
        || {
            let theme = Theme::load(root, &config, lang)?;
            let tera = theme.compile(&config, root, lang)?;
            Ok::<_, Vec<Diagnostic>>((theme, tera))
        },
    );
    let (content, mut errors) = content;
    if let Some(p) = &pending {
        p.read(&content.read);
    }
    let (theme, mut tera) = match theme {
        Ok(t) => t,
        Err(e) => {
            errors.extend(e);
            return Err(Failed(errors));
        }
    };
    timings.mark("load content + templates");
    let (taxonomies, links) = rayon::join(
        || taxonomy::build(&config, &content),
        || {
            let mut links: HashMap<String, String> = HashMap::new();
            for p in &content.pages {
                links.insert(p.relative_path.clone(), p.path.clone());
            }
            for s in &content.sections {
                links.insert(s.relative_path.clone(), s.path.clone());
            }
            Arc::new(links)
        },
    );
    let pager_warnings = theme.pager_warnings(&outputs(&config, &content), lang);

    // Shortcodes may call get_url/get_page/get_section while Markdown renders: give them the
    // model without rendered bodies now, and the full model once bodies exist. Listing every
    // page is costly, so only when a shortcode can look pages up at all.
    if theme.shortcodes_look_up() {
        let empty_pages = vec![Body::default(); content.pages.len()];
        let empty_sections = vec![Body::default(); content.sections.len()];
        let model = Model::new(
            &config,
            &content,
            &empty_pages,
            &empty_sections,
            &taxonomies,
            true,
        );
        let lookup = make_lookup(&config, &model, &links, &theme);
        functions::register(&mut tera, Arc::new(lookup));
    } else {
        let lookup = base_lookup(&config, &taxonomies, &links, &theme);
        functions::register(&mut tera, Arc::new(lookup));
    }

    timings.mark("taxonomies + first lookup");
    // Markdown of every page and section, in parallel.
    progress(&tr!(lang, "Dựng Markdown", "Rendering Markdown"));
    let cache_dir = opts
        .cache_dir
        .clone()
        .unwrap_or_else(|| root.join(".bangtin-cache"));
    let processor = config.images.enabled.then(|| {
        images::Processor::new(
            cache_dir.join("images"),
            images::Settings {
                widths: config.images.widths.clone(),
                quality: config.images.quality,
                webp: config.images.webp,
                strip_metadata: config.images.strip_metadata,
                max_width: config.images.max_width,
            },
        )
    });
    let md_fp = opts
        .cache
        .as_ref()
        .map(|_| fingerprint(&config, &theme, &content, root));
    let bodies = Bodies {
        links: &links,
        tera: &tera,
        config: &config,
        root,
        processor: processor.as_ref(),
        md_opts: md_options(&config, lang),
        lang,
        md_fp,
        cache: opts.cache.as_deref(),
    };
    let page_results: Vec<BodyResult> = content
        .pages
        .par_iter()
        .with_max_len(PAR_CHUNK)
        .map(|p| bodies.render_page(p))
        .collect();
    let section_results: Vec<BodyResult> = content
        .sections
        .par_iter()
        .map(|s| bodies.render(&s.file, &s.raw, s.body_offset, None, &s.path, &s.lang))
        .collect();
    let mut warnings = content.warnings.clone();
    warnings.extend(pager_warnings);
    let mut looked_up = false;
    let mut page_images = Vec::with_capacity(content.pages.len());
    let mut image_files = Vec::new();
    let mut unwrap_all = |results: Vec<BodyResult>, pages: bool| -> Vec<Body> {
        results
            .into_iter()
            .map(|r| match r {
                Ok(r) => {
                    warnings.extend(r.warnings);
                    looked_up |= r.looked_up;
                    image_files.extend(r.images.iter().cloned());
                    if pages {
                        page_images.push(r.images);
                    }
                    r.body
                }
                Err((e, w)) => {
                    warnings.extend(w);
                    errors.extend(e);
                    if pages {
                        page_images.push(Vec::new());
                    }
                    Body::default()
                }
            })
            .collect()
    };
    let page_bodies = unwrap_all(page_results, true);
    let section_bodies = unwrap_all(section_results, false);
    let image_files = Mutex::new(image_files);
    check_anchors(
        &content,
        &page_bodies,
        &section_bodies,
        &links,
        lang,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(Failed(errors));
    }
    timings.mark("markdown + anchors");

    // Shared values and the site-aware template functions. Every listing is made up front
    // only for the template functions or a session or cache (which compare them); else each
    // output makes the ones it shows.
    let model = Model::new(
        &config,
        &content,
        &page_bodies,
        &section_bodies,
        &taxonomies,
        keep || opts.cache.is_some() || theme.templates_list_pages(),
    );
    let lookup = make_lookup(&config, &model, &links, &theme);
    let out_fp = md_fp.map(|fp| OutKeys {
        fp: output_fingerprint(&fp, &theme, &lookup, &model.derived.home, opts),
        templates: theme.template_hashes(),
    });
    let lookup = Arc::new(lookup);
    functions::register(&mut tera, lookup.clone());
    timings.mark("model + lookup");

    // Render and write every output.
    progress(&tr!(lang, "Dựng trang", "Rendering pages"));
    let sink = match (&opts.output, opts.memory) {
        (_, true) => Sink::memory(),
        (out, false) => {
            let out = out.clone().unwrap_or_else(|| root.join("public"));
            Sink::stage(&out).map_err(|e| fail(output_diag(&e, lang)))?
        }
    };
    let result = write_all(
        &sink,
        &model,
        &tera,
        &theme,
        root,
        opts,
        &image_files,
        processor.as_ref(),
        out_fp.as_ref(),
        keep,
    );
    timings.mark("render + write");
    match result {
        Ok(written) => {
            let images = processor.as_ref().map(|p| {
                let s = p.stats();
                (s.processed, s.reused)
            });
            let derived = model.into_derived();
            let kept = Kept {
                tera,
                taxonomies,
                links,
                section_bodies,
                derived,
                lookup,
                seen: written.seen,
                feeds: written.feeds,
                search: written.search,
                looked_up,
                page_images,
                processor,
            };
            // Without a session to keep it, freeing all that (a value per page, each listing,
            // the templates) takes tens of milliseconds: left to the system when the process
            // ends, else done beside the commit instead of before it.
            let kept = if keep {
                Some(kept)
            } else if opts.exits_after {
                std::mem::forget(kept);
                None
            } else {
                rayon::spawn(move || drop(kept));
                None
            };
            let (stats, memory) = sink.commit().map_err(|e| fail(output_diag(&e, lang)))?;
            let pages = content.pages.len();
            let sections = content.sections.len();
            let built = Built {
                pages,
                sections,
                files: written.files,
                stats,
                warnings,
                elapsed: started.elapsed(),
                memory,
                images: images.unwrap_or((0, 0)),
                config,
                content,
                page_bodies,
                reuse: opts.cache.as_ref().map(|c| c.finish()).unwrap_or_default(),
                up_to_date: false,
            };
            Ok((built, kept))
        }
        Err(errs) => {
            sink.abort();
            Err(Failed(errs))
        }
    }
}

/// With `BANGTIN_TIMINGS=1`, prints how long each step of the build took (for benchmarks).
struct Timings(Option<Instant>);

impl Timings {
    fn start() -> Self {
        Timings(std::env::var_os("BANGTIN_TIMINGS").map(|_| Instant::now()))
    }
    fn mark(&mut self, step: &str) {
        if let Some(t) = self.0 {
            let figures = process_figures();
            eprintln!(
                "  {step:<28} {:>8.1} ms{figures}",
                t.elapsed().as_secs_f64() * 1000.0
            );
            self.0 = Some(Instant::now());
        }
    }
}

/// Resident memory and CPU time so far (user + system, in ticks of 10 ms) of this process,
/// from /proc (Linux; empty elsewhere): which step holds the peak, and what each costs.
fn process_figures() -> String {
    let read = |file: &str| std::fs::read_to_string(format!("/proc/self/{file}")).ok();
    let rss = read("status").and_then(|s| {
        let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(format!("  RSS {:>4} MB", kb / 1024))
    });
    let cpu = read("stat").and_then(|s| {
        let fields: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(format!("  CPU {:>5} ms", ticks * 10))
    });
    format!("{}{}", rss.unwrap_or_default(), cpu.unwrap_or_default())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Hash of everything a page's Markdown may depend on besides its own body: the config, the
/// shortcode templates, i18n strings, every page's place and front matter (links,
/// get_page), data and asset files (by size and time). A body edit leaves it unchanged.
fn fingerprint(config: &Config, theme: &Theme, content: &Content, root: &Path) -> Key {
    let mut h = blake3::Hasher::new();
    hash_json(&mut h, config);
    h.update(&theme.shortcodes_hash());
    let mut langs: Vec<_> = theme.strings.iter().collect();
    langs.sort_by(|a, b| a.0.cmp(b.0));
    hash_json(&mut h, &langs);
    let stamp = |h: &mut blake3::Hasher, p: &Path| {
        h.update(p.to_string_lossy().as_bytes());
        if let Ok(m) = std::fs::metadata(p) {
            h.update(&m.len().to_le_bytes());
            if let Ok(t) = m
                .modified()
                .map(|t| t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default())
            {
                h.update(&t.as_nanos().to_le_bytes());
            }
        }
    };
    for (rel, src) in &theme.statics {
        h.update(rel.as_bytes());
        if let StaticSource::Disk(p) = src {
            stamp(&mut h, p);
        }
    }
    for p in &content.pages {
        h.update(p.relative_path.as_bytes());
        h.update(p.path.as_bytes());
        h.update(&p.raw.as_bytes()[..p.body_offset]);
        for a in &p.assets {
            stamp(&mut h, &root.join(a));
        }
    }
    for s in &content.sections {
        h.update(s.relative_path.as_bytes());
        h.update(&s.raw.as_bytes()[..s.body_offset]);
        for a in &s.assets {
            stamp(&mut h, &root.join(a));
        }
    }
    for e in walkdir::WalkDir::new(root.join("data"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        stamp(&mut h, e.path());
    }
    *h.finalize().as_bytes()
}

/// Keys of rendered outputs in the session cache.
pub(crate) struct OutKeys {
    /// What every output depends on besides its context and templates.
    fp: Key,
    /// Template name -> hash of it and the templates it is made of.
    templates: HashMap<String, Key>,
}

/// Hash of what every rendered page may depend on beyond its own context: the Markdown
/// fingerprint, the live-reload snippet, the `home` section of every language and, when
/// templates call them, what get_page, get_section and get_taxonomy can return.
fn output_fingerprint(
    md_fp: &Key,
    theme: &Theme,
    lookup: &Lookup,
    home: &HashMap<String, Value>,
    opts: &Options,
) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(md_fp);
    h.update(opts.inject.as_deref().unwrap_or("").as_bytes());
    let mut home: Vec<_> = home.iter().collect();
    home.sort_by(|a, b| a.0.cmp(b.0));
    hash_json(&mut h, &home);
    let looks_up = theme.templates.values().any(|(src, _)| {
        src.contains("get_page") || src.contains("get_section") || src.contains("get_taxonomy")
    });
    if looks_up {
        hash_json(&mut h, &*lookup.listings);
        let mut pages: Vec<_> = lookup.pages.iter().collect();
        pages.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&mut h, &pages);
        let mut sections: Vec<_> = lookup.sections.iter().collect();
        sections.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&mut h, &sections);
        let mut section_pages: Vec<_> = lookup.section_pages.iter().collect();
        section_pages.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&mut h, &section_pages);
        let mut tax: Vec<_> = lookup.taxonomies.iter().collect();
        tax.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&mut h, &tax);
    }
    *h.finalize().as_bytes()
}

fn output_diag(e: &OutputError, lang: Lang) -> Diagnostic {
    match e {
        OutputError::Foreign(p) => Diagnostic::error(
            p,
            0,
            0,
            tr!(
                lang,
                "thư mục đầu ra đã có những tệp không do bangtin tạo; để không xóa nhầm, hãy chọn một thư mục trống bằng --output",
                "the output folder holds files bangtin did not write; to avoid deleting them, choose an empty folder with --output"
            ),
        ),
        OutputError::Io { path, source } => Diagnostic::error(path, 0, 0, tr!(lang, "không ghi được: {source}", "cannot write: {source}")),
    }
}

/// Every `@/page.md#anchor` must name an id that exists on that page.
pub(crate) fn check_anchors(
    content: &Content,
    pages: &[Body],
    sections: &[Body],
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
                let (line, col) = crate::diag::line_col(raw, off + l.offset);
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

/// What template functions need besides pages and sections: links, taxonomies, file hashes.
fn base_lookup(
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

fn make_lookup(
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

fn term_value(config: &Config, t: &Taxonomy, term: &taxonomy::Term) -> Value {
    render::object!({"name": term.name.as_str(), "slug": term.slug.as_str(), "permalink": config.absolute(&t.term_path(term)), "pages_count": term.pages.len()})
}

/// `{name, slug, title, lang, permalink}` of a taxonomy.
fn taxonomy_header(config: &Config, t: &Taxonomy) -> Value {
    let title = config
        .taxonomy(&t.name)
        .and_then(|c| c.title.clone())
        .unwrap_or_else(|| t.name.clone());
    render::object!({"name": t.name.as_str(), "slug": t.slug.as_str(), "title": title, "lang": t.lang.as_str(), "permalink": config.absolute(&t.path)})
}

fn terms_value(config: &Config, t: &Taxonomy) -> Value {
    Value::Array(
        t.terms
            .iter()
            .map(|term| term_value(config, t, term))
            .collect(),
    )
}

/// `{taxonomy, terms}`, what `get_taxonomy` returns.
fn taxonomy_value(config: &Config, t: &Taxonomy) -> Value {
    render::object!({"taxonomy": taxonomy_header(config, t), "terms": terms_value(config, t)})
}

/// Markdown options from the config.
pub(crate) fn md_options(config: &Config, lang: Lang) -> markdown::Options {
    markdown::Options {
        unsafe_html: config.markdown.unsafe_html,
        highlight: config.markdown.highlight,
        lang,
        smart_punctuation: config.markdown.smart_punctuation,
        plain_text: config.search.enabled,
    }
}

/// What a preview session keeps of a build besides [`Built`].
pub(crate) struct Kept {
    pub tera: tera::Tera,
    pub taxonomies: Vec<Taxonomy>,
    pub links: Arc<HashMap<String, String>>,
    pub section_bodies: Vec<Body>,
    pub derived: render::Derived,
    /// The values template functions return (also registered in `tera`).
    pub lookup: Arc<Lookup>,
    /// The lookups each output made.
    pub seen: Vec<(Job, Vec<String>)>,
    pub feeds: Vec<FeedSpec>,
    /// Search files per language.
    pub search: HashMap<String, Vec<String>>,
    /// Whether some page's Markdown looked up pages or sections.
    pub looked_up: bool,
    /// Processed image files each page publishes.
    pub page_images: Vec<Vec<(String, PathBuf)>>,
    pub processor: Option<images::Processor>,
}

/// A rendered body, or its errors with the warnings found before them.
type BodyResult = Result<Rendered, (Vec<Diagnostic>, Vec<Diagnostic>)>;

/// A rendered body with what came with it.
pub(crate) struct Rendered {
    /// The body.
    pub body: Body,
    /// Warnings about it.
    pub warnings: Vec<Diagnostic>,
    /// Processed image files it publishes.
    pub images: Vec<(String, PathBuf)>,
    /// Whether a shortcode looked up pages or sections.
    pub looked_up: bool,
}

/// Renders Markdown bodies with what the whole build shares.
pub(crate) struct Bodies<'a> {
    pub links: &'a HashMap<String, String>,
    pub tera: &'a tera::Tera,
    pub config: &'a Config,
    pub root: &'a Path,
    pub processor: Option<&'a images::Processor>,
    pub md_opts: markdown::Options,
    pub lang: Lang,
    /// Hash of everything a body depends on besides itself (with a session cache).
    pub md_fp: Option<Key>,
    pub cache: Option<&'a Cache>,
}

impl Bodies<'_> {
    /// Renders a page's Markdown.
    pub fn render_page(&self, p: &content::Page) -> BodyResult {
        self.render(
            &p.file,
            &p.raw,
            p.body_offset,
            p.bundle_dir.as_deref(),
            &p.path,
            &p.lang,
        )
    }

    /// Renders one page's or section's Markdown (or takes it from the session cache).
    pub fn render(
        &self,
        file: &Path,
        raw: &str,
        body_offset: usize,
        bundle: Option<&Path>,
        path: &str,
        page_lang: &str,
    ) -> BodyResult {
        let key: Option<Key> = self.md_fp.map(|fp: Key| {
            let mut h = blake3::Hasher::new();
            h.update(&fp);
            let name = file.to_string_lossy();
            let parts: [&[u8]; 4] = [
                name.as_bytes(),
                path.as_bytes(),
                page_lang.as_bytes(),
                &raw.as_bytes()[body_offset..],
            ];
            for part in parts {
                h.update(&(part.len() as u64).to_le_bytes());
                h.update(part);
            }
            *h.finalize().as_bytes()
        });
        let warned = |w: &[String]| {
            w.iter()
                .map(|w| Diagnostic::warning(file, 0, 0, w.clone()))
                .collect::<Vec<_>>()
        };
        if let (Some(c), Some(k)) = (self.cache, &key) {
            if let Some(m) = c.body(k) {
                return Ok(Rendered {
                    warnings: warned(&m.warnings),
                    body: m.body,
                    images: m.image_files,
                    looked_up: m.looked_up,
                });
            }
        }
        let warn = Mutex::new(Vec::new());
        let page_images = Mutex::new(Vec::new());
        let host = Host {
            links: self.links,
            tera: self.tera,
            config: self.config,
            root: self.root,
            bundle_dir: bundle,
            file_dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
            page_path: path,
            lang: page_lang,
            images: self.processor,
            image_files: &page_images,
            warnings: &warn,
            msg_lang: self.lang,
        };
        let (r, seen) =
            functions::recording(|| markdown::render(&raw[body_offset..], &self.md_opts, &host));
        let looked_up = seen
            .iter()
            .any(|k| k.starts_with("page:") || k.starts_with("section:"));
        let warn = warn.into_inner().unwrap_or_default();
        let r = r.map_err(|errs| {
            let e = errs
                .iter()
                .map(|e| render::md_diag(file, raw, body_offset, e, self.lang))
                .collect::<Vec<_>>();
            (e, warned(&warn))
        })?;
        let page_images = page_images.into_inner().unwrap_or_default();
        let body = Body {
            html: r.html,
            summary: r.summary,
            toc: r.toc,
            ids: r.ids,
            text: r.text,
            word_count: r.word_count,
            links: r.links,
            removed_html: r.removed_html,
        };
        if let (Some(c), Some(k)) = (self.cache, key) {
            c.put_body(
                k,
                Memo {
                    body: body.clone(),
                    image_files: page_images.clone(),
                    warnings: warn.clone(),
                    looked_up,
                },
            );
        }
        Ok(Rendered {
            body,
            warnings: warned(&warn),
            images: page_images,
            looked_up,
        })
    }
}

/// Writes one output file.
pub(crate) type WriteFn<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// One thing to render: kept small so the list is cheap to build and split across threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Job {
    /// Page `i`.
    Page(usize),
    /// Pager `k` of section `i`.
    Section(usize, usize),
    /// The list of terms of taxonomy `t`.
    TaxonomyList(usize),
    /// Pager `n` of term `k` of taxonomy `t`.
    Term(usize, usize, usize),
    /// The 404 page of language `l` (index in `Config::all_languages`).
    NotFound(usize),
}

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

/// What the output step learned, kept by a preview session.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Files written.
    pub files: usize,
    /// The lookups each output made (see `functions::recording`).
    pub seen: Vec<(Job, Vec<String>)>,
    /// Every feed.
    pub feeds: Vec<FeedSpec>,
    /// Search files per language.
    pub search: HashMap<String, Vec<String>>,
}

/// Inserts the live-reload snippet before the last `</body>` (or at the end).
fn inject(mut html: Vec<u8>, snippet: &Option<String>) -> Vec<u8> {
    if let Some(s) = snippet {
        let at = memchr::memmem::rfind(&html, b"</body>").unwrap_or(html.len());
        html.splice(at..at, s.bytes());
    }
    html
}

fn io_diag(rel: &str, e: std::io::Error, lang: Lang) -> Diagnostic {
    Diagnostic::error(
        rel,
        0,
        0,
        tr!(
            lang,
            "không ghi được tệp đầu ra: {e}",
            "cannot write the output file: {e}"
        ),
    )
}

#[allow(clippy::too_many_arguments)]
fn write_all(
    sink: &Sink,
    model: &Model<'_>,
    tera: &tera::Tera,
    theme: &Theme,
    root: &Path,
    opts: &Options,
    image_files: &Mutex<Vec<(String, PathBuf)>>,
    processor: Option<&images::Processor>,
    out_fp: Option<&OutKeys>,
    record: bool,
) -> Result<Written, Vec<Diagnostic>> {
    let config = model.config;
    let content = model.content;
    let lang = opts.lang;
    // Outputs that show page listings, with how many of them show each page (the loans of
    // `render::Listings`), then by the date of what they show, newest first: the outputs that
    // show a page (its own, a pager of its section, one of each of its terms) run close
    // together, while its lent listing is in the cache.
    let mut loans = vec![0u32; content.pages.len()];
    let mut dated: Vec<(std::cmp::Reverse<Option<chrono::NaiveDate>>, Job)> = Vec::new();
    let mut lend_to = |pages: &[usize], job: Job| {
        for &i in pages {
            loans[i] += 1;
        }
        let newest = pages.first().and_then(|&i| content.pages[i].date);
        dated.push((std::cmp::Reverse(newest), job));
    };
    let mut jobs = Vec::new();
    for i in 0..content.pages.len() {
        lend_to(&[i], Job::Page(i));
    }
    for (i, s) in content.sections.iter().enumerate() {
        if !s.front.render {
            continue;
        }
        let per = s.front.paginate_by;
        for k in 0..render::pagers(s.pages.len(), per) {
            match per {
                0 => jobs.push(Job::Section(i, k)),
                _ => lend_to(pager_slice(&s.pages, per, k).0, Job::Section(i, k)),
            }
        }
    }
    for (t, tax) in model.taxonomies.iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        let per = config
            .taxonomy(&tax.name)
            .map(|c| c.paginate_by)
            .unwrap_or(0);
        for (k, term) in tax.terms.iter().enumerate() {
            for n in 0..render::pagers(term.pages.len(), per) {
                match per {
                    0 => jobs.push(Job::Term(t, k, n)),
                    _ => lend_to(pager_slice(&term.pages, per, n).0, Job::Term(t, k, n)),
                }
            }
        }
    }
    if tera.get_template_names().any(|n| n == "404.html") {
        for l in 0..config.all_languages().len() {
            jobs.push(Job::NotFound(l));
        }
    }
    dated.sort_by_key(|d| d.0);
    jobs.extend(dated.into_iter().map(|(_, job)| job));
    let lend = render::Listings::new(model, &loans);
    let count = std::sync::atomic::AtomicUsize::new(0);
    let write = |rel: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sink.write(rel, bytes).map_err(|e| io_diag(rel, e, lang))
    };
    let mut timings = Timings::start();
    let seen = Mutex::new(Vec::new());
    let render_all = || -> Vec<Diagnostic> {
        jobs.par_iter()
            .with_max_len(4 * PAR_CHUNK)
            .map_init(
                || render::Contexts::new(Some(&lend)),
                |contexts, job| {
                    let mut run = || render_job(job, model, tera, &write, opts, out_fp, contexts);
                    if record {
                        let (r, keys) = functions::recording(run);
                        if !keys.is_empty() {
                            lock(&seen).push((*job, keys));
                        }
                        r.err()
                    } else {
                        run().err()
                    }
                },
            )
            .flatten()
            .collect()
    };
    // The search index needs only the bodies: it is built beside the templates, so it fills
    // the moments when rendering leaves a core idle.
    let index_all = || -> (HashMap<String, Vec<String>>, Vec<Diagnostic>) {
        let names = Mutex::new(HashMap::<String, Vec<String>>::new());
        let failed = Mutex::new(Vec::new());
        if config.search.enabled {
            config.all_languages().par_iter().for_each(|lang_code| {
                search_files(model, lang_code, |rel, bytes| {
                    if let Err(e) = write(&rel, &bytes) {
                        lock(&failed).push(e);
                    }
                    lock(&names).entry(lang_code.clone()).or_default().push(rel);
                });
            });
        }
        let mut names = names.into_inner().unwrap_or_default();
        for list in names.values_mut() {
            list.sort();
        }
        (names, failed.into_inner().unwrap_or_default())
    };
    // Aliases, feeds, sitemap, robots, search script, styles: beside the templates too.
    let extras = || -> (Vec<FeedSpec>, Vec<Diagnostic>) {
        let mut errors = Vec::new();
        let mut push = |r: Result<(), Diagnostic>| {
            if let Err(e) = r {
                errors.push(e);
            }
        };
        let mut specs = Vec::new();
        for p in &content.pages {
            for a in &p.front.aliases {
                let a = format!("/{}/", a.trim_matches('/'));
                push(write(
                    &render::file_for(&a),
                    feeds::redirect(&config.absolute(&p.path)).as_bytes(),
                ));
            }
        }
        for (i, s) in content.sections.iter().enumerate() {
            if s.front.paginate_by > 0 && s.front.render {
                push(write(
                    &render::file_for(&format!("{}page/1/", s.path)),
                    feeds::redirect(&config.absolute(&s.path)).as_bytes(),
                ));
            }
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
                let list = content::newest(&content.pages, &lang_code, config.feed_limit);
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
        for f in &specs {
            push(write_feeds(&write, model, f));
        }
        if config.search.enabled {
            push(write("search.js", search::SCRIPT.as_bytes()));
        }
        push(write("syntax.css", markdown::highlight_css().as_bytes()));
        push(write("sitemap.xml", sitemap(model).as_bytes()));
        push(write(
            "robots.txt",
            feeds::robots(&config.base_url).as_bytes(),
        ));

        (specs, errors)
    };
    let (mut errors, ((search, search_errors), (feeds, extra_errors))) =
        rayon::join(render_all, || rayon::join(index_all, extras));
    errors.extend(search_errors);
    errors.extend(extra_errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut written = Written {
        seen: seen.into_inner().unwrap_or_default(),
        search,
        feeds,
        ..Written::default()
    };
    timings.mark("  templates, search, feeds and sitemap");
    let mut errors = Vec::new();

    // Static files, page bundle assets, processed images.
    let mut copies: BTreeMap<String, StaticSource> = BTreeMap::new();
    for (rel, src) in &theme.statics {
        copies.insert(rel.clone(), src.clone());
    }
    for p in &content.pages {
        for a in &p.assets {
            let name = a
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bundle = p
                .bundle_dir
                .as_deref()
                .map(|b| root.join(b))
                .unwrap_or_default();
            let sub = root
                .join(a)
                .strip_prefix(&bundle)
                .map(|r| {
                    r.components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .unwrap_or(name);
            let share = p.front.extra.get("image").and_then(|v| v.as_str());
            if !publish_own_name(processor, config, &root.join(a), &sub, share) {
                continue;
            }
            copies.insert(
                format!("{}{}", p.path.trim_start_matches('/'), sub),
                StaticSource::Disk(root.join(a)),
            );
        }
    }
    for s in &content.sections {
        for a in &s.assets {
            let name = a
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            copies.insert(
                format!("{}{}", s.path.trim_start_matches('/'), name),
                StaticSource::Disk(root.join(a)),
            );
        }
    }
    for (rel, cached) in image_files.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        copies.insert(rel.clone(), StaticSource::Disk(cached.clone()));
    }
    let copy_errors: Vec<Diagnostic> = copies
        .par_iter()
        .filter_map(|(rel, src)| {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let r = match src {
                StaticSource::Disk(p) => match strip_metadata(processor, config, p) {
                    Ok(clean) => sink.copy(rel, clean.as_deref().unwrap_or(p)),
                    Err(e) => {
                        let file = p.strip_prefix(root).unwrap_or(p);
                        return Some(Diagnostic::error(file, 0, 0, e.message(lang)));
                    }
                },
                StaticSource::Bundled(b) => sink.write(rel, b),
            };
            r.err().map(|e| io_diag(rel, e, lang))
        })
        .collect();
    errors.extend(copy_errors);
    timings.mark("  static files and images");
    if errors.is_empty() {
        written.files = count.into_inner();
        Ok(written)
    } else {
        Err(errors)
    }
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

/// Whether a page bundle's file is published under its own name. A photo shown in the page is
/// published as its responsive set only (a second full-size copy would double what the host
/// stores), unless the site keeps originals or the page names it as its share picture
/// (`[extra] image`, which needs a fixed address). HEIC is never published as it is.
fn publish_own_name(
    processor: Option<&images::Processor>,
    config: &Config,
    file: &Path,
    sub: &str,
    share: Option<&str>,
) -> bool {
    use images::assets::Kind;
    let kind = Kind::of(file);
    if kind == Kind::Heif {
        return false;
    }
    let shown = kind == Kind::Photo && processor.is_some_and(|p| p.was_processed(file));
    let is_share = share.is_some_and(|s| vi::nfc(s.trim_start_matches("./")) == vi::nfc(sub));
    !shown || config.images.keep_original || is_share
}

/// A copy without EXIF (a child's photo may carry the GPS position of the school or a home) of
/// a photo the site publishes as is, no wider than `[images] max_width` unless the site keeps
/// originals; `None` when the file needs no cleaning.
fn strip_metadata(
    processor: Option<&images::Processor>,
    config: &Config,
    path: &Path,
) -> Result<Option<PathBuf>, images::ImageError> {
    let Some(p) = processor else { return Ok(None) };
    let is_photo = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "jpg" | "jpeg" | "png" | "webp"
        )
    });
    if !config.images.strip_metadata || !is_photo || path.starts_with(p.cache_dir()) {
        return Ok(None);
    }
    let meta = images::image_meta(path)?;
    let width = match config.images.max_width {
        0 => meta.width,
        _ if config.images.keep_original => meta.width,
        m => meta.width.min(m),
    };
    let v = p.resize(path, images::ResizeOp::FitWidth(width), None)?;
    Ok(Some(v.cache_path))
}

pub(crate) fn write_feeds(
    write: &WriteFn<'_>,
    model: &Model<'_>,
    feed: &FeedSpec,
) -> Result<(), Diagnostic> {
    let FeedSpec {
        path,
        title,
        description,
        lang,
        pages,
        ..
    } = feed;
    let config = model.config;
    let entries: Vec<feeds::Entry<'_>> = pages
        .iter()
        .map(|&i| {
            let p = &model.content.pages[i];
            let b = &model.page_bodies[i];
            feeds::Entry {
                title: &p.title,
                url: config.absolute(&p.path),
                date: p.date,
                updated: p.updated,
                summary: b.summary.as_deref().filter(|s| !s.is_empty()).unwrap_or(
                    if p.description.is_empty() {
                        ""
                    } else {
                        &p.description
                    },
                ),
            }
        })
        .collect();
    let ch = |file: &str| feeds::Channel {
        title,
        description,
        link: config.absolute(path),
        self_url: config.absolute(&format!("{path}{file}")),
        lang,
    };
    write(
        &format!("{}atom.xml", path.trim_start_matches('/')),
        feeds::atom(&ch("atom.xml"), &entries).as_bytes(),
    )?;
    write(
        &format!("{}rss.xml", path.trim_start_matches('/')),
        feeds::rss(&ch("rss.xml"), &entries).as_bytes(),
    )
}

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
        urls.push(feeds::SitemapUrl {
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
        urls.push(feeds::SitemapUrl {
            loc: config.absolute(&s.path),
            lastmod: None,
            alternates,
        });
    }
    for t in model.taxonomies {
        urls.push(feeds::SitemapUrl {
            loc: config.absolute(&t.path),
            lastmod: None,
            alternates: Vec::new(),
        });
        for term in &t.terms {
            urls.push(feeds::SitemapUrl {
                loc: config.absolute(&t.term_path(term)),
                lastmod: None,
                alternates: Vec::new(),
            });
        }
    }
    urls.sort_by(|a, b| a.loc.cmp(&b.loc));
    feeds::sitemap(&urls)
}

pub(crate) fn render_job(
    job: &Job,
    model: &Model<'_>,
    tera: &tera::Tera,
    write: &WriteFn<'_>,
    opts: &Options,
    out_fp: Option<&OutKeys>,
    contexts: &mut render::Contexts<'_>,
) -> Result<(), Diagnostic> {
    let config = model.config;
    let content = model.content;
    let lang = opts.lang;
    let not_found_lang;
    // Which listings of the context are borrowed from the pool.
    let mut lent = render::Lent::Nothing;
    let (template, out_lang, ctx, for_file, rel): (
        String,
        &str,
        Map<String, Value>,
        &Path,
        String,
    ) = match *job {
        Job::Page(i) => {
            let p = &content.pages[i];
            let mut ctx = model.base_map(&p.lang, &p.path);
            ctx.insert("page".into(), contexts.page_value(model, i));
            lent = render::Lent::Page(i);
            (
                render::page_template(content, p),
                &p.lang,
                ctx,
                &p.file,
                render::file_for(&p.path),
            )
        }
        Job::Section(i, k) => {
            let s = &content.sections[i];
            let per = s.front.paginate_by;
            let (slice, total) = pager_slice(&s.pages, per, k);
            let path = render::pager_path(&s.path, k);
            let mut ctx = model.base_map(&s.lang, &path);
            // Paginated, the pager's pages are in `paginator.pages` only (as in Zola): a second
            // copy in `section.pages` cost a tenth of the build.
            if per > 0 {
                lent = render::Lent::Pager(slice);
                let pager = render::paginator(
                    config,
                    &s.path,
                    contexts.listings(model, slice),
                    k,
                    total,
                    per,
                    s.pages.len(),
                );
                ctx.insert("paginator".into(), pager);
                ctx.insert(
                    "section".into(),
                    model.section_value(i, Value::Array(Vec::new())),
                );
            } else {
                ctx.insert(
                    "section".into(),
                    model.section_value(i, model.listings(slice)),
                );
            }
            if s.dir.is_empty() {
                let latest = model.derived.latest.get(&s.lang).cloned();
                ctx.insert("latest_pages".into(), latest.unwrap_or(Value::Null));
            }
            (
                render::section_template(s),
                &s.lang,
                ctx,
                &s.file,
                render::file_for(&path),
            )
        }
        Job::TaxonomyList(t) => {
            let tax = &model.taxonomies[t];
            let mut ctx = model.base_map(&tax.lang, &tax.path);
            ctx.insert("taxonomy".into(), taxonomy_header(config, tax));
            ctx.insert("terms".into(), terms_value(config, tax));
            (
                "taxonomy_list.html".into(),
                &tax.lang,
                ctx,
                Path::new("taxonomy_list.html"),
                render::file_for(&tax.path),
            )
        }
        Job::Term(t, k, n) => {
            let tax = &model.taxonomies[t];
            let term = &tax.terms[k];
            let per = config
                .taxonomy(&tax.name)
                .map(|c| c.paginate_by)
                .unwrap_or(0);
            let base = tax.term_path(term);
            let (slice, total) = pager_slice(&term.pages, per, n);
            let path = render::pager_path(&base, n);
            let pages = if per > 0 {
                lent = render::Lent::Pager(slice);
                contexts.listings(model, slice)
            } else {
                model.listings(slice)
            };
            let mut ctx = model.base_map(&tax.lang, &path);
            ctx.insert("taxonomy".into(), taxonomy_header(config, tax));
            let mut tv = term_value(config, tax, term);
            // As for sections: paginated, the pages are in `paginator.pages` only.
            tv["pages"] = if per > 0 {
                Value::Array(Vec::new())
            } else {
                model.listings(slice)
            };
            ctx.insert("term".into(), tv);
            ctx.insert(
                "paginator".into(),
                render::paginator(config, &base, pages, n, total, per.max(1), term.pages.len()),
            );
            (
                "taxonomy_single.html".into(),
                &tax.lang,
                ctx,
                Path::new("taxonomy_single.html"),
                render::file_for(&path),
            )
        }
        Job::NotFound(l) => {
            not_found_lang = config
                .all_languages()
                .into_iter()
                .nth(l)
                .unwrap_or_else(|| config.default_language.clone());
            let path = format!("{}/404.html", config.lang_prefix(&not_found_lang));
            let ctx = model.base_map(&not_found_lang, &path);
            (
                "404.html".into(),
                &not_found_lang,
                ctx,
                Path::new("404.html"),
                render::file_for(&path),
            )
        }
    };
    // Same template, same inputs: the bytes of the previous build are still right.
    let cache = opts.cache.as_deref().zip(out_fp);
    let key: Option<Key> = cache.map(|(_, keys)| {
        let mut h = blake3::Hasher::new();
        h.update(&keys.fp);
        h.update(template.as_bytes());
        h.update(keys.templates.get(&template).unwrap_or(&[0; 32]));
        for k in CONTEXT_KEYS {
            h.update(k.as_bytes());
            if let Some(v) = ctx.get(k) {
                hash_json(&mut h, v);
            }
        }
        *h.finalize().as_bytes()
    });
    if let (Some((c, _)), Some(k)) = (cache, &key) {
        if let Some((bytes, looked)) = c.output(k) {
            functions::replay(&looked);
            return write(&rel, &bytes);
        }
    }
    let (html, looked) = contexts.with(model, out_lang, ctx, lent, |ctx| {
        functions::recording(|| render::render_bytes(tera, &template, ctx, for_file, lang))
    });
    functions::replay(&looked);
    let html = inject(html?, &opts.inject);
    write(&rel, &html)?;
    if let (Some((c, _)), Some(k)) = (cache, key) {
        c.put_output(k, (Arc::new(html), Arc::new(looked)));
    }
    Ok(())
}

/// The pages of pager `k` of a listing, `per` to a pager (0: one pager), and the number of pagers.
fn pager_slice(pages: &[usize], per: usize, k: usize) -> (&[usize], usize) {
    if per > 0 {
        let start = (k * per).min(pages.len());
        let end = ((k + 1) * per).min(pages.len());
        (&pages[start..end], render::pagers(pages.len(), per))
    } else {
        (pages, 1)
    }
}

/// Everything of a context that differs between outputs (config and lang are in the fingerprint).
const CONTEXT_KEYS: [&str; 10] = [
    "page",
    "section",
    "paginator",
    "taxonomy",
    "terms",
    "term",
    "current_path",
    "latest_pages",
    "lang",
    "current_url",
];
