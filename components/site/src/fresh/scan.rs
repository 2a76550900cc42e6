//! What a build may read: the walk of the site folder's inputs, their stamp (names, sizes,
//! times) and their hash, with the key of everything besides the files.

use crate::config::Config;
use crate::load::theme::{BUNDLED_THEME, BUNDLED_THEME_NAME};
use crate::options::{today, Options};
use crate::util::hash::{field, file_hash, hash_json, Key};
use crate::util::paths::{
    is_unread_folder, slash_path, DATA_EXTENSIONS, INPUT_FOLDERS, VCS_FOLDERS,
};
use crate::util::tree::{meta_fields, nanos, tree, Kind, Stat, Walk, WantMeta};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Version of the marker format; a marker of another version is not trusted.
pub(crate) const FORMAT: &str = "fresh 2";

/// The output folder a build writes to, as the build and its marker name it.
pub(crate) fn output_dir(opts: &Options) -> PathBuf {
    let out = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"));
    std::path::absolute(&out).unwrap_or(out)
}

/// Each input's hash, `None` for those left to the loader (see [`Scan::hashes`]).
pub(crate) type Hashes = Vec<Option<(Key, bool)>>;

/// Which files of the site folder a build may read.
#[derive(Clone)]
pub(crate) struct Scan {
    root: PathBuf,
    /// Folders never read: the output, the image cache.
    skip: Vec<PathBuf>,
    /// Name prefix of the staging folders beside the output.
    staging_prefix: String,
    /// The bundled theme is used (its templates are checked for volatile calls).
    bundled_theme: bool,
    /// Hash of all but the files: the binary, the options, today, the config. Taken once,
    /// before the build starts, as the build sees them.
    build: Key,
}

/// One input: a path relative to the site folder, with `/`.
pub(crate) struct Input {
    rel: String,
    path: PathBuf,
    kind: InputKind,
    /// Taken when the walk was asked to.
    meta: Option<Stat>,
}

#[derive(Clone, Copy)]
enum InputKind {
    File,
    Dir,
    Link,
}

impl Scan {
    pub(crate) fn new(opts: &Options, config: &Config, output: &Path) -> Option<Scan> {
        let root = opts.root.canonicalize().ok()?;
        let real = |p: &Path| -> PathBuf {
            match (p.parent(), p.file_name()) {
                (Some(parent), Some(name)) => parent
                    .canonicalize()
                    .map(|d| d.join(name))
                    .unwrap_or_else(|_| p.to_path_buf()),
                _ => p.to_path_buf(),
            }
        };
        let cache = opts
            .cache_dir
            .clone()
            .unwrap_or_else(|| opts.root.join(".bangtin-cache"));
        let name = output.file_name()?.to_string_lossy().into_owned();
        Some(Scan {
            build: build_key(&root, opts, config)?,
            skip: vec![real(output), real(&cache)],
            staging_prefix: format!(".{name}.staging-"),
            bundled_theme: config.theme.as_deref() == Some(BUNDLED_THEME_NAME)
                && !root.join("themes").join(BUNDLED_THEME_NAME).is_dir(),
            root,
        })
    }

    /// Whether `path`, a folder, is one a build never reads (see [`is_unread_folder`]).
    fn unread(&self, path: &Path) -> bool {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        is_unread_folder(&slash_path(rel))
    }

    /// Every input, in a fixed order, with the metadata `meta` asks for; `None` when part of
    /// the folder cannot be read.
    pub(crate) fn walk(&self, meta: WantMeta<'_>) -> Option<Vec<Input>> {
        let skip = |path: &Path, name: &str, kind: Kind| {
            // (A link is a folder when it leads to one: a hidden link to a data file is read.)
            let folder = kind == Kind::Dir || (kind == Kind::Link && path.is_dir());
            (folder && (VCS_FOLDERS.contains(&name) || self.unread(path)))
                || name.starts_with(&self.staging_prefix)
                || self.skip.iter().any(|s| s == path)
        };
        let nodes = tree(
            &self.root,
            Walk {
                meta,
                skip: &skip,
                follow: true,
            },
        )
        .ok()?;
        let mut out = Vec::with_capacity(nodes.len());
        for n in nodes {
            let top = n.rel.split('/').next().unwrap_or("");
            let in_folder = INPUT_FOLDERS.contains(&top);
            let data_file = || {
                Path::new(&n.rel)
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| DATA_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            };
            let kind = match n.kind {
                Kind::Dir if in_folder => InputKind::Dir,
                Kind::Link if in_folder || data_file() => InputKind::Link,
                Kind::File | Kind::Other if in_folder || data_file() => InputKind::File,
                _ => continue,
            };
            out.push(Input {
                rel: n.rel,
                path: n.path,
                kind,
                meta: n.meta,
            });
        }
        Some(out)
    }

