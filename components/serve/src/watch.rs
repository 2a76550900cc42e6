//! Which file-system events matter, and folding a burst of them into one rebuild.

use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind};
use notify::Watcher;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Folders of a site whose changes trigger a rebuild.
pub const WATCHED_DIRS: [&str; 6] = ["content", "data", "static", "templates", "themes", "i18n"];
/// Files at the top of the site folder whose changes trigger a rebuild.
pub const WATCHED_FILES: [&str; 1] = ["config.toml"];

/// A burst ends after this much quiet (editors write a file in several steps within a few ms).
pub const QUIET: Duration = Duration::from_millis(30);
/// ... or after this much once every file written in it has been closed (Linux reports it):
/// the editor is done, so the rebuild need not wait.
pub const SETTLE: Duration = Duration::from_millis(3);
/// A never-ending stream of events still rebuilds this often.
pub const MAX_WAIT: Duration = Duration::from_millis(500);

/// What the watcher thread receives.
pub enum Msg {
    /// A file-system event (or a watcher error).
    Fs(notify::Result<notify::Event>),
    /// The server is stopping.
    Stop,
}

/// Starts watching the site folder (its top level) and the [`WATCHED_DIRS`] it has.
///
/// With `poll`, the folders are scanned at that interval instead of asking the system for change
/// events: on network and USB drives, shared folders and under Wine, events for files written
/// by another machine or system never arrive. A scan compares modification times to the second
/// (notify's `PollWatcher`), so a second save of a file within the same second goes unseen.
pub fn start(
    root: &Path,
    poll: Option<Duration>,
    tx: Sender<Msg>,
) -> Result<Box<dyn Watcher + Send>, (PathBuf, notify::Error)> {
    let handler = move |ev| {
        let _ = tx.send(Msg::Fs(ev));
    };
    let made = match poll {
        Some(every) => {
            let config = notify::Config::default().with_poll_interval(every);
            notify::PollWatcher::new(handler, config)
                .map(|w| Box::new(w) as Box<dyn Watcher + Send>)
        }
        None => {
            notify::recommended_watcher(handler).map(|w| Box::new(w) as Box<dyn Watcher + Send>)
        }
    };
    let mut watcher = made.map_err(|e| (root.to_path_buf(), e))?;
    watcher
        .watch(root, notify::RecursiveMode::NonRecursive)
        .map_err(|e| (root.to_path_buf(), e))?;
    for d in WATCHED_DIRS {
        let p = root.join(d);
        if p.is_dir() {
            watcher
                .watch(&p, notify::RecursiveMode::Recursive)
                .map_err(|e| (p, e))?;
        }
    }
    Ok(watcher)
}

/// Editor swap, backup and temporary files that never change the site.
pub fn is_editor_junk(name: &str) -> bool {
    name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.ends_with(".swpx")
        || name.ends_with('~')
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".kate-swp")
        || name.starts_with(".#")
        || name.starts_with(".goutputstream-")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == ".DS_Store"
}

/// The path relative to the site folder, if a change there should rebuild the site.
pub fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components();
    let first = match parts.next()? {
        Component::Normal(s) => s.to_str()?,
        _ => return None,
    };
    let top_level_file = rel.components().count() == 1;
    let watched = if top_level_file {
        WATCHED_FILES.contains(&first) || WATCHED_DIRS.contains(&first)
    } else {
        WATCHED_DIRS.contains(&first)
    };
    if !watched {
        return None;
    }
    let name = rel.file_name()?.to_str().unwrap_or_default();
    if is_editor_junk(name) {
        return None;
    }
    // Version-control folders inside a theme (themes/x/.git) change on every git command.
    if rel
        .components()
        .any(|c| c.as_os_str() == ".git" || c.as_os_str() == ".hg")
    {
        return None;
    }
    Some(rel.to_path_buf())
}

/// Whether an event kind can change a file's content or existence. Reads are reported too
/// (the build itself opens every file), so they must not start a rebuild.
pub fn changes_files(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => true,
        EventKind::Any | EventKind::Other => true,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

/// What one burst of events changed.
#[derive(Debug, Default)]
pub struct Burst {
    /// Changed paths, relative to the site folder.
    pub paths: BTreeSet<PathBuf>,
    /// When the first event of the burst arrived.
    pub started: Option<Instant>,
    /// The watcher reported an error (e.g. too many watches): rebuild to be safe.
    pub errors: Vec<String>,
    /// Files being written: changed and not closed yet.
    writing: BTreeSet<PathBuf>,
}

impl Burst {
    /// Whether every changed file is a stylesheet (so tabs can swap styles without reloading).
    pub fn css_only(&self) -> bool {
        !self.paths.is_empty()
            && self.errors.is_empty()
            && self.paths.iter().all(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("css"))
            })
    }

    /// How long to wait for more events before rebuilding.
    fn quiet(&self) -> Duration {
        if self.writing.is_empty() && self.errors.is_empty() {
            SETTLE
        } else {
            QUIET
        }
    }

    fn add(&mut self, root: &Path, ev: notify::Result<notify::Event>) {
        match ev {
            Ok(ev) if ev.kind == EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                for p in &ev.paths {
                    if let Some(rel) = relevant(root, p) {
                        self.writing.remove(&rel);
                    }
                }
            }
            Ok(ev) if changes_files(&ev.kind) => {
                // Data written or a file created: more may follow until it is closed.
                let open = matches!(
                    ev.kind,
                    EventKind::Create(CreateKind::File)
                        | EventKind::Modify(ModifyKind::Data(_))
                        | EventKind::Modify(ModifyKind::Any)
                        | EventKind::Any
                        | EventKind::Other
                );
                for p in &ev.paths {
                    if let Some(rel) = relevant(root, p) {
                        self.started.get_or_insert_with(Instant::now);
                        if open {
                            self.writing.insert(rel.clone());
                        }
                        self.paths.insert(rel);
                    }
                }
            }
            Ok(_) => {}
            Err(e) => {
                self.started.get_or_insert_with(Instant::now);
                self.errors.push(e.to_string());
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.errors.is_empty()
    }
}

