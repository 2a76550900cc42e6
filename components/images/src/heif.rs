//! HEIC/HEIF and AVIF photos (iPhones since iOS 11, newer Android phones), decoded by the
//! system's libheif (Debian: `libheif-dev` to build, `libheif1` to run). Browsers other than
//! Safari cannot show HEIC, so these are read only: the site publishes them as JPEG + WebP.
//!
//! libheif applies the file's own rotation and mirroring (`irot`/`imir`) while decoding, which
//! is how iPhones record orientation; the EXIF block (with the GPS position) is never read, so
//! it cannot reach a published file. Built without the `heif` feature, a HEIC photo is an error
//! that says how to convert it.

use crate::ImageError;
use std::path::Path;

/// The message for a photo this build cannot decode: how a teacher converts it.
fn no_decoder(source: &Path, detail: String) -> ImageError {
    ImageError::NoHeifDecoder {
        path: source.to_path_buf(),
        detail,
    }
}

/// A decoded photo: its 8-bit RGB(A) pixels, oriented, and its ICC colour profile.
pub(crate) type Pixels = (image::DynamicImage, Option<Vec<u8>>);

/// Decodes a HEIC/HEIF/AVIF file to 8-bit RGB(A), oriented, with its colour profile.
#[cfg(feature = "heif")]
pub(crate) fn decode(source: &Path, bytes: &[u8]) -> Result<Pixels, ImageError> {
    use libheif_rs::{ColorSpace, HeifContext, LibHeif, RgbChroma};
    let corrupt = |e| heif_fault(source, e);
    let lib = LibHeif::new();
    let ctx = HeifContext::read_from_bytes(bytes).map_err(corrupt)?;
    let handle = ctx.primary_image_handle().map_err(corrupt)?;
    let (w, h) = (handle.width(), handle.height());
    if w == 0 || h == 0 || w > 20_000 || h > 20_000 {
        return Err(ImageError::TooLarge {
            path: source.to_path_buf(),
            detail: format!("{w}x{h}"),
        });
    }
    let alpha = handle.has_alpha_channel();
    let chroma = if alpha {
        RgbChroma::Rgba
    } else {
        RgbChroma::Rgb
    };
    let image = lib
        .decode(&handle, ColorSpace::Rgb(chroma), None)
        .map_err(|e| {
            // A missing HEVC/AV1 plugin is reported by libheif as an unsupported codec.
            let text = e.to_string();
            if text.contains("Unsupported") || text.contains("No decoding plugin") {
                no_decoder(source, text)
            } else {
                corrupt(e)
            }
        })?;
    let planes = image.planes();
    let plane = planes.interleaved.ok_or_else(|| ImageError::Corrupt {
        path: source.to_path_buf(),
        detail: "no interleaved RGB plane".into(),
    })?;
    let channels = if alpha { 4 } else { 3 };
    let row = plane.width as usize * channels;
    let mut pixels = Vec::with_capacity(row * plane.height as usize);
    for y in 0..plane.height as usize {
        let start = y * plane.stride;
        let line = plane
            .data
            .get(start..start + row)
            .ok_or_else(|| ImageError::Corrupt {
                path: source.to_path_buf(),
                detail: "short pixel rows".into(),
            })?;
        pixels.extend_from_slice(line);
    }
    let (pw, ph) = (plane.width, plane.height);
    let short = || ImageError::Corrupt {
        path: source.to_path_buf(),
        detail: "pixel buffer size".into(),
    };
    let image = if alpha {
        image::DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(pw, ph, pixels).ok_or_else(short)?,
        )
    } else {
        image::DynamicImage::ImageRgb8(image::RgbImage::from_raw(pw, ph, pixels).ok_or_else(short)?)
    };
    // Only an ICC profile is kept (iPhone photos are Display P3); an nclx box needs none.
    let icc = handle
        .color_profile_raw()
        .map(|p| p.data)
        .filter(|d| d.len() > 128 && d.get(36..40) == Some(b"acsp"));
    Ok((image, icc))
}

/// A libheif error as ours: a size over libheif's security limits (which it checks while
/// reading the headers) is a photo too large, not a damaged one.
#[cfg(feature = "heif")]
fn heif_fault(source: &Path, e: libheif_rs::HeifError) -> ImageError {
    if matches!(
        e.sub_code,
        libheif_rs::HeifErrorSubCode::SecurityLimitExceeded
    ) {
        ImageError::TooLarge {
            path: source.to_path_buf(),
            detail: e.message,
        }
    } else {
        ImageError::Corrupt {
            path: source.to_path_buf(),
            detail: e.to_string(),
        }
    }
}

/// Without libheif in this build: an error saying how to convert the photo.
#[cfg(not(feature = "heif"))]
pub(crate) fn decode(source: &Path, _bytes: &[u8]) -> Result<Pixels, ImageError> {
    Err(no_decoder(source, "built without libheif".into()))
}

/// Width and height as displayed (after the file's rotation), from the headers.
#[cfg(feature = "heif")]
pub(crate) fn size(source: &Path, bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    let corrupt = |e| heif_fault(source, e);
    let ctx = libheif_rs::HeifContext::read_from_bytes(bytes).map_err(corrupt)?;
    let handle = ctx.primary_image_handle().map_err(corrupt)?;
    Ok((handle.width(), handle.height()))
}

/// Without libheif in this build: an error saying how to convert the photo.
#[cfg(not(feature = "heif"))]
pub(crate) fn size(source: &Path, _bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    Err(no_decoder(source, "built without libheif".into()))
}
