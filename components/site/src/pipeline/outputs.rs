//! The render-and-write step: every output rendered with templates, beside them the search
//! index and the other site files (feeds, sitemap, redirects, scripts), then the static files,
//! all written to one [`Sink`].

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::load::theme::Theme;
use crate::render::contexts::{Contexts, Listings};
use crate::render::functions;
use crate::render::jobs::{self, Job, Renderer};
use crate::util::timings::Timings;
use crate::util::{into_inner, lock, PAR_CHUNK};
use crate::write::feeds::{self, FeedSpec};
use crate::write::sink::{one_disk_full_error, Bytes, Sink};
use crate::write::site_files::{alias_page, redirects, robots, search_files, sitemap};
use crate::write::statics::{self, io_diag, Copier};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What the output step learned, kept by a preview session.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Files written.
    pub files: usize,
    /// The lookups each output made (see `functions::recording`).
    pub seen: Vec<(Job, Vec<String>)>,
    /// Every feed.
    pub feeds: Vec<FeedSpec>,
    /// Search files per language, names and bytes shared with the sink: kept for a session
    /// only, which reuses the unchanged ones when it makes the index again.
    pub search: SearchFiles,
}

/// Search files per language: name and bytes of each, sorted by name.
pub(crate) type SearchFiles = HashMap<String, Vec<(String, Bytes)>>;

/// Whether the lookups each output makes are recorded (a preview session re-renders the
/// outputs that looked up what changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookups {
    /// Not needed.
    Ignore,
    /// Recorded in [`Written::seen`].
    Record,
}

/// Everything the output step reads, and the one place it writes to.
pub(crate) struct OutputStep<'a> {
    pub sink: &'a Sink,
    pub renderer: Renderer<'a>,
    pub theme: &'a Theme,
    pub root: &'a Path,
    /// Processed image files the bodies publish.
    pub image_files: &'a [(String, PathBuf)],
    pub processor: Option<&'a images::Processor>,
    pub lookups: Lookups,
    /// Files written so far.
    pub count: AtomicUsize,
}

impl OutputStep<'_> {
    fn config(&self) -> &Config {
        self.renderer.model.config
    }

    /// Writes one file, counted.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sink
            .write(rel, bytes)
            .map_err(|e| io_diag(rel, e, self.renderer.lang))
    }

    /// Writes one file whose bytes others may hold too (the session memo), counted.
    fn write_shared(&self, rel: &str, bytes: Bytes) -> Result<(), Diagnostic> {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sink
            .write_shared(rel, bytes)
            .map_err(|e| io_diag(rel, e, self.renderer.lang))
    }

    /// Renders and writes everything; every error found when something fails.
    pub(crate) fn run(self) -> Result<Written, Vec<Diagnostic>> {
        let mut timings = Timings::start();
        // The search index and the other site files need no template: they are made beside
        // the templates, so they fill the moments when rendering leaves a core idle.
        let ((mut errors, seen), ((search, search_errors), (feeds, extra_errors))) = rayon::join(
            || self.render_all(),
            || rayon::join(|| self.index_all(), || self.site_files()),
        );
        errors.extend(search_errors);
        errors.extend(extra_errors);
        if !errors.is_empty() {
            return Err(one_disk_full_error(errors, self.renderer.lang));
        }
        timings.mark("  templates, search, feeds and sitemap");
        let copies = statics::copies(
            self.theme,
            self.renderer.model.content,
            self.root,
            self.image_files,
            self.processor,
            self.config(),
        );
        let copier = Copier {
            sink: self.sink,
            config: self.config(),
            root: self.root,
            processor: self.processor,
            lang: self.renderer.lang,
        };
        let errors = copier.copy_all(&copies);
        timings.mark("  static files and images");
        if !errors.is_empty() {
            return Err(one_disk_full_error(errors, self.renderer.lang));
        }
        Ok(Written {
            files: self.count.into_inner() + copies.len(),
            seen,
            search,
            feeds,
        })
    }

    /// Every output made with templates, in parallel; the errors, and the lookups each output
    /// made when they are recorded.
    fn render_all(&self) -> (Vec<Diagnostic>, Vec<(Job, Vec<String>)>) {
        let model = self.renderer.model;
        let (jobs, loans) = jobs::plan(model, self.renderer.tera);
        let lend = Listings::new(model, &loans);
        let seen = Mutex::new(Vec::new());
        let write = |rel: &str, bytes: Bytes| self.write_shared(rel, bytes);
        let errors = jobs
            .par_iter()
            .with_max_len(4 * PAR_CHUNK)
            .map_init(
                || Contexts::new(Some(&lend)),
                |contexts, job| {
                    let mut run = || self.renderer.render(job, &write, contexts);
                    match self.lookups {
                        Lookups::Record => {
                            let (r, keys) = functions::recording(run);
                            if !keys.is_empty() {
                                lock(&seen).push((*job, keys));
                            }
                            r.err()
                        }
                        Lookups::Ignore => run().err(),
                    }
                },
            )
            .flatten()
            .collect();
        (errors, into_inner(seen))
    }

    /// The search index of every language (when search is on): its files per language (for a
    /// session), and the errors.
    fn index_all(&self) -> (SearchFiles, Vec<Diagnostic>) {
        let made = Mutex::new(SearchFiles::new());
        let failed = Mutex::new(Vec::new());
        let config = self.config();
        if config.search.enabled {
            config.all_languages().par_iter().for_each(|lang_code| {
                search_files(self.renderer.model, lang_code, |rel, bytes| {
                    let bytes = Bytes::new(bytes, self.renderer.pack);
                    if let Err(e) = self.write_shared(&rel, bytes.clone()) {
                        lock(&failed).push(e);
                    }
                    if self.lookups == Lookups::Record {
                        let file = (rel, bytes);
                        lock(&made).entry(lang_code.clone()).or_default().push(file);
                    }
                });
            });
        }
        let mut made = into_inner(made);
        for list in made.values_mut() {
            list.sort_by(|a, b| a.0.cmp(&b.0));
        }
        (made, into_inner(failed))
    }

    /// Redirects, feeds, the search script, the highlighting styles, sitemap and robots.txt:
    /// the feeds made, and the errors.
    fn site_files(&self) -> (Vec<FeedSpec>, Vec<Diagnostic>) {
        let model = self.renderer.model;
        let config = self.config();
        let mut errors = Vec::new();
        let mut push = |r: Result<(), Diagnostic>| {
            if let Err(e) = r {
                errors.push(e);
            }
        };
        let (tera, lang) = (self.renderer.tera, self.renderer.lang);
        for (rel, url) in redirects(model) {
            push(alias_page(tera, &rel, &url, lang).and_then(|html| self.write(&rel, &html)));
        }
        let specs = feeds::feed_specs(model);
        let write = |rel: &str, bytes: &[u8]| self.write(rel, bytes);
        for f in &specs {
            push(feeds::write_feeds(&write, model, tera, f, lang));
        }
        if config.search.enabled {
            push(self.write("search.js", search::SCRIPT.as_bytes()));
        }
        push(self.write("syntax.css", markdown::highlight_css().as_bytes()));
        push(sitemap(model, tera, lang).and_then(|x| self.write("sitemap.xml", &x)));
        push(robots(model, tera, lang).and_then(|x| self.write("robots.txt", &x)));
        (specs, errors)
    }
}
