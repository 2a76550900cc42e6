//! `bangtin deploy`: publish the built site over FTP, FTPS or SFTP, safely and incrementally,
//! or write it as a zip archive for a hosting control panel.
//!
//! A deploy compares the output folder with the manifest of the last deploy (kept on the
//! server, cached locally), uploads only new and changed files in an order that keeps the live
//! site consistent (assets, pages, home pages, feeds, then the manifest), each under a
//! temporary name renamed into place, and deletes old files only when asked and only if an
//! earlier deploy put them there. An interrupted deploy is resumed by running it again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use i18n::{tr, Lang};
use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

mod connect;
pub mod error;
mod ftp;
pub mod manifest;
pub mod plan;
mod remote;
mod sftp;
pub mod target;
mod zip;

pub use crate::error::{DeployError, TargetProblem};
pub use crate::manifest::{Entry, Manifest, MANIFEST_NAME};
pub use crate::plan::{Plan, Stage};
pub use crate::target::{Scheme, Target};
pub use crate::zip::write_zip;

use crate::remote::{ConnectOptions, Fault, Remote, RemoteError};

/// The environment variable that holds the deploy password.
pub const PASSWORD_ENV: &str = "BANGTIN_DEPLOY_PASSWORD";

/// The manifest is saved on the server after this many uploads at least...
const CHECKPOINT_FILES: usize = 20;
/// ...or a quarter of the files it already lists, whichever is more: the manifest grows with
/// the site, so saving it at a fixed pace would cost more than the files on a big first deploy.
const CHECKPOINT_SHARE: usize = 4;
/// On a slow line, a checkpoint after this long even if few files went up.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);

/// How a deploy runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only list what would change; write nothing on the server.
    pub dry_run: bool,
    /// Delete files of earlier deploys that the site no longer has.
    pub delete: bool,
    /// Language of messages.
    pub lang: Lang,
    /// Show a progress bar (files, bytes, speed) on stderr.
    pub progress: bool,
    /// Accept an FTPS certificate that cannot be verified (self-signed).
    pub accept_invalid_certs: bool,
    /// How many times a failed network operation is retried (with growing pauses).
    pub retries: u32,
    /// Folder for the local copy of the manifest and the remembered SFTP host keys.
    pub cache_dir: Option<PathBuf>,
    /// Set to true (e.g. from a Ctrl-C handler) to stop cleanly after the current file.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Told before each upload: (files done, files to upload, path) (the teacher's desk).
    pub on_file: Option<OnFile>,
}

/// What [`OnFile`] calls: (files done, files to upload, path).
pub type FileFn = dyn Fn(usize, usize, &str) + Send + Sync;

/// A function told of each file about to be uploaded.
#[derive(Clone)]
pub struct OnFile(pub Arc<FileFn>);

impl std::fmt::Debug for OnFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnFile")
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dry_run: false,
            delete: false,
            lang: Lang::Vi,
            progress: false,
            accept_invalid_certs: false,
            retries: 3,
            cache_dir: None,
            cancel: None,
            on_file: None,
        }
    }
}

/// What a deploy did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files uploaded, in upload order.
    pub uploaded: Vec<String>,
    /// Files deleted from the server.
    pub deleted: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Bytes uploaded.
    pub bytes: u64,
    /// True for a dry run: nothing was changed.
    pub dry_run: bool,
    /// Files of earlier deploys the site no longer has, left on the server (no `--delete`).
    pub stale: Vec<String>,
    /// A dry run that compared with the local copy of the manifest instead of the server's
    /// (the server could not be reached, or no password was given).
    pub offline: bool,
}

