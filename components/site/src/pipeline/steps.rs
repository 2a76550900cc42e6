//! The steps of [`super::run`] that make owned values: load, model, Markdown, and opening the
//! output. Each takes what earlier steps made and returns what later ones need.

use crate::config::Config;
use crate::diag::{Diagnostic, Failed};
use crate::load::content::{self, Content, Filter};
use crate::load::published::heavy_files;
use crate::load::theme::{Outputs, Theme};
use crate::model::sort::list_sections;
use crate::model::taxonomy::{self, Taxonomy};
use crate::options::{today, Options};
use crate::render::anchors::check_anchors;
use crate::render::bodies::{md_options, Bodies, BodyResult};
use crate::render::functions;
use crate::render::keys::fingerprint;
use crate::render::lookup::{base_lookup, make_lookup};
use crate::render::markdown::Body;
use crate::render::tera::{compile, page_template, section_template};
use crate::render::values::Model;
use crate::util::hash::Key;
use crate::util::PAR_CHUNK;
use crate::write::marker::Recorder;
use crate::write::names::awkward_names;
use crate::write::sink::{is_disk_full, write_failure, OutputError, Sink};
use i18n::{tr, Lang};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What the load step read.
pub(super) struct Loaded {
    pub content: Content,
    pub theme: Theme,
    pub tera: tera::Tera,
    /// Errors found in the content (the build goes on to find the Markdown's too).
    pub errors: Vec<Diagnostic>,
}

/// Reads `content/` (each section's listing ordered) and, beside it, the theme, compiled.
/// A template error stops the build here, with the content's errors.
pub(super) fn load_stage(
    opts: &Options,
    config: &Config,
    recorder: Option<&dyn Recorder>,
) -> Result<Loaded, Failed> {
    let (lang, root) = (opts.lang, opts.root.as_path());
    let filter = Filter {
        drafts: opts.drafts,
        future: opts.future,
        today: Some(today()),
    };
    let (content, theme) = rayon::join(
        || {
            let (mut content, errors) = content::load(root, config, filter, lang);
            list_sections(&mut content);
            (content, errors)
        },
        || {
            let theme = Theme::load(root, config, lang)?;
            let tera = compile(&theme, config, root, lang)?;
            Ok::<_, Vec<Diagnostic>>((theme, tera))
        },
    );
    let (content, mut errors) = content;
    if let Some(r) = recorder {
        r.read(&content.read);
    }
    match theme {
        Ok((theme, tera)) => Ok(Loaded {
            content,
            theme,
            tera,
            errors,
        }),
        Err(e) => {
            errors.extend(e);
            Err(Failed(errors))
        }
    }
}

/// The taxonomies and the link table (content path -> URL path), and the template functions
/// the Markdown's shortcodes may call.
///
/// Shortcodes may call get_url/get_page/get_section while Markdown renders: they get the model
/// without rendered bodies now, and the full model once bodies exist. Listing every page is
/// costly, so only when a shortcode can look pages up at all.
pub(super) fn model_stage(
    config: &Config,
    content: &Content,
    theme: &Theme,
    tera: &mut tera::Tera,
) -> (Vec<Taxonomy>, Arc<HashMap<String, String>>) {
    let (taxonomies, links) = rayon::join(
        || taxonomy::build(config, content),
        || Arc::new(link_table(content)),
    );
    let lookup = if theme.shortcodes_look_up() {
        let empty_pages = vec![Arc::<Body>::default(); content.pages.len()];
        let empty_sections = vec![Arc::<Body>::default(); content.sections.len()];
        let model = Model::new(
            config,
            content,
            &empty_pages,
            &empty_sections,
            &taxonomies,
            true,
        );
        make_lookup(config, &model, &links, theme)
    } else {
        base_lookup(config, &taxonomies, &links, theme)
    };
    functions::register(tera, Arc::new(lookup));
    (taxonomies, links)
}

/// Content path (`bien-dao/hoang-sa.md`) -> URL path, of every page and section.
fn link_table(content: &Content) -> HashMap<String, String> {
    let mut links: HashMap<String, String> = HashMap::new();
    for p in &content.pages {
        links.insert(p.relative_path.clone(), p.path.clone());
    }
    for s in &content.sections {
        links.insert(s.relative_path.clone(), s.path.clone());
    }
    links
}

/// What the Markdown step made.
pub(super) struct Marked {
    pub page_bodies: Vec<Arc<Body>>,
    pub section_bodies: Vec<Arc<Body>>,
    /// Every warning of the build so far.
    pub warnings: Vec<Diagnostic>,
    /// Whether some page's Markdown looked up pages or sections.
    pub looked_up: bool,
    /// Processed image files each page publishes.
    pub page_images: Vec<Vec<(String, PathBuf)>>,
    /// Every processed image file the bodies publish.
    pub image_files: Vec<(String, PathBuf)>,
    pub processor: Option<images::Processor>,
    /// The Markdown fingerprint, with a session cache.
    pub md_fp: Option<Key>,
}

