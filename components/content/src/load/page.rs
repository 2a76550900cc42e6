//! What `content/` holds once loaded: [`Page`], [`Section`], [`Content`] (and [`Filter`], what a
//! build includes), and the URL rules of folders and files.

use super::frontmatter::{PageFront, SectionFront};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::util::hash::Key;
use chrono::NaiveDate;
use std::path::PathBuf;

/// One Markdown page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path of the file relative to the site root (for messages).
    pub file: PathBuf,
    /// Path relative to `content/` with `/`, e.g. `bien-dao/hoang-sa.en.md`.
    pub relative_path: String,
    /// Same for every translation of the page, e.g. `bien-dao/hoang-sa.md`.
    pub key: String,
    /// Language code.
    pub lang: String,
    /// Front matter as written.
    pub front: PageFront,
    /// Title (NFC).
    pub title: String,
    /// Description (NFC), may be empty.
    pub description: String,
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// Last update.
    pub updated: Option<NaiveDate>,
    /// Last URL segment.
    pub slug: String,
    /// URL path, e.g. `/bien-dao/hoang-sa/`.
    pub path: String,
    /// Whole file text (NFC), kept for error positions.
    pub raw: String,
    /// Byte offset of the Markdown body in `raw`.
    pub body_offset: usize,
    /// Index of the section that lists it.
    pub section: usize,
    /// Files of a page bundle (relative to the site root), copied beside the page.
    pub assets: Vec<PathBuf>,
    /// Folder of the page bundle, relative to the site root.
    pub bundle_dir: Option<PathBuf>,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.raw[self.body_offset..]
    }
}

/// One section (`_index.md`).
#[derive(Debug, Clone)]
pub struct Section {
    /// Path of the file relative to the site root (may not exist for an implied home).
    pub file: PathBuf,
    /// Path relative to `content/`, e.g. `bien-dao/_index.md`.
    pub relative_path: String,
    /// Same for every translation, e.g. `bien-dao/_index.md`.
    pub key: String,
    /// Language code.
    pub lang: String,
    /// Front matter.
    pub front: SectionFront,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// URL path, e.g. `/en/bien-dao/`.
    pub path: String,
    /// Whole text.
    pub raw: String,
    /// Byte offset of the body.
    pub body_offset: usize,
    /// Folder relative to `content/` (`""` for the home).
    pub dir: String,
    /// Parent section.
    pub parent: Option<usize>,
    /// Pages listed here, in the section's order.
    pub pages: Vec<usize>,
    /// Child sections, by weight then title.
    pub subsections: Vec<usize>,
    /// Non-Markdown files of the section folder.
    pub assets: Vec<PathBuf>,
}

impl Section {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.raw[self.body_offset..]
    }
}

/// What the build includes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Include `draft = true` pages.
    pub drafts: bool,
    /// Include pages dated after today.
    pub future: bool,
    /// Today, for scheduled publishing.
    pub today: Option<NaiveDate>,
}

/// Everything under `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// All pages that are part of the build.
    pub pages: Vec<Page>,
    /// All sections.
    pub sections: Vec<Section>,
    /// Pages left out because they are drafts or scheduled (relative paths), for `check`.
    pub skipped: Vec<(String, Skipped)>,
    /// Non-fatal findings.
    pub warnings: Vec<Diagnostic>,
    /// Every Markdown file read (path relative to the site folder) with the hash of its bytes
    /// as read, for the no-change key (see `fresh`).
    pub read: Vec<(PathBuf, Key)>,
}

/// Why a page was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// `draft = true`.
    Draft,
    /// Dated in the future.
    Future,
}

/// Splits `name.en.md` into (`name`, Some("en")) when `en` is a language of the site.
pub(crate) fn lang_of_file<'a>(
    stem: &'a str,
    config: &Config,
) -> Result<(&'a str, Option<&'a str>), &'a str> {
    if let Some((base, code)) = stem.rsplit_once('.') {
        if config.has_language(code) {
            return Ok((base, Some(code)));
        }
        if code.len() == 2 && code.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(code);
        }
    }
    Ok((stem, None))
}

/// URL path of a folder relative to `content/`: every component slugified.
pub fn dir_url(config: &Config, lang: &str, dir: &str) -> String {
    let mut out = config.lang_prefix(lang);
    out.push('/');
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        out.push_str(&vi::slugify(part));
        out.push('/');
    }
    out
}

/// Normalizes a user-given `path` front matter value to `/a/b/`.
pub(crate) fn user_path(config: &Config, lang: &str, p: &str) -> String {
    let trimmed = p.trim_matches('/');
    let mut out = config.lang_prefix(lang);
    out.push('/');
    if !trimmed.is_empty() {
        out.push_str(trimmed);
        out.push('/');
    }
    out
}