impl Summary {
    /// A human summary in the chosen language (a dry run lists the files).
    pub fn message(&self, lang: Lang) -> String {
        let (up, del, same) = (self.uploaded.len(), self.deleted.len(), self.unchanged);
        let size = HumanBytes(self.bytes);
        let mut out = if self.dry_run {
            let mut s = tr!(
                lang,
                "Chạy thử, máy chủ không bị thay đổi: sẽ tải lên {up} tệp ({size}), sẽ xoá {del} tệp, {same} tệp không đổi.",
                "Dry run, the server was not changed: would upload {up} files ({size}), delete {del} files; {same} files unchanged.",
            );
            if self.offline {
                s.push(' ');
                s.push_str(&tr!(
                    lang,
                    "(Không hỏi máy chủ: đã so với bản sao danh sách tệp của lần triển khai trước, lưu trên máy này.)",
                    "(The server was not asked: compared with this computer's copy of the file list from the last deploy.)",
                ));
            }
            for p in &self.uploaded {
                s.push_str(&format!("\n  + {p}"));
            }
            for p in &self.deleted {
                s.push_str(&format!("\n  - {p}"));
            }
            s
        } else if up == 0 && del == 0 {
            tr!(
                lang,
                "Máy chủ đã có bản mới nhất ({same} tệp), không cần tải gì lên.",
                "The server is already up to date ({same} files); nothing to upload.",
            )
        } else {
            tr!(
                lang,
                "Đã tải lên {up} tệp ({size}), xoá {del} tệp; {same} tệp không đổi.",
                "Uploaded {up} files ({size}), deleted {del} files; {same} files unchanged.",
            )
        };
        if !self.stale.is_empty() {
            let n = self.stale.len();
            out.push('\n');
            out.push_str(&tr!(
                lang,
                "{n} tệp cũ không còn trong trang vẫn nằm trên máy chủ; chạy lại với --delete để xoá chúng.",
                "{n} old files that the site no longer has are still on the server; run again with --delete to remove them.",
            ));
        }
        out
    }
}

/// The deploy password from `BANGTIN_DEPLOY_PASSWORD`, if set and not empty.
pub fn password_from_env() -> Option<String> {
    std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty())
}

/// Installs a Ctrl-C handler (once per process) and returns the flag it raises, to pass as
/// [`Options::cancel`]. The first Ctrl-C stops the deploy cleanly after the current file (what
/// was uploaded is recorded, so running again resumes); a second one quits at once.
/// `None` when the program already has a Ctrl-C handler of its own.
pub fn stop_on_ctrl_c(lang: Lang) -> Option<Arc<AtomicBool>> {
    static FLAG: OnceLock<Option<Arc<AtomicBool>>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let raised = flag.clone();
        ctrlc::set_handler(move || {
            if raised.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!(
                "\n{}",
                tr!(
                    lang,
                    "Đang dừng sau tệp hiện tại... (bấm Ctrl-C lần nữa để thoát ngay)",
                    "Stopping after the current file... (press Ctrl-C again to quit now)"
                )
            );
        })
        .ok()
        .map(|_| flag)
    })
    .clone()
}

/// Publishes `output_dir` to `target`. See the crate documentation for the guarantees.
pub fn deploy(
    output_dir: &Path,
    target: &Target,
    password: &str,
    opts: &Options,
) -> Result<Summary, DeployError> {
    let local = manifest::scan(output_dir)?;
    let entries: BTreeMap<String, Entry> = local
        .iter()
        .map(|(k, v)| (k.clone(), v.entry.clone()))
        .collect();
    let mut session = Session::new(target, password, opts);

    let cached = || {
        opts.cache_dir
            .as_deref()
            .and_then(|d| manifest::read_cache(d, target))
    };
    let mut offline = false;
    // A dry run without a password compares with the local copy of the manifest when there
    // is one, without connecting.
    let offline_copy = if opts.dry_run && password.is_empty() {
        cached()
    } else {
        None
    };
    let remote_manifest = match offline_copy {
        Some(copy) => {
            offline = true;
            copy
        }
        None => match session.run("read", MANIFEST_NAME, |r| r.read(MANIFEST_NAME)) {
            // A manifest we cannot read proves nothing: then everything is uploaded again.
            Ok(bytes) => bytes.and_then(|b| Manifest::parse(&b)).unwrap_or_default(),
            Err(e @ (DeployError::Connect { .. } | DeployError::Network { .. }))
                if opts.dry_run =>
            {
                match cached() {
                    Some(copy) => {
                        offline = true;
                        copy
                    }
                    None => return Err(e),
                }
            }
            Err(e) => return Err(e),
        },
    };
    let plan = plan::diff(&entries, &remote_manifest, opts.delete);
    let upload_bytes: u64 = plan.upload.iter().map(|p| entries[p].size).sum();

    if opts.dry_run {
        return Ok(Summary {
            uploaded: plan.upload,
            deleted: plan.delete,
            unchanged: plan.unchanged.len(),
            bytes: upload_bytes,
            dry_run: true,
            stale: plan.stale,
            offline,
        });
    }

    let bar = progress_bar(opts, upload_bytes);
    let mut run = Run {
        session,
        state: remote_manifest.clone(),
        saved: remote_manifest.clone(),
        known_dirs: BTreeSet::new(),
        uploaded: Vec::new(),
        total: plan.upload.len(),
        bar,
        on_file: opts.on_file.clone(),
    };
    let result = run.execute(&plan, &local);
    run.bar.finish_and_clear();
    let deleted = result?;
    Ok(Summary {
        bytes: run.uploaded.iter().map(|p| entries[p].size).sum(),
        uploaded: run.uploaded,
        deleted,
        unchanged: plan.unchanged.len(),
        dry_run: false,
        stale: plan.stale,
        offline: false,
    })
}