/// Waits for the next burst of relevant changes; `None` when the server stops.
/// `on_event` sees every raw event first (to add watches for newly created folders).
pub fn next_burst(
    root: &Path,
    rx: &Receiver<Msg>,
    on_event: &mut dyn FnMut(&notify::Event),
) -> Option<Burst> {
    match next_burst_within(root, rx, on_event, None) {
        Waited::Burst(b) => Some(b),
        Waited::Idle | Waited::Stopped => None,
    }
}

/// What waiting for changes gave.
#[derive(Debug)]
pub enum Waited {
    /// Files changed.
    Burst(Burst),
    /// Nothing changed for the whole wait.
    Idle,
    /// The server is stopping.
    Stopped,
}

/// Like [`next_burst`], but gives up when nothing at all happens for `idle`.
pub fn next_burst_within(
    root: &Path,
    rx: &Receiver<Msg>,
    on_event: &mut dyn FnMut(&notify::Event),
    idle: Option<Duration>,
) -> Waited {
    let mut burst = Burst::default();
    loop {
        let msg = if burst.is_empty() {
            let got = match idle {
                Some(d) => rx
                    .recv_timeout(d)
                    .map_err(|e| e == RecvTimeoutError::Timeout),
                None => rx.recv().map_err(|_| false),
            };
            match got {
                Ok(m) => m,
                Err(true) => return Waited::Idle,
                Err(false) => return Waited::Stopped,
            }
        } else {
            let started = burst.started.unwrap_or_else(Instant::now);
            if started.elapsed() >= MAX_WAIT {
                return Waited::Burst(burst);
            }
            match rx.recv_timeout(burst.quiet()) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return Waited::Burst(burst),
                Err(RecvTimeoutError::Disconnected) => return Waited::Stopped,
            }
        };
        match msg {
            Msg::Stop => return Waited::Stopped,
            Msg::Fs(ev) => {
                if let Ok(e) = &ev {
                    on_event(e);
                }
                burst.add(root, ev);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange};
    use std::sync::mpsc;

    #[test]
    fn ignores_editor_files_and_other_folders() {
        let root = Path::new("/site");
        let rel = |p: &str| relevant(root, &root.join(p));
        assert!(rel("content/a.md").is_some());
        assert!(rel("config.toml").is_some());
        assert!(rel("themes/t/static/css/site.css").is_some());
        assert!(rel("content").is_some());
        assert!(rel("public/index.html").is_none());
        assert!(rel(".bangtin-cache/images/x.webp").is_none());
        assert!(rel("target/debug/x").is_none());
        assert!(rel("notes.txt").is_none());
        for junk in [
            "content/.a.md.swp",
            "content/a.md~",
            "content/.#a.md",
            "content/4913",
            "content/a.md.tmp",
            "content/#a.md#",
            "themes/t/.git/index",
        ] {
            assert!(rel(junk).is_none(), "{junk}");
        }
        assert!(relevant(root, Path::new("/elsewhere/content/a.md")).is_none());
    }

    #[test]
    fn reads_do_not_rebuild() {
        assert!(!changes_files(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(changes_files(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
    }

    fn ev(kind: EventKind, p: &str) -> Msg {
        Msg::Fs(Ok(notify::Event::new(kind).add_path(PathBuf::from(p))))
    }

    #[test]
    fn a_burst_becomes_one_rebuild() {
        let (tx, rx) = mpsc::channel();
        let root = Path::new("/site");
        tx.send(ev(
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            "/site/content/a.md",
        ))
        .unwrap();
        tx.send(ev(
            EventKind::Create(CreateKind::File),
            "/site/content/4913",
        ))
        .unwrap();
        tx.send(ev(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            "/site/content/a.md",
        ))
        .unwrap();
        tx.send(ev(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            "/site/static/site.css",
        ))
        .unwrap();
        let mut seen = 0;
        let b = next_burst(root, &rx, &mut |_| seen += 1).unwrap();
        assert_eq!(seen, 4);
        assert_eq!(b.paths.len(), 2);
        assert!(!b.css_only());
        tx.send(ev(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            "/site/static/site.CSS",
        ))
        .unwrap();
        let b = next_burst(root, &rx, &mut |_| {}).unwrap();
        assert!(b.css_only());
        tx.send(Msg::Stop).unwrap();
        assert!(next_burst(root, &rx, &mut |_| {}).is_none());
    }

    #[test]
    fn a_closed_file_ends_the_burst_sooner() {
        let root = Path::new("/site");
        let mut b = Burst::default();
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let e = |kind, p: &str| Ok(notify::Event::new(kind).add_path(PathBuf::from(p)));
        b.add(root, e(data, "/site/content/a.md"));
        assert_eq!(b.quiet(), QUIET, "still being written");
        b.add(root, e(data, "/site/content/b.md"));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        b.add(root, e(closed, "/site/content/a.md"));
        assert_eq!(b.quiet(), QUIET, "b.md is not closed yet");
        b.add(root, e(closed, "/site/content/b.md"));
        assert_eq!(b.quiet(), SETTLE);
        assert_eq!(b.paths.len(), 2);
        // A rename is complete at once.
        let mut b = Burst::default();
        let renamed = EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::To));
        b.add(root, e(renamed, "/site/content/c.md"));
        assert_eq!(b.quiet(), SETTLE);
    }
}
