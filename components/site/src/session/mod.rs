//! A preview session: the last build stays in memory, so saving a page re-reads only that file
//! and re-renders only the outputs that show what changed (DESIGN.md, "Incremental rebuilds").
//!
//! The fast path covers what teachers do most while previewing: editing the body, the title or
//! the description of existing pages. Anything else (new, deleted or renamed files, other front
//! matter, sections, templates, config, data, static files) takes a full rebuild, which the
//! session cache (`render/memo.rs`) still makes cheaper than a fresh one. Both paths give the same
//! bytes as a fresh build of the same files (tests/incremental.rs checks this).

mod dirty;
mod incremental;
mod redo;
mod reread;
mod state;
mod unsaved;

pub use state::Delta;
pub use unsaved::Unsaved;

use crate::diag::{Diagnostic, Failed};
use crate::options::Options;
use crate::pipeline::{self, Purpose};
use crate::render::memo::{Cache, Reuse};
use crate::render::values::Model;
use crate::util::Bytes;
use crate::write::sink::Files;
use crate::write::site_files::search_files;
use incremental::incremental;
use state::{File, State};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use unsaved::render_unsaved;

/// The output of a rebuild.
#[derive(Debug)]
pub enum Output {
    /// Every file (after a full build).
    All(Files),
    /// Only what changed since the previous rebuild.
    Changed(Delta),
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Update {
    /// The new output.
    pub output: Output,
    /// Pages in the site.
    pub pages: usize,
    /// Bodies and outputs reused and rendered.
    pub reuse: Reuse,
    /// Whether only the changed files were read again (no full rebuild).
    pub incremental: bool,
    /// Warnings of the whole site.
    pub warnings: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// Whether [`Session::finish`] has search index files to rebuild.
    pub search_pending: bool,
}

/// Builds a site again and again, keeping what it can between builds.
pub struct Session {
    opts: Options,
    state: Option<State>,
    /// Files changed since the last successful build (relative to the site folder).
    pending: BTreeSet<PathBuf>,
    /// Languages whose search index is out of date.
    search_dirty: BTreeSet<String>,
}

/// `path` relative to the site folder, whether given absolute or relative.
fn relative(root: &Path, path: &Path) -> PathBuf {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect()
}

impl Session {
    /// A session building `opts.root` into memory.
    pub fn new(mut opts: Options) -> Session {
        opts.memory = true;
        opts.pack = true;
        if opts.cache.is_none() {
            opts.cache = Some(Arc::new(Cache::new()));
        }
        Session {
            opts,
            state: None,
            pending: BTreeSet::new(),
            search_dirty: BTreeSet::new(),
        }
    }

    /// Makes the next rebuild a full one (e.g. when file events may have been lost).
    pub fn forget(&mut self) {
        self.state = None;
    }

    /// The options builds use.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Rebuilds after `changed` files (paths under the site folder; empty for the first build).
    /// On error the previous output stays valid and the files are tried again next time.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Update, Failed> {
        let started = Instant::now();
        let root = self.opts.root.clone();
        self.pending
            .extend(changed.iter().map(|p| relative(&root, p)));
        if let Some(st) = self.state.as_mut() {
            let paths: Vec<PathBuf> = self.pending.iter().cloned().collect();
            if let Some(r) = incremental(st, &self.opts, &paths) {
                let (delta, rendered, search) = r?;
                self.pending.clear();
                self.search_dirty.extend(search);
                return Ok(Update {
                    output: Output::Changed(delta),
                    pages: st.built.content.pages.len(),
                    reuse: Reuse {
                        reused: 0,
                        rendered,
                    },
                    incremental: true,
                    warnings: st.built.warnings.clone(),
                    elapsed: started.elapsed(),
                    search_pending: !self.search_dirty.is_empty(),
                });
            }
        }
        let config = pipeline::config(&self.opts)?;
        let (mut built, kept) =
            pipeline::run(&self.opts, config, &|_| {}, None, started, Purpose::Session)?;
        let files = built.memory.take().unwrap_or_default();
        let update = Update {
            output: Output::All(files),
            pages: built.pages,
            reuse: built.reuse,
            incremental: false,
            warnings: built.warnings.clone(),
            elapsed: started.elapsed(),
            search_pending: false,
        };
        self.pending.clear();
        self.search_dirty.clear();
        self.state = kept.map(|k| State::new(built, k));
        Ok(update)
    }