fn progress_bar(opts: &Options, total_bytes: u64) -> ProgressBar {
    if !opts.progress {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{msg}\n[{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// One deploy in progress: what the server has (as far as we know) and what we did.
struct Run<'a> {
    session: Session<'a>,
    /// The manifest as it should be on the server right now: claims only files in place.
    state: Manifest,
    /// The manifest as last read from or written to the server.
    saved: Manifest,
    known_dirs: BTreeSet<String>,
    uploaded: Vec<String>,
    total: usize,
    bar: ProgressBar,
    on_file: Option<OnFile>,
}

impl Run<'_> {
    /// Uploads and deletes; returns the deleted files.
    fn execute(
        &mut self,
        plan: &Plan,
        local: &BTreeMap<String, manifest::LocalFile>,
    ) -> Result<Vec<String>, DeployError> {
        // Files about to be replaced stop being claimed before their upload begins: if the
        // deploy dies half-way, the next one uploads them again instead of trusting them.
        for path in &plan.upload {
            self.state.files.remove(path);
            self.state.pending_delete.remove(path);
        }
        self.save()?;
        self.known_dirs = self.state.known_dirs();
        self.known_dirs.insert(String::new());

        let mut since_save = 0;
        let mut last_save = Instant::now();
        for (i, path) in plan.upload.iter().enumerate() {
            self.bar
                .set_message(format!("{}/{} {path}", i + 1, plan.upload.len()));
            if let Some(f) = &self.on_file {
                (f.0)(i, plan.upload.len(), path);
            }
            let res = self
                .session
                .check_cancel()
                .and_then(|_| self.upload_one(path, &local[path].path));
            if let Err(e) = res {
                return Err(self.stop(e));
            }
            since_save += 1;
            let due = CHECKPOINT_FILES.max(self.state.files.len() / CHECKPOINT_SHARE);
            if since_save >= due || last_save.elapsed() >= CHECKPOINT_EVERY {
                if let Err(e) = self.save() {
                    return Err(self.stop(e));
                }
                since_save = 0;
                last_save = Instant::now();
            }
        }

        let mut deleted = Vec::new();
        if !plan.delete.is_empty() {
            // Unclaim first (so the manifest never claims a file that is gone), remembering
            // them as pending so that an interrupted delete is finished next time.
            for path in &plan.delete {
                if self.state.files.remove(path).is_some() {
                    self.state.pending_delete.insert(path.clone());
                }
            }
            if let Err(e) = self.save() {
                return Err(self.stop(e));
            }
            for path in &plan.delete {
                let res = self
                    .session
                    .check_cancel()
                    .and_then(|_| self.session.run("delete", path, |r| r.delete(path)));
                if let Err(e) = res {
                    return Err(self.stop(e));
                }
                self.state.pending_delete.remove(path);
                deleted.push(path.clone());
            }
            self.remove_empty_dirs(&deleted, local);
        }
        if self.state != self.saved {
            if let Err(e) = self.save() {
                return Err(self.stop(e));
            }
        } else {
            // Nothing changed on the server; keep the local copy in step with it.
            self.session.save_cache(&self.state);
        }
        self.session.close();
        Ok(deleted)
    }

    fn upload_one(&mut self, path: &str, local_path: &Path) -> Result<(), DeployError> {
        self.ensure_parent_dirs(path)?;
        let bytes = std::fs::read(local_path).map_err(|source| DeployError::Local {
            path: local_path.to_path_buf(),
            source,
        })?;
        // The manifest records what was actually sent, even if the file changed since the scan.
        let entry = Entry::of(&bytes);
        let start = self.bar.position();
        let bar = self.bar.clone();
        self.session.run("upload", path, |r| {
            bar.set_position(start);
            let mut reader = bar.wrap_read(&bytes[..]);
            r.put(path, &mut reader)
        })?;
        self.state.files.insert(path.to_string(), entry);
        self.uploaded.push(path.to_string());
        Ok(())
    }

    fn ensure_parent_dirs(&mut self, path: &str) -> Result<(), DeployError> {
        let mut dir = String::new();
        let parts: Vec<&str> = path.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(part);
            if !self.known_dirs.contains(&dir) {
                let d = dir.clone();
                self.session.run("mkdir", &d, |r| r.mkdir(&d))?;
                self.known_dirs.insert(dir.clone());
            }
        }
        Ok(())
    }

    /// Removes folders emptied by deletions that the new site does not use (deepest first).
    /// A folder that still holds someone else's files is refused by the server and stays.
    fn remove_empty_dirs(
        &mut self,
        deleted: &[String],
        local: &BTreeMap<String, manifest::LocalFile>,
    ) {
        let mut used = BTreeSet::new();
        for path in local.keys().chain(self.state.files.keys()) {
            let mut p = path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                used.insert(parent.to_string());
                p = parent;
            }
        }
        let mut candidates = BTreeSet::new();
        for path in deleted {
            let mut p = path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                if !used.contains(parent) {
                    candidates.insert(parent.to_string());
                }
                p = parent;
            }
        }
        let mut dirs: Vec<String> = candidates.into_iter().collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for dir in dirs {
            let _ = self
                .session
                .run("rmdir", &dir, |r| Ok(r.rmdir_if_empty(&dir)));
        }
    }

    /// Saves the manifest on the server if it differs from the last saved one.
    fn save(&mut self) -> Result<(), DeployError> {
        if self.state != self.saved {
            self.session.save_manifest(&self.state)?;
            self.saved = self.state.clone();
        }
        Ok(())
    }

    /// Records what was done before a failure (best effort), and wraps the failure.
    fn stop(&mut self, cause: DeployError) -> DeployError {
        if self.state != self.saved && !matches!(cause, DeployError::Auth { .. }) {
            self.session.save_manifest_last_chance(&self.state);
        }
        DeployError::Stopped {
            done: self.uploaded.len(),
            total: self.total,
            cause: Box::new(cause),
        }
    }
}

