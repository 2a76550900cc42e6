//! The fast path of a preview rebuild: an edit of existing pages' body, title, description,
//! date, `updated` or `weight` re-reads only those files and re-renders only the outputs that
//! show what changed; anything else answers `None` (a full rebuild).
//!
//! Its steps, in order: [`classify`] (which pages the changed paths are), `reread` (their
//! front matter and text again), `rebody` (their Markdown again, anchors checked), `dirty`
//! (which outputs show the change) and `redo` (render those).

use super::redo::redo;
use super::reread::{put_in, rebody, reread};
use super::state::{Delta, State, Stop};
use crate::diag::Failed;
use crate::options::Options;
use std::path::{Path, PathBuf};

/// What the fast path hands back: the changed files, how many outputs it rendered, and the
/// languages whose search index is now out of date.
pub(super) type Incremental = Result<(Delta, usize, Vec<String>), Failed>;

/// Rebuilds only what `paths` change, or `None` when a full rebuild is needed.
pub(super) fn incremental(
    st: &mut State,
    opts: &Options,
    paths: &[PathBuf],
) -> Option<Incremental> {
    match fast_path(st, opts, paths) {
        Ok(done) => Some(Ok(done)),
        Err(Stop::Full) => None,
        Err(Stop::Failed(f)) => Some(Err(f)),
    }
}

/// The steps of the fast path; a [`Stop`] ends it early.
fn fast_path(
    st: &mut State,
    opts: &Options,
    paths: &[PathBuf],
) -> Result<(Delta, usize, Vec<String>), Stop> {
    let edits = classify(st, &opts.root, paths)?;
    if edits.is_empty() {
        return Ok((Delta::default(), 0, Vec::new()));
    }
    let read = reread(st, opts, &edits)?;
    let (bodies, warnings) = rebody(st, opts, &read.pages)?;
    let mut warnings_all = read.warnings;
    warnings_all.extend(warnings);
    let olds = put_in(st, opts.lang, read.pages, bodies, warnings_all)?;
    let (write, rendered) = redo(st, opts, &edits, &read.edit)?;
    let search = if st.built.config.search.enabled {
        super::reread::search_langs(st, &olds)
    } else {
        Vec::new()
    };
    let delta = Delta {
        write,
        remove: Vec::new(),
    };
    Ok((delta, rendered + edits.len(), search))
}

/// The pages that `paths` are, or [`Stop::Full`] when one of them is anything else.
fn classify(st: &State, root: &Path, paths: &[PathBuf]) -> Result<Vec<usize>, Stop> {
    // Shortcodes that look up other pages make bodies depend on each other.
    if st.kept.looked_up || st.poisoned || paths.is_empty() {
        return Err(Stop::Full);
    }
    let mut edits: Vec<usize> = Vec::new();
    for rel in paths {
        match st.files.get(rel) {
            Some(&i) if root.join(rel).is_file() => edits.push(i),
            // Gone, and never used by the last build: an editor's (or `sed -i`'s) temporary
            // file, written and renamed over a page between two builds. It changes nothing.
            None if !st.used.contains(rel) && !root.join(rel).exists() => {}
            _ => return Err(Stop::Full),
        }
    }
    Ok(edits)
}