/// Renders the Markdown of every page and section in parallel and checks the links to
/// anchors; stops the build with every error found so far (`errors`, from the load step).
pub(super) fn markdown_stage(
    opts: &Options,
    config: &Config,
    content: &Content,
    theme: &Theme,
    tera: &tera::Tera,
    links: &HashMap<String, String>,
    mut errors: Vec<Diagnostic>,
) -> Result<Marked, Failed> {
    let (lang, root) = (opts.lang, opts.root.as_path());
    let pager_warnings = theme.pager_warnings(&outputs(config, content), lang);
    let processor = image_processor(opts, config);
    let md_fp = opts
        .cache
        .as_ref()
        .map(|_| fingerprint(config, theme, content, root));
    let bodies = Bodies {
        links,
        tera,
        config,
        root,
        processor: processor.as_ref(),
        md_opts: md_options(config, lang),
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
        .map(|s| {
            let (file, raw, at) = (&s.file, &s.raw, s.body_offset);
            bodies.render(file, raw, at, None, &s.path, &s.lang, &s.assets)
        })
        .collect();
    let mut marked = Marked {
        page_bodies: Vec::new(),
        section_bodies: Vec::new(),
        warnings: content.warnings.clone(),
        looked_up: false,
        page_images: Vec::with_capacity(content.pages.len()),
        image_files: Vec::new(),
        processor: None,
        md_fp,
    };
    marked.warnings.extend(pager_warnings);
    marked
        .warnings
        .extend(heavy_files(config, root, content, lang));
    marked.warnings.extend(awkward_names(content, lang));
    marked.warnings.extend(huge_pages(content, lang));
    marked.page_bodies = marked.take(page_results, true, &mut errors);
    marked.section_bodies = marked.take(section_results, false, &mut errors);
    check_anchors(
        content,
        &marked.page_bodies,
        &marked.section_bodies,
        links,
        lang,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(Failed(errors));
    }
    marked.processor = processor;
    Ok(marked)
}

impl Marked {
    /// The bodies of `results`, their warnings, images and errors noted (`pages`: the results
    /// are pages', whose images are kept per page).
    fn take(
        &mut self,
        results: Vec<BodyResult>,
        pages: bool,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<Arc<Body>> {
        results
            .into_iter()
            .map(|r| match r {
                Ok(r) => {
                    self.warnings.extend(r.warnings);
                    self.looked_up |= r.looked_up;
                    self.image_files.extend(r.images.iter().cloned());
                    if pages {
                        self.page_images.push(r.images);
                    }
                    r.body
                }
                Err((e, w)) => {
                    self.warnings.extend(w);
                    errors.extend(e);
                    if pages {
                        self.page_images.push(Vec::new());
                    }
                    Arc::<Body>::default()
                }
            })
            .collect()
    }
}

/// The image processor, when the site processes images.
fn image_processor(opts: &Options, config: &Config) -> Option<images::Processor> {
    let cache_dir = opts
        .cache_dir
        .clone()
        .unwrap_or_else(|| opts.root.join(".bangtin-cache"));
    config.images.enabled.then(|| {
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
    })
}

/// Which templates the outputs are rendered with (see [`Theme::pager_warnings`]).
fn outputs(config: &Config, content: &Content) -> Outputs {
    let mut o = Outputs::default();
    for p in &content.pages {
        o.all.insert(page_template(content, p));
    }
    for s in content.sections.iter().filter(|s| s.front.render) {
        let name = section_template(s);
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

/// The output: a staging folder beside the output folder, or memory.
pub(super) fn open_sink(opts: &Options) -> Result<Sink, Failed> {
    if opts.memory {
        return Ok(Sink::memory(opts.pack));
    }
    let out = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"));
    Sink::stage(&out).map_err(|e| Failed(vec![output_diag(&e, opts.lang)]))
}

/// The output folder cannot be used or written.
pub(super) fn output_diag(e: &OutputError, lang: Lang) -> Diagnostic {
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
        OutputError::Io { path, source } if is_disk_full(source) => {
            Diagnostic::error(path, 0, 0, write_failure(source, lang))
        }
        OutputError::Io { path, source } => Diagnostic::error(path, 0, 0, tr!(lang, "không ghi được: {source}", "cannot write: {source}")),
    }
}

/// Pages longer than any reader scrolls through (a long plan is a few hundred KB).
const HUGE_PAGE: usize = 5 << 20;

/// A warning for each page whose text is over [`HUGE_PAGE`]: it builds, but a phone on a slow
/// connection gives up on it.
fn huge_pages(content: &Content, lang: Lang) -> Vec<Diagnostic> {
    let pages = content.pages.iter().map(|p| (&p.file, p.raw.len()));
    let sections = content.sections.iter().map(|s| (&s.file, s.raw.len()));
    pages
        .chain(sections)
        .filter(|(_, len)| *len > HUGE_PAGE)
        .map(|(file, len)| {
            let mb = len >> 20;
            Diagnostic::warning(
                file,
                0,
                0,
                tr!(
                    lang,
                    "trang dài {mb} MB chữ: điện thoại của phụ huynh tải rất chậm hoặc không mở được. Hãy chia thành nhiều bài nhỏ",
                    "the page holds {mb} MB of text: parents' phones load it very slowly or not at all. Split it into several smaller pages"
                ),
            )
        })
        .collect()
}