    /// Renders the page of `rel` (a Markdown file of `content/`, relative to the site folder)
    /// as if it held `text`: the whole themed HTML page, without the live-reload snippet, and the
    /// processed photos it shows. Works for pages the last build left out (drafts, new files).
    /// The session is unchanged after (the desk's live preview; session/unsaved.rs).
    pub fn render_unsaved(&mut self, rel: &Path, text: &str) -> Result<Unsaved, Failed> {
        let rel = relative(&self.opts.root, rel);
        let (root, lang) = (self.opts.root.clone(), self.opts.lang);
        render_unsaved(self.state.as_mut(), &root, &rel, text, lang)
    }

    /// Rebuilds the search index files that the last rebuilds left out of date.
    pub fn finish(&mut self) -> Delta {
        let mut delta = Delta::default();
        let Some(st) = self.state.as_mut() else {
            return delta;
        };
        let langs = std::mem::take(&mut self.search_dirty);
        if langs.is_empty() {
            return delta;
        }
        let pack = self.opts.pack;
        let derived = std::mem::take(&mut st.kept.derived);
        let model = Model::with_derived(
            &st.built.config,
            &st.built.content,
            &st.built.page_bodies,
            &st.kept.section_bodies,
            &st.kept.taxonomies,
            derived,
        );
        let made: Vec<(String, Vec<File>)> = langs
            .iter()
            .map(|l| {
                let old = st.kept.search.get(l).map(Vec::as_slice).unwrap_or_default();
                (l.clone(), index_files(&model, l, old, pack))
            })
            .collect();
        st.kept.derived = model.into_derived();
        for (lang, files) in made {
            let old = st.kept.search.remove(&lang).unwrap_or_default();
            let (gone, changed) = index_delta(&old, &files);
            delta.remove.extend(gone);
            delta.write.extend(changed);
            st.kept.search.insert(lang, files);
        }
        delta
    }
}

/// The search files of `lang` made again. A file whose bytes equal those of the same name in
/// `old` is the old one (most of them after an edit), so it is not compressed again.
fn index_files(model: &Model<'_>, lang: &str, old: &[File], pack: bool) -> Vec<File> {
    let old: HashMap<&str, &Bytes> = old.iter().map(|(n, b)| (n.as_str(), b)).collect();
    let files = Mutex::new(Vec::new());
    search_files(model, lang, |rel, bytes| {
        let bytes = match old.get(rel.as_str()) {
            Some(&b) if b.len() == bytes.len() && *b.get() == *bytes => b.clone(),
            _ => Bytes::new(bytes, pack),
        };
        crate::util::lock(&files).push((rel, bytes));
    });
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// What serving `new` instead of `old` takes: the names that are gone, the files that are new
/// or changed.
fn index_delta(old: &[File], new: &[File]) -> (Vec<String>, Vec<File>) {
    let keep: HashSet<&str> = new.iter().map(|f| f.0.as_str()).collect();
    let was: HashMap<&str, &Bytes> = old.iter().map(|(n, b)| (n.as_str(), b)).collect();
    let gone = old
        .iter()
        .filter(|f| !keep.contains(f.0.as_str()))
        .map(|f| f.0.clone())
        .collect();
    let changed = new
        .iter()
        .filter(|(n, b)| was.get(n.as_str()) != Some(&b))
        .cloned()
        .collect();
    (gone, changed)
}
