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

mod error;
mod html;
mod ops;
mod riff;

pub use error::ImageError;
pub use html::picture_html;
pub use ops::ResizeOp;

use fast_image_resize as fir;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use unicode_normalization::UnicodeNormalization;

/// Bumped whenever the processing changes output bytes, so old cache entries are not reused.
const PIPELINE_VERSION: u32 = 1;
/// Name of the per-entry metadata file; its presence marks a complete entry.
const META_FILE: &str = "meta.json";
/// Above this many pixels libwebp's slower methods cost seconds for little gain on a variant
/// that only large screens fetch, so a faster method is used.
const WEBP_FAST_PIXELS: u64 = 4_000_000;

/// How images are processed; part of the cache key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Target widths in CSS pixels; widths not smaller than the original are skipped.
    pub widths: Vec<u32>,
    /// Lossy quality (1-100) for JPEG and WebP.
    pub quality: u8,
    /// Whether to write WebP copies besides the original format.
    pub webp: bool,
    /// Whether to drop EXIF (GPS, camera, date) from published images; when false, EXIF is
    /// copied into JPEG, PNG and WebP outputs with the orientation reset (it is already applied).
    pub strip_metadata: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            widths: vec![480, 960, 1600],
            quality: 80,
            webp: true,
            strip_metadata: true,
        }
    }
}

impl Settings {
    /// Widths sorted, deduplicated, zero removed.
    fn normalized_widths(&self) -> Vec<u32> {
        let mut w: Vec<u32> = self.widths.iter().copied().filter(|&w| w > 0).collect();
        w.sort_unstable();
        w.dedup();
        w
    }

    fn clamped_quality(&self) -> u8 {
        self.quality.clamp(1, 100)
    }

    /// A short hash of everything that changes the output bytes.
    fn fingerprint(&self) -> String {
        let key = format!(
            "v{PIPELINE_VERSION};w={:?};q={};webp={};strip={}",
            self.normalized_widths(),
            self.clamped_quality(),
            self.webp,
            self.strip_metadata
        );
        blake3::hash(key.as_bytes()).to_hex()[..12].to_string()
    }
}

/// An image file format the site publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// JPEG (photos).
    Jpeg,
    /// PNG (screenshots, drawings, transparency).
    Png,
    /// WebP (smaller copies for modern browsers).
    WebP,
    /// GIF (published unchanged so animations keep working).
    Gif,
}

impl Format {
    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Gif => "gif",
        }
    }

    /// MIME type, as used in `<source type>`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
            Format::Gif => "image/gif",
        }
    }

    /// Recognizes the format from the first bytes of a file.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::WebP)
        } else {
            None
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::WebP => ImageFormat::WebP,
            Format::Gif => ImageFormat::Gif,
        }
    }
}

/// Size and format of an image, as displayed (after EXIF orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Width in pixels after orientation.
    pub width: u32,
    /// Height in pixels after orientation.
    pub height: u32,
    /// The file's format.
    pub format: Format,
}

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

/// What [`Processor::gc`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GcReport {
    /// Cache entries (one per image and settings) removed.
    pub entries_removed: usize,
    /// Bytes freed.
    pub bytes_freed: u64,
}

/// The cached description of one entry (`meta.json`).
#[derive(Debug, Serialize, Deserialize)]
struct EntryMeta {
    pipeline: u32,
    width: u32,
    height: u32,
    format: Format,
    files: Vec<EntryFile>,
}

#[derive(Debug, Serialize, Deserialize)]
struct EntryFile {
    width: u32,
    height: u32,
    format: Format,
    file: String,
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

