//! No-change rebuilds: when nothing a build reads has changed since the build that wrote the
//! output folder, and the folder is still exactly as that build left it, there is nothing to
//! render, and the build stops after a walk of the output folder and a hash of its inputs.
//!
//! What a build's output depends on, all hashed into one key:
//! - every file of the site folder that a build can read: all of `content/`, `static/`,
//!   `templates/`, `i18n/`, `data/` and `themes/`, and elsewhere every file `load_data` can
//!   read (`.toml`, `.yaml`, `.yml`, `.json`, `.csv`, so `config.toml` too), by content;
//!   left out are the output folder, the image cache and version-control folders; links to
//!   folders are walked through, since the loaders read through them (`content/` can be one);
//! - the bangtin binary (version, and size and time of the executable file);
//! - the build options (drafts, future, base URL, output folder, injected HTML...) and the
//!   config;
//! - today's date, since a page dated in the future appears on its day.
//!
//! The input files are stamped (size, times, inode) before the build reads anything, and
//! stamped again at the output swap: the key is only recorded when nothing changed meanwhile.
//! So a build that must run anyway hashes its inputs on a thread beside it, except the
//! content's Markdown files: the loader hashes the bytes it reads, which spares reading
//! them twice (and hashes exactly what the build used).
//!
//! Templates that call `now()`, `get_random()` or `get_env()` give different output from one
//! build to the next: such a site always builds in full.
//!
//! The output folder's marker file ([`MARKER`]) records the key with a digest of the output
//! listing: every file and folder with its size, modification time and inode. It is written
//! in the staging folder before the swap, so it only ever describes a complete output; a file
//! deleted, added or edited in the output since changes the listing, and the next build runs
//! in full. The digest (not the list itself) is kept, because the marker is published with the
//! site: it must tell nothing about the files.

use crate::build::{Built, Options};
use crate::cache::{hash_json, Key};
use crate::config::Config;
use crate::output::{WriteStats, MARKER};
use crate::templates::{BUNDLED_THEME, BUNDLED_THEME_NAME};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::{Instant, SystemTime};

/// Environment variable that sets today's date for a build (`YYYY-MM-DD`): shows the site as
/// it will be on that day (scheduled pages), and lets tests move the date.
pub const TODAY_VAR: &str = "BANGTIN_TODAY";

/// Version of the marker format; a marker of another version is not trusted.
const FORMAT: &str = "fresh 2";

/// Folders whose every file a build may read.
const INPUT_FOLDERS: [&str; 6] = ["content", "static", "templates", "i18n", "data", "themes"];

/// Extensions of the files `load_data` reads, wherever they are in the site folder.
const DATA_EXTENSIONS: [&str; 5] = ["toml", "yaml", "yml", "json", "csv"];

/// Version-control folders: never read by a build.
const VCS_FOLDERS: [&str; 3] = [".git", ".hg", ".svn"];

/// Folders of other tools, never read by a build outside the input folders.
const TOOL_FOLDERS: [&str; 2] = ["target", "node_modules"];

/// Whether the file `rel` (relative to the site folder, with `/`) lies in a folder a build
/// never reads (see [`is_unread_folder`]). `load_data` refuses such paths, so the no-change walk
/// need not go there (a site folder that is also a Rust or npm project holds thousands of files
/// there).
pub(crate) fn in_unread_folder(rel: &str) -> bool {
    rel.rsplit_once('/')
        .is_some_and(|(folder, _)| is_unread_folder(folder))
}

/// Whether the folder `rel` is one a build never reads: outside the input folders, a hidden
/// folder or another tool's (`target/`, `node_modules/`), or a folder inside one.
fn is_unread_folder(rel: &str) -> bool {
    let mut parts = rel.split('/').filter(|p| !p.is_empty()).peekable();
    if parts
        .peek()
        .is_some_and(|first| INPUT_FOLDERS.contains(first))
    {
        return false;
    }
    parts.any(|f| f.starts_with('.') || TOOL_FOLDERS.contains(&f))
}

/// Template functions whose result changes from one build to the next.
const VOLATILE_CALLS: [&str; 3] = ["now", "get_random", "get_env"];

