//! What one built HTML file holds for the checks: its ids and every address it refers to.

use scraper::{ElementRef, Html, Selector};
use std::collections::HashSet;

/// One address found in an element's attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    /// Element name, e.g. `a`, `img`.
    pub tag: String,
    /// Attribute name, e.g. `href`, `src`, `srcset`.
    pub attr: &'static str,
    /// The address as written (one candidate for `srcset`).
    pub value: String,
}

/// The facts of one HTML file the checks need.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Every `id` and `<a name>`, for `#fragment` links.
    pub ids: HashSet<String>,
    /// Every address the file refers to, in document order.
    pub refs: Vec<Ref>,
    /// A `<meta http-equiv="refresh">` redirect page (aliases), not a page a reader sees.
    pub redirect: bool,
    /// `<link rel="stylesheet" href>` addresses.
    pub stylesheets: Vec<String>,
    /// `<script src>` addresses.
    pub scripts: Vec<String>,
    /// `src` of the first `<img>`: the image above the fold.
    pub first_image: Option<String>,
    /// `src` of every `<img>` with no `alt` attribute at all (`alt=""` marks decoration).
    pub images_without_alt: Vec<String>,
}

/// Attributes that hold one address, per element.
const URL_ATTRS: &[(&str, &str)] = &[
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("source", "src"),
    ("audio", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("track", "src"),
    ("object", "data"),
];

/// `<link rel>` values that name a host or a hint rather than a document to fetch.
const LINK_HINTS: &[&str] = &["preconnect", "dns-prefetch"];

/// Parses an HTML document (html5ever, as browsers do) and collects what the checks need.
pub fn parse(text: &str) -> Doc {
    let html = Html::parse_document(text);
    let mut doc = Doc::default();
    // `*` matches every element; the selector is a constant and always parses.
    let all = Selector::parse("*").expect("constant selector");
    for el in html.select(&all) {
        collect(el, &mut doc);
    }
    doc
}

fn collect(el: ElementRef<'_>, doc: &mut Doc) {
    let v = el.value();
    let name = v.name();
    if let Some(id) = v.attr("id") {
        doc.ids.insert(id.to_string());
    }
    if name == "a" {
        if let Some(n) = v.attr("name") {
            doc.ids.insert(n.to_string());
        }
    }
    if name == "meta"
        && v.attr("http-equiv")
            .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
    {
        doc.redirect = true;
    }
    // Open Graph images are fetched by Zalo and Facebook: they must exist too.
    if name == "meta"
        && v.attr("property")
            .is_some_and(|p| p == "og:image" || p == "og:image:url")
    {
        if let Some(c) = v.attr("content") {
            push(doc, name, "content", c);
        }
    }
    let rel: Vec<String> = v
        .attr("rel")
        .map(|r| {
            r.split_ascii_whitespace()
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    for (tag, attr) in URL_ATTRS {
        if *tag != name {
            continue;
        }
        let Some(value) = v.attr(attr) else { continue };
        if name == "link" && rel.iter().any(|r| LINK_HINTS.contains(&r.as_str())) {
            continue;
        }
        push(doc, name, attr, value);
    }
    if name == "img" || name == "source" {
        if let Some(set) = v.attr("srcset") {
            for candidate in srcset_urls(set) {
                push(doc, name, "srcset", candidate);
            }
        }
    }
    match name {
        "link" if rel.iter().any(|r| r == "stylesheet") => {
            if let Some(h) = v.attr("href") {
                doc.stylesheets.push(h.trim().to_string());
            }
        }
        "script" => {
            if let Some(s) = v.attr("src") {
                doc.scripts.push(s.trim().to_string());
            }
        }
        "img" => {
            let src = v.attr("src").map(|s| s.trim().to_string());
            if v.attr("alt").is_none() {
                doc.images_without_alt.push(src.clone().unwrap_or_default());
            }
            if doc.first_image.is_none() {
                doc.first_image = src;
            }
        }
        _ => {}
    }
}

fn push(doc: &mut Doc, tag: &str, attr: &'static str, value: &str) {
    doc.refs.push(Ref {
        tag: tag.to_string(),
        attr,
        value: value.trim().to_string(),
    });
}

/// The addresses of a `srcset`: `a.jpg 480w, b.jpg 960w` -> `a.jpg`, `b.jpg`.
pub fn srcset_urls(set: &str) -> impl Iterator<Item = &str> {
    set.split(',')
        .filter_map(|c| c.split_ascii_whitespace().next())
        .filter(|u| !u.is_empty())
}

/// `<img>` tags of an HTML fragment (raw HTML in Markdown): (byte offset of the tag, src, alt).
pub fn fragment_images(fragment: &str) -> Vec<(usize, String, Option<String>)> {
    let html = Html::parse_fragment(fragment);
    let sel = Selector::parse("img").expect("constant selector");
    // html5ever does not keep source positions: find the n-th `<img` in the text instead.
    let mut starts = lower_positions(fragment, "<img");
    html.select(&sel)
        .map(|el| {
            let v = el.value();
            let at = if starts.is_empty() {
                0
            } else {
                starts.remove(0)
            };
            (
                at,
                v.attr("src").unwrap_or("").to_string(),
                v.attr("alt").map(str::to_string),
            )
        })
        .collect()
}

fn lower_positions(text: &str, needle: &str) -> Vec<usize> {
    let lower = text.to_ascii_lowercase();
    lower.match_indices(needle).map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_ids_refs_and_assets() {
        let d = parse(
            r#"<!DOCTYPE html><html><head>
            <link rel="stylesheet" href="/style.css"><link rel="preconnect" href="https://cdn.example">
            <meta property="og:image" content="https://a.vn/chia-se.png">
            <script src="/search.js"></script></head>
            <body><h2 id="muc-1">A</h2><a name="cu">x</a><a href="/a/#muc-1">a</a>
            <picture><source srcset="/a.480.webp 480w, /a.960.webp 960w"><img src="/a.960.jpg" alt="x"></picture>
            <img src="/b.jpg"></body></html>"#,
        );
        assert!(d.ids.contains("muc-1") && d.ids.contains("cu"));
        let values: Vec<&str> = d.refs.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(
            values,
            [
                "/style.css",
                "https://a.vn/chia-se.png",
                "/search.js",
                "/a/#muc-1",
                "/a.480.webp",
                "/a.960.webp",
                "/a.960.jpg",
                "/b.jpg"
            ]
        );
        assert_eq!(d.stylesheets, ["/style.css"]);
        assert_eq!(d.scripts, ["/search.js"]);
        assert_eq!(d.first_image.as_deref(), Some("/a.960.jpg"));
        assert_eq!(d.images_without_alt, ["/b.jpg"]);
        assert!(!d.redirect);
    }

    #[test]
    fn redirect_pages_are_recognised() {
        let d =
            parse(r#"<html><head><meta http-equiv="refresh" content="0; url=/x/"></head></html>"#);
        assert!(d.redirect);
    }

    #[test]
    fn fragment_images_have_positions() {
        let f = r#"<p>x</p><IMG src="a.png"> <img src="b.png" alt="B">"#;
        let imgs = fragment_images(f);
        assert_eq!(imgs.len(), 2);
        assert_eq!(imgs[0], (8, "a.png".to_string(), None));
        assert_eq!(imgs[1].2.as_deref(), Some("B"));
    }
}
