//! `bangtin deploy`: publish the built site over FTP, FTPS or SFTP, safely and incrementally,
//! or write it as a zip archive for a hosting control panel.
//!
//! A deploy compares the output folder with the manifest of the last deploy (kept on the
//! server, cached locally), uploads only new and changed files in an order that keeps the live
//! site consistent (assets, pages, home pages, feeds, then the manifest), each under a
//! temporary name renamed into place, then deletes the files of earlier deploys that the site
//! no longer has. Files bangtin never uploaded are deleted only with `--delete`, after a
//! confirmation listing them. A manifest this computer did not write last (another computer
//! deployed, or it is older) is checked against the server's listing before it is trusted.
//! An interrupted deploy is resumed by running it again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use i18n::{tr, Lang};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

mod connect;
pub mod error;
mod ftp;
pub mod manifest;
pub mod plan;
mod remote;
mod run;
mod session;
mod sftp;
mod summary;
pub mod target;
mod verify;
mod zip;

pub use crate::error::{DeployError, TargetProblem};
pub use crate::manifest::{Entry, Manifest, MANIFEST_NAME};
pub use crate::plan::{Plan, Stage};
pub use crate::remote::DEFAULT_IO_TIMEOUT;
pub use crate::summary::Summary;
pub use crate::target::{Scheme, Target};
pub use crate::zip::write_zip;

use crate::run::Run;
use crate::session::Session;

/// The environment variable that holds the deploy password.
pub const PASSWORD_ENV: &str = "BANGTIN_DEPLOY_PASSWORD";

/// How a deploy runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only list what would change; write nothing on the server.
    pub dry_run: bool,
    /// Also delete files bangtin never uploaded that the site does not have (files of
    /// earlier deploys that the site no longer has are always deleted, after the upload).
    /// Hidden files (`.htaccess`, `.well-known/`) are never deleted.
    pub delete: bool,
    /// Asked with the list of those files before any is deleted; `None` deletes none.
    pub confirm: Option<Confirm>,
    /// List the server's files and compare them with the manifest (sizes; over SFTP also the
    /// content), uploading again what is missing or different.
    pub verify: bool,
    /// Language of messages.
    pub lang: Lang,
    /// Show a progress bar (files, bytes, speed) on stderr.
    pub progress: bool,
    /// Accept an FTPS certificate that cannot be verified (self-signed).
    pub accept_invalid_certs: bool,
    /// How many times a failed network operation is retried (with growing pauses).
    pub retries: u32,
    /// How long a connection may stay silent (a stalled network, a frozen server) before it
    /// counts as broken and is retried.
    pub timeout: Duration,
    /// Folder for the local copy of the manifest and the remembered SFTP host keys.
    pub cache_dir: Option<PathBuf>,
    /// Set to true (e.g. from a Ctrl-C handler) to stop cleanly after the current file.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Told before each upload: (files done, files to upload, path) (the teacher's desk).
    pub on_file: Option<OnFile>,
}

/// What [`Confirm`] calls: the files about to be deleted → whether to go on.
pub type ConfirmFn = dyn Fn(&[String]) -> bool + Send + Sync;

/// Asks the user before files bangtin never uploaded are deleted.
#[derive(Clone)]
pub struct Confirm(pub Arc<ConfirmFn>);

impl std::fmt::Debug for Confirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Confirm")
    }
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
            confirm: None,
            verify: false,
            lang: Lang::Vi,
            progress: false,
            accept_invalid_certs: false,
            retries: 3,
            timeout: DEFAULT_IO_TIMEOUT,
            cache_dir: None,
            cancel: None,
            on_file: None,
        }
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
    let entries = site_entries(&local);
    let mut session = Session::new(target, password, opts);
    let last = opts
        .cache_dir
        .as_deref()
        .and_then(|d| manifest::read_cache(d, target));
    let (server, offline) = read_manifest(&mut session, opts, password, last.as_ref())?;
    let trusted = is_trusted(&server, offline, last.as_ref());
    let mut state = server.clone();
    let found = if !offline && (opts.verify || opts.delete || !trusted) {
        Some(verify::check(
            &mut session,
            &mut state,
            &entries,
            opts.verify,
        )?)
    } else {
        None
    };
    let mut plan = plan::diff(&entries, &state, true);
    let (foreign, confirmed) = foreign_files(opts, found.as_ref());
    if let Some(f) = &found {
        plan.foreign = verify::to_delete(f, confirmed);
    }
    let summary = Summary {
        unchanged: plan.unchanged.len(),
        dry_run: opts.dry_run,
        offline,
        checked: found.is_some(),
        trusted,
        repaired: found.map(|f| f.repaired).unwrap_or_default(),
        foreign: if confirmed { Vec::new() } else { foreign },
        ..Summary::default()
    };
    if opts.dry_run {
        return Ok(would_do(summary, plan, &entries));
    }
    let mut run = start_run(session, (server, state), trusted, &plan, &entries, opts);
    let result = run.execute(&plan, &local);
    run.bar.finish_and_clear();
    result?;
    Ok(done(summary, run, &entries))
}

