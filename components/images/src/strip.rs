//! The source file itself without its metadata, for when it is smaller than any copy the
//! encoders make (a carefully optimised PNG or JPEG): its pixel data is kept byte for byte and
//! only the blocks that can name a place, a person, a device or a date are dropped.

use crate::decode::Decoded;
use crate::Format;

/// `bytes` without EXIF, XMP, IPTC, comments and text chunks; the colour profile stays.
/// `None` for formats not handled here.
pub(crate) fn clean(bytes: &[u8], format: Format) -> Option<Vec<u8>> {
    match format {
        Format::Jpeg => jpeg(bytes),
        Format::Png => png(bytes),
        _ => None,
    }
}

/// JPEG: keeps APP0 (JFIF), APP2 (ICC profile), APP14 (Adobe colour transform) and every
/// non-APP segment up to the scan, then the rest of the file as it is.
fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = vec![0xFF, 0xD8];
    let mut pos = 2;
    loop {
        let marker = *bytes.get(pos + 1)?;
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        if marker == 0xDA {
            out.extend_from_slice(&bytes[pos..]);
            return Some(out);
        }
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(pos + 2)?,
            *bytes.get(pos + 3)?,
        ]));
        let end = pos + 2 + len;
        let segment = bytes.get(pos..end)?;
        let drop = matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
        if !drop {
            out.extend_from_slice(segment);
        }
        pos = end;
    }
}

/// PNG: drops eXIf, tEXt, zTXt, iTXt and tIME chunks; everything else is copied.
fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = SIGNATURE.to_vec();
    let mut pos = SIGNATURE.len();
    while pos < bytes.len() {
        let len = u32::from_be_bytes(bytes.get(pos..pos + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(pos + 4..pos + 8)?;
        let end = pos.checked_add(12)?.checked_add(len)?;
        let chunk = bytes.get(pos..end)?;
        if ![&b"eXIf"[..], b"tEXt", b"zTXt", b"iTXt", b"tIME"].contains(&kind) {
            out.extend_from_slice(chunk);
        }
        if kind == b"IEND" {
            return Some(out);
        }
        pos = end;
    }
    None
}

/// A variant's bytes, unless they are more than the source's own file for the same picture
/// (Publii #1095: resized PNGs bigger than the original): then the source itself with its
/// metadata removed when it can stand in for the variant (same format and size, upright),
/// else nothing. HEIC sources are always converted, whatever their size: browsers cannot
/// show them.
pub(crate) fn no_larger(
    data: Vec<u8>,
    source: &[u8],
    from: Format,
    to: Format,
    full_width: bool,
    decoded: &Decoded,
) -> Option<Vec<u8>> {
    if from == Format::Heif || data.len() <= source.len() {
        return Some(data);
    }
    if to != from || !full_width || decoded.rotated {
        return None;
    }
    clean(source, from).filter(|clean| clean.len() <= source.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::ImageEncoder;

    #[test]
    fn jpeg_loses_exif_and_comments_keeps_pixels() {
        let mut jpg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpg)
            .encode_image(&image::RgbImage::new(16, 8))
            .unwrap();
        let mut with = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 10];
        with.extend_from_slice(b"Exif\0\0GP");
        with.extend_from_slice(&[0xFF, 0xFE, 0, 4, b'h', b'i']);
        with.extend_from_slice(&jpg[2..]);
        let clean = clean(&with, Format::Jpeg).unwrap();
        assert_eq!(clean, jpg, "back to the encoder's own bytes");
    }

    #[test]
    fn png_loses_text_chunks() {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&[0u8; 12], 2, 2, image::ExtendedColorType::Rgb8)
            .unwrap();
        // A tEXt chunk inserted after IHDR (8 + 25 bytes).
        let mut with = png[..33].to_vec();
        with.extend_from_slice(&[0, 0, 0, 4]);
        with.extend_from_slice(b"tEXtGPS!");
        with.extend_from_slice(&[0, 0, 0, 0]);
        with.extend_from_slice(&png[33..]);
        assert_eq!(clean(&with, Format::Png).unwrap(), png);
    }
}