    /// Processes one source image (or reuses the cached result for the same bytes and settings).
    pub fn process(&self, source: &Path) -> Result<Processed, ImageError> {
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

    /// One resized copy for a template (`resize_image`): a listing thumbnail or a share picture.
    /// `format` `None` keeps the source's format. Cached next to the responsive copies of the
    /// same photo; a cached copy is found from the header sizes alone, without decoding. GIF and
    /// animated WebP are returned unchanged (resizing would stop the animation).
    pub fn resize(
        &self,
        source: &Path,
        op: ResizeOp,
        format: Option<Format>,
    ) -> Result<Variant, ImageError> {
        let bytes = std::fs::read(source).map_err(|e| ImageError::Read {
            path: source.to_path_buf(),
            source: e,
        })?;
        let src_format = sniff_or_fail(source, &bytes)?;
        if src_format == Format::Gif || (src_format == Format::WebP && riff::is_animated(&bytes)) {
            let p = self.process(source)?;
            return p
                .variants
                .into_iter()
                .next()
                .ok_or_else(|| ImageError::Encode {
                    path: source.to_path_buf(),
                    detail: "no variant".into(),
                });
        }
        let hash = blake3::hash(&bytes).to_hex()[..32].to_string();
        let entry_dir = self
            .cache_dir
            .join(&hash[..2])
            .join(format!("{hash}-{}", self.fingerprint));
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(entry_dir.clone());
        let out_format = match format {
            Some(Format::Gif) | None => src_format,
            Some(f) => f,
        };
        let reader = image::ImageReader::with_format(
            std::io::Cursor::new(&bytes[..]),
            src_format.image_format(),
        );
        let decoder = reader
            .into_decoder()
            .map_err(|e| ImageError::from_image(source, e))?;
        let (w0, h0) = oriented_dims(decoder);
        let (crop, w, h) = op.plan(w0, h0);
        let file = format!("{op}.{}", out_format.extension());
        let cache_path = entry_dir.join(&file);
        let variant = Variant {
            width: w,
            height: h,
            format: out_format,
            file_name: format!(
                "{}.{op}.{}.{}",
                file_stem_slug(source),
                &hash[..8],
                out_format.extension()
            ),
            cache_path,
        };
        if variant.cache_path.is_file() {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(variant);
        }
        let decoded = decode(source, &bytes, src_format, !self.settings.strip_metadata)?;
        let mut dst = blank_like(&decoded.image, w, h);
        let options = fir::ResizeOptions::new()
            .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3))
            .crop(crop.0, crop.1, crop.2, crop.3);
        fir::Resizer::new()
            .resize(&decoded.image, &mut dst, &options)
            .map_err(|e| ImageError::Encode {
                path: source.to_path_buf(),
                detail: e.to_string(),
            })?;
        let data = self.encode(
            source,
            &dst,
            out_format,
            src_format,
            &decoded.icc,
            &decoded.exif,
        )?;
        self.write_file(source, &entry_dir, &file, &data)?;
        self.processed.fetch_add(1, Ordering::Relaxed);
        Ok(variant)
    }

    /// Removes cache entries that no `process` call of this processor used, and leftover
    /// temporary files. Run it only after a build that processed every image of the site (or
    /// images of pages not built this time are processed again next time), and not while
    /// another bangtin process writes to the same cache. Files and folders whose names are not
    /// cache entries are left alone.
    pub fn gc(&self) -> std::io::Result<GcReport> {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut report = GcReport::default();
        let Ok(shards) = std::fs::read_dir(&self.cache_dir) else {
            return Ok(report);
        };
        for shard in shards {
            let shard = shard?.path();
            // Only folders this crate made are touched, in case the cache folder is shared.
            if !shard.is_dir() || !name_matches(&shard, |n| n.len() == 2 && is_hex(n)) {
                continue;
            }
            for entry in std::fs::read_dir(&shard)? {
                let entry = entry?.path();
                let is_entry = name_matches(&entry, |n| {
                    n.split_once('-').is_some_and(|(h, s)| {
                        h.len() == 32 && s.len() == 12 && is_hex(h) && is_hex(s)
                    })
                });
                if !is_entry {
                    continue;
                }
                if used.contains(&entry) {
                    // Keep the entry but sweep temp files an interrupted write left behind.
                    for f in std::fs::read_dir(&entry)? {
                        let f = f?;
                        if f.file_name().to_string_lossy().starts_with(".tmp") {
                            report.bytes_freed += f.metadata().map(|m| m.len()).unwrap_or(0);
                            std::fs::remove_file(f.path())?;
                        }
                    }
                    continue;
                }
                report.bytes_freed += dir_size(&entry);
                if entry.is_dir() {
                    std::fs::remove_dir_all(&entry)?;
                } else {
                    std::fs::remove_file(&entry)?;
                }
                report.entries_removed += 1;
            }
            // An emptied shard folder is removed; a non-empty one makes this fail harmlessly.
            let _ = std::fs::remove_dir(&shard);
        }
        Ok(report)
    }

    /// Decodes, orients, resizes and encodes, writing every file of the entry.
    fn process_bytes(
        &self,
        source: &Path,
        bytes: &[u8],
        entry_dir: &Path,
    ) -> Result<EntryMeta, ImageError> {
        let format = sniff_or_fail(source, bytes)?;
        let passthrough = match format {
            Format::Gif => gif_size(bytes),
            Format::WebP if riff::is_animated(bytes) => animated_webp_size(bytes),
            _ => None,
        };
        if matches!(format, Format::Gif) || passthrough.is_some() {
            // Animations would be lost by re-encoding, so they are published as they are.
            let (w, h) = passthrough.ok_or_else(|| ImageError::Corrupt {
                path: source.to_path_buf(),
                detail: "bad header".into(),
            })?;
            let name = format!("{w}.{}", format.extension());
            self.write_file(source, entry_dir, &name, bytes)?;
            let meta = EntryMeta {
                pipeline: PIPELINE_VERSION,
                width: w,
                height: h,
                format,
                files: vec![EntryFile {
                    width: w,
                    height: h,
                    format,
                    file: name,
                }],
            };
            self.write_meta(source, entry_dir, &meta)?;
            return Ok(meta);
        }

        let decoded = decode(source, bytes, format, !self.settings.strip_metadata)?;
        let img = &decoded.image;
        let (w0, h0) = (img.width(), img.height());
        let mut widths: Vec<u32> = self
            .settings
            .normalized_widths()
            .into_iter()
            .filter(|&w| w < w0)
            .collect();
        widths.push(w0);

        let mut formats = Vec::new();
        if format != Format::WebP {
            formats.push(format);
        }
        if self.settings.webp || format == Format::WebP {
            formats.push(Format::WebP);
        }
        // Called from outside a rayon pool (one photo added while `serve` runs), widths and
        // formats are encoded in parallel to use every core. Inside the pool (a parallel build)
        // the outer loop already fills the cores, and staying sequential matters: a pool thread
        // waiting on nested work may pick up another `process` of the same photo, which would
        // then wait on the per-photo lock this thread holds.
        let inside_pool = rayon::current_thread_index().is_some();
        let encode_width = |&w: &u32| -> Result<Vec<EntryFile>, ImageError> {
            let h = scaled_height(w0, h0, w);
            let resized;
            let out: &DynamicImage = if w == w0 {
                img
            } else {
                resized = resize(img, w, h).map_err(|detail| ImageError::Encode {
                    path: source.to_path_buf(),
                    detail,
                })?;
                &resized
            };
            let encode_one = |&f: &Format| -> Result<EntryFile, ImageError> {
                let data = self.encode(source, out, f, format, &decoded.icc, &decoded.exif)?;
                let name = format!("{w}.{}", f.extension());
                self.write_file(source, entry_dir, &name, &data)?;
                Ok(EntryFile {
                    width: w,
                    height: h,
                    format: f,
                    file: name,
                })
            };
            if inside_pool {
                formats.iter().map(encode_one).collect()
            } else {
                formats.par_iter().map(encode_one).collect()
            }
        };
        let per_width: Vec<Vec<EntryFile>> = if inside_pool {
            widths.iter().map(encode_width).collect::<Result<_, _>>()?
        } else {
            widths
                .par_iter()
                .map(encode_width)
                .collect::<Result<_, _>>()?
        };
        let files = per_width.into_iter().flatten().collect();
        let meta = EntryMeta {
            pipeline: PIPELINE_VERSION,
            width: w0,
            height: h0,
            format,
            files,
        };
        self.write_meta(source, entry_dir, &meta)?;
        Ok(meta)
    }

    /// Encodes one variant; ICC is always kept (colours), EXIF only when not stripping.
    fn encode(
        &self,
        source: &Path,
        img: &DynamicImage,
        to: Format,
        from: Format,
        icc: &Option<Vec<u8>>,
        exif: &Option<Vec<u8>>,
    ) -> Result<Vec<u8>, ImageError> {
        let enc_err = |e: image::ImageError| ImageError::from_image(source, e);
        let quality = self.settings.clamped_quality();
        let mut buf = Vec::new();
        match to {
            Format::Jpeg => {
                let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality);
                set_metadata(&mut enc, icc, exif);
                let rgb;
                let img = if img.color().has_alpha() {
                    rgb = DynamicImage::ImageRgb8(img.to_rgb8());
                    &rgb
                } else {
                    img
                };
                enc.write_image(
                    img.as_bytes(),
                    img.width(),
                    img.height(),
                    img.color().into(),
                )
                .map_err(enc_err)?;
            }
            Format::Png => {
                let mut enc = image::codecs::png::PngEncoder::new_with_quality(
                    &mut buf,
                    image::codecs::png::CompressionType::Default,
                    image::codecs::png::FilterType::Adaptive,
                );
                set_metadata(&mut enc, icc, exif);
                enc.write_image(
                    img.as_bytes(),
                    img.width(),
                    img.height(),
                    img.color().into(),
                )
                .map_err(enc_err)?;
            }
            Format::WebP => {
                let (w, h) = (img.width(), img.height());
                let mut config = webp::WebPConfig::new().map_err(|()| ImageError::Encode {
                    path: source.to_path_buf(),
                    detail: "libwebp config".into(),
                })?;
                config.quality = f32::from(quality);
                config.method = if u64::from(w) * u64::from(h) > WEBP_FAST_PIXELS {
                    2
                } else {
                    4
                };
                if from == Format::Png {
                    // Sharper chroma on text and line art, which PNG sources usually are.
                    config.use_sharp_yuv = 1;
                }
                let pixels;
                let encoder = if img.color().has_alpha() {
                    pixels = img.to_rgba8().into_raw();
                    webp::Encoder::from_rgba(&pixels, w, h)
                } else {
                    pixels = img.to_rgb8().into_raw();
                    webp::Encoder::from_rgb(&pixels, w, h)
                };
                let mem = encoder
                    .encode_advanced(&config)
                    .map_err(|e| ImageError::Encode {
                        path: source.to_path_buf(),
                        detail: format!("WebP: {e:?}"),
                    })?;
                buf = riff::with_metadata(mem.to_vec(), w, h, icc.as_deref(), exif.as_deref());
            }
            Format::Gif => {
                return Err(ImageError::Encode {
                    path: source.to_path_buf(),
                    detail: "GIF is published unchanged, never encoded".into(),
                })
            }
        }
        Ok(buf)
    }

    fn write_file(
        &self,
        source: &Path,
        dir: &Path,
        name: &str,
        data: &[u8],
    ) -> Result<(), ImageError> {
        write_atomic(dir, name, data).map_err(|(cache_path, e)| ImageError::Cache {
            path: source.to_path_buf(),
            cache_path,
            source: e,
        })
    }

    fn write_meta(&self, source: &Path, dir: &Path, meta: &EntryMeta) -> Result<(), ImageError> {
        let json = serde_json::to_vec_pretty(meta).map_err(|e| ImageError::Cache {
            path: source.to_path_buf(),
            cache_path: dir.join(META_FILE),
            source: std::io::Error::other(e),
        })?;
        self.write_file(source, dir, META_FILE, &json)
    }
}

