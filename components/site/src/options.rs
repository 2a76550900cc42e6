//! How to build ([`Options`]) and the day the build takes for today.

use crate::render::memo::Cache;
use chrono::NaiveDate;
use i18n::Lang;
use std::path::PathBuf;
use std::sync::Arc;

/// Environment variable that sets today's date for a build (`YYYY-MM-DD`): shows the site as
/// it will be on that day (scheduled pages), and lets tests move the date.
pub const TODAY_VAR: &str = "BANGTIN_TODAY";

/// Today for the build: [`TODAY_VAR`] when set to a date, else the local date.
pub fn today() -> NaiveDate {
    std::env::var(TODAY_VAR)
        .ok()
        .and_then(|v| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// How to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site folder.
    pub root: PathBuf,
    /// Output folder (default `<root>/public`); `None` with `memory` keeps files in memory.
    pub output: Option<PathBuf>,
    /// Keep the output in memory instead of writing it.
    pub memory: bool,
    /// Keep in-memory output compressed (a preview session: it holds every output for long).
    pub pack: bool,
    /// Include drafts.
    pub drafts: bool,
    /// Include pages dated in the future.
    pub future: bool,
    /// Replace config's base_url (e.g. for serve or a preview host).
    pub base_url: Option<String>,
    /// Message language.
    pub lang: Lang,
    /// HTML to insert before `</body>` of every page (live reload in serve).
    pub inject: Option<String>,
    /// Folder for the image cache (default `<root>/.bangtin-cache`).
    pub cache_dir: Option<PathBuf>,
    /// What earlier builds of this session rendered (serve): only what changed is redone.
    pub cache: Option<Arc<Cache>>,
    /// The process ends after this build (`bangtin build`): what the build made is left for
    /// the system to take back at exit, which is quicker than freeing it value by value.
    pub exits_after: bool,
}

impl Options {
    /// Defaults for a site folder.
    pub fn new(root: impl Into<PathBuf>, lang: Lang) -> Self {
        Options {
            root: root.into(),
            output: None,
            memory: false,
            pack: false,
            drafts: false,
            future: false,
            base_url: None,
            lang,
            inject: None,
            cache_dir: None,
            cache: None,
            exits_after: false,
        }
    }
}
