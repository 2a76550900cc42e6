//! Encoding one published copy: JPEG, PNG or WebP, with the colour profile (and EXIF only when
//! the site asks to keep it).

use crate::decode::Decoded;
use crate::{riff, Format, ImageError};
use image::{DynamicImage, ImageEncoder};
use std::path::Path;

/// Above this many pixels libwebp's slower methods cost seconds for little gain on a variant
/// that only large screens fetch, so a faster method is used.
const WEBP_FAST_PIXELS: u64 = 4_000_000;

/// Encodes one variant; ICC is always kept (colours), EXIF only when not stripping.
pub(crate) fn encode(
    source: &Path,
    img: &DynamicImage,
    to: Format,
    from: Format,
    quality: u8,
    decoded: &Decoded,
) -> Result<Vec<u8>, ImageError> {
    let enc_err = |e: image::ImageError| ImageError::from_image(source, e);
    match to {
        Format::Jpeg => encode_jpeg(img, quality, decoded).map_err(enc_err),
        Format::Png => encode_png(img, decoded).map_err(enc_err),
        Format::WebP => encode_webp(source, img, from, quality, decoded),
        Format::Gif | Format::Heif => Err(ImageError::Encode {
            path: source.to_path_buf(),
            detail: "GIF is published unchanged and HEIC never written".into(),
        }),
    }
}

/// A JPEG of `img` (without its alpha channel, which JPEG cannot hold).
fn encode_jpeg(
    img: &DynamicImage,
    quality: u8,
    decoded: &Decoded,
) -> Result<Vec<u8>, image::ImageError> {
    let mut buf = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality);
    set_metadata(&mut enc, &decoded.icc, &decoded.exif);
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
    )?;
    Ok(buf)
}

/// A PNG of `img`, adaptive filters and default compression.
fn encode_png(img: &DynamicImage, decoded: &Decoded) -> Result<Vec<u8>, image::ImageError> {
    let mut buf = Vec::new();
    let mut enc = image::codecs::png::PngEncoder::new_with_quality(
        &mut buf,
        image::codecs::png::CompressionType::Default,
        image::codecs::png::FilterType::Adaptive,
    );
    set_metadata(&mut enc, &decoded.icc, &decoded.exif);
    enc.write_image(
        img.as_bytes(),
        img.width(),
        img.height(),
        img.color().into(),
    )?;
    Ok(buf)
}

/// A lossy WebP of `img` through libwebp, with the colour profile and EXIF put in its RIFF.
fn encode_webp(
    source: &Path,
    img: &DynamicImage,
    from: Format,
    quality: u8,
    decoded: &Decoded,
) -> Result<Vec<u8>, ImageError> {
    let (w, h) = (img.width(), img.height());
    let config = webp_config(source, w, h, from, quality)?;
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
    let (icc, exif) = (&decoded.icc, &decoded.exif);
    Ok(riff::with_metadata(
        mem.to_vec(),
        w,
        h,
        icc.as_deref(),
        exif.as_deref(),
    ))
}

/// The libwebp settings for a `w` x `h` copy of a photo in format `from`.
fn webp_config(
    source: &Path,
    w: u32,
    h: u32,
    from: Format,
    quality: u8,
) -> Result<webp::WebPConfig, ImageError> {
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
    Ok(config)
}

/// Gives the encoder the colour profile and EXIF, when there are any.
fn set_metadata(enc: &mut impl ImageEncoder, icc: &Option<Vec<u8>>, exif: &Option<Vec<u8>>) {
    // Both encoders used here accept these; an encoder that does not simply publishes without.
    if let Some(icc) = icc {
        let _ = enc.set_icc_profile(icc.clone());
    }
    if let Some(exif) = exif {
        let _ = enc.set_exif_metadata(exif.clone());
    }
}