fn set_metadata(enc: &mut impl ImageEncoder, icc: &Option<Vec<u8>>, exif: &Option<Vec<u8>>) {
    // Both encoders used here accept these; an encoder that does not simply publishes without.
    if let Some(icc) = icc {
        let _ = enc.set_icc_profile(icc.clone());
    }
    if let Some(exif) = exif {
        let _ = enc.set_exif_metadata(exif.clone());
    }
}

/// Writes `dir/name` through a temporary file in the same folder and a rename.
fn write_atomic(dir: &Path, name: &str, data: &[u8]) -> Result<(), (PathBuf, std::io::Error)> {
    std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    let target = dir.join(name);
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| (dir.to_path_buf(), e))?;
    tmp.write_all(data).map_err(|e| (target.clone(), e))?;
    tmp.as_file().sync_all().map_err(|e| (target.clone(), e))?;
    tmp.persist(&target)
        .map_err(|e| (target.clone(), e.error))?;
    Ok(())
}

/// Reads a complete cache entry, or `None` if it is missing, partial, or from an older pipeline.
fn read_entry(dir: &Path) -> Option<EntryMeta> {
    let json = std::fs::read(dir.join(META_FILE)).ok()?;
    let meta: EntryMeta = serde_json::from_slice(&json).ok()?;
    if meta.pipeline != PIPELINE_VERSION || meta.files.is_empty() {
        return None;
    }
    // A file deleted by hand makes the entry incomplete: process again rather than publish a hole.
    if meta.files.iter().any(|f| !dir.join(&f.file).is_file()) {
        return None;
    }
    Some(meta)
}

