//! The walker of a folder tree, in parallel, with each entry's metadata ([`Stat`]) where asked:
//! the no-change check walks the inputs and the output with it.

use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What the stamps and listings keep of a file's metadata.
#[derive(Clone, Copy)]
pub struct Stat {
    pub(crate) len: u64,
    pub(crate) modified: Option<SystemTime>,
    pub(crate) ino: u64,
    /// Change time (seconds, nanoseconds); zero where there is none.
    pub(crate) changed: (i64, i64),
}

impl Stat {
    pub(crate) fn of(meta: &fs::Metadata) -> Stat {
        #[cfg(unix)]
        let (ino, changed) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), (meta.ctime(), meta.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (ino, changed) = (0, (0, 0));
        Stat {
            len: meta.len(),
            modified: meta.modified().ok(),
            ino,
            changed,
        }
    }
}

/// Size, modification time and inode (and on inputs the change time, which no tool can set
/// back; it is left out for outputs, whose hard links the swap removes).
pub(crate) fn meta_fields(h: &mut blake3::Hasher, stat: &Stat, ctime: bool) {
    h.update(&stat.len.to_le_bytes());
    h.update(&nanos(stat.modified).to_le_bytes());
    h.update(&stat.ino.to_le_bytes());
    if ctime {
        h.update(&stat.changed.0.to_le_bytes());
        h.update(&stat.changed.1.to_le_bytes());
    }
}

pub(crate) fn nanos(t: Option<SystemTime>) -> u128 {
    t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// What a directory entry is (symbolic links are not followed).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    Link,
    Other,
}

/// One entry of a folder tree, relative path with `/`.
pub(crate) struct Node {
    pub rel: String,
    pub path: PathBuf,
    pub kind: Kind,
    pub meta: Option<Stat>,
}

/// Whether a walk takes an entry's metadata, from its relative path and kind.
pub(crate) type WantMeta<'a> = &'a (dyn Fn(&str, Kind) -> bool + Sync);

/// Whether a walk leaves out an entry and what is under it, from its path, name and kind.
pub(crate) type Skip<'a> = &'a (dyn Fn(&Path, &str, Kind) -> bool + Sync);

/// How deep a walk follows links to folders inside links to folders (a cycle stops there).
const LINK_DEPTH: usize = 8;

/// How [`tree`] walks.
#[derive(Clone, Copy)]
pub(crate) struct Walk<'a> {
    pub meta: WantMeta<'a>,
    pub skip: Skip<'a>,
    /// Goes into symbolic links to folders, as the loaders do (a `content/` or a theme folder
    /// can be a link); the link itself is listed too. Links back to a folder above are not
    /// followed.
    pub follow: bool,
}

/// Everything under `root` (not `root` itself), each folder before its entries, entries in
/// name order; folders are read in parallel, and metadata is taken relative to the open folder
/// (cheaper than a lookup of the whole path), for the entries `walk.meta` asks for.
pub(crate) fn tree(root: &Path, walk: Walk<'_>) -> io::Result<Vec<Node>> {
    fn visit(dir: &Path, prefix: &str, walk: Walk<'_>, links: usize) -> io::Result<Vec<Node>> {
        let mut entries = Vec::new();
        for e in fs::read_dir(dir)? {
            let e = e?;
            let ft = e.file_type()?;
            let kind = if ft.is_dir() {
                Kind::Dir
            } else if ft.is_symlink() {
                Kind::Link
            } else if ft.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
            let name = e.file_name();
            let path = e.path();
            if (walk.skip)(&path, &name.to_string_lossy(), kind) {
                continue;
            }
            let rel = format!("{prefix}{}", name.to_string_lossy());
            entries.push((rel, path, kind, e));
        }
        // Names are unique in a folder: an unstable sort gives one order, without a buffer.
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Metadata and subfolders in parallel: a section holds thousands of pages.
        type Visited = io::Result<(Option<Stat>, Vec<Node>)>;
        let visited: Vec<Visited> = entries
            .par_iter()
            .map(|(rel, path, kind, e)| {
                let meta = match (walk.meta)(rel, *kind) {
                    true => Some(Stat::of(&e.metadata()?)),
                    false => None,
                };
                let below = match kind {
                    Kind::Dir => visit(path, &format!("{rel}/"), walk, links)?,
                    Kind::Link if walk.follow && links < LINK_DEPTH && leads_down(dir, path) => {
                        visit(path, &format!("{rel}/"), walk, links + 1)?
                    }
                    _ => Vec::new(),
                };
                Ok((meta, below))
            })
            .collect();
        let below: usize = visited
            .iter()
            .map(|t| t.as_ref().map_or(0, |(_, b)| b.len()))
            .sum();
        let mut out = Vec::with_capacity(entries.len() + below);
        for ((rel, path, kind, _), v) in entries.into_iter().zip(visited) {
            let (meta, sub) = v?;
            out.push(Node {
                rel,
                path,
                kind,
                meta,
            });
            out.extend(sub);
        }
        Ok(out)
    }
    visit(root, "", walk, 0)
}

/// Whether `link`, in folder `dir`, leads to a folder that is not `dir` or a folder above it.
fn leads_down(dir: &Path, link: &Path) -> bool {
    match (dir.canonicalize(), link.canonicalize()) {
        (Ok(dir), Ok(target)) => target.is_dir() && !dir.starts_with(&target),
        _ => false,
    }
}
