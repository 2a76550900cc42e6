//! A photo published under its own name (the site keeps originals, or the page names it as its
//! share picture): a copy no wider than asked and without metadata, and never more bytes than
//! the teacher's own file, the rule the responsive set follows too (Publii #1095).

use crate::decode::decode;
use crate::format::sniff_or_fail;
use crate::{strip, Format, ImageError, Processor, ResizeOp};
use std::path::{Path, PathBuf};

impl Processor {
    /// The file to publish for `source` under its own name: a copy at most `max_width` wide
    /// (0: its own width) without metadata. When that copy comes out larger than the source
    /// (a carefully optimised PNG, a JPEG saved at low quality), the source itself with its
    /// metadata removed is published instead, if it can stand in (JPEG or PNG shown upright
    /// without its EXIF); else the copy, whose only reason to exist is the privacy of the
    /// metadata it drops.
    pub fn publish_copy(&self, source: &Path, max_width: u32) -> Result<PathBuf, ImageError> {
        let meta = crate::image_meta(source)?;
        let width = match max_width {
            0 => meta.width,
            m => meta.width.min(m),
        };
        let copy = self.resize(source, ResizeOp::FitWidth(width), None)?;
        let copy_len = std::fs::metadata(&copy.cache_path).map_or(0, |m| m.len());
        let read = |e| ImageError::Read {
            path: source.to_path_buf(),
            source: e,
        };
        let source_len = std::fs::metadata(source).map_err(read)?.len();
        if copy_len <= source_len {
            return Ok(copy.cache_path);
        }
        let bytes = std::fs::read(source).map_err(read)?;
        let format = sniff_or_fail(source, &bytes)?;
        if !matches!(format, Format::Jpeg | Format::Png) {
            return Ok(copy.cache_path);
        }
        // Dropping EXIF drops its orientation too: only a photo stored upright can go as is.
        if decode(source, &bytes, format, false)?.rotated {
            return Ok(copy.cache_path);
        }
        let Some(clean) = strip::clean(&bytes, format).filter(|c| (c.len() as u64) < copy_len)
        else {
            return Ok(copy.cache_path);
        };
        // Beside the copy, in the entry of the same bytes and settings: made once.
        let dir = copy.cache_path.parent().unwrap_or(self.cache_dir());
        let name = format!("source.{}", format.extension());
        if !dir.join(&name).is_file() {
            self.write_file(source, dir, &name, &clean)?;
        }
        Ok(dir.join(name))
    }
}