/// Published names carry 8 hex digits of the content hash: `poster.jpg` and `poster.png` in one
/// folder do not both claim `poster.480.webp`, and a photo replaced under the same name gets a
/// new URL, so phones never show the old one from their cache.
fn to_processed(meta: EntryMeta, dir: &Path, stem: &str, hash: String) -> Processed {
    let variants = meta
        .files
        .into_iter()
        .map(|f| Variant {
            width: f.width,
            height: f.height,
            format: f.format,
            cache_path: dir.join(&f.file),
            file_name: format!("{stem}.{}.{}.{}", f.width, &hash[..8], f.format.extension()),
        })
        .collect();
    Processed {
        width: meta.width,
        height: meta.height,
        format: meta.format,
        variants,
        hash,
    }
}

fn name_matches(path: &Path, pred: impl Fn(&str) -> bool) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(pred)
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn dir_size(path: &Path) -> u64 {
    if path.is_file() {
        return path.metadata().map(|m| m.len()).unwrap_or(0);
    }
    std::fs::read_dir(path)
        .map(|rd| rd.flatten().map(|e| dir_size(&e.path())).sum())
        .unwrap_or(0)
}

/// The decoded, oriented image and the metadata kept for the outputs.
struct Decoded {
    image: DynamicImage,
    icc: Option<Vec<u8>>,
    exif: Option<Vec<u8>>,
}

