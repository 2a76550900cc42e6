//! The build, as named steps: load -> model -> Markdown -> render and write -> finish. Each
//! step runs in parallel inside where it can; [`run`] reads as the list of steps.

mod outputs;
mod steps;

pub(crate) use outputs::Lookups;

use crate::config::Config;
use crate::diag::{Diagnostic, Failed};
use crate::load::content::Content;
use crate::load::theme::Theme;
use crate::model::taxonomy::Taxonomy;
use crate::options::Options;
use crate::render::functions::{self, Lookup};
use crate::render::jobs::{Job, Renderer};
use crate::render::keys::OutKeys;
use crate::render::lookup::make_lookup;
use crate::render::markdown::Body;
use crate::render::memo::Reuse;
use crate::render::values::{Derived, Model};
use crate::util::timings::Timings;
use crate::write::feeds::FeedSpec;
use crate::write::marker::Recorder;
use crate::write::sink::{Files, Sink, WriteStats};
use i18n::tr;
use outputs::{OutputStep, Written};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use steps::{load_stage, markdown_stage, model_stage, open_sink, output_diag, Loaded, Marked};

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
    pub memory: Option<Files>,
    /// Images processed and reused from the cache.
    pub images: (usize, usize),
    /// Config used.
    pub config: Config,
    /// Loaded content (for check).
    pub content: Content,
    /// Rendered page bodies (for check).
    pub page_bodies: Vec<Arc<Body>>,
    /// What came from the session cache (serve).
    pub reuse: Reuse,
    /// The output folder already held this build, so nothing was rendered or written
    /// (`pages` and `sections` are then 0; see `fresh`).
    pub up_to_date: bool,
}

/// What a preview session keeps of a build besides [`Built`].
pub(crate) struct Kept {
    pub tera: tera::Tera,
    pub taxonomies: Vec<Taxonomy>,
    pub links: Arc<HashMap<String, String>>,
    pub section_bodies: Vec<Arc<Body>>,
    pub derived: Derived,
    /// The values template functions return (also registered in `tera`).
    pub lookup: Arc<Lookup>,
    /// The lookups each output made.
    pub seen: Vec<(Job, Vec<String>)>,
    pub feeds: Vec<FeedSpec>,
    /// Search files per language, as served (sorted by name).
    pub search: outputs::SearchFiles,
    /// Whether some page's Markdown looked up pages or sections.
    pub looked_up: bool,
    /// Processed image files each page publishes.
    pub page_images: Vec<Vec<(String, PathBuf)>>,
    pub processor: Option<images::Processor>,
}

/// Who the build is for: what it must keep, and when it may let go of the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// One build (`bangtin build`, `check`): nothing is kept.
    Once,
    /// A preview session: [`Kept`] is returned, every listing made up front (the session
    /// compares them after an edit) and each output's lookups recorded.
    Session,
}

/// The config of a build: `config.toml` with the options' base URL.
pub(crate) fn config(opts: &Options) -> Result<Config, Failed> {
    let mut config = Config::load(&opts.root, opts.lang).map_err(|d| Failed(vec![d]))?;
    if let Some(b) = &opts.base_url {
        config.base_url = b.trim_end_matches('/').to_string();
    }
    Ok(config)
}

/// Builds a site from its `config`; for a session, also returns what it needs to rebuild parts
/// of it. `recorder` records the build in the output's marker (see `fresh`). On error nothing
/// in the output folder changes.
pub(crate) fn run(
    opts: &Options,
    config: Config,
    progress: &(dyn Fn(&str) + Sync),
    recorder: Option<&dyn Recorder>,
    started: Instant,
    purpose: Purpose,
) -> Result<(Built, Option<Kept>), Failed> {
    if let Some(c) = &opts.cache {
        c.begin();
    }
    let lang = opts.lang;
    progress(&tr!(lang, "Đọc nội dung", "Reading content"));
    let mut timings = Timings::start();
    let mut site = prepare_stage(opts, config, progress, recorder, &mut timings)?;
    let model = Model::new(
        &site.config,
        &site.content,
        &site.marked.page_bodies,
        &site.marked.section_bodies,
        &site.taxonomies,
        all_listings(opts, purpose, &site.theme),
    );
    let (lookup, out_keys) = lookup_stage(opts, &site, &model);
    functions::register(&mut site.tera, lookup.clone());
    timings.mark("model + lookup");
    progress(&tr!(lang, "Dựng trang", "Rendering pages"));
    let sink = open_sink(opts)?;
    let renderer = Renderer {
        model: &model,
        tera: &site.tera,
        lang,
        inject: opts.inject.as_deref(),
        pack: opts.pack,
        memo: opts.cache.as_deref().zip(out_keys.as_ref()),
    };
    let (sink, written) = render_and_write(opts, purpose, sink, renderer, &site, &mut timings)?;
    let derived = model.into_derived();
    let (kept, parts) = split_kept(site, derived, lookup, written);
    let kept = keep_or_let_go(kept, purpose, opts.exits_after);
    let committed = sink
        .commit(recorder)
        .map_err(|e| Failed(vec![output_diag(&e, lang)]))?;
    Ok((parts.built(committed, opts, started), kept))
}

/// What the steps before rendering made: the content, the templates, the Markdown bodies.
struct Prepared {
    config: Config,
    content: Content,
    theme: Theme,
    tera: tera::Tera,
    taxonomies: Vec<Taxonomy>,
    links: Arc<HashMap<String, String>>,
    marked: Marked,
}

