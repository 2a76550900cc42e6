//! Rebuilds in the preview: a [`Builder`] over a `site::Session`, the watcher's loop that
//! rebuilds after each burst of changes, and publishing a build (new files and a reload, a
//! stylesheet refresh, or the error overlay).

use crate::http::Files;
use crate::shared::{Shared, State};
use crate::{live, watch};
use i18n::{tr, Lang};
use site::Diagnostic;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub(crate) struct Builder {
    pub session: site::Session,
}

/// One build into memory.
pub(crate) struct Outcome {
    pub result: Result<site::Output, Vec<Diagnostic>>,
    pub pages: usize,
    pub elapsed: Duration,
    /// Pages and bodies taken from the session cache, and rendered.
    pub reuse: (usize, usize),
    /// Only the changed files were read again.
    pub incremental: bool,
    /// Search index files are left to rebuild (`Session::finish`).
    pub search_pending: bool,
}

impl Builder {
    pub(crate) fn build(&mut self, changed: &[PathBuf]) -> Outcome {
        let started = Instant::now();
        match self.session.rebuild(changed) {
            Ok(u) => Outcome {
                pages: u.pages,
                reuse: (u.reuse.reused, u.reuse.rendered),
                result: Ok(u.output),
                elapsed: started.elapsed(),
                incremental: u.incremental,
                search_pending: u.search_pending,
            },
            Err(site::Failed(errs)) => Outcome {
                pages: 0,
                reuse: (0, 0),
                result: Err(errs),
                elapsed: started.elapsed(),
                incremental: false,
                search_pending: false,
            },
        }
    }
}

/// The builder, even if a thread panicked while holding it (the session stays usable).
pub(crate) fn lock(b: &Mutex<Builder>) -> MutexGuard<'_, Builder> {
    b.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

pub(crate) fn print_errors(errors: &[Diagnostic], lang: Lang) {
    for d in errors {
        eprintln!("{}", d.render(lang));
    }
}

/// How long after the last change the search index of edited pages is brought up to date.
const SEARCH_AFTER: Duration = Duration::from_millis(400);

/// Rebuilds after every burst of changes until the server stops.
pub(crate) fn watch_loop(
    root: PathBuf,
    mut watcher: Box<dyn notify::Watcher + Send>,
    rx: mpsc::Receiver<watch::Msg>,
    builder: Arc<Mutex<Builder>>,
    shared: Arc<Shared>,
    quiet: bool,
) {
    let lang = shared.lang;
    let mut on_event = |ev: &notify::Event| {
        // A watched folder created after start (e.g. the first file in static/).
        if ev.kind.is_create() {
            for p in &ev.paths {
                let top = p.parent() == Some(root.as_path());
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if top && watch::WATCHED_DIRS.contains(&name) && p.is_dir() {
                    let _ = watcher.watch(p, notify::RecursiveMode::Recursive);
                }
            }
        }
    };
    let mut search_pending = false;
    loop {
        // The search index is rebuilt once the teacher pauses, so it never delays a page.
        let idle = search_pending.then_some(SEARCH_AFTER);
        let burst = match watch::next_burst_within(&root, &rx, &mut on_event, idle) {
            watch::Waited::Burst(b) => b,
            watch::Waited::Stopped => break,
            watch::Waited::Idle => {
                search_pending = false;
                let delta = lock(&builder).session.finish();
                let mut st = shared.write();
                if let Some(files) = st.files.as_mut() {
                    let files = Arc::make_mut(files);
                    for k in delta.remove {
                        files.remove(&k);
                    }
                    files.extend(delta.write);
                }
                continue;
            }
        };
        if !quiet {
            for e in &burst.errors {
                eprintln!(
                    "{}",
                    tr!(lang, "theo dõi thay đổi: {e}", "watching for changes: {e}")
                );
            }
        }
        if !burst.errors.is_empty() {
            lock(&builder).session.forget();
        }
        let paths: Vec<PathBuf> = burst.paths.iter().cloned().collect();
        let outcome = lock(&builder).build(&paths);
        search_pending |= outcome.search_pending;
        apply(&shared, outcome, &burst, quiet);
    }
}

/// Files whose bytes differ between two builds (added, removed or changed).
fn changed_files(old: &Files, new: &Files) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
    out
}