fn sniff_or_fail(source: &Path, bytes: &[u8]) -> Result<Format, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Corrupt {
            path: source.to_path_buf(),
            detail: "empty file".into(),
        });
    }
    Format::sniff(bytes).ok_or_else(|| ImageError::Unsupported {
        path: source.to_path_buf(),
        found: describe_unknown(bytes),
    })
}

/// A human name for a file that is not JPEG/PNG/WebP/GIF (HEIC from iPhones is the usual one).
fn describe_unknown(bytes: &[u8]) -> String {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        if [
            &b"heic"[..],
            b"heix",
            b"hevc",
            b"heim",
            b"heis",
            b"mif1",
            b"msf1",
        ]
        .contains(&brand)
        {
            return "HEIC/HEIF (iPhone)".into();
        }
        if brand == b"avif" || brand == b"avis" {
            return "AVIF".into();
        }
    }
    match image::guess_format(bytes) {
        Ok(f) => format!("{f:?}").to_uppercase(),
        Err(_) => "unknown".into(),
    }
}

fn decode(
    source: &Path,
    bytes: &[u8],
    format: Format,
    keep_exif: bool,
) -> Result<Decoded, ImageError> {
    let err = |e| ImageError::from_image(source, e);
    if format == Format::Jpeg && !jpeg_is_complete(bytes) {
        // The JPEG decoder fills a cut-off photo with grey instead of failing; a photo copied
        // half-way from a phone must not be published like that.
        return Err(ImageError::Corrupt {
            path: source.to_path_buf(),
            detail: "file is cut off (no end marker)".into(),
        });
    }
    let mut reader =
        image::ImageReader::with_format(std::io::Cursor::new(bytes), format.image_format());
    reader.limits(decode_limits());
    let mut decoder = reader.into_decoder().map_err(err)?;
    // `image` does not hold the decoded buffer itself to `max_alloc`, so check it here.
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        let (w, h) = decoder.dimensions();
        return Err(ImageError::TooLarge {
            path: source.to_path_buf(),
            detail: format!(
                "{w}x{h}, {} MB once opened",
                decoder.total_bytes() / 1_000_000
            ),
        });
    }
    // A broken EXIF block must not stop the photo from being published: treat it as upright.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let exif = if keep_exif {
        decoder.exif_metadata().ok().flatten().map(|mut e| {
            let _ = image::metadata::Orientation::remove_from_exif_chunk(&mut e);
            e
        })
    } else {
        None
    };
    let mut image = DynamicImage::from_decoder(decoder).map_err(err)?;
    image.apply_orientation(orientation);
    Ok(Decoded {
        image: normalize(image),
        icc,
        exif,
    })
}

