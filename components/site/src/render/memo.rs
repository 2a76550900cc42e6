//! Memory kept between the builds of one preview session: a rebuild re-renders only the
//! Markdown and the pages whose inputs changed. Every entry is keyed by a hash of everything
//! its output depends on, so a rebuild gives the same bytes as a fresh build.

use super::markdown::Body;
use crate::util::hash::Key;
use crate::util::lock;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The Markdown of one page, with what rendering it produced on the side.
#[derive(Debug, Clone)]
pub struct Memo {
    /// The rendered body.
    pub body: Arc<Body>,
    /// Processed image files to publish.
    pub image_files: Vec<(String, PathBuf)>,
    /// Warnings (missing images...).
    pub warnings: Vec<String>,
    /// Whether a shortcode looked up pages or sections (`get_page`, `get_section`).
    pub looked_up: bool,
}

/// A rendered output file and the lookups its templates made (`functions::recording`).
pub type Rendered = (crate::util::Bytes, Arc<Vec<String>>);

/// Entries with the build (generation) that last used them.
type Generational<V> = HashMap<Key, (u64, V)>;

/// Rendered Markdown and rendered output files of the previous build.
#[derive(Default)]
pub struct Cache {
    generation: AtomicU64,
    bodies: Mutex<Generational<Memo>>,
    outputs: Mutex<Generational<Rendered>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// How much of the last build came from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reuse {
    /// Bodies and pages taken from the cache.
    pub reused: usize,
    /// Bodies and pages rendered.
    pub rendered: usize,
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a build: entries not used by it are dropped at `finish`.
    pub fn begin(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.hits.store(0, Ordering::Relaxed);
        self.misses.store(0, Ordering::Relaxed);
    }

    /// Ends a build: forgets what it did not use, so memory stays bounded by one site.
    pub fn finish(&self) -> Reuse {
        let g = self.generation.load(Ordering::SeqCst);
        lock(&self.bodies).retain(|_, (used, _)| *used == g);
        lock(&self.outputs).retain(|_, (used, _)| *used == g);
        Reuse {
            reused: self.hits.load(Ordering::Relaxed),
            rendered: self.misses.load(Ordering::Relaxed),
        }
    }

    /// A rendered body, if its inputs are unchanged.
    pub fn body(&self, key: &Key) -> Option<Memo> {
        self.take(&self.bodies, key)
    }

    /// Remembers a rendered body.
    pub fn put_body(&self, key: Key, memo: Memo) {
        let g = self.generation.load(Ordering::SeqCst);
        lock(&self.bodies).insert(key, (g, memo));
    }

    /// A rendered output file, if its inputs are unchanged.
    pub fn output(&self, key: &Key) -> Option<Rendered> {
        self.take(&self.outputs, key)
    }

    /// Remembers a rendered output file.
    pub fn put_output(&self, key: Key, rendered: Rendered) {
        let g = self.generation.load(Ordering::SeqCst);
        lock(&self.outputs).insert(key, (g, rendered));
    }

    /// An entry, marked as used by this build.
    fn take<V: Clone>(&self, map: &Mutex<Generational<V>>, key: &Key) -> Option<V> {
        let g = self.generation.load(Ordering::SeqCst);
        let hit = lock(map).get_mut(key).map(|(used, v)| {
            *used = g;
            v.clone()
        });
        self.count(hit.is_some());
        hit
    }

    fn count(&self, hit: bool) {
        if hit {
            self.hits.fetch_add(1, Ordering::Relaxed);
        } else {
            self.misses.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("bodies", &lock(&self.bodies).len())
            .field("outputs", &lock(&self.outputs).len())
            .finish()
    }
}
