//! What every request of one desk run shares: the site folder, the language, the desk's port
//! and token, the preview's origin and renderer, and the lock that makes writes one at a time.

use crate::publish::Jobs;
use i18n::Lang;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Renders a page of the site from text not saved yet, through the preview's session.
pub trait Preview: Send + Sync {
    /// The whole HTML page for the post `rel` (relative to the site folder) written as `text`,
    /// or the build errors.
    fn render(&self, rel: &Path, text: &str) -> Result<String, Vec<site::Diagnostic>>;
}

/// One desk run.
pub struct Context {
    /// The site folder (absolute, symlinks resolved).
    pub root: PathBuf,
    /// The server's message language.
    pub lang: Lang,
    /// The desk's own port.
    pub port: u16,
    /// This run's token.
    pub token: String,
    /// `http://127.0.0.1:P` of the site preview.
    pub site_origin: String,
    /// The preview's renderer, when a preview runs.
    pub preview: Option<Arc<dyn Preview>>,
    /// Held while a request writes into the site folder, so a version check and the write that
    /// follows it are never interleaved with another write.
    pub writing: Mutex<()>,
    /// The publishing job running or run last.
    pub jobs: Jobs,
}

impl Context {
    /// Waits for the write lock.
    pub fn write_lock(&self) -> MutexGuard<'_, ()> {
        self.writing.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The `Content-Security-Policy` of the desk's answers.
    pub fn csp(&self) -> String {
        let p = &self.site_origin;
        format!(
            "default-src 'self'; img-src 'self' data: {p} blob:; style-src 'self' 'unsafe-inline' {p}; font-src 'self' {p}; frame-src {p}; frame-ancestors 'none'"
        )
    }
}
