//! Single resized copies for templates (`resize_image`): listing thumbnails and share
//! pictures, cached next to the responsive set of the same photo.

use std::path::Path;
use std::sync::atomic::Ordering;

use fast_image_resize as fir;

use crate::decode::{self, decode};
use crate::format::sniff_or_fail;
use crate::responsive::blank_like;
use crate::{encode, file_stem_slug, riff, Format, ImageError, Processor, ResizeOp, Variant};

impl Processor {
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
            Some(Format::Gif | Format::Heif) | None => src_format.published(),
            Some(f) => f,
        };
        let (w0, h0) = decode::displayed_size(source, &bytes, src_format)?;
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
        let quality = self.settings.clamped_quality();
        let data = encode::encode(source, &dst, out_format, src_format, quality, &decoded)?;
        self.write_file(source, &entry_dir, &file, &data)?;
        self.processed.fetch_add(1, Ordering::Relaxed);
        Ok(variant)
    }
}
