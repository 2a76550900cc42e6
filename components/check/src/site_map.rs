//! The built site as the checks see it: parsed HTML outputs, the source file of each output,
//! and how an address written in a page resolves (inside the site or to another website).

use crate::html::{self, Doc};
use rayon::prelude::*;
use site::render::contexts::{file_for, pager_path};
use site::Built;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use url::Url;

/// The Markdown file an output was made from.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// File relative to the site folder.
    pub file: &'a Path,
    /// Whole text of the file.
    pub raw: &'a str,
    /// Where the Markdown body starts in `raw`.
    pub body_offset: usize,
}

/// A place in a source file: the file and its (line, column).
pub type Spot<'a> = (&'a Path, (usize, usize));

/// Where an address leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not a web address to check (`mailto:`, `tel:`, `data:`, empty).
    Skip,
    /// Inside the site: the output file when it exists, the decoded URL path, the fragment.
    Internal {
        /// Output file (`a/index.html`), `None` when nothing is there.
        rel: Option<String>,
        /// Decoded URL path, e.g. `/bien-dao/bai/`.
        path: String,
        /// Decoded `#fragment`, if any.
        fragment: Option<String>,
    },
    /// Another website: the URL without its fragment.
    External(String),
    /// An address no browser could follow.
    Malformed,
}

/// The built site.
pub struct SiteMap<'a> {
    /// Every output file.
    pub files: &'a site::write::sink::Files,
    /// Parsed HTML outputs, by output path.
    pub docs: BTreeMap<&'a str, Doc>,
    /// Source of each page or section output.
    pub sources: HashMap<String, Source<'a>>,
    /// Every page and section source, to find a link written in another file.
    pub all_sources: Vec<Source<'a>>,
    /// Output file of each content page (same order as `content.pages`).
    pub page_outputs: Vec<String>,
    /// How addresses resolve.
    resolver: Resolver,
    /// Output files by their lower-case name, to spot a link that differs only in case.
    lower: HashMap<String, String>,
}

impl<'a> SiteMap<'a> {
    /// Parses every HTML output (in parallel) and maps outputs to their sources.
    pub fn new(built: &'a Built, files: &'a site::write::sink::Files) -> Self {
        let docs: BTreeMap<&str, Doc> = files
            .par_iter()
            .filter(|(rel, _)| rel.ends_with(".html") || rel.ends_with(".htm"))
            .map(|(rel, bytes)| {
                (
                    rel.as_str(),
                    html::parse(&String::from_utf8_lossy(&bytes.get())),
                )
            })
            .collect();
        let content = &built.content;
        let mut sources = HashMap::new();
        let mut all_sources = Vec::new();
        let mut page_outputs = Vec::new();
        for p in &content.pages {
            let src = Source {
                file: &p.file,
                raw: &p.raw,
                body_offset: p.body_offset,
            };
            let rel = file_for(&p.path);
            sources.insert(rel.clone(), src);
            page_outputs.push(rel);
            all_sources.push(src);
        }
        for s in &content.sections {
            let src = Source {
                file: &s.file,
                raw: &s.raw,
                body_offset: s.body_offset,
            };
            all_sources.push(src);
            if !s.front.render {
                continue;
            }
            let listing_pages = if s.front.paginate_by > 0 {
                s.pages.len().div_ceil(s.front.paginate_by).max(1)
            } else {
                1
            };
            for k in 0..listing_pages {
                sources.insert(file_for(&pager_path(&s.path, k)), src);
            }
        }
        SiteMap {
            files,
            docs,
            sources,
            all_sources,
            page_outputs,
            resolver: Resolver::new(&built.config.base_url),
            lower: files
                .keys()
                .map(|k| (k.to_lowercase(), k.clone()))
                .collect(),
        }
    }

    /// The URL of an output file as readers see it, e.g. `/bien-dao/bai/`.
    pub fn url_of(&self, rel: &str) -> String {
        self.resolver.url_of(rel)
    }

    /// Where `value`, written in output `from`, leads.
    pub fn resolve(&self, from: &str, value: &str) -> Target {
        self.resolver
            .resolve(from, value, |rel| self.files.contains_key(rel))
    }