    /// The key of everything the build's output depends on; `None` when an input cannot be
    /// read or the templates make every build different.
    /// `parallel` spreads the hashing over the thread pool; else it runs on this thread.
    pub(crate) fn key(&self, inputs: &[Input], parallel: bool) -> Option<Key> {
        let hashes = self.hashes(inputs, parallel, false)?;
        self.complete(inputs, hashes, &HashMap::new())
    }

    /// Each input's hash and whether it is a volatile template; with `leave_loaded`, `None`
    /// for the content's Markdown files, which the loader hashes as it reads them. `None`
    /// when an input cannot be read.
    pub(crate) fn hashes(
        &self,
        inputs: &[Input],
        parallel: bool,
        leave_loaded: bool,
    ) -> Option<Hashes> {
        let one = |f: &Input| -> Option<Option<(Key, bool)>> {
            if leave_loaded && is_loaded(f) {
                Some(None)
            } else {
                self.hash(f).map(Some)
            }
        };
        if parallel {
            inputs.par_iter().map(one).collect()
        } else {
            inputs.iter().map(one).collect()
        }
    }

    /// The key from the inputs' hashes, taking those left to the loader from `read` (or
    /// reading the file now, when the loader did not).
    pub(crate) fn complete(
        &self,
        inputs: &[Input],
        hashes: Hashes,
        read: &HashMap<String, Key>,
    ) -> Option<Key> {
        let mut h = blake3::Hasher::new();
        h.update(FORMAT.as_bytes());
        h.update(&self.build);
        for (f, hash) in inputs.iter().zip(hashes) {
            let (hash, volatile) = match hash {
                Some(known) => known,
                None => match read.get(&f.rel) {
                    Some(&k) => (k, false),
                    None => self.hash(f)?,
                },
            };
            if volatile {
                return None;
            }
            field(&mut h, f.rel.as_bytes());
            h.update(&hash);
        }
        if self.bundled_theme && bundled_theme_is_volatile() {
            return None;
        }
        Some(*h.finalize().as_bytes())
    }

    /// Names, sizes and times of the inputs: any change to a file changes them (on Unix, its
    /// change time cannot be set back). `None` when one cannot be read.
    ///
    /// The content's Markdown files are stamped by name only: the key takes the hash of the
    /// bytes the loader read, so an edit after the stamp cannot make the key describe another
    /// text than the output; their names still tell a file added or removed meanwhile.
    pub(crate) fn stamp(&self) -> Option<(Key, Vec<Input>)> {
        let inputs = self.walk(&|rel, kind| !(kind == Kind::File && loaded_path(rel)))?;
        let mut h = blake3::Hasher::new();
        for f in &inputs {
            field(&mut h, f.rel.as_bytes());
            match &f.meta {
                Some(meta) => meta_fields(&mut h, meta, true),
                None if is_loaded(f) => {
                    h.update(b"loaded");
                }
                None => return None,
            }
        }
        Some((*h.finalize().as_bytes(), inputs))
    }

