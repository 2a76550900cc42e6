//! What the request threads and the watcher share: the files served now, the live-reload
//! hub, the message language.

use crate::http::Files;
use crate::live;
use i18n::Lang;
use site::Diagnostic;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// What is served now.
pub(crate) struct State {
    /// The last good build (`None` until one succeeds).
    pub files: Option<Arc<Files>>,
    /// Errors of the latest build (empty when it succeeded).
    pub errors: Vec<Diagnostic>,
    /// Bumped whenever the served files change.
    pub version: u64,
    /// How long the latest build took.
    pub last_build: Duration,
}

/// Everything the request threads and the watcher share.
pub(crate) struct Shared {
    pub state: RwLock<State>,
    pub hub: live::Hub,
    pub lang: Lang,
    /// Differs between two runs of the server, so a tab that reconnects to a new one reloads.
    pub session: u64,
    /// Listening on loopback only: requests must name this computer (see `host_is_local`).
    pub loopback: bool,
    /// Processed photos of drafts the desk previewed (output path to bytes): served when the
    /// build has no such file, since the preview's build leaves drafts out. Kept across
    /// rebuilds, so a rebuild never takes away a photo a preview shows.
    pub extras: RwLock<Files>,
}

impl Shared {
    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn version_tag(&self, version: u64) -> String {
        format!("{:x}-{version}", self.session)
    }
}
