//! What a session keeps of its last good build ([`State`]), why a fast rebuild stops early
//! ([`Stop`]), and what a rebuild hands back ([`Delta`]).

use crate::diag::Failed;
use crate::pipeline::{Built, Kept};
use crate::render::jobs::Job;
use crate::write::sink::Bytes;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// An output file: path relative to the output, bytes.
pub(super) type File = (String, Bytes);

/// Files of the output that one rebuild changed.
#[derive(Debug, Default, Clone)]
pub struct Delta {
    /// Files written (path relative to the output, bytes); some may be unchanged.
    pub write: Vec<(String, Bytes)>,
    /// Files that are gone.
    pub remove: Vec<String>,
}

/// Why the fast path stopped before the end.
pub(super) enum Stop {
    /// The change needs a full rebuild.
    Full,
    /// The change has errors to report (the previous output stays).
    Failed(Failed),
}

impl From<Failed> for Stop {
    fn from(f: Failed) -> Stop {
        Stop::Failed(f)
    }
}

/// The last good build.
pub(super) struct State {
    pub built: Built,
    pub kept: Kept,
    /// Page file (relative to the site folder) -> page index.
    pub files: HashMap<PathBuf, usize>,
    /// Every other content file the build used: section files and assets.
    pub used: HashSet<PathBuf>,
    /// Lookup key (`page:...`, `section:...`) -> outputs that made it.
    pub users: HashMap<String, HashSet<Job>>,
    /// Output -> the lookups it made.
    pub looks: HashMap<Job, Vec<String>>,
    /// An incremental rebuild failed halfway: only a full build may follow.
    pub poisoned: bool,
}

impl State {
    pub(super) fn new(built: Built, mut kept: Kept) -> State {
        let files = built
            .content
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.file.clone(), i))
            .collect();
        let content = &built.content;
        let used = content
            .sections
            .iter()
            .flat_map(|s| std::iter::once(&s.file).chain(&s.assets))
            .chain(content.pages.iter().flat_map(|p| &p.assets))
            .cloned()
            .collect();
        let mut users: HashMap<String, HashSet<Job>> = HashMap::new();
        let mut looks = HashMap::new();
        for (job, keys) in std::mem::take(&mut kept.seen) {
            for k in &keys {
                users.entry(k.clone()).or_default().insert(job);
            }
            looks.insert(job, keys);
        }
        State {
            built,
            kept,
            files,
            used,
            users,
            looks,
            poisoned: false,
        }
    }

    /// Records what an output looked up when it was rendered again.
    pub(super) fn relook(&mut self, job: Job, keys: Vec<String>) {
        let old = self.looks.remove(&job).unwrap_or_default();
        if old == keys {
            if !keys.is_empty() {
                self.looks.insert(job, keys);
            }
            return;
        }
        for k in &old {
            if let Some(set) = self.users.get_mut(k) {
                set.remove(&job);
            }
        }
        for k in &keys {
            self.users.entry(k.clone()).or_default().insert(job);
        }
        if !keys.is_empty() {
            self.looks.insert(job, keys);
        }
    }
}