/// A connection that reconnects and retries transient failures with exponential backoff.
struct Session<'a> {
    target: &'a Target,
    password: &'a str,
    opts: &'a Options,
    connect_opts: ConnectOptions,
    remote: Option<Box<dyn Remote>>,
}

impl<'a> Session<'a> {
    fn new(target: &'a Target, password: &'a str, opts: &'a Options) -> Session<'a> {
        Session {
            target,
            password,
            opts,
            connect_opts: ConnectOptions {
                accept_invalid_certs: opts.accept_invalid_certs,
                known_hosts: opts.cache_dir.as_ref().map(|d| d.join("known_hosts")),
                create_root: !opts.dry_run,
            },
            remote: None,
        }
    }

    /// Runs `op` on a live connection, reconnecting and retrying on transient errors.
    fn run<T>(
        &mut self,
        action: &'static str,
        path: &str,
        mut op: impl FnMut(&mut dyn Remote) -> Result<T, RemoteError>,
    ) -> Result<T, DeployError> {
        let mut attempt = 0u32;
        loop {
            let failure = match self.remote.as_mut() {
                Some(remote) => match op(remote.as_mut()) {
                    Ok(v) => return Ok(v),
                    Err(e) => (e, action),
                },
                None => match connect::connect(self.target, self.password, &self.connect_opts) {
                    Ok(r) => {
                        self.remote = Some(r);
                        continue;
                    }
                    Err(e) => (e, "connect"),
                },
            };
            let (err, what) = failure;
            if err.fault == Fault::Transient {
                // The connection may be in any state now: start a fresh one.
                self.remote = None;
                if attempt < self.opts.retries {
                    self.pause(attempt)?;
                    attempt += 1;
                    continue;
                }
            }
            // A refusal while connecting is about the target folder, not the file at hand.
            let path = if what == "connect" {
                self.target.path.as_str()
            } else {
                path
            };
            return Err(err.into_deploy_error(self.target, what, path, attempt + 1));
        }
    }

    /// Waits before a retry: 0.5 s, 1 s, 2 s, ... up to 8 s, stopping early on cancel.
    fn pause(&self, attempt: u32) -> Result<(), DeployError> {
        let wait = Duration::from_millis(500u64 << attempt.min(4));
        let until = Instant::now() + wait;
        while Instant::now() < until {
            self.check_cancel()?;
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    fn check_cancel(&self) -> Result<(), DeployError> {
        match &self.opts.cancel {
            Some(flag) if flag.load(Ordering::SeqCst) => Err(DeployError::Interrupted),
            _ => Ok(()),
        }
    }

    /// Writes the manifest on the server (temporary name, then rename) and the local copy.
    fn save_manifest(&mut self, m: &Manifest) -> Result<(), DeployError> {
        let bytes = m.to_bytes();
        self.run("upload", MANIFEST_NAME, |r| {
            r.put(MANIFEST_NAME, &mut &bytes[..])
        })?;
        self.save_cache(m);
        Ok(())
    }

    /// After a failure: one more try on a fresh connection, whatever the retry setting, so the
    /// next run knows what is already there. If it fails, the last saved manifest still only
    /// claims files that are in place, so nothing is lost but some re-uploading.
    fn save_manifest_last_chance(&mut self, m: &Manifest) {
        if self.save_manifest(m).is_ok() {
            return;
        }
        self.remote = None;
        if let Ok(mut r) = connect::connect(self.target, self.password, &self.connect_opts) {
            if r.put(MANIFEST_NAME, &mut &m.to_bytes()[..]).is_ok() {
                self.save_cache(m);
            }
        }
    }

    /// The local copy of the manifest is a convenience: failing to write it is not an error.
    fn save_cache(&self, m: &Manifest) {
        if let Some(dir) = &self.opts.cache_dir {
            let _ = manifest::write_cache(dir, self.target, m);
        }
    }

    fn close(&mut self) {
        self.remote = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_messages_in_both_languages() {
        let s = Summary {
            uploaded: vec!["css/a.css".into(), "index.html".into()],
            deleted: vec!["old.html".into()],
            unchanged: 7,
            bytes: 2048,
            dry_run: false,
            stale: vec![],
            offline: false,
        };
        assert_eq!(
            s.message(Lang::En),
            "Uploaded 2 files (2.00 KiB), deleted 1 files; 7 files unchanged."
        );
        assert!(s.message(Lang::Vi).starts_with("Đã tải lên 2 tệp"));
        let dry = Summary {
            dry_run: true,
            stale: vec!["x.html".into()],
            ..s.clone()
        };
        let m = dry.message(Lang::En);
        assert!(m.contains("would upload 2 files"), "{m}");
        assert!(
            m.contains("\n  + index.html") && m.contains("\n  - old.html"),
            "{m}"
        );
        assert!(m.contains("--delete"), "{m}");
        let none = Summary::default();
        assert!(none.message(Lang::Vi).contains("bản mới nhất"));
    }

    #[test]
    fn password_comes_from_the_environment_only_when_set() {
        // Only this test touches the variable, so the process-wide change is safe here.
        std::env::set_var(PASSWORD_ENV, "");
        assert_eq!(password_from_env(), None);
        std::env::set_var(PASSWORD_ENV, "mật khẩu");
        assert_eq!(password_from_env().as_deref(), Some("mật khẩu"));
        std::env::remove_var(PASSWORD_ENV);
    }
}