    /// An output whose name differs from the missing `path` only by upper/lower case
    /// (fine on the author's Windows computer, broken on the Linux web server).
    pub fn case_variant(&self, path: &str) -> Option<String> {
        let rel = path.trim_start_matches('/').to_lowercase();
        let dir_index = format!("{}/index.html", rel.trim_end_matches('/'));
        [rel.clone(), dir_index]
            .iter()
            .find_map(|r| self.lower.get(r))
            .map(|actual| format!("/{}", actual.strip_suffix("index.html").unwrap_or(actual)))
    }

    /// Position of `value` in the Markdown of output `from`'s own source file.
    pub fn locate_own(&self, from: &str, value: &str) -> Option<Spot<'a>> {
        let src = self.sources.get(from)?;
        find_in(src, &needles(value)).map(|pos| (src.file, pos))
    }

    /// Position of `value` in the first page or section source that holds it.
    pub fn locate_anywhere(&self, value: &str) -> Option<Spot<'a>> {
        let needles = needles(value);
        self.all_sources
            .iter()
            .find_map(|src| find_in(src, &needles).map(|pos| (src.file, pos)))
    }
}

/// Resolves addresses the way a browser does, against the site's `base_url`.
#[derive(Debug, Clone)]
pub struct Resolver {
    /// The site's address with a trailing `/`.
    origin: Url,
    /// Path of the site under its host, `""` or `/truong`.
    base_path: String,
}

impl Resolver {
    /// For a `base_url` such as `https://a.vn`, `https://a.vn/truong` or `/truong`.
    pub fn new(base_url: &str) -> Resolver {
        let base = base_url.trim_end_matches('/');
        let origin = if base.starts_with('/') || base.is_empty() {
            Url::parse("http://site.invalid/").and_then(|u| u.join(&format!("{base}/")))
        } else {
            Url::parse(&format!("{base}/"))
        }
        .or_else(|_| Url::parse("http://site.invalid/"))
        .expect("a constant URL parses");
        let base_path = origin.path().trim_end_matches('/').to_string();
        Resolver { origin, base_path }
    }

    /// The URL path of an output file as readers see it, e.g. `/bien-dao/bai/`.
    pub fn url_of(&self, rel: &str) -> String {
        let path = rel.strip_suffix("index.html").unwrap_or(rel);
        format!("{}/{}", self.base_path, decode(path))
    }

    /// Where `value`, written in output `from`, leads; `exists` tells which outputs exist.
    pub fn resolve(&self, from: &str, value: &str, exists: impl Fn(&str) -> bool) -> Target {
        let value = value.trim();
        if value.is_empty() {
            return Target::Skip;
        }
        let Ok(doc_url) = self.origin.join(from) else {
            return Target::Skip;
        };
        let Ok(u) = doc_url.join(value) else {
            return Target::Malformed;
        };
        if u.scheme() != "http" && u.scheme() != "https" {
            return Target::Skip;
        }
        let fragment = u.fragment().filter(|f| !f.is_empty()).map(decode);
        let same_host = u.host_str() == self.origin.host_str() && u.port() == self.origin.port();
        let path = decode(u.path());
        let inside = same_host
            && (self.base_path.is_empty()
                || path == self.base_path
                || path.starts_with(&format!("{}/", self.base_path)));
        if !inside {
            let mut u = u;
            u.set_fragment(None);
            return Target::External(u.to_string());
        }
        let site_path = match &path[self.base_path.len()..] {
            "" => "/".to_string(),
            p => p.to_string(),
        };
        Target::Internal {
            rel: output_for(site_path.trim_start_matches('/'), exists),
            path: site_path,
            fragment,
        }
    }
}

/// The output file a server answers `rel` with: the file itself, or the folder's index.html.
fn output_for(rel: &str, exists: impl Fn(&str) -> bool) -> Option<String> {
    if rel.is_empty() || rel.ends_with('/') {
        let c = format!("{rel}index.html");
        return exists(&c).then_some(c);
    }
    if exists(rel) {
        return Some(rel.to_string());
    }
    let c = format!("{rel}/index.html");
    exists(&c).then_some(c)
}

/// Ways an address may be written in Markdown for a given HTML attribute value.
fn needles(value: &str) -> Vec<String> {
    let mut v = vec![value.to_string(), decode(value)];
    if let Some((before, _)) = value.split_once('#') {
        if !before.is_empty() {
            v.push(before.to_string());
            v.push(decode(before));
        }
    }
    v.dedup();
    v
}

