//! Minimal WebP (RIFF) container editing: libwebp's simple encoder writes no ICC profile or
//! EXIF, so they are added here as `ICCP` / `EXIF` chunks behind a `VP8X` header.

const FLAG_ICC: u8 = 0x20;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_EXIF: u8 = 0x08;

/// One chunk of a RIFF file: its four-character code and payload.
pub(crate) struct Chunk<'a> {
    pub(crate) fourcc: [u8; 4],
    pub(crate) data: &'a [u8],
}

/// Splits a WebP file into its chunks; `None` if it is not a well-formed WebP file.
pub(crate) fn chunks(webp: &[u8]) -> Option<Vec<Chunk<'_>>> {
    if webp.len() < 12 || &webp[0..4] != b"RIFF" || &webp[8..12] != b"WEBP" {
        return None;
    }
    let mut out = Vec::new();
    let mut pos = 12usize;
    while pos + 8 <= webp.len() {
        let fourcc: [u8; 4] = webp[pos..pos + 4].try_into().ok()?;
        let size = u32::from_le_bytes(webp[pos + 4..pos + 8].try_into().ok()?) as usize;
        let start = pos + 8;
        let end = start.checked_add(size)?;
        if end > webp.len() {
            return None;
        }
        out.push(Chunk {
            fourcc,
            data: &webp[start..end],
        });
        pos = end + (size & 1);
    }
    Some(out)
}

/// Whether a WebP file is animated (its `VP8X` header says so).
pub(crate) fn is_animated(webp: &[u8]) -> bool {
    chunks(webp)
        .and_then(|c| {
            c.first()
                .filter(|c| &c.fourcc == b"VP8X" && !c.data.is_empty())
                .map(|c| c.data[0] & 0x02 != 0)
        })
        .unwrap_or(false)
}

/// Returns `webp` with the given ICC profile and EXIF block attached (an extended `VP8X` file).
/// Returns the input unchanged when there is nothing to add or the input is not understood.
pub(crate) fn with_metadata(
    webp: Vec<u8>,
    width: u32,
    height: u32,
    icc: Option<&[u8]>,
    exif: Option<&[u8]>,
) -> Vec<u8> {
    let icc = icc.filter(|d| !d.is_empty());
    let exif = exif.filter(|d| !d.is_empty());
    if icc.is_none() && exif.is_none() {
        return webp;
    }
    let Some(parts) = chunks(&webp) else {
        return webp;
    };
    let mut flags = 0u8;
    let mut body: Vec<&Chunk> = Vec::new();
    for c in &parts {
        match &c.fourcc {
            b"VP8X" => flags |= c.data.first().copied().unwrap_or(0),
            b"ICCP" | b"EXIF" => {}
            b"ALPH" => {
                flags |= FLAG_ALPHA;
                body.push(c);
            }
            b"VP8L" => {
                // Lossless bitstream header: signature byte, then 14+14 bits of size, then the alpha bit.
                if c.data.len() >= 5 {
                    let bits = u32::from_le_bytes([c.data[1], c.data[2], c.data[3], c.data[4]]);
                    if bits & (1 << 28) != 0 {
                        flags |= FLAG_ALPHA;
                    }
                }
                body.push(c);
            }
            _ => body.push(c),
        }
    }
    if icc.is_some() {
        flags |= FLAG_ICC;
    }
    if exif.is_some() {
        flags |= FLAG_EXIF;
    }
    let mut vp8x = [0u8; 10];
    vp8x[0] = flags;
    vp8x[4..7].copy_from_slice(&(width.saturating_sub(1)).to_le_bytes()[..3]);
    vp8x[7..10].copy_from_slice(&(height.saturating_sub(1)).to_le_bytes()[..3]);

    let mut out = Vec::with_capacity(webp.len() + icc.map_or(0, |d| d.len() + 9) + 64);
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    push_chunk(&mut out, b"VP8X", &vp8x);
    if let Some(icc) = icc {
        push_chunk(&mut out, b"ICCP", icc);
    }
    for c in body {
        push_chunk(&mut out, &c.fourcc, c.data);
    }
    if let Some(exif) = exif {
        push_chunk(&mut out, b"EXIF", exif);
    }
    let riff_size = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    out
}

fn push_chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_icc_and_exif_and_keeps_the_image_decodable() {
        let img =
            image::RgbImage::from_fn(33, 17, |x, y| image::Rgb([x as u8 * 7, y as u8 * 13, 90]));
        let plain = webp::Encoder::from_rgb(&img, 33, 17).encode(80.0).to_vec();
        let icc = vec![7u8; 131]; // odd length: exercises the padding byte
        let out = with_metadata(plain.clone(), 33, 17, Some(&icc), Some(b"MM\0*exif"));
        let parts = chunks(&out).expect("well-formed RIFF");
        let names: Vec<&[u8]> = parts.iter().map(|c| &c.fourcc[..]).collect();
        assert_eq!(names, vec![&b"VP8X"[..], b"ICCP", b"VP8 ", b"EXIF"]);
        assert_eq!(parts[1].data, &icc[..]);
        assert_eq!(parts[0].data[0], FLAG_ICC | FLAG_EXIF);
        let decoded = image::load_from_memory(&out).expect("still a valid WebP");
        assert_eq!((decoded.width(), decoded.height()), (33, 17));
        // Nothing to add: bytes untouched.
        assert_eq!(with_metadata(plain.clone(), 33, 17, None, None), plain);
        assert!(!is_animated(&out));
    }

    #[test]
    fn rejects_non_webp() {
        assert!(chunks(b"RIFF\0\0\0\0WAVEfmt ").is_none());
        assert!(chunks(b"\xff\xd8\xff").is_none());
    }
}
