//! Single resized copies on demand, for templates (`resize_image`): thumbnails in listings and
//! the 1200x630 picture shared on Zalo and Facebook. Named after Zola's operations.

use std::fmt;

/// How to resize for a template; never upscales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResizeOp {
    /// Exactly this size, ignoring the aspect ratio (each side capped at the original).
    Scale(u32, u32),
    /// This width, height by aspect ratio.
    FitWidth(u32),
    /// This height, width by aspect ratio.
    FitHeight(u32),
    /// As large as fits in the box, keeping the aspect ratio.
    Fit(u32, u32),
    /// Covers the box, cropping the centre to its aspect ratio (e.g. 1200x630 share pictures).
    Fill(u32, u32),
}

impl ResizeOp {
    /// Builds an operation from a template's arguments (`op` as in Zola: `scale`, `fit_width`,
    /// `fit_height`, `fit`, `fill`); `None` if the op is unknown or a needed size is missing or 0.
    pub fn parse(op: &str, width: Option<u32>, height: Option<u32>) -> Option<ResizeOp> {
        let w = width.filter(|&w| w > 0);
        let h = height.filter(|&h| h > 0);
        match op.trim().to_ascii_lowercase().as_str() {
            "scale" => Some(ResizeOp::Scale(w?, h?)),
            "fit_width" => Some(ResizeOp::FitWidth(w?)),
            "fit_height" => Some(ResizeOp::FitHeight(h?)),
            "fit" => Some(ResizeOp::Fit(w?, h?)),
            "fill" => Some(ResizeOp::Fill(w?, h?)),
            _ => None,
        }
    }

    /// For an original of `w0` x `h0`: the centred source region to use (x, y, width, height)
    /// and the output size.
    pub(crate) fn plan(self, w0: u32, h0: u32) -> ((f64, f64, f64, f64), u32, u32) {
        let full = (0.0, 0.0, f64::from(w0), f64::from(h0));
        let by_ratio = |a: u32, b0: u32, a0: u32| -> u32 {
            ((u64::from(b0) * u64::from(a) + u64::from(a0) / 2) / u64::from(a0)).max(1) as u32
        };
        match self {
            ResizeOp::Scale(w, h) => (full, w.min(w0), h.min(h0)),
            ResizeOp::FitWidth(w) => {
                let w = w.min(w0);
                (full, w, by_ratio(w, h0, w0))
            }
            ResizeOp::FitHeight(h) => {
                let h = h.min(h0);
                (full, by_ratio(h, w0, h0), h)
            }
            ResizeOp::Fit(w, h) => {
                let s = (f64::from(w) / f64::from(w0))
                    .min(f64::from(h) / f64::from(h0))
                    .min(1.0);
                let ow = ((f64::from(w0) * s).round() as u32).clamp(1, w0);
                let oh = ((f64::from(h0) * s).round() as u32).clamp(1, h0);
                (full, ow, oh)
            }
            ResizeOp::Fill(w, h) => {
                let target = f64::from(w) / f64::from(h);
                let (cw, ch) = if f64::from(w0) / f64::from(h0) > target {
                    (f64::from(h0) * target, f64::from(h0))
                } else {
                    (f64::from(w0), f64::from(w0) / target)
                };
                let crop = (
                    (f64::from(w0) - cw) / 2.0,
                    (f64::from(h0) - ch) / 2.0,
                    cw,
                    ch,
                );
                if f64::from(w) <= cw && f64::from(h) <= ch {
                    (crop, w, h)
                } else {
                    // Smaller than the box: crop to its shape at the original scale.
                    (
                        crop,
                        (cw.round() as u32).clamp(1, w0),
                        (ch.round() as u32).clamp(1, h0),
                    )
                }
            }
        }
    }
}

impl fmt::Display for ResizeOp {
    /// A short name used in file names, e.g. `fill-1200x630`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResizeOp::Scale(w, h) => write!(f, "scale-{w}x{h}"),
            ResizeOp::FitWidth(w) => write!(f, "fitw-{w}"),
            ResizeOp::FitHeight(h) => write!(f, "fith-{h}"),
            ResizeOp::Fit(w, h) => write!(f, "fit-{w}x{h}"),
            ResizeOp::Fill(w, h) => write!(f, "fill-{w}x{h}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_zola_ops() {
        assert_eq!(
            ResizeOp::parse("fill", Some(1200), Some(630)),
            Some(ResizeOp::Fill(1200, 630))
        );
        assert_eq!(
            ResizeOp::parse("fit_width", Some(300), None),
            Some(ResizeOp::FitWidth(300))
        );
        assert_eq!(ResizeOp::parse("fit", Some(300), None), None);
        assert_eq!(ResizeOp::parse("fit_height", None, Some(0)), None);
        assert_eq!(ResizeOp::parse("crop", Some(1), Some(1)), None);
    }

    #[test]
    fn plans_never_upscale() {
        assert_eq!(ResizeOp::FitWidth(5000).plan(2000, 3000).1, 2000);
        assert_eq!(ResizeOp::FitWidth(500).plan(2000, 3000).2, 750);
        assert_eq!(ResizeOp::FitHeight(300).plan(2000, 3000).1, 200);
        let (_, w, h) = ResizeOp::Fit(400, 400).plan(2000, 3000);
        assert_eq!((w, h), (267, 400));
        assert_eq!(ResizeOp::Fit(4000, 4000).plan(20, 30).1, 20);
        assert_eq!(ResizeOp::Scale(100, 9000).plan(2000, 3000).2, 3000);
    }

    #[test]
    fn fill_crops_the_centre() {
        // Portrait 2000x3000 into 1200x630: full width, a centred band of 2000x1050.
        let ((x, y, cw, ch), w, h) = ResizeOp::Fill(1200, 630).plan(2000, 3000);
        assert_eq!((w, h), (1200, 630));
        assert_eq!((x, cw), (0.0, 2000.0));
        assert!((ch - 1050.0).abs() < 1e-9 && (y - 975.0).abs() < 1e-9);
        // A small image is cropped to the shape but not enlarged.
        let (_, w, h) = ResizeOp::Fill(1200, 630).plan(600, 600);
        assert_eq!((w, h), (600, 315));
        assert_eq!(ResizeOp::Fill(1200, 630).to_string(), "fill-1200x630");
    }
}