fn find_in(src: &Source<'_>, needles: &[String]) -> Option<(usize, usize)> {
    let body = src.raw.get(src.body_offset..)?;
    needles
        .iter()
        .filter(|n| !n.is_empty())
        .find_map(|n| body.find(n.as_str()))
        .map(|at| site::diag::line_col(src.raw, src.body_offset + at))
}

/// Percent-decoding, lossy on invalid UTF-8.
pub fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn internal(rel: Option<&str>, path: &str, fragment: Option<&str>) -> Target {
        Target::Internal {
            rel: rel.map(str::to_string),
            path: path.to_string(),
            fragment: fragment.map(str::to_string),
        }
    }

    #[test]
    fn resolves_like_a_browser() {
        let files = [
            "index.html",
            "bien-dao/index.html",
            "bien-dao/hoàng-sa/index.html",
            "a.css",
            "x/index.html",
        ];
        let exists = |r: &str| files.contains(&r);
        let r = Resolver::new("https://a.vn");
        let from = "bien-dao/index.html";
        assert_eq!(
            r.resolve(from, "hoàng-sa/", exists),
            internal(
                Some("bien-dao/hoàng-sa/index.html"),
                "/bien-dao/hoàng-sa/",
                None
            )
        );
        assert_eq!(
            r.resolve(from, "ho%C3%A0ng-sa/#muc-1", exists),
            internal(
                Some("bien-dao/hoàng-sa/index.html"),
                "/bien-dao/hoàng-sa/",
                Some("muc-1")
            )
        );
        assert_eq!(
            r.resolve(from, "../a.css?v=3", exists),
            internal(Some("a.css"), "/a.css", None)
        );
        assert_eq!(
            r.resolve(from, "/x", exists),
            internal(Some("x/index.html"), "/x", None)
        );
        assert_eq!(
            r.resolve(from, "http://a.vn/", exists),
            internal(Some("index.html"), "/", None)
        );
        assert_eq!(
            r.resolve(from, "/khong/", exists),
            internal(None, "/khong/", None)
        );
        assert_eq!(
            r.resolve(from, "#tren", exists),
            internal(
                Some("bien-dao/index.html"),
                "/bien-dao/index.html",
                Some("tren")
            )
        );
        assert_eq!(
            r.resolve(from, "https://b.vn/x#y", exists),
            Target::External("https://b.vn/x".into())
        );
        assert_eq!(
            r.resolve(from, "//b.vn/x", exists),
            Target::External("https://b.vn/x".into())
        );
        assert_eq!(
            r.resolve(from, "https://a.vn:8443/", exists),
            Target::External("https://a.vn:8443/".into())
        );
        for skip in [
            "mailto:a@b.vn",
            "tel:0123",
            "data:image/png;base64,AA",
            "javascript:void(0)",
            "",
        ] {
            assert_eq!(r.resolve(from, skip, exists), Target::Skip, "{skip}");
        }
        assert_eq!(r.resolve(from, "http://[zz/", exists), Target::Malformed);
        assert_eq!(
            r.url_of("bien-dao/hoàng-sa/index.html"),
            "/bien-dao/hoàng-sa/"
        );
    }

    #[test]
    fn a_site_under_a_folder() {
        let files = ["index.html", "tin/index.html"];
        let exists = |r: &str| files.contains(&r);
        let r = Resolver::new("https://a.vn/truong/");
        assert_eq!(
            r.resolve("index.html", "tin/", exists),
            internal(Some("tin/index.html"), "/tin/", None)
        );
        assert_eq!(
            r.resolve("tin/index.html", "/truong/", exists),
            internal(Some("index.html"), "/", None)
        );
        // The same host outside the site's folder is another site.
        assert_eq!(
            r.resolve("index.html", "/tin/", exists),
            Target::External("https://a.vn/tin/".into())
        );
        assert_eq!(r.url_of("tin/index.html"), "/truong/tin/");
        let local = Resolver::new("/truong");
        assert_eq!(
            local.resolve("index.html", "/truong/tin/", exists),
            internal(Some("tin/index.html"), "/tin/", None)
        );
    }
}