/// Whether a JPEG has its end-of-image marker after the image data. Walks the header segments
/// (so an EXIF thumbnail's own end marker does not count) to the first scan, then looks for
/// FF D9, which cannot occur inside entropy-coded data (FF is always stuffed there). Data after
/// the end marker (e.g. a motion-photo video) is allowed.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut pos = 2;
    while pos + 4 <= bytes.len() {
        if bytes[pos] != 0xFF {
            return false;
        }
        let marker = bytes[pos + 1];
        if marker == 0xFF {
            pos += 1; // fill byte
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        let next = pos + 2 + len;
        if marker == 0xDA {
            return bytes
                .get(next..)
                .is_some_and(|data| data.windows(2).any(|w| w == [0xFF, 0xD9]));
        }
        pos = next;
    }
    false
}

/// Largest decoded image accepted: 1 GiB (a 16000x16000 RGBA or 18000x18000 RGB photo).
const MAX_DECODED_BYTES: u64 = 1 << 30;

/// Refuses images whose header promises more than a school site ever needs (a side over
/// 20000 px, or over 1 GiB of pixels), so a malformed or malicious file cannot exhaust memory.
fn decode_limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

/// Brings every image to 8-bit L, LA, RGB or RGBA (what web encoders take), dropping an alpha
/// channel that is fully opaque (it costs bytes in WebP and PNG for nothing).
fn normalize(img: DynamicImage) -> DynamicImage {
    use DynamicImage as D;
    let img = match img {
        D::ImageLuma8(_) | D::ImageRgb8(_) | D::ImageLumaA8(_) | D::ImageRgba8(_) => img,
        D::ImageLuma16(_) => D::ImageLuma8(img.to_luma8()),
        D::ImageLumaA16(_) => D::ImageLumaA8(img.to_luma_alpha8()),
        other if other.color().has_alpha() => D::ImageRgba8(other.to_rgba8()),
        other => D::ImageRgb8(other.to_rgb8()),
    };
    match &img {
        D::ImageRgba8(b) if b.pixels().all(|p| p[3] == 255) => D::ImageRgb8(img.to_rgb8()),
        D::ImageLumaA8(b) if b.pixels().all(|p| p[1] == 255) => D::ImageLuma8(img.to_luma8()),
        _ => img,
    }
}

fn scaled_height(w0: u32, h0: u32, w: u32) -> u32 {
    ((u64::from(h0) * u64::from(w) + u64::from(w0) / 2) / u64::from(w0)).max(1) as u32
}

/// Lanczos3 resize with SIMD (fast_image_resize): ~20 ms from 12 MP to 1600 px, against ~300 ms
/// with `image`'s own resize, so every width is taken straight from the full image (sharper
/// than resizing a resized copy).
fn resize(src: &DynamicImage, w: u32, h: u32) -> Result<DynamicImage, String> {
    let mut dst = blank_like(src, w, h);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(dst)
}

/// An empty image of the same pixel layout as `src` (one of the normalized layouts).
fn blank_like(src: &DynamicImage, w: u32, h: u32) -> DynamicImage {
    match src {
        DynamicImage::ImageLuma8(_) => DynamicImage::new_luma8(w, h),
        DynamicImage::ImageLumaA8(_) => DynamicImage::new_luma_a8(w, h),
        DynamicImage::ImageRgba8(_) => DynamicImage::new_rgba8(w, h),
        _ => DynamicImage::new_rgb8(w, h),
    }
}

fn gif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let w = u16::from_le_bytes(bytes.get(6..8)?.try_into().ok()?);
    let h = u16::from_le_bytes(bytes.get(8..10)?.try_into().ok()?);
    (w > 0 && h > 0).then_some((u32::from(w), u32::from(h)))
}

fn animated_webp_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let chunks = riff::chunks(bytes)?;
    let d = chunks.first().filter(|c| &c.fourcc == b"VP8X")?.data;
    if d.len() < 10 {
        return None;
    }
    let w = u32::from_le_bytes([d[4], d[5], d[6], 0]) + 1;
    let h = u32::from_le_bytes([d[7], d[8], d[9], 0]) + 1;
    Some((w, h))
}

