//! Responsive images for bangtin.
//!
//! A teacher's 4-12 MB phone photo becomes a few small files: resized to the configured widths
//! (never upscaled) plus the original width, in WebP and in the original format (JPEG stays
//! JPEG, PNG stays PNG), with the EXIF orientation applied and all metadata (GPS location!)
//! stripped. Results live in a cache folder keyed by the content hash of the photo and the
//! settings, so an unchanged photo is never processed twice, across builds and processes.
//!
//! Cache layout: `<cache_dir>/<2 hash chars>/<hash>-<settings hash>/{meta.json, 480.jpg, 480.webp, ...}`.
//! Every file is written to a temporary name and renamed, and `meta.json` is written last, so an
//! interrupted build or two builds at once never leave a half-written entry that looks complete.
//! Old entries are removed only by [`Processor::gc`], which the caller runs after a full build.
//!
//! Also: ICC colour profiles are kept (iPhone photos are Display P3; dropping the profile dulls
//! them), EXIF is dropped unless `strip_metadata` is false; GIF and animated WebP are published
//! unchanged (re-encoding would stop the animation); a cut-off JPEG is an error, not a grey band;
//! [`Processor::resize`] makes single copies for templates (thumbnails, 1200x630 share pictures).

pub mod assets;
mod cache;
mod convert;
mod copy;
mod decode;
mod encode;
mod error;
mod format;
mod gc;
mod heif;
mod html;
mod ops;
mod responsive;
mod riff;
mod settings;
mod strip;
mod template;

pub use convert::to_jpeg;
pub use decode::image_meta;
pub use format::{Format, Meta};

pub use error::ImageError;
pub use gc::GcReport;
pub use html::picture_html;
pub use ops::ResizeOp;
pub use settings::Settings;

use cache::{read_entry, to_processed};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Bumped whenever the processing changes output bytes, so old cache entries are not reused.
pub(crate) const PIPELINE_VERSION: u32 = 2;
/// Name of the per-entry metadata file; its presence marks a complete entry.
pub(crate) const META_FILE: &str = "meta.json";

/// One published file of a processed image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// File format.
    pub format: Format,
    /// Where the file is in the cache (copy or link it into the output).
    pub cache_path: PathBuf,
    /// URL-safe file name to publish it under: source stem, width, 8 hex digits of the content
    /// hash, extension, e.g. `anh-le-chao-co.480.1f3a9c0b.webp`.
    pub file_name: String,
}

/// The result of processing one source image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Processed {
    /// Width of the image as displayed (after orientation).
    pub width: u32,
    /// Height of the image as displayed (after orientation).
    pub height: u32,
    /// Format of the source file.
    pub format: Format,
    /// Every published file, by ascending width; at each width the original format comes first.
    pub variants: Vec<Variant>,
    /// Content hash of the source bytes (hex).
    pub hash: String,
}

impl Processed {
    /// The variants of one format, by ascending width.
    pub fn variants_of(&self, format: Format) -> impl Iterator<Item = &Variant> {
        self.variants.iter().filter(move |v| v.format == format)
    }
}

/// Counters since [`Processor::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Images decoded and encoded.
    pub processed: usize,
    /// Images served from the cache without decoding.
    pub reused: usize,
}

/// Processes images into the cache; share one across threads (it is `Send + Sync`).
pub struct Processor {
    cache_dir: PathBuf,
    settings: Settings,
    fingerprint: String,
    processed: AtomicUsize,
    reused: AtomicUsize,
    /// One lock per content hash, so the same photo used by two pages at once is processed once.
    inflight: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Entry folders used since `new`, for `gc`.
    used: Mutex<HashSet<PathBuf>>,
    /// Source files given to `process` since `new` (their responsive set stands for them).
    sources: Mutex<HashSet<PathBuf>>,
}

impl Processor {
    /// A processor writing into `cache_dir` (created when first needed).
    pub fn new(cache_dir: PathBuf, settings: Settings) -> Self {
        let fingerprint = settings.fingerprint();
        Processor {
            cache_dir,
            settings,
            fingerprint,
            processed: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            inflight: Mutex::new(HashMap::new()),
            used: Mutex::new(HashSet::new()),
            sources: Mutex::new(HashSet::new()),
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The cache folder.
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// How many images were processed and reused since `new`.
    pub fn stats(&self) -> Stats {
        Stats {
            processed: self.processed.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
        }
    }

    /// Whether `process` was given this source file since `new` (a photo shown in a page,
    /// published as its responsive set).
    pub fn was_processed(&self, source: &Path) -> bool {
        self.sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(source)
    }

    /// Processes one source image (or reuses the cached result for the same bytes and settings).
    pub fn process(&self, source: &Path) -> Result<Processed, ImageError> {
        self.sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(source.to_path_buf());
        let bytes = std::fs::read(source).map_err(|e| ImageError::Read {
            path: source.to_path_buf(),
            source: e,
        })?;
        let hash = blake3::hash(&bytes).to_hex()[..32].to_string();
        let entry_dir = self
            .cache_dir
            .join(&hash[..2])
            .join(format!("{hash}-{}", self.fingerprint));
        let stem = file_stem_slug(source);

        let key_lock = {
            let mut map = self.inflight.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(hash.clone()).or_default().clone()
        };
        let _guard = key_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(entry_dir.clone());

        if let Some(meta) = read_entry(&entry_dir) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(to_processed(meta, &entry_dir, &stem, hash));
        }
        let meta = self.process_bytes(source, &bytes, &entry_dir)?;
        self.processed.fetch_add(1, Ordering::Relaxed);
        Ok(to_processed(meta, &entry_dir, &stem, hash))
    }
}

/// Whether the path names an image the site processes (jpg, jpeg, png, webp, gif, and
/// heic, heif, avif from phones; any case).
pub fn is_image(path: &Path) -> bool {
    matches!(
        assets::Kind::of(path),
        assets::Kind::Photo | assets::Kind::Heif
    )
}

/// The URL-safe base name for published files: "Ảnh lễ chào cờ.JPG" -> "anh-le-chao-co"
/// (see [`vi::safe_file_stem`]).
pub fn file_stem_slug(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    vi::safe_file_stem(&stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn processor_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Processor>();
        shared::<Processed>();
    }

    #[test]
    fn slug_of_vietnamese_names() {
        assert_eq!(
            file_stem_slug(Path::new("Ảnh lễ chào cờ.JPG")),
            "anh-le-chao-co"
        );
        assert_eq!(
            file_stem_slug(Path::new("Đội_tuyển  2024!.png")),
            "doi_tuyen-2024"
        );
        // NFD input (macOS) gives the same slug.
        let nfd: String = "Biển đảo".nfd().collect();
        assert_eq!(file_stem_slug(Path::new(&format!("{nfd}.jpg"))), "bien-dao");
        assert_eq!(file_stem_slug(Path::new("!!!.jpg")), "file");
    }

    #[test]
    fn is_image_by_extension() {
        for p in ["a.jpg", "b.JPEG", "c.Png", "d.webp", "e.GIF"] {
            assert!(is_image(Path::new(p)), "{p}");
        }
        for p in ["IMG_0042.HEIC", "f.avif"] {
            assert!(is_image(Path::new(p)), "{p}");
        }
        for p in ["b.txt", "noext", "c.jpg.bak"] {
            assert!(!is_image(Path::new(p)), "{p}");
        }
    }
}