/// The manifest entry of each file of the site.
fn site_entries(local: &BTreeMap<String, manifest::LocalFile>) -> BTreeMap<String, Entry> {
    local
        .iter()
        .map(|(k, v)| (k.clone(), v.entry.clone()))
        .collect()
}

/// Whether the server's manifest is trusted without checking it against the server's files.
fn is_trusted(server: &Manifest, offline: bool, last: Option<&Manifest>) -> bool {
    // The manifest is trusted when this computer wrote it last; an empty one claims nothing.
    offline
        || (server.files.is_empty() && server.pending_delete.is_empty())
        || last.is_some_and(|l| server.written_as(l))
}

/// Files bangtin never uploaded that checking found, and whether their deletion is confirmed.
fn foreign_files(opts: &Options, found: Option<&verify::Found>) -> (Vec<String>, bool) {
    let foreign = found.map(|f| f.foreign.clone()).unwrap_or_default();
    // Only with --delete, and once the user said yes; a dry run lists them as if so.
    let confirmed = opts.delete
        && !foreign.is_empty()
        && (opts.dry_run || opts.confirm.as_ref().is_some_and(|c| (c.0)(&foreign)));
    (foreign, confirmed)
}

/// A dry run's summary: what would be uploaded (and its size) and deleted.
fn would_do(mut summary: Summary, plan: Plan, entries: &BTreeMap<String, Entry>) -> Summary {
    summary.bytes = plan.upload.iter().map(|p| entries[p].size).sum();
    summary.uploaded = plan.upload;
    summary.deleted = [plan.delete, plan.foreign].concat();
    summary
}

/// A run about to carry out `plan`, from the manifest as saved on the server and as it is.
fn start_run<'a>(
    session: Session<'a>,
    (saved, state): (Manifest, Manifest),
    trusted: bool,
    plan: &Plan,
    entries: &BTreeMap<String, Entry>,
    opts: &Options,
) -> Run<'a> {
    let upload_bytes: u64 = plan.upload.iter().map(|p| entries[p].size).sum();
    Run {
        session,
        saved,
        state,
        id: manifest::new_deploy_id(),
        adopt: !trusted,
        known_dirs: BTreeSet::new(),
        uploaded: Vec::new(),
        deleted: Vec::new(),
        total: plan.upload.len(),
        bar: progress_bar(opts, upload_bytes),
        on_file: opts.on_file.clone(),
    }
}

/// A deploy's summary once done: what was uploaded (and its size) and deleted.
fn done(mut summary: Summary, run: Run<'_>, entries: &BTreeMap<String, Entry>) -> Summary {
    summary.bytes = run.uploaded.iter().map(|p| entries[p].size).sum();
    summary.uploaded = run.uploaded;
    summary.deleted = run.deleted;
    summary
}

/// The server's manifest, or (dry run without a password, or with the server unreachable)
/// the local copy of it: then `true`, offline.
fn read_manifest(
    session: &mut Session,
    opts: &Options,
    password: &str,
    last: Option<&Manifest>,
) -> Result<(Manifest, bool), DeployError> {
    // A dry run without a password compares with the local copy of the manifest when there
    // is one, without connecting.
    if opts.dry_run && password.is_empty() {
        if let Some(copy) = last {
            return Ok((copy.clone(), true));
        }
    }
    match session.run("read", MANIFEST_NAME, |r| r.read(MANIFEST_NAME)) {
        // A manifest we cannot read proves nothing: then everything is uploaded again.
        Ok(bytes) => Ok((
            bytes.and_then(|b| Manifest::parse(&b)).unwrap_or_default(),
            false,
        )),
        Err(e @ (DeployError::Connect { .. } | DeployError::Network { .. })) if opts.dry_run => {
            last.map(|copy| (copy.clone(), true)).ok_or(e)
        }
        Err(e) => Err(e),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
