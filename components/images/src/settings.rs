//! How images are processed (widths, quality, WebP, metadata), and the fingerprint of those
//! settings that is part of every cache key.

use serde::{Deserialize, Serialize};

use crate::{Format, PIPELINE_VERSION};

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
    /// Largest width published: wider photos are scaled down to it (0: no limit).
    pub max_width: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            widths: vec![480, 960, 1600],
            quality: 80,
            webp: true,
            strip_metadata: true,
            max_width: 2048,
        }
    }
}

impl Settings {
    /// Widths sorted, deduplicated, zero removed.
    pub(crate) fn normalized_widths(&self) -> Vec<u32> {
        let mut w: Vec<u32> = self.widths.iter().copied().filter(|&w| w > 0).collect();
        w.sort_unstable();
        w.dedup();
        w
    }

    /// The largest width published for a photo `w0` pixels wide.
    pub(crate) fn top_width(&self, w0: u32) -> u32 {
        match self.max_width {
            0 => w0,
            m => w0.min(m),
        }
    }

    /// The lossy quality, within 1..=100.
    pub(crate) fn clamped_quality(&self) -> u8 {
        self.quality.clamp(1, 100)
    }

    /// The widths published for a photo `w0` pixels wide: the configured widths below the
    /// largest, then the largest.
    pub(crate) fn published_widths(&self, w0: u32) -> Vec<u32> {
        let top = self.top_width(w0);
        let mut widths: Vec<u32> = self
            .normalized_widths()
            .into_iter()
            .filter(|&w| w < top)
            .collect();
        widths.push(top);
        widths
    }

    /// The formats published beside each other when the photo's own is `out`: `out`, then
    /// WebP when the site asks for it.
    pub(crate) fn published_formats(&self, out: Format) -> Vec<Format> {
        let mut formats = vec![out];
        if self.webp && out != Format::WebP {
            formats.push(Format::WebP);
        }
        formats
    }

    /// A short hash of everything that changes the output bytes.
    pub(crate) fn fingerprint(&self) -> String {
        let key = format!(
            "v{PIPELINE_VERSION};w={:?};max={};q={};webp={};strip={}",
            self.normalized_widths(),
            self.max_width,
            self.clamped_quality(),
            self.webp,
            self.strip_metadata
        );
        blake3::hash(key.as_bytes()).to_hex()[..12].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
