//! One photo converted to a JPEG a browser shows: what the teacher's desk does with an iPhone's
//! HEIC (or an AVIF) when it is added to a post, so the bundle holds a file every tool opens.
//! Oriented, colour profile kept, EXIF (GPS) never copied.

use crate::decode::decode;
use crate::format::sniff_or_fail;
use crate::{encode, Format, ImageError};
use std::path::Path;

/// JPEG quality of a converted photo: the responsive copies are made from it again, so it stays
/// close to the original.
const QUALITY: u8 = 92;

/// Converts a photo's bytes to JPEG: `(jpeg, width, height)`. `source` names it in errors.
pub fn to_jpeg(source: &Path, bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), ImageError> {
    let format = sniff_or_fail(source, bytes)?;
    let decoded = decode(source, bytes, format, false)?;
    let (w, h) = (decoded.image.width(), decoded.image.height());
    let jpeg = encode::encode(
        source,
        &decoded.image,
        Format::Jpeg,
        format,
        QUALITY,
        &decoded,
    )?;
    Ok((jpeg, w, h))
}
