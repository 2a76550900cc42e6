//! The image formats the site reads and publishes, told apart by their first bytes.

use crate::ImageError;
use image::ImageFormat;
use serde::{Deserialize, Serialize};
use std::path::Path;

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
    /// HEIC/HEIF or AVIF (iPhones, newer Android phones): read only, published as JPEG + WebP.
    Heif,
}

impl Format {
    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Gif => "gif",
            Format::Heif => "heic",
        }
    }

    /// The format a photo in this format is published in: browsers cannot show HEIC.
    pub fn published(self) -> Format {
        match self {
            Format::Heif => Format::Jpeg,
            f => f,
        }
    }

    /// MIME type, as used in `<source type>`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
            Format::Gif => "image/gif",
            Format::Heif => "image/heic",
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
        } else if heif_brand(bytes).is_some() {
            Some(Format::Heif)
        } else {
            None
        }
    }

    /// The `image` crate's name for it; `None` for HEIF, which libheif reads.
    pub(crate) fn image_format(self) -> Option<ImageFormat> {
        match self {
            Format::Jpeg => Some(ImageFormat::Jpeg),
            Format::Png => Some(ImageFormat::Png),
            Format::WebP => Some(ImageFormat::WebP),
            Format::Gif => Some(ImageFormat::Gif),
            Format::Heif => None,
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

/// The format of `bytes`, or an error naming the file and what it looks like.
pub(crate) fn sniff_or_fail(source: &Path, bytes: &[u8]) -> Result<Format, ImageError> {
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

/// "HEIC/HEIF (iPhone)" or "AVIF" when the file starts like one (ISO-BMFF `ftyp` box).
pub(crate) fn heif_brand(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    let brand = &bytes[8..12];
    let heic = [
        &b"heic"[..],
        b"heix",
        b"hevc",
        b"hevx",
        b"heim",
        b"heis",
        b"mif1",
        b"msf1",
    ];
    if heic.contains(&brand) {
        Some("HEIC/HEIF (iPhone)")
    } else if brand == b"avif" || brand == b"avis" {
        Some("AVIF")
    } else {
        None
    }
}

/// A human name for a file that is not a photo the site reads.
pub(crate) fn describe_unknown(bytes: &[u8]) -> String {
    if let Some(name) = heif_brand(bytes) {
        return name.into();
    }
    match image::guess_format(bytes) {
        Ok(f) => format!("{f:?}").to_uppercase(),
        Err(_) => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_heic() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(describe_unknown(heic), "HEIC/HEIF (iPhone)");
        assert_eq!(Format::sniff(heic), Some(Format::Heif));
        assert_eq!(Format::Heif.published(), Format::Jpeg);
        assert_eq!(describe_unknown(b"hello world, not an image"), "unknown");
    }
}
