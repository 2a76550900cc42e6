//! A connection to the server that reconnects and retries, and saves the manifest.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::connect;
use crate::error::DeployError;
use crate::manifest::{self, Manifest, MANIFEST_NAME};
use crate::remote::{ConnectOptions, Fault, Remote, RemoteError};
use crate::target::Target;
use crate::Options;

/// A connection that reconnects and retries transient failures with exponential backoff.
pub(crate) struct Session<'a> {
    target: &'a Target,
    password: &'a str,
    opts: &'a Options,
    connect_opts: ConnectOptions,
    remote: Option<Box<dyn Remote>>,
}

impl<'a> Session<'a> {
    pub fn new(target: &'a Target, password: &'a str, opts: &'a Options) -> Session<'a> {
        Session {
            target,
            password,
            opts,
            connect_opts: ConnectOptions {
                accept_invalid_certs: opts.accept_invalid_certs,
                known_hosts: opts.cache_dir.as_ref().map(|d| d.join("known_hosts")),
                create_root: !opts.dry_run,
                io_timeout: opts.timeout,
            },
            remote: None,
        }
    }

    /// Runs `op` on a live connection, reconnecting and retrying on transient errors.
    pub fn run<T>(
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
    pub fn pause(&self, attempt: u32) -> Result<(), DeployError> {
        let wait = Duration::from_millis(500u64 << attempt.min(4));
        let until = Instant::now() + wait;
        while Instant::now() < until {
            self.check_cancel()?;
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    pub fn check_cancel(&self) -> Result<(), DeployError> {
        match &self.opts.cancel {
            Some(flag) if flag.load(Ordering::SeqCst) => Err(DeployError::Interrupted),
            _ => Ok(()),
        }
    }

    /// Writes the manifest on the server (temporary name, then rename) and the local copy.
    pub fn save_manifest(&mut self, m: &Manifest) -> Result<(), DeployError> {
        let bytes = m.to_bytes();
        let size = bytes.len() as u64;
        self.run("upload", MANIFEST_NAME, |r| {
            r.put(MANIFEST_NAME, &mut &bytes[..], size)
        })
        .map_err(|e| e.with_size(size))?;
        self.save_cache(m);
        Ok(())
    }

    /// After a failure: one more try on a fresh connection, whatever the retry setting, so the
    /// next run knows what is already there. If it fails, the last saved manifest still only
    /// claims files that are in place, so nothing is lost but some re-uploading.
    pub fn save_manifest_last_chance(&mut self, m: &Manifest) {
        if self.save_manifest(m).is_ok() {
            return;
        }
        self.remote = None;
        if let Ok(mut r) = connect::connect(self.target, self.password, &self.connect_opts) {
            let bytes = m.to_bytes();
            if r.put(MANIFEST_NAME, &mut &bytes[..], bytes.len() as u64)
                .is_ok()
            {
                self.save_cache(m);
            }
        }
    }

    /// The local copy of the manifest is a convenience: failing to write it is not an error.
    pub fn save_cache(&self, m: &Manifest) {
        if let Some(dir) = &self.opts.cache_dir {
            let _ = manifest::write_cache(dir, self.target, m);
        }
    }

    pub fn close(&mut self) {
        self.remote = None;
    }
}
