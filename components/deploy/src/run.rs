//! One deploy in progress: uploads in order, checkpoints of the manifest, deletions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::error::DeployError;
use crate::manifest::{self, Entry, Manifest};
use crate::plan::Plan;
use crate::session::Session;
use crate::OnFile;

/// The manifest is saved on the server after this many uploads at least...
const CHECKPOINT_FILES: usize = 20;
/// ...or a quarter of the files it already lists, whichever is more: the manifest grows with
/// the site, so saving it at a fixed pace would cost more than the files on a big first deploy.
const CHECKPOINT_SHARE: usize = 4;
/// On a slow line, a checkpoint after this long even if few files went up.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);

/// One deploy in progress: what the server has (as far as we know) and what we did.
pub(crate) struct Run<'a> {
    pub session: Session<'a>,
    /// The manifest as it should be on the server right now: claims only files in place.
    pub state: Manifest,
    /// The manifest as last read from or written to the server.
    pub saved: Manifest,
    /// This run's id, written into the manifest with each save.
    pub id: String,
    /// Save the manifest even if its files did not change: it was not ours (another
    /// computer's, or older), and from now on it is.
    pub adopt: bool,
    pub known_dirs: BTreeSet<String>,
    pub uploaded: Vec<String>,
    pub deleted: Vec<String>,
    pub total: usize,
    pub bar: ProgressBar,
    pub on_file: Option<OnFile>,
}

impl Run<'_> {
    /// Uploads, then deletes what the site no longer has; stops with what was done recorded.
    pub fn execute(
        &mut self,
        plan: &Plan,
        local: &BTreeMap<String, manifest::LocalFile>,
    ) -> Result<(), DeployError> {
        // Files about to be replaced stop being claimed before their upload begins: if the
        // deploy dies half-way, the next one uploads them again instead of trusting them.
        // If that cannot be saved, nothing was done yet: the error is the server's refusal.
        for path in &plan.upload {
            self.state.files.remove(path);
            self.state.pending_delete.remove(path);
        }
        self.save()?;
        let result = self
            .upload_all(plan, local)
            .and_then(|_| self.delete_ours(&plan.delete))
            .and_then(|_| self.delete_others(&plan.foreign))
            .and_then(|_| {
                self.remove_empty_dirs(local);
                self.finish()
            });
        result.map_err(|e| self.stop(e))
    }

    fn upload_all(
        &mut self,
        plan: &Plan,
        local: &BTreeMap<String, manifest::LocalFile>,
    ) -> Result<(), DeployError> {
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
            self.session.check_cancel()?;
            self.upload_one(path, &local[path].path)?;
            since_save += 1;
            let due = CHECKPOINT_FILES.max(self.state.files.len() / CHECKPOINT_SHARE);
            if since_save >= due || last_save.elapsed() >= CHECKPOINT_EVERY {
                self.save()?;
                since_save = 0;
                last_save = Instant::now();
            }
        }
        Ok(())
    }

    /// Deletes files of earlier deploys, once every new file is in place. They stop being
    /// claimed first (so the manifest never claims a file that is gone) and are remembered
    /// as pending, so that an interrupted delete is finished next time.
    fn delete_ours(&mut self, paths: &[String]) -> Result<(), DeployError> {
        if paths.is_empty() {
            return Ok(());
        }
        for path in paths {
            if self.state.files.remove(path).is_some() {
                self.state.pending_delete.insert(path.clone());
            }
        }
        self.save()?;
        for path in paths {
            self.session.check_cancel()?;
            self.session.run("delete", path, |r| r.delete(path))?;
            self.state.pending_delete.remove(path);
            self.deleted.push(path.clone());
        }
        Ok(())
    }

    /// Deletes files no deploy recorded: leftovers of interrupted uploads, and other people's
    /// files when the user confirmed it.
    fn delete_others(&mut self, paths: &[String]) -> Result<(), DeployError> {
        for path in paths {
            self.session.check_cancel()?;
            self.session.run("delete", path, |r| r.delete(path))?;
            self.deleted.push(path.clone());
        }
        Ok(())
    }

    /// The last save (if anything changed) and goodbye.
    fn finish(&mut self) -> Result<(), DeployError> {
        if self.dirty() {
            self.save()?;
        } else {
            // Nothing changed on the server; keep the local copy in step with it.
            self.session.save_cache(&self.state);
        }
        self.session.close();
        Ok(())
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
        self.session
            .run("upload", path, |r| {
                bar.set_position(start);
                let mut reader = bar.wrap_read(&bytes[..]);
                r.put(path, &mut reader, entry.size)
            })
            .map_err(|e| e.with_size(entry.size))?;
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
    fn remove_empty_dirs(&mut self, local: &BTreeMap<String, manifest::LocalFile>) {
        let mut used = BTreeSet::new();
        for path in local.keys().chain(self.state.files.keys()) {
            let mut p = path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                used.insert(parent.to_string());
                p = parent;
            }
        }
        let mut candidates = BTreeSet::new();
        for path in &self.deleted {
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

    /// Whether the server's manifest must be written again.
    fn dirty(&self) -> bool {
        self.adopt || !self.state.same_files(&self.saved)
    }

    /// Saves the manifest on the server if it must be, stamped with this run and the next
    /// generation.
    fn save(&mut self) -> Result<(), DeployError> {
        if self.dirty() {
            self.stamp();
            self.session.save_manifest(&self.state)?;
            self.saved = self.state.clone();
            self.adopt = false;
        }
        Ok(())
    }

    fn stamp(&mut self) {
        self.state.deploy = self.id.clone();
        self.state.generation = self.saved.generation + 1;
    }

    /// Records what was done before a failure (best effort), and wraps the failure.
    fn stop(&mut self, cause: DeployError) -> DeployError {
        if self.dirty() && !matches!(cause, DeployError::Auth { .. }) {
            self.stamp();
            self.session.save_manifest_last_chance(&self.state);
        }
        DeployError::Stopped {
            done: self.uploaded.len(),
            total: self.total,
            cause: Box::new(cause),
        }
    }
}
