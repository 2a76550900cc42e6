//! Files copied as they are: the theme's and the site's static files, page bundle and section
//! assets, processed images; photos published as is lose their metadata on the way.

use super::sink::Sink;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::load::content::Content;
use crate::load::published::Published;
use crate::load::theme::{StaticSource, Theme};
use i18n::Lang;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file to copy, by output path: the theme's static files, then each page's and each
/// section's assets beside it, then the processed images (a later one replaces an earlier one
/// of the same path).
pub(crate) fn copies(
    theme: &Theme,
    content: &Content,
    root: &Path,
    image_files: &[(String, PathBuf)],
    processor: Option<&images::Processor>,
    config: &Config,
) -> BTreeMap<String, StaticSource> {
    let mut copies: BTreeMap<String, StaticSource> = BTreeMap::new();
    for (rel, src) in &theme.statics {
        copies.insert(rel.clone(), src.clone());
    }
    // Bundle files go out under URL-safe names (see `load::published`); the links to them
    // were rewritten to the same names when the Markdown was rendered.
    for p in &content.pages {
        let share = p.front.extra.get("image").and_then(|v| v.as_str());
        let published = Published::new(p.bundle_dir.as_deref(), &p.assets);
        for f in published.files() {
            let file = root.join(&f.source);
            if !publish_own_name(processor, config, &file, &f.original, share) {
                continue;
            }
            copies.insert(
                format!("{}{}", p.path.trim_start_matches('/'), f.name),
                StaticSource::Disk(file),
            );
        }
    }
    for s in &content.sections {
        for f in Published::new(None, &s.assets).files() {
            copies.insert(
                format!("{}{}", s.path.trim_start_matches('/'), f.name),
                StaticSource::Disk(root.join(&f.source)),
            );
        }
    }
    for (rel, cached) in image_files {
        copies.insert(rel.clone(), StaticSource::Disk(cached.clone()));
    }
    copies
}

/// Where the copies go and what they need.
pub(crate) struct Copier<'a> {
    pub sink: &'a Sink,
    pub config: &'a Config,
    pub root: &'a Path,
    pub processor: Option<&'a images::Processor>,
    /// The language of messages.
    pub lang: Lang,
}

impl Copier<'_> {
    /// Copies every file in parallel; the errors, each naming its file.
    pub(crate) fn copy_all(&self, copies: &BTreeMap<String, StaticSource>) -> Vec<Diagnostic> {
        copies
            .par_iter()
            .filter_map(|(rel, src)| self.copy(rel, src).err())
            .collect()
    }

    fn copy(&self, rel: &str, src: &StaticSource) -> Result<(), Diagnostic> {
        let r = match src {
            StaticSource::Disk(p) => match strip_metadata(self.processor, self.config, p) {
                Ok(clean) => self.sink.copy(rel, clean.as_deref().unwrap_or(p)),
                Err(e) => {
                    let file = p.strip_prefix(self.root).unwrap_or(p);
                    return Err(Diagnostic::error(file, 0, 0, e.message(self.lang)));
                }
            },
            StaticSource::Bundled(b) => self.sink.write(rel, b),
        };
        r.map_err(|e| io_diag(rel, e, self.lang))
    }
}

/// An output file that could not be written.
pub(crate) fn io_diag(rel: &str, e: std::io::Error, lang: Lang) -> Diagnostic {
    Diagnostic::error(rel, 0, 0, super::sink::write_failure(&e, lang))
}

/// Whether a page bundle's file is published under its own name. A photo shown in the page is
/// published as its responsive set only (a second full-size copy would double what the host
/// stores), unless the site keeps originals or the page names it as its share picture
/// (`[extra] image`, which needs a fixed address). HEIC is never published as it is.
fn publish_own_name(
    processor: Option<&images::Processor>,
    config: &Config,
    file: &Path,
    sub: &str,
    share: Option<&str>,
) -> bool {
    use images::assets::Kind;
    let kind = Kind::of(file);
    if kind == Kind::Heif {
        return false;
    }
    let shown = kind == Kind::Photo && processor.is_some_and(|p| p.was_processed(file));
    let is_share = share.is_some_and(|s| vi::nfc(s.trim_start_matches("./")) == vi::nfc(sub));
    !shown || config.images.keep_original || is_share
}

/// A copy without EXIF (a child's photo may carry the GPS position of the school or a home) of
/// a photo the site publishes as is, no wider than `[images] max_width` unless the site keeps
/// originals, and never larger than the file itself; `None` when the file needs no cleaning.
pub(crate) fn strip_metadata(
    processor: Option<&images::Processor>,
    config: &Config,
    path: &Path,
) -> Result<Option<PathBuf>, images::ImageError> {
    let Some(p) = processor else { return Ok(None) };
    let is_photo = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "jpg" | "jpeg" | "png" | "webp"
        )
    });
    if !config.images.strip_metadata || !is_photo || path.starts_with(p.cache_dir()) {
        return Ok(None);
    }
    let max_width = match config.images.keep_original {
        true => 0,
        false => config.images.max_width,
    };
    p.publish_copy(path, max_width).map(Some)
}
