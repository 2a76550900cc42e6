//! Reading a photo: decoding it within safe limits, applying its orientation, keeping only the
//! metadata the outputs need, and reading sizes from headers alone.

use crate::format::sniff_or_fail;
use crate::{heif, riff, Format, ImageError, Meta};
use image::{DynamicImage, ImageDecoder};
use std::path::Path;

/// The decoded, oriented image and the metadata kept for the outputs.
pub(crate) struct Decoded {
    pub(crate) image: DynamicImage,
    pub(crate) icc: Option<Vec<u8>>,
    pub(crate) exif: Option<Vec<u8>>,
    /// Whether EXIF orientation turned or flipped the pixels (the file alone shows them wrong).
    pub(crate) rotated: bool,
}

/// Decodes a photo of any format the site reads, oriented and normalized to 8 bits.
pub(crate) fn decode(
    source: &Path,
    bytes: &[u8],
    format: Format,
    keep_exif: bool,
) -> Result<Decoded, ImageError> {
    let err = |e| ImageError::from_image(source, e);
    let Some(image_format) = format.image_format() else {
        // libheif applies the file's rotation itself; EXIF (GPS) is never read from HEIC.
        let (image, icc) = heif::decode(source, bytes)?;
        return Ok(Decoded {
            image: normalize(image),
            icc,
            exif: None,
            rotated: false,
        });
    };
    if format == Format::Jpeg && !jpeg_is_complete(bytes) {
        // The JPEG decoder fills a cut-off photo with grey instead of failing; a photo copied
        // half-way from a phone must not be published like that.
        return Err(ImageError::Corrupt {
            path: source.to_path_buf(),
            detail: "file is cut off (no end marker)".into(),
        });
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format);
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
    let rotated = orientation != image::metadata::Orientation::NoTransforms;
    let mut image = DynamicImage::from_decoder(decoder).map_err(err)?;
    image.apply_orientation(orientation);
    Ok(Decoded {
        image: normalize(image),
        icc,
        exif,
        rotated,
    })
}

/// Whether a JPEG has its end-of-image marker after the image data. Walks the header segments
/// (so an EXIF thumbnail's own end marker does not count) to the first scan, then looks for
/// FF D9, which cannot occur inside entropy-coded data (FF is always stuffed there). Data after
/// the end marker (e.g. a motion-photo video) is allowed.
pub(crate) fn jpeg_is_complete(bytes: &[u8]) -> bool {
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

pub(crate) fn gif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let w = u16::from_le_bytes(bytes.get(6..8)?.try_into().ok()?);
    let h = u16::from_le_bytes(bytes.get(8..10)?.try_into().ok()?);
    (w > 0 && h > 0).then_some((u32::from(w), u32::from(h)))
}

pub(crate) fn animated_webp_size(bytes: &[u8]) -> Option<(u32, u32)> {
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
    let (width, height) = match format.image_format() {
        Some(image_format) => {
            let file = std::fs::File::open(path).map_err(read_err)?;
            let reader =
                image::ImageReader::with_format(std::io::BufReader::new(file), image_format);
            let decoder = reader
                .into_decoder()
                .map_err(|e| ImageError::from_image(path, e))?;
            oriented_dims(decoder)
        }
        None => heif::size(path, &std::fs::read(path).map_err(read_err)?)?,
    };
    Ok(Meta {
        width,
        height,
        format,
    })
}

/// Width and height as displayed, from the headers of a photo already in memory.
pub(crate) fn displayed_size(
    source: &Path,
    bytes: &[u8],
    format: Format,
) -> Result<(u32, u32), ImageError> {
    let Some(image_format) = format.image_format() else {
        return heif::size(source, bytes);
    };
    let reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format);
    let decoder = reader
        .into_decoder()
        .map_err(|e| ImageError::from_image(source, e))?;
    Ok(oriented_dims(decoder))
}

/// Size as displayed: width and height swap for the orientations that turn the image sideways.
pub(crate) fn oriented_dims(mut decoder: impl ImageDecoder) -> (u32, u32) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