/// Today for the build: [`TODAY_VAR`] when set to a date, else the local date.
pub fn today() -> NaiveDate {
    std::env::var(TODAY_VAR)
        .ok()
        .and_then(|v| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// What [`check`] found.
pub enum Check {
    /// The output folder already holds this build: nothing to do.
    UpToDate(Box<Built>),
    /// The build must run. Keep the value until the build returns: while it lives, the
    /// build's output swap records the key in the marker.
    Stale(Option<Pending>),
}

/// The output folder a build writes to, as the build and its marker name it.
fn output_dir(opts: &Options) -> PathBuf {
    let out = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"));
    std::path::absolute(&out).unwrap_or(out)
}

/// Whether the output folder already holds the build `opts` asks for. Only for builds written
/// to a folder without a session cache (`serve` has its own way of reusing work).
///
/// When the output folder's marker records a key, the output is listed and the inputs are
/// hashed side by side, to compare. When the build must run, the inputs are stamped (size,
/// times, inode) before it reads them and hashed beside it; the stamp, checked again at the
/// swap, tells whether what was hashed is what the build read.
pub fn check(opts: &Options, config: &Config, started: Instant) -> Check {
    if opts.memory || opts.cache.is_some() {
        return Check::Stale(None);
    }
    let output = output_dir(opts);
    let Some(scan) = Scan::new(opts, config, &output) else {
        return Check::Stale(None);
    };
    let timings = std::env::var_os("BANGTIN_TIMINGS").is_some();
    if let Some(mut previous) = Previous::read(&output) {
        // The output folder and the inputs at once: both are needed to skip the build.
        let t = Instant::now();
        let (now, key) = rayon::join(
            || listing(&output).ok(),
            || {
                scan.walk(&|_, _| false)
                    .and_then(|inputs| scan.key(&inputs, true))
            },
        );
        previous.now = now;
        if timings {
            eprintln!(
                "  fresh: output listing + inputs walk + hash {:>8.1} ms",
                ms(t)
            );
        }
        match key {
            Some(key) if key == previous.key && previous.untouched() => {
                return Check::UpToDate(Box::new(up_to_date(previous.files, config, started)));
            }
            // Volatile templates or unreadable inputs: no key to record either.
            None => return Check::Stale(None),
            Some(_) => {}
        }
    }
    // The build runs: stamp the inputs before it reads them, and hash them beside it (a
    // key computed above could predate a change made before the stamp).
    let t = Instant::now();
    let Some((stamp, inputs)) = scan.stamp() else {
        return Check::Stale(None);
    };
    if timings {
        eprintln!("  fresh: inputs stamp         {:>8.1} ms", ms(t));
    }
    let key = {
        let scan = scan.clone();
        std::thread::spawn(move || {
            // The build keeps both cores busy at first: the hashing takes what it leaves idle.
            // The content's Markdown files are left to the loader, which hashes what it reads.
            lower_priority();
            let hashes = scan.hashes(&inputs, false, true)?;
            Some((inputs, hashes))
        })
    };
    let entry = Entry {
        key,
        stamp,
        scan,
        read: HashMap::new(),
    };
    Check::Stale(Some(Pending::register(output, entry)))
}

/// Makes the calling thread yield to the build's threads (Linux gives each thread its own
/// nice value); elsewhere it runs at the usual priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only changes the scheduling priority of the calling thread (`who`
    // 0); it reads and writes no memory of this process.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn up_to_date(files: usize, config: &Config, started: Instant) -> Built {
    Built {
        pages: 0,
        sections: 0,
        files,
        stats: WriteStats {
            written: 0,
            unchanged: files,
        },
        warnings: Vec::new(),
        elapsed: started.elapsed(),
        memory: None,
        images: (0, 0),
        config: config.clone(),
        content: Default::default(),
        page_bodies: Vec::new(),
        reuse: Default::default(),
        up_to_date: true,
    }
}

/// The marker text for a staged output that is about to replace `output`: the key of the
/// build and the digest of the staged files, when the build registered a key and its inputs
/// did not change while it ran. `None` writes a plain marker (the next build runs in full).
///
/// `written` lists the staged files with their metadata, as the output writer saw them, which
/// saves walking the staging folder; `None` walks it.
pub(crate) fn seal(
    output: &Path,
    staging: &Path,
    written: Option<Vec<(String, Stat)>>,
) -> Option<Sealed> {
    let entry = {
        let mut table = lock(&PENDING);
        let slot = table.get_mut(&std::path::absolute(output).ok()?)?;
        slot.pending.take()?
    };
    let timings = std::env::var_os("BANGTIN_TIMINGS").is_some();
    let t = Instant::now();
    let (inputs, hashes) = entry.key.join().ok()??;
    let key = entry.scan.complete(&inputs, hashes, &entry.read)?;
    if timings {
        eprintln!("  fresh: wait for the hashing {:>8.1} ms", ms(t));
    }
    // Stamped again once the hashing is over: a file changed since the first stamp may or
    // may not be in the output, and in the key: trust neither.
    let t = Instant::now();
    let (stamp, listing) = rayon::join(
        || entry.scan.stamp(),
        || match written.and_then(listing_of_written) {
            Some(l) => Some(l),
            None => listing(staging).ok(),
        },
    );
    if timings {
        eprintln!("  fresh: inputs stamp + listing {:>6.1} ms", ms(t));
    }
    if stamp?.0 != entry.stamp {
        return None;
    }
    let listing = listing?;
    Some(Sealed {
        text: format!(
            "{FORMAT}\ninputs {}\noutput {}\nfiles {}\n",
            hex(&key),
            hex(&listing.digest),
            listing.files
        ),
        newest: listing.newest,
    })
}

/// Marker text that records a build, with the time of the newest staged file.
pub(crate) struct Sealed {
    text: String,
    newest: Option<SystemTime>,
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

/// A build that may record its key when its output is swapped in (see [`seal`]).
pub struct Pending {
    output: PathBuf,
}

/// Each input's hash, `None` for those left to the loader (see [`Scan::hashes`]).
type Hashes = Vec<Option<(Key, bool)>>;

/// What a registered build needs at the swap.
struct Entry {
    /// The hashing of the inputs (`None`: no key).
    key: std::thread::JoinHandle<Option<(Vec<Input>, Hashes)>>,
    stamp: Key,
    scan: Scan,
    /// Hashes of the files the loader read, by path relative to the site folder with `/`.
    read: HashMap<String, Key>,
}

/// Builds in progress per output folder; a folder two builds write at once gets no key.
struct Slot {
    builds: usize,
    pending: Option<Entry>,
}

static PENDING: LazyLock<Mutex<HashMap<PathBuf, Slot>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Pending {
    fn register(output: PathBuf, entry: Entry) -> Pending {
        let mut table = lock(&PENDING);
        table
            .entry(output.clone())
            .and_modify(|slot| {
                slot.builds += 1;
                slot.pending = None;
            })
            .or_insert(Slot {
                builds: 1,
                pending: Some(entry),
            });
        Pending { output }
    }

    /// Hands over the hashes of the content files as the loader read them (see [`seal`]).
    pub fn read(&self, files: &[(PathBuf, Key)]) {
        let mut table = lock(&PENDING);
        if let Some(entry) = table
            .get_mut(&self.output)
            .and_then(|slot| slot.pending.as_mut())
        {
            entry.read = files
                .iter()
                .map(|(rel, hash)| (crate::content::slash_path(rel), *hash))
                .collect();
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let mut table = lock(&PENDING);
        if let Some(slot) = table.get_mut(&self.output) {
            slot.builds -= 1;
            if slot.builds == 0 {
                table.remove(&self.output);
            }
        }
    }
}

/// Which files of the site folder a build may read.
#[derive(Clone)]
struct Scan {
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
struct Input {
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
    fn new(opts: &Options, config: &Config, output: &Path) -> Option<Scan> {
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
        is_unread_folder(&crate::content::slash_path(rel))
    }

    /// Every input, in a fixed order, with the metadata `meta` asks for; `None` when part of
    /// the folder cannot be read.
    fn walk(&self, meta: WantMeta<'_>) -> Option<Vec<Input>> {
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
    fn key(&self, inputs: &[Input], parallel: bool) -> Option<Key> {
        let hashes = self.hashes(inputs, parallel, false)?;
        self.complete(inputs, hashes, &HashMap::new())
    }

    /// Each input's hash and whether it is a volatile template; with `leave_loaded`, `None`
    /// for the content's Markdown files, which the loader hashes as it reads them. `None`
    /// when an input cannot be read.
    fn hashes(&self, inputs: &[Input], parallel: bool, leave_loaded: bool) -> Option<Hashes> {
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
    fn complete(
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
    fn stamp(&self) -> Option<(Key, Vec<Input>)> {
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

/// The hash of a file's bytes in the key; the content loader takes it of what it reads.
///
/// XXH3-128, as rsync uses to tell changed files: it only has to tell an edit from the
/// unchanged text, and it hashes the 50 MB of a 10,000-page site ten times faster than BLAKE3
/// (on 5 KB pages), which counted for 4 % of a build.
pub(crate) fn file_hash(bytes: &[u8]) -> Key {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(&xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes());
    key[16..24].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    key
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

/// What the stamps and listings keep of a file's metadata.
#[derive(Clone, Copy)]
pub(crate) struct Stat {
    len: u64,
    modified: Option<SystemTime>,
    ino: u64,
    /// Change time (seconds, nanoseconds); zero where there is none.
    changed: (i64, i64),
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
fn meta_fields(h: &mut blake3::Hasher, stat: &Stat, ctime: bool) {
    h.update(&stat.len.to_le_bytes());
    h.update(&nanos(stat.modified).to_le_bytes());
    h.update(&stat.ino.to_le_bytes());
    if ctime {
        h.update(&stat.changed.0.to_le_bytes());
        h.update(&stat.changed.1.to_le_bytes());
    }
}

fn nanos(t: Option<SystemTime>) -> u128 {
    t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// A length-prefixed field, so that two fields can never read as other two.
fn field(h: &mut blake3::Hasher, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn hex(k: &Key) -> String {
    blake3::Hash::from(*k).to_hex().to_string()
}

/// Digest of an output folder as it is on disk.
struct Listing {
    digest: Key,
    files: usize,
    newest: Option<SystemTime>,
}

/// Every file and folder of `dir` but the marker, with size, time and inode.
fn listing(dir: &Path) -> io::Result<Listing> {
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
fn listing_of_written(files: Vec<(String, Stat)>) -> Option<Listing> {
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

/// What a directory entry is (symbolic links are not followed).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Link,
    Other,
}

/// One entry of a folder tree, relative path with `/`.
struct Node {
    rel: String,
    path: PathBuf,
    kind: Kind,
    meta: Option<Stat>,
}

/// Whether a walk takes an entry's metadata, from its relative path and kind.
type WantMeta<'a> = &'a (dyn Fn(&str, Kind) -> bool + Sync);

/// Whether a walk leaves out an entry and what is under it, from its path, name and kind.
type Skip<'a> = &'a (dyn Fn(&Path, &str, Kind) -> bool + Sync);

/// How deep a walk follows links to folders inside links to folders (a cycle stops there).
const LINK_DEPTH: usize = 8;

/// How [`tree`] walks.
#[derive(Clone, Copy)]
struct Walk<'a> {
    meta: WantMeta<'a>,
    skip: Skip<'a>,
    /// Goes into symbolic links to folders, as the loaders do (a `content/` or a theme folder
    /// can be a link); the link itself is listed too. Links back to a folder above are not
    /// followed.
    follow: bool,
}

/// Everything under `root` (not `root` itself), each folder before its entries, entries in
/// name order; folders are read in parallel, and metadata is taken relative to the open folder
/// (cheaper than a lookup of the whole path), for the entries `walk.meta` asks for.
fn tree(root: &Path, walk: Walk<'_>) -> io::Result<Vec<Node>> {
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

/// The marker of the output folder as the last build left it.
struct Previous {
    key: Key,
    output: Key,
    files: usize,
    /// The output as it is now (listed by the caller).
    now: Option<Listing>,
    marker_time: Option<SystemTime>,
}

impl Previous {
    fn read(output: &Path) -> Option<Previous> {
        let marker = output.join(MARKER);
        let text = fs::read_to_string(&marker).ok()?;
        let mut lines = text.lines();
        if lines.next() != Some("bangtin") || lines.next() != Some(FORMAT) {
            return None;
        }
        let mut fields: HashMap<&str, &str> = HashMap::new();
        for line in lines {
            let (k, v) = line.split_once(' ')?;
            fields.insert(k, v);
        }
        let key = |name: &str| -> Option<Key> {
            blake3::Hash::from_hex(fields.get(name)?)
                .ok()
                .map(|h| *h.as_bytes())
        };
        let marker_time = fs::metadata(&marker).ok()?.modified().ok();
        Some(Previous {
            key: key("inputs")?,
            output: key("output")?,
            files: fields.get("files")?.parse().ok()?,
            now: None,
            marker_time,
        })
    }

    /// Whether the output is as the recorded build left it.
    fn untouched(&self) -> bool {
        let Some(now) = &self.now else {
            return false;
        };
        // A file written in the same clock tick as the marker could have been edited since
        // without its time changing.
        let settled = match (now.newest, self.marker_time) {
            (Some(n), Some(m)) => n < m,
            (None, _) => true,
            (Some(_), None) => false,
        };
        now.digest == self.output && now.files == self.files && settled
    }
}

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
    fn folders_of_other_tools_are_unread_outside_the_input_folders() {
        assert!(in_unread_folder("target/debug/x.json"));
        assert!(in_unread_folder(
            "tests/browser/node_modules/p/package.json"
        ));
        assert!(in_unread_folder(".github/workflows/ci.yml"));
        assert!(!in_unread_folder("lich.json"), "a file at the top");
        assert!(
            !in_unread_folder(".env.json"),
            "a hidden file, not a folder"
        );
        assert!(!in_unread_folder("extra/target.json"));
        assert!(
            !in_unread_folder("data/target/x.json"),
            "inside an input folder"
        );
        assert!(!in_unread_folder("static/node_modules/x.json"));
        assert!(!in_unread_folder("themes/t/.hidden/x.toml"));
    }

    #[test]
    fn templates_of_the_site_and_of_themes() {
        assert!(is_template("templates/base.html"));
        assert!(is_template("themes/truong/templates/page.html"));
        assert!(!is_template("themes/truong/static/site.css"));
        assert!(!is_template("content/templates/a.md"));
    }

    /// Runs the output side of a build: stage one file and swap it in.
    fn swap_in(out: &Path) {
        let sink = crate::output::Sink::stage(out).unwrap();
        sink.write("index.html", b"<p>x</p>").unwrap();
        sink.commit().unwrap();
    }

    #[test]
    fn an_input_changed_while_the_build_runs_records_no_key() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        fs::write(
            root.join("config.toml"),
            "title = \"T\"\nbase_url = \"https://t.example\"\n",
        )
        .unwrap();
        let page = root.join("content/_index.md");
        fs::write(&page, "+++\ntitle = \"A\"\n+++\n").unwrap();
        let out = dir.path().join("public");
        let mut opts = Options::new(&root, i18n::Lang::En);
        opts.output = Some(out.clone());
        let config = Config::load(&root, i18n::Lang::En).unwrap();
        let marker = || fs::read_to_string(out.join(MARKER)).unwrap();

        let Check::Stale(Some(pending)) = check(&opts, &config, Instant::now()) else {
            panic!("nothing built yet");
        };
        // A template edited after the stamp, before the swap: the build may have read either
        // text.
        let template = root.join("templates/page.html");
        fs::create_dir_all(root.join("templates")).unwrap();
        fs::write(&template, "{{ page.title }}").unwrap();
        swap_in(&out);
        drop(pending);
        assert_eq!(marker(), "bangtin\n", "no key recorded");

        let Check::Stale(Some(pending)) = check(&opts, &config, Instant::now()) else {
            panic!("no key, so no skip");
        };
        swap_in(&out);
        drop(pending);
        assert!(marker().contains("\ninputs "), "{}", marker());
        assert!(matches!(
            check(&opts, &config, Instant::now()),
            Check::UpToDate(_)
        ));

        // A page edited after the loader read it: the key is that of the text the build read,
        // so the next build sees the edit.
        fs::write(&page, "+++\ntitle = \"C\"\n+++\n").unwrap();
        let Check::Stale(Some(pending)) = check(&opts, &config, Instant::now()) else {
            panic!("the page changed: the build runs");
        };
        pending.read(&[(
            PathBuf::from("content/_index.md"),
            file_hash(&fs::read(&page).unwrap()),
        )]);
        fs::write(&page, "+++\ntitle = \"B\"\n+++\n").unwrap();
        swap_in(&out);
        drop(pending);
        assert!(marker().contains("\ninputs "), "{}", marker());
        assert!(matches!(
            check(&opts, &config, Instant::now()),
            Check::Stale(Some(_))
        ));
    }

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