    /// One input's content hash, and whether it is a template with a volatile call.
    fn hash(&self, f: &Input) -> Option<(Key, bool)> {
        let mut h = blake3::Hasher::new();
        match &f.kind {
            InputKind::Dir => {
                h.update(b"dir");
            }
            InputKind::Link => {
                h.update(b"link");
                let target = fs::read_link(&f.path).ok()?;
                field(&mut h, target.as_os_str().as_encoded_bytes());
                // What the link leads to, when it is a file (the loaders read through it).
                if let Ok(bytes) = fs::read(&f.path) {
                    h.update(&bytes);
                }
            }
            InputKind::File => {
                // One buffer per thread: a fresh one per file costs more than the reading.
                thread_local!(static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) });
                return BUF.with_borrow_mut(|buf| {
                    use std::io::Read;
                    buf.clear();
                    fs::File::open(&f.path).ok()?.read_to_end(buf).ok()?;
                    Some((file_hash(buf), is_template(&f.rel) && calls_volatile(buf)))
                });
            }
        }
        Some((*h.finalize().as_bytes(), false))
    }
}

/// A Markdown file of `content/`: the loader reads it, and hashes it on the way.
fn is_loaded(f: &Input) -> bool {
    matches!(f.kind, InputKind::File) && loaded_path(&f.rel)
}

/// The path of a file the loader reads and hashes, when it is a file.
fn loaded_path(rel: &str) -> bool {
    rel.starts_with("content/") && rel.ends_with(".md")
}

/// Everything besides the files: the binary, the options, the date, the config.
fn build_key(root: &Path, opts: &Options, config: &Config) -> Option<Key> {
    let mut h = blake3::Hasher::new();
    field(&mut h, env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe().ok()?;
    let meta = fs::metadata(&exe).ok()?;
    field(&mut h, exe.as_os_str().as_encoded_bytes());
    h.update(&meta.len().to_le_bytes());
    h.update(&nanos(meta.modified().ok()).to_le_bytes());
    field(&mut h, root.as_os_str().as_encoded_bytes());
    field(&mut h, output_dir(opts).as_os_str().as_encoded_bytes());
    let options = (
        opts.drafts,
        opts.future,
        &opts.base_url,
        opts.lang.code(),
        &opts.inject,
        &opts.cache_dir,
        today().to_string(),
    );
    hash_json(&mut h, &options);
    hash_json(&mut h, config);
    Some(*h.finalize().as_bytes())
}

/// Whether `rel` (relative to the site folder) is a template of the site or of a theme.
fn is_template(rel: &str) -> bool {
    rel.starts_with("templates/")
        || rel
            .strip_prefix("themes/")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(_, r)| r.starts_with("templates/"))
}

fn bundled_theme_is_volatile() -> bool {
    BUNDLED_THEME
        .get_dir("templates")
        .map(|d| {
            let mut files = Vec::new();
            collect_files(d, &mut files);
            files.iter().any(|b| calls_volatile(b))
        })
        .unwrap_or(false)
}

fn collect_files(dir: &'static include_dir::Dir<'static>, out: &mut Vec<&'static [u8]>) {
    for f in dir.files() {
        out.push(f.contents());
    }
    for d in dir.dirs() {
        collect_files(d, out);
    }
}

/// Whether a template calls one of [`VOLATILE_CALLS`] (`now()`, `now ( )`...).
fn calls_volatile(text: &[u8]) -> bool {
    VOLATILE_CALLS.iter().any(|name| {
        let name = name.as_bytes();
        text.windows(name.len()).enumerate().any(|(i, w)| {
            let before = i.checked_sub(1).map(|j| text[j]);
            let starts_word = !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
            w == name
                && starts_word
                && text[i + name.len()..]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    == Some(&b'(')
        })
    })
}

/// Template functions whose result changes from one build to the next.
const VOLATILE_CALLS: [&str; 3] = ["now", "get_random", "get_env"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_calls_are_found_as_calls_only() {
        assert!(calls_volatile(b"{{ now() | date(format=\"%Y\") }}"));
        assert!(calls_volatile(b"{% set x = get_random (end=5) %}"));
        assert!(calls_volatile(b"{{ get_env(name=\"HOME\") }}"));
        assert!(!calls_volatile(b"{{ snow() }} {{ known(x) }} right now."));
        assert!(!calls_volatile(b"{{ page.title }}"));
    }

    #[test]
    fn templates_of_the_site_and_of_themes() {
        assert!(is_template("templates/base.html"));
        assert!(is_template("themes/truong/templates/page.html"));
        assert!(!is_template("themes/truong/static/site.css"));
        assert!(!is_template("content/templates/a.md"));
    }
}