/// What [`Built`] tells besides the write's figures, kept while the output is committed.
struct BuiltParts {
    config: Config,
    content: Content,
    page_bodies: Vec<Arc<Body>>,
    warnings: Vec<Diagnostic>,
    files: usize,
    images: (usize, usize),
}

/// The load, model and Markdown steps, each timed: what rendering needs.
fn prepare_stage(
    opts: &Options,
    config: Config,
    progress: &(dyn Fn(&str) + Sync),
    recorder: Option<&dyn Recorder>,
    timings: &mut Timings,
) -> Result<Prepared, Failed> {
    let Loaded {
        content,
        theme,
        mut tera,
        errors,
    } = load_stage(opts, &config, recorder)?;
    timings.mark("load content + templates");
    let (taxonomies, links) = model_stage(&config, &content, &theme, &mut tera);
    timings.mark("taxonomies + first lookup");
    progress(&tr!(opts.lang, "Dựng Markdown", "Rendering Markdown"));
    let marked = markdown_stage(opts, &config, &content, &theme, &tera, &links, errors)?;
    timings.mark("markdown + anchors");
    Ok(Prepared {
        config,
        content,
        theme,
        tera,
        taxonomies,
        links,
        marked,
    })
}

/// Whether every listing is made up front rather than by each output that shows it.
fn all_listings(opts: &Options, purpose: Purpose, theme: &Theme) -> bool {
    // Only for the template functions or a session or cache (which compare them).
    purpose == Purpose::Session || opts.cache.is_some() || theme.templates_list_pages()
}

/// The values template functions return, and the keys of the outputs in the session memo.
fn lookup_stage(
    opts: &Options,
    site: &Prepared,
    model: &Model<'_>,
) -> (Arc<Lookup>, Option<OutKeys>) {
    let lookup = make_lookup(&site.config, model, &site.links, &site.theme);
    let inject = opts.inject.as_deref();
    let out_keys = site
        .marked
        .md_fp
        .as_ref()
        .map(|fp| OutKeys::new(fp, &site.theme, &lookup, &model.derived.home, inject));
    (Arc::new(lookup), out_keys)
}

/// Renders and writes every output into the sink, handed back to be committed.
fn render_and_write(
    opts: &Options,
    purpose: Purpose,
    sink: Sink,
    renderer: Renderer<'_>,
    site: &Prepared,
    timings: &mut Timings,
) -> Result<(Sink, Written), Failed> {
    let step = OutputStep {
        sink: &sink,
        renderer,
        theme: &site.theme,
        root: opts.root.as_path(),
        image_files: &site.marked.image_files,
        processor: site.marked.processor.as_ref(),
        lookups: match purpose {
            Purpose::Once => Lookups::Ignore,
            Purpose::Session => Lookups::Record,
        },
        count: AtomicUsize::new(0),
    };
    let result = step.run();
    timings.mark("render + write");
    match result {
        Ok(written) => Ok((sink, written)),
        Err(errs) => {
            // The output folder is left as it was.
            sink.abort();
            Err(Failed(errs))
        }
    }
}

/// Splits what the build made into what a session keeps and what [`Built`] reports.
fn split_kept(
    site: Prepared,
    derived: Derived,
    lookup: Arc<Lookup>,
    written: Written,
) -> (Kept, BuiltParts) {
    let marked = site.marked;
    let images = marked.processor.as_ref().map(|p| {
        let s = p.stats();
        (s.processed, s.reused)
    });
    let kept = Kept {
        tera: site.tera,
        taxonomies: site.taxonomies,
        links: site.links,
        section_bodies: marked.section_bodies,
        derived,
        lookup,
        seen: written.seen,
        feeds: written.feeds,
        search: written.search,
        looked_up: marked.looked_up,
        page_images: marked.page_images,
        processor: marked.processor,
    };
    let parts = BuiltParts {
        config: site.config,
        content: site.content,
        page_bodies: marked.page_bodies,
        warnings: marked.warnings,
        files: written.files,
        images: images.unwrap_or((0, 0)),
    };
    (kept, parts)
}

impl BuiltParts {
    /// What the build did, once its output is committed.
    fn built(
        self,
        (stats, memory): (WriteStats, Option<Files>),
        opts: &Options,
        started: Instant,
    ) -> Built {
        Built {
            pages: self.content.pages.len(),
            sections: self.content.sections.len(),
            files: self.files,
            stats,
            warnings: self.warnings,
            elapsed: started.elapsed(),
            memory,
            images: self.images,
            config: self.config,
            content: self.content,
            page_bodies: self.page_bodies,
            reuse: opts.cache.as_ref().map(|c| c.finish()).unwrap_or_default(),
            up_to_date: false,
        }
    }
}

/// What a session keeps. Without a session to keep it, freeing all that (a value per page,
/// each listing, the templates) takes tens of milliseconds: left to the system when the
/// process ends, else done beside the commit instead of before it.
fn keep_or_let_go(kept: Kept, purpose: Purpose, exits_after: bool) -> Option<Kept> {
    match purpose {
        Purpose::Session => Some(kept),
        Purpose::Once if exits_after => {
            std::mem::forget(kept);
            None
        }
        Purpose::Once => {
            rayon::spawn(move || drop(kept));
            None
        }
    }
}