/// Publishes a build: new files and a reload, a stylesheet refresh, or the error overlay.
fn apply(shared: &Shared, outcome: Outcome, burst: &watch::Burst, quiet: bool) {
    let lang = shared.lang;
    let what = what_changed(burst);
    // Events go out while the lock is held: a tab that connects meanwhile either gets them or
    // sees the new state in its first frames, never both and never neither.
    let mut st = shared.write();
    st.last_build = outcome.elapsed;
    match outcome.result {
        Ok(output) => {
            let had_errors = !st.errors.is_empty();
            st.errors.clear();
            let (files, changed) = merge_output(output, st.files.take());
            st.files = Some(files);
            announce(shared, &mut st, changed, had_errors, burst);
            drop(st);
            if !quiet {
                print_rebuilt(
                    &what,
                    outcome.elapsed,
                    outcome.reuse,
                    outcome.incremental,
                    lang,
                );
            }
        }
        Err(errors) => {
            let frame = live::frame("build-error", &live::error_data(&errors, lang));
            if !quiet {
                eprintln!(
                    "{}",
                    tr!(
                        lang,
                        "Không dựng lại được ({what}); vẫn hiển thị bản tốt gần nhất:",
                        "Rebuild failed ({what}); the last good version is still served:"
                    )
                );
                print_errors(&errors, lang);
            }
            st.errors = errors;
            shared.hub.broadcast(&frame);
        }
    }
}

/// The first three changed paths, for the rebuild's message.
fn what_changed(burst: &watch::Burst) -> String {
    let what: Vec<String> = burst
        .paths
        .iter()
        .take(3)
        .map(|p| site::diag::display_path(p))
        .collect();
    what.join(", ")
}

/// The files to serve after a build, and which changed (`None`: unknown, the first good one).
fn merge_output(
    output: site::Output,
    old: Option<Arc<Files>>,
) -> (Arc<Files>, Option<Vec<String>>) {
    match (output, old) {
        (site::Output::All(files), old) => {
            let changed = old.as_ref().map(|old| changed_files(old, &files));
            (Arc::new(files), changed)
        }
        (site::Output::Changed(delta), Some(mut old)) => {
            // Usually no request holds the map now, so nothing is copied.
            let files = Arc::make_mut(&mut old);
            let mut changed = Vec::new();
            for (k, v) in delta.write {
                if files.get(&k) != Some(&v) {
                    changed.push(k.clone());
                    files.insert(k, v);
                }
            }
            for k in delta.remove {
                if files.remove(&k).is_some() {
                    changed.push(k);
                }
            }
            (old, Some(changed))
        }
        (site::Output::Changed(_), None) => (Arc::new(Files::new()), None),
    }
}

/// Tells open tabs of a good build: a reload, a stylesheet refresh, or the errors gone.
fn announce(
    shared: &Shared,
    st: &mut State,
    changed: Option<Vec<String>>,
    had_errors: bool,
    burst: &watch::Burst,
) {
    match changed {
        Some(c) if c.is_empty() => {
            if had_errors {
                shared
                    .hub
                    .broadcast(&live::frame("build-ok", &serde_json::json!({})));
            }
        }
        changed => {
            st.version += 1;
            let data = serde_json::json!({ "version": shared.version_tag(st.version) });
            let css_only = changed
                .as_ref()
                .is_some_and(|c| burst.css_only() || c.iter().all(|k| k.ends_with(".css")));
            let event = if css_only { "css" } else { "reload" };
            shared.hub.broadcast(&live::frame(event, &data));
        }
    }
}

/// Prints how a good rebuild went: what was read again and what was rendered.
fn print_rebuilt(
    what: &str,
    elapsed: Duration,
    (kept, redone): (usize, usize),
    incremental: bool,
    lang: Lang,
) {
    let t = ms(elapsed);
    let line = if incremental {
        tr!(
            lang,
            "Đã dựng lại ({what}) trong {t}: chỉ đọc lại tệp đã sửa, dựng lại {redone} phần hiển thị nó.",
            "Rebuilt ({what}) in {t}: only the edited file read again, {redone} parts that show it rendered."
        )
    } else {
        tr!(
            lang,
            "Đã dựng lại ({what}) trong {t}: dựng {redone} phần, giữ nguyên {kept} phần.",
            "Rebuilt ({what}) in {t}: {redone} parts rendered, {kept} reused."
        )
    };
    println!("{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_files_sees_added_removed_and_edited() {
        let mut a = Files::new();
        a.insert("x".into(), b"1".to_vec().into());
        a.insert("y".into(), b"1".to_vec().into());
        let mut b = a.clone();
        b.insert("x".into(), b"2".to_vec().into());
        b.remove("y");
        b.insert("z".into(), b"1".to_vec().into());
        let mut c = changed_files(&a, &b);
        c.sort();
        assert_eq!(c, ["x", "y", "z"]);
        assert!(changed_files(&a, &a).is_empty());
    }
}
