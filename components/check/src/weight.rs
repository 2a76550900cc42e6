//! Page weight: what a phone downloads to show a page — its HTML, the CSS and JS it loads,
//! and the first image (above the fold) — against the budget.

use crate::site_map::{SiteMap, Target};
use crate::{Budget, Finding, Kind};
use i18n::{tr, Lang};
use std::collections::BTreeSet;

/// Bytes of one page, by part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Weight {
    /// The HTML file.
    pub html: u64,
    /// Stylesheets it links.
    pub css: u64,
    /// Scripts it loads.
    pub js: u64,
    /// The first image.
    pub image: u64,
}

impl Weight {
    /// HTML + CSS + JS.
    pub fn code(&self) -> u64 {
        self.html + self.css + self.js
    }
    /// Everything counted.
    pub fn total(&self) -> u64 {
        self.code() + self.image
    }
}

/// Size of the output an address leads to (0 for other websites or missing files).
fn size_of(map: &SiteMap<'_>, from: &str, value: &str) -> Option<(String, u64)> {
    match map.resolve(from, value) {
        Target::Internal { rel: Some(rel), .. } => {
            let n = map.files.get(&rel).map(|b| b.len() as u64)?;
            Some((rel, n))
        }
        _ => None,
    }
}

/// Weighs one HTML output.
pub fn weigh(map: &SiteMap<'_>, rel: &str) -> Option<Weight> {
    let doc = map.docs.get(rel)?;
    let mut w = Weight {
        html: map.files.get(rel).map(|b| b.len() as u64)?,
        ..Weight::default()
    };
    // A file linked twice is downloaded once.
    let mut seen = BTreeSet::new();
    for s in &doc.stylesheets {
        if let Some((r, n)) = size_of(map, rel, s) {
            if seen.insert(r) {
                w.css += n;
            }
        }
    }
    for s in &doc.scripts {
        if let Some((r, n)) = size_of(map, rel, s) {
            if seen.insert(r) {
                w.js += n;
            }
        }
    }
    if let Some(img) = &doc.first_image {
        w.image = size_of(map, rel, img).map(|(_, n)| n).unwrap_or(0);
    }
    Some(w)
}

/// Kilobytes with one decimal, with the decimal comma in Vietnamese.
fn kb(bytes: u64, lang: Lang) -> String {
    let s = format!("{:.1}", bytes as f64 / 1024.0);
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

/// Every page over budget, with its figures.
pub fn check(map: &SiteMap<'_>, budget: Budget, lang: Lang) -> Vec<Finding> {
    let mut out = Vec::new();
    for (&rel, doc) in &map.docs {
        if doc.redirect {
            continue;
        }
        let Some(w) = weigh(map, rel) else { continue };
        if w.code() <= budget.html_css_js && w.total() <= budget.total {
            continue;
        }
        let url = map.url_of(rel);
        let (h, c, j, code, img, total) = (
            kb(w.html, lang),
            kb(w.css, lang),
            kb(w.js, lang),
            kb(w.code(), lang),
            kb(w.image, lang),
            kb(w.total(), lang),
        );
        let (bc, bt) = (kb(budget.html_css_js, lang), kb(budget.total, lang));
        let mut msg = tr!(
            lang,
            "trang {url} quá nặng cho điện thoại: HTML {h} KB + CSS {c} KB + JS {j} KB = {code} KB (mức cho phép {bc} KB); cộng ảnh đầu trang {img} KB là {total} KB (mức cho phép {bt} KB).",
            "page {url} is too heavy for a phone: HTML {h} KB + CSS {c} KB + JS {j} KB = {code} KB (budget {bc} KB); with the first image {img} KB it is {total} KB (budget {bt} KB)."
        );
        msg.push(' ');
        msg.push_str(&if w.image > w.code() && w.total() > budget.total {
            tr!(
                lang,
                "Ảnh đầu trang chiếm nhiều nhất: dùng ảnh nhỏ hơn, hoặc để bangtin thu nhỏ ảnh ([images] enabled = true trong config.toml).",
                "The first image weighs most: use a smaller photo, or let bangtin resize images ([images] enabled = true in config.toml)."
            )
        } else if w.html >= w.css + w.js {
            tr!(
                lang,
                "Phần HTML nặng nhất: chia bài dài thành nhiều trang, hoặc bớt bảng và nội dung nhúng.",
                "The HTML weighs most: split a long page into several, or remove some tables and embedded content."
            )
        } else {
            tr!(
                lang,
                "CSS và JS nặng nhất: bớt tệp kiểu hoặc tệp script trong giao diện.",
                "CSS and JS weigh most: trim the theme's stylesheets or scripts."
            )
        });
        let file = map
            .sources
            .get(rel)
            .map(|s| s.file.to_path_buf())
            .unwrap_or_else(|| crate::output_file(rel));
        out.push(Finding::warning(Kind::PageWeight, file, (0, 0), msg));
    }
    out
}
