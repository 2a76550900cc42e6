//! `bangtin serve`: preview server with live reload.

use i18n::Lang;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site folder.
    pub root: PathBuf,
    /// Address to listen on (127.0.0.1 unless asked).
    pub bind: IpAddr,
    /// Port; the next free one is used when taken.
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// Include future pages.
    pub future: bool,
    /// Message language.
    pub lang: Lang,
}

impl Options {
    /// Defaults for a site folder.
    pub fn new(root: PathBuf, lang: Lang) -> Self {
        Options {
            root,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            drafts: false,
            future: false,
            lang,
        }
    }
}

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
#[error("serve error")]
pub struct ServeError;

impl ServeError {
    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        lang.pick("chưa có lệnh serve", "serve is not implemented yet")
            .to_string()
    }
}

/// Serves until Ctrl-C.
pub fn run(_opts: Options) -> Result<(), ServeError> {
    Err(ServeError)
}
