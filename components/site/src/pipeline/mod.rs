//! The build, as named steps: load -> model -> Markdown -> render and write -> finish. Each
//! step runs in parallel inside where it can; [`run`] reads as the list of steps.

mod outputs;
mod steps;

pub(crate) use outputs::Lookups;

use crate::config::Config;
use crate::diag::{Diagnostic, Failed};
use crate::load::content::Content;
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
use crate::write::sink::WriteStats;
use i18n::tr;
use outputs::OutputStep;
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
    pub memory: Option<crate::write::sink::Files>,
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
    /// (`pages` and `sections` are then 0; see `fresh`).
    pub up_to_date: bool,
}

/// What a preview session keeps of a build besides [`Built`].
pub(crate) struct Kept {
    pub tera: tera::Tera,
    pub taxonomies: Vec<Taxonomy>,
    pub links: Arc<HashMap<String, String>>,
    pub section_bodies: Vec<Body>,
    pub derived: Derived,
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
    let root = opts.root.as_path();
    progress(&tr!(lang, "Đọc nội dung", "Reading content"));
    let mut timings = Timings::start();
    let Loaded {
        content,
        theme,
        mut tera,
        errors,
    } = load_stage(opts, &config, recorder)?;
    timings.mark("load content + templates");
    let (taxonomies, links) = model_stage(&config, &content, &theme, &mut tera);
    timings.mark("taxonomies + first lookup");
    progress(&tr!(lang, "Dựng Markdown", "Rendering Markdown"));
    let Marked {
        page_bodies,
        section_bodies,
        warnings,
        looked_up,
        page_images,
        image_files,
        processor,
        md_fp,
    } = markdown_stage(opts, &config, &content, &theme, &tera, &links, errors)?;
    timings.mark("markdown + anchors");
    // Every listing is made up front only for the template functions or a session or cache
    // (which compare them); else each output makes the ones it shows.
    let all_listings =
        purpose == Purpose::Session || opts.cache.is_some() || theme.templates_list_pages();
    let model = Model::new(
        &config,
        &content,
        &page_bodies,
        &section_bodies,
        &taxonomies,
        all_listings,
    );
    let lookup = make_lookup(&config, &model, &links, &theme);
    let inject = opts.inject.as_deref();
    let out_keys = md_fp.map(|fp| OutKeys::new(&fp, &theme, &lookup, &model.derived.home, inject));
    let lookup = Arc::new(lookup);
    functions::register(&mut tera, lookup.clone());
    timings.mark("model + lookup");
    progress(&tr!(lang, "Dựng trang", "Rendering pages"));
    let sink = open_sink(opts)?;
    let step = OutputStep {
        sink: &sink,
        renderer: Renderer {
            model: &model,
            tera: &tera,
            lang,
            inject: opts.inject.as_deref(),
            memo: opts.cache.as_deref().zip(out_keys.as_ref()),
        },
        theme: &theme,
        root,
        image_files: &image_files,
        processor: processor.as_ref(),
        lookups: match purpose {
            Purpose::Once => Lookups::Ignore,
            Purpose::Session => Lookups::Record,
        },
        count: AtomicUsize::new(0),
    };
    let result = step.run();
    timings.mark("render + write");
    let written = match result {
        Ok(w) => w,
        Err(errs) => {
            sink.abort();
            return Err(Failed(errs));
        }
    };
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
    let kept = keep_or_let_go(kept, purpose, opts.exits_after);
    let (stats, memory) = sink
        .commit(recorder)
        .map_err(|e| Failed(vec![output_diag(&e, lang)]))?;
    let built = Built {
        pages: content.pages.len(),
        sections: content.sections.len(),
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
