//! The output folder's marker file ([`MARKER`]): it tells a folder bangtin wrote (and may
//! replace) and, when a build recorded one, the key of its inputs with a digest of the
//! output's listing (see `fresh`). Here: the listing's digest and the writing of the marker.

use crate::util::hash::{field, Key};
use crate::util::tree::{meta_fields, tree, Kind, Stat, Walk};
use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// Name of the marker file that tells a folder was written by bangtin (and may be replaced).
pub const MARKER: &str = ".bangtin-build";

/// What records a build in the marker when its staged output is swapped in (the no-change
/// check registers one per build; see `fresh`).
pub trait Recorder: Sync {
    /// Hands over the hashes of the content files as the loader read them (path relative to
    /// the site folder), so the key takes them instead of reading the files again.
    fn read(&self, files: &[(PathBuf, Key)]);
    /// The marker text for the staged output about to replace `output`; `None` writes a plain
    /// marker (the next build runs in full). `written` lists the staged files with their
    /// metadata, as the output writer saw them, which saves walking the staging folder.
    fn seal(&self, output: &Path, staging: &Path, written: Vec<(String, Stat)>) -> Option<Sealed>;
}

/// Marker text that records a build, with the time of the newest staged file.
pub struct Sealed {
    pub(crate) text: String,
    pub(crate) newest: Option<SystemTime>,
}

/// Writes the marker of a staged output. A recorded build is only trusted later when the
/// marker is newer than every file: a file edited in the same tick of the file system's clock
/// as it was written would otherwise look unchanged. So the marker is rewritten until its time
/// is past the newest file's, for a little while (file systems with a coarse clock then simply
/// build in full next time).
pub(crate) fn write_marker(path: &Path, sealed: Option<&Sealed>) -> io::Result<()> {
    let Some(sealed) = sealed else {
        return fs::write(path, "bangtin\n");
    };
    let text = format!("bangtin\n{}", sealed.text);
    let deadline = Instant::now() + std::time::Duration::from_millis(100);
    loop {
        fs::write(path, &text)?;
        let newer = match (sealed.newest, fs::metadata(path)?.modified()) {
            (Some(n), Ok(m)) => m > n,
            _ => true,
        };
        if newer || Instant::now() > deadline {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// Digest of an output folder as it is on disk.
pub(crate) struct Listing {
    pub digest: Key,
    pub files: usize,
    pub newest: Option<SystemTime>,
}

/// Every file and folder of `dir` but the marker, with size, time and inode.
pub(crate) fn listing(dir: &Path) -> io::Result<Listing> {
    let marker = dir.join(MARKER);
    let nodes = tree(
        dir,
        Walk {
            meta: &|_, _| true,
            skip: &|path, _, _| path == marker,
            follow: false,
        },
    )?;
    digest(nodes.into_iter().map(|n| (n.rel, n.kind, n.meta)).collect())
}

/// The listing of a folder that holds exactly `files` (relative paths with `/`, as written)
/// and the folders above them; `None` when a path appears twice.
pub(crate) fn listing_of_written(files: Vec<(String, Stat)>) -> Option<Listing> {
    let mut dirs = std::collections::HashSet::new();
    for (rel, _) in &files {
        let mut rest = rel.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !dirs.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    let dirs: Vec<String> = dirs.into_iter().map(str::to_string).collect();
    let mut entries: Vec<(String, Kind, Option<Stat>)> = files
        .into_iter()
        .map(|(rel, stat)| (rel, Kind::File, Some(stat)))
        .collect();
    entries.extend(dirs.into_iter().map(|d| (d, Kind::Dir, None)));
    digest(entries).ok()
}

/// Digest of a listing, in tree order (each folder before what it holds, names sorted), so a
/// walk and a record of the written files give the same digest for the same folder.
fn digest(mut entries: Vec<(String, Kind, Option<Stat>)>) -> io::Result<Listing> {
    // Folder by folder = byte order once `/` sorts before every other byte (names hold no NUL).
    entries.par_sort_by_cached_key(|e| e.0.replace('/', "\0"));
    if entries.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(io::Error::other("a path listed twice"));
    }
    let mut h = blake3::Hasher::new();
    let (mut files, mut newest) = (0, None::<SystemTime>);
    for (rel, kind, stat) in &entries {
        field(&mut h, rel.as_bytes());
        let stat = match (kind, stat) {
            (Kind::Dir, _) => {
                h.update(b"d");
                continue;
            }
            (_, Some(stat)) => stat,
            (_, None) => return Err(io::Error::other("no metadata")),
        };
        h.update(if *kind == Kind::File { b"f" } else { b"o" });
        meta_fields(&mut h, stat, false);
        if let Some(m) = stat.modified {
            newest = Some(newest.map_or(m, |n| n.max(m)));
        }
        files += 1;
    }
    Ok(Listing {
        digest: *h.finalize().as_bytes(),
        files,
        newest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_of_the_written_files_lists_like_a_walk() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut written = Vec::new();
        for rel in [
            "index.html",
            "b/c/index.html",
            "b/index.html",
            "a b/x.css",
            "b/c/d.txt",
        ] {
            let p = d.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, rel).unwrap();
            written.push((rel.to_string(), Stat::of(&fs::metadata(&p).unwrap())));
        }
        fs::write(d.join(MARKER), "bangtin\n").unwrap();
        let walked = listing(d).unwrap();
        let recorded = listing_of_written(written.clone()).unwrap();
        assert_eq!(recorded.digest, walked.digest);
        assert_eq!(recorded.files, 5);
        written.push(written[0].clone());
        assert!(
            listing_of_written(written).is_none(),
            "a path written twice"
        );
    }

    #[test]
    fn listing_sees_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("a")).unwrap();
        fs::write(d.join("a/index.html"), "one").unwrap();
        fs::write(d.join(MARKER), "bangtin\n").unwrap();
        let first = listing(d).unwrap();
        assert_eq!(first.files, 1, "the marker is not listed");
        assert_eq!(listing(d).unwrap().digest, first.digest);
        fs::write(d.join(MARKER), "bangtin\nother\n").unwrap();
        assert_eq!(listing(d).unwrap().digest, first.digest, "nor hashed");
        fs::write(d.join("a/index.html"), "two").unwrap();
        assert_ne!(listing(d).unwrap().digest, first.digest, "edited");
        let edited = listing(d).unwrap();
        fs::create_dir(d.join("b")).unwrap();
        assert_ne!(listing(d).unwrap().digest, edited.digest, "new folder");
    }
}
