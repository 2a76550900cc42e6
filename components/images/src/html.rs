//! The responsive `<picture>` markup for a processed image.

use crate::{Format, Processed, Variant};
use vi::escape_html as esc;

/// The responsive HTML: `<picture>` with a WebP `<source srcset sizes>` and an
/// `<img src srcset sizes width height alt loading decoding>`.
///
/// `url_dir` is the URL folder where the variant files are published (e.g. `/bien-dao/le-chao-co/`),
/// `lazy` is false for the first image of a page (it is then fetched eagerly with high priority),
/// `sizes` is the CSS `sizes` value (empty means `100vw`).
pub fn picture_html(
    p: &Processed,
    url_dir: &str,
    alt: &str,
    title: Option<&str>,
    lazy: bool,
    sizes: &str,
) -> String {
    let dir = if url_dir.is_empty() || url_dir.ends_with('/') {
        url_dir.to_string()
    } else {
        format!("{url_dir}/")
    };
    let sizes = if sizes.trim().is_empty() {
        "100vw"
    } else {
        sizes.trim()
    };
    let fallback: Vec<&Variant> = p.variants_of(p.format).collect();
    let webp: Vec<&Variant> = if p.format == Format::WebP {
        Vec::new()
    } else {
        p.variants_of(Format::WebP).collect()
    };
    let srcset = |vs: &[&Variant]| -> String {
        vs.iter()
            .map(|v| format!("{}{} {}w", dir, v.file_name, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The `src` for browsers without srcset: a middle size that looks fine on a laptop.
    let target = p.width.min(960);
    let src = fallback
        .iter()
        .find(|v| v.width >= target)
        .or(fallback.last())
        .map(|v| format!("{dir}{}", v.file_name))
        .unwrap_or_default();

    let mut img = format!("<img src=\"{}\"", esc(&src));
    if fallback.len() > 1 || !webp.is_empty() {
        img.push_str(&format!(
            " srcset=\"{}\" sizes=\"{}\"",
            esc(&srcset(&fallback)),
            esc(sizes)
        ));
    }
    img.push_str(&format!(
        " width=\"{}\" height=\"{}\" alt=\"{}\"",
        p.width,
        p.height,
        esc(alt)
    ));
    if let Some(t) = title.filter(|t| !t.is_empty()) {
        img.push_str(&format!(" title=\"{}\"", esc(t)));
    }
    if lazy {
        img.push_str(" loading=\"lazy\" decoding=\"async\">");
    } else {
        // The first image is usually the largest paint: fetch it at once.
        img.push_str(" loading=\"eager\" decoding=\"auto\" fetchpriority=\"high\">");
    }
    if webp.is_empty() {
        return img;
    }
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">{img}</picture>",
        esc(&srcset(&webp)),
        esc(sizes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn variant(width: u32, format: Format) -> Variant {
        Variant {
            width,
            height: width * 3 / 2,
            format,
            cache_path: PathBuf::new(),
            file_name: format!("anh.{width}.{}", format.extension()),
        }
    }

    fn processed(format: Format, widths: &[u32], webp: bool) -> Processed {
        let mut variants = Vec::new();
        for &w in widths {
            variants.push(variant(w, format));
            if webp {
                variants.push(variant(w, Format::WebP));
            }
        }
        let width = *widths.last().unwrap_or(&1);
        Processed {
            width,
            height: width * 3 / 2,
            format,
            variants,
            hash: "h".into(),
        }
    }

    #[test]
    fn full_picture_markup() {
        let p = processed(Format::Jpeg, &[480, 960, 1600, 2000], true);
        let html = picture_html(
            &p,
            "/bien-dao/le-chao-co",
            "Học sinh \"chào cờ\" <sáng> thứ Hai & hát",
            Some("Lễ chào cờ"),
            true,
            "(max-width: 700px) 100vw, 700px",
        );
        assert_eq!(
            html,
            "<picture><source type=\"image/webp\" srcset=\"/bien-dao/le-chao-co/anh.480.webp 480w, \
             /bien-dao/le-chao-co/anh.960.webp 960w, /bien-dao/le-chao-co/anh.1600.webp 1600w, \
             /bien-dao/le-chao-co/anh.2000.webp 2000w\" sizes=\"(max-width: 700px) 100vw, 700px\">\
             <img src=\"/bien-dao/le-chao-co/anh.960.jpg\" srcset=\"/bien-dao/le-chao-co/anh.480.jpg 480w, \
             /bien-dao/le-chao-co/anh.960.jpg 960w, /bien-dao/le-chao-co/anh.1600.jpg 1600w, \
             /bien-dao/le-chao-co/anh.2000.jpg 2000w\" sizes=\"(max-width: 700px) 100vw, 700px\" \
             width=\"2000\" height=\"3000\" alt=\"Học sinh &quot;chào cờ&quot; &lt;sáng&gt; thứ Hai &amp; hát\" \
             title=\"Lễ chào cờ\" loading=\"lazy\" decoding=\"async\"></picture>"
        );
    }

    #[test]
    fn first_image_is_eager_and_small_image_has_one_size() {
        let p = processed(Format::Png, &[300], true);
        let html = picture_html(&p, "/a/", "", None, false, "");
        assert!(html.contains("loading=\"eager\""), "{html}");
        assert!(html.contains("fetchpriority=\"high\""), "{html}");
        assert!(!html.contains("lazy"), "{html}");
        assert!(html.contains("src=\"/a/anh.300.png\""), "{html}");
        assert!(html.contains("srcset=\"/a/anh.300.webp 300w\""), "{html}");
        assert!(html.contains("sizes=\"100vw\""), "{html}");
        assert!(
            html.contains("alt=\"\""),
            "decorative image keeps an empty alt: {html}"
        );
        assert!(!html.contains("title="), "{html}");
    }

    #[test]
    fn single_format_is_a_plain_img() {
        let p = processed(Format::Gif, &[320], false);
        let html = picture_html(&p, "/x/", "Múa", None, true, "50vw");
        assert_eq!(
            html,
            "<img src=\"/x/anh.320.gif\" width=\"320\" height=\"480\" alt=\"Múa\" loading=\"lazy\" decoding=\"async\">"
        );
        let p = processed(Format::WebP, &[480, 800], false);
        let html = picture_html(&p, "/x/", "a", None, true, "50vw");
        assert!(!html.contains("<picture>"), "{html}");
        assert!(
            html.contains("srcset=\"/x/anh.480.webp 480w, /x/anh.800.webp 800w\""),
            "{html}"
        );
    }
}
