//! The fast path's last step: the listings and outputs an edit made stale ([`super::dirty`])
//! rendered again, with the feeds and the sitemap that show them.

use super::dirty::{refeed, relatest, relist, resort, shown_by, Redo};
use super::reread::Edit;
use super::state::{File, State, Stop};
use crate::diag::Diagnostic;
use crate::options::Options;
use crate::render::contexts::Contexts;
use crate::render::functions::{self, Lookup};
use crate::render::jobs::{Job, OutFn, Renderer};
use crate::render::values::Model;
use crate::write::feeds::{write_feeds, FeedSpec};
use crate::write::sink::Bytes;
use crate::write::site_files::sitemap;
use rayon::prelude::*;
use std::sync::{Arc, Mutex};

/// Sorts, lists and renders again what the edit of `edits` made stale. Returns the files made
/// and how many outputs were rendered (a feed counts twice: Atom and RSS). A template that
/// fails on the new values poisons the state: the full rebuild reports it the usual way.
pub(super) fn redo(
    st: &mut State,
    opts: &Options,
    edits: &[usize],
    edit: &Edit,
) -> Result<(Vec<File>, usize), Stop> {
    let mut redo = Redo::default();
    redo.jobs.extend(edits.iter().map(|&i| Job::Page(i)));
    let content = &mut st.built.content;
    resort(
        content,
        &mut st.kept.taxonomies,
        &st.built.config,
        &edit.moved,
        &mut redo,
    );

    // The template functions share the listings: take them back first, so that changing
    // them copies nothing.
    functions::register(&mut st.kept.tera, Arc::new(Lookup::default()));
    Arc::make_mut(&mut st.kept.lookup).listings = Arc::default();
    let derived = std::mem::take(&mut st.kept.derived);
    let mut model = Model::with_derived(
        &st.built.config,
        &st.built.content,
        &st.built.page_bodies,
        &st.kept.section_bodies,
        &st.kept.taxonomies,
        derived,
    );
    relist(&mut model, edits, edit, &mut redo);
    relatest(&mut model, &edit.moved, &mut redo);
    shown_by(&model, &st.users, &mut redo);

    // Give the template functions the new listings and orders.
    new_listings(Arc::make_mut(&mut st.kept.lookup), &model, &redo.resorted);
    functions::register(&mut st.kept.tera, st.kept.lookup.clone());
    let feeds = refeed(&mut st.kept.feeds, &model, &edit.moved, &redo);

    let renderer = Renderer {
        model: &model,
        tera: &st.kept.tera,
        lang: opts.lang,
        inject: opts.inject.as_deref(),
        pack: opts.pack,
        memo: None,
    };
    let stale = Stale {
        jobs: redo.jobs,
        feeds: feeds.iter().map(|&f| &st.kept.feeds[f]).collect(),
        sitemap: edit.redated,
    };
    let (files, relooks, failed) = render_stale(&renderer, stale);
    st.kept.derived = model.into_derived();
    let rendered = relooks.len() + 2 * feeds.len();
    for (job, keys) in relooks {
        st.relook(job, keys);
    }
    if failed {
        st.poisoned = true;
        return Err(Stop::Full);
    }
    Ok((files, rendered))
}

/// Gives the template functions' lookup the new listings and the sections' new orders.
fn new_listings(lookup: &mut Lookup, model: &Model<'_>, resorted: &[usize]) {
    lookup.listings = model.derived.listings.clone();
    for &si in resorted {
        let s = &model.content.sections[si];
        lookup
            .section_pages
            .insert(s.relative_path.clone(), s.pages.clone());
    }
}

/// The lookups each output rendered again made.
type Relooks = Vec<(Job, Vec<String>)>;

/// What is rendered again: the outputs, the feeds, and whether the sitemap.
struct Stale<'a> {
    jobs: std::collections::HashSet<Job>,
    feeds: Vec<&'a FeedSpec>,
    sitemap: bool,
}

/// Renders the stale outputs, feeds and sitemap: the files, the outputs' lookups, any failure.
fn render_stale(renderer: &Renderer<'_>, stale: Stale<'_>) -> (Vec<File>, Relooks, bool) {
    let (model, tera, lang) = (renderer.model, renderer.tera, renderer.lang);
    let out: Mutex<Vec<File>> = Mutex::new(Vec::new());
    let write = |rel: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        let bytes = Bytes::new(bytes.to_vec(), renderer.pack);
        crate::util::lock(&out).push((rel.to_string(), bytes));
        Ok(())
    };
    let hand = |rel: &str, bytes: Bytes| -> Result<(), Diagnostic> {
        crate::util::lock(&out).push((rel.to_string(), bytes));
        Ok(())
    };
    let (relooks, mut failed) = render_jobs(renderer, stale.jobs, &hand);
    for feed in stale.feeds {
        failed |= write_feeds(&write, model, tera, feed, lang).is_err();
    }
    if stale.sitemap {
        match sitemap(model, tera, lang) {
            Ok(xml) => write("sitemap.xml", &xml).unwrap_or(()),
            Err(_) => failed = true,
        }
    }
    (crate::util::into_inner(out), relooks, failed)
}

/// Renders `jobs` in parallel through `write`: the lookups each made, and whether one failed.
fn render_jobs(
    renderer: &Renderer<'_>,
    jobs: std::collections::HashSet<Job>,
    write: &OutFn<'_>,
) -> (Relooks, bool) {
    let jobs: Vec<Job> = jobs.into_iter().collect();
    let results: Vec<(Job, bool, Vec<String>)> = jobs
        .par_iter()
        .map_init(
            || Contexts::new(None),
            |contexts, job| {
                let (r, keys) = functions::recording(|| renderer.render(job, write, contexts));
                (*job, r.is_err(), keys)
            },
        )
        .collect();
    let failed = results.iter().any(|r| r.1);
    let relooks = results
        .into_iter()
        .map(|(job, _, keys)| (job, keys))
        .collect();
    (relooks, failed)
}