/// Width, height (after EXIF orientation) and format, reading headers only.
pub fn image_meta(path: &Path) -> Result<Meta, ImageError> {
    use std::io::Read;
    let read_err = |e| ImageError::Read {
        path: path.to_path_buf(),
        source: e,
    };
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)
        .map_err(read_err)?
        .take(64)
        .read_to_end(&mut head)
        .map_err(read_err)?;
    let format = sniff_or_fail(path, &head)?;
    let bad_header = || ImageError::Corrupt {
        path: path.to_path_buf(),
        detail: "bad header".into(),
    };
    match format {
        Format::Gif => {
            let (width, height) = gif_size(&head).ok_or_else(bad_header)?;
            return Ok(Meta {
                width,
                height,
                format,
            });
        }
        Format::WebP => {
            // Animated WebP cannot be opened by `image`'s decoder for metadata; read VP8X.
            let bytes = std::fs::read(path).map_err(read_err)?;
            if riff::is_animated(&bytes) {
                let (width, height) = animated_webp_size(&bytes).ok_or_else(bad_header)?;
                return Ok(Meta {
                    width,
                    height,
                    format,
                });
            }
        }
        _ => {}
    }
    let file = std::fs::File::open(path).map_err(read_err)?;
    let reader =
        image::ImageReader::with_format(std::io::BufReader::new(file), format.image_format());
    let decoder = reader
        .into_decoder()
        .map_err(|e| ImageError::from_image(path, e))?;
    let (width, height) = oriented_dims(decoder);
    Ok(Meta {
        width,
        height,
        format,
    })
}

/// Size as displayed: width and height swap for the orientations that turn the image sideways.
fn oriented_dims(mut decoder: impl ImageDecoder) -> (u32, u32) {
    use image::metadata::Orientation as O;
    let (w, h) = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(O::NoTransforms);
    let swapped = matches!(
        orientation,
        O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH
    );
    if swapped {
        (h, w)
    } else {
        (w, h)
    }
}

/// Whether the path names an image the site processes (jpg, jpeg, png, webp, gif; any case).
pub fn is_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "jpg" | "jpeg" | "png" | "webp" | "gif"
            )
        })
        .unwrap_or(false)
}

/// The URL-safe base name for published files: "Ảnh lễ chào cờ.JPG" -> "anh-le-chao-co".
pub fn file_stem_slug(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = String::new();
    let mut dash = false;
    for c in stem.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if ('\u{300}'..='\u{36f}').contains(&c) => continue,
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        "image".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(file_stem_slug(Path::new("!!!.jpg")), "image");
    }

    #[test]
    fn is_image_by_extension() {
        for p in ["a.jpg", "b.JPEG", "c.Png", "d.webp", "e.GIF"] {
            assert!(is_image(Path::new(p)), "{p}");
        }
        for p in ["a.heic", "b.txt", "noext", "c.jpg.bak"] {
            assert!(!is_image(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn settings_fingerprint_changes_with_output_settings() {
        let a = Settings::default();
        let mut b = a.clone();
        b.widths = vec![1600, 480, 960, 960];
        assert_eq!(
            a.fingerprint(),
            b.fingerprint(),
            "order and duplicates do not matter"
        );
        b.quality = 70;
        assert_ne!(a.fingerprint(), b.fingerprint());
        let c = Settings {
            strip_metadata: false,
            ..Settings::default()
        };
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn heights_round_and_never_zero() {
        assert_eq!(scaled_height(2000, 3000, 480), 720);
        assert_eq!(scaled_height(3000, 2000, 1600), 1067);
        assert_eq!(scaled_height(5000, 2, 480), 1);
    }

    #[test]
    fn jpeg_end_marker_is_found_after_the_scan_only() {
        let mut jpg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpg)
            .encode_image(&image::RgbImage::new(40, 30))
            .unwrap();
        assert!(jpeg_is_complete(&jpg));
        // A motion photo appends a video after the end marker: still complete.
        let mut trailer = jpg.clone();
        trailer.extend_from_slice(b"\0\0\0\x18ftypmp42 video data");
        assert!(jpeg_is_complete(&trailer));
        // An APP1 holding a thumbnail with its own FF D9, and the main image cut off.
        let mut cut = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 8, b'E', b'x', 0xFF, 0xD9];
        cut.extend_from_slice(&jpg[2..jpg.len() - 40]);
        assert!(!jpeg_is_complete(&cut));
        assert!(!jpeg_is_complete(&jpg[..jpg.len() - 2]));
        assert!(!jpeg_is_complete(&[0xFF, 0xD8]));
    }

    #[test]
    fn describes_heic() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(describe_unknown(heic), "HEIC/HEIF (iPhone)");
        assert_eq!(describe_unknown(b"hello world, not an image"), "unknown");
    }
}
