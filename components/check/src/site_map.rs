//! The built site as the checks see it: parsed HTML outputs, the source file of each output,
//! and how an address written in a page resolves (inside the site or to another website).

use crate::html::{self, Doc};
use rayon::prelude::*;
use site::render::{file_for, pager_path};
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
    pub files: &'a BTreeMap<String, Vec<u8>>,
    /// Parsed HTML outputs, by output path.
    pub docs: BTreeMap<&'a str, Doc>,
    /// Source of each page or section output.
    pub sources: HashMap<String, Source<'a>>,
    /// Every page and section source, to find a link written in another file.
    pub all_sources: Vec<Source<'a>>,
    /// Output file of each content page (same order as `content.pages`).
    pub page_outputs: Vec<String>,
    /// The site's address with a trailing `/`.
    origin: Url,
    /// Path of the site under its host, `""` or `/truong`.
    base_path: String,
}

impl<'a> SiteMap<'a> {
    /// Parses every HTML output (in parallel) and maps outputs to their sources.
    pub fn new(built: &'a Built, files: &'a BTreeMap<String, Vec<u8>>) -> Self {
        let docs: BTreeMap<&str, Doc> = files
            .par_iter()
            .filter(|(rel, _)| rel.ends_with(".html") || rel.ends_with(".htm"))
            .map(|(rel, bytes)| (rel.as_str(), html::parse(&String::from_utf8_lossy(bytes))))
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
        let base = &built.config.base_url;
        let origin = if base.starts_with('/') {
            Url::parse("http://site.invalid/").and_then(|u| u.join(&format!("{base}/")))
        } else {
            Url::parse(&format!("{base}/"))
        }
        .or_else(|_| Url::parse("http://site.invalid/"))
        .expect("a constant URL parses");
        let base_path = origin.path().trim_end_matches('/').to_string();
        SiteMap {
            files,
            docs,
            sources,
            all_sources,
            page_outputs,
            origin,
            base_path,
        }
    }

    /// The URL of an output file as readers see it, e.g. `/bien-dao/bai/`.
    pub fn url_of(&self, rel: &str) -> String {
        let path = rel.strip_suffix("index.html").unwrap_or(rel);
        format!("{}/{}", self.base_path, decode(path))
    }

    /// Where `value`, written in output `from`, leads.
    pub fn resolve(&self, from: &str, value: &str) -> Target {
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
        let site_path = path[self.base_path.len()..].to_string();
        let site_path = if site_path.is_empty() {
            "/".to_string()
        } else {
            site_path
        };
        Target::Internal {
            rel: self.output_for(site_path.trim_start_matches('/')),
            path: site_path,
            fragment,
        }
    }

    /// The output file a server would answer `rel` with: the file, or the folder's index.html.
    fn output_for(&self, rel: &str) -> Option<String> {
        if rel.is_empty() || rel.ends_with('/') {
            let c = format!("{rel}index.html");
            return self.files.contains_key(&c).then_some(c);
        }
        if self.files.contains_key(rel) {
            return Some(rel.to_string());
        }
        let c = format!("{rel}/index.html");
        self.files.contains_key(&c).then_some(c)
    }

    /// Position of `value` in the Markdown of output `from`'s source, else in any other
    /// source: (file, line, column, found in the output's own source).
    pub fn locate(&self, from: &str, value: &str) -> Option<(&'a Path, (usize, usize), bool)> {
        let needles = needles(value);
        if let Some(src) = self.sources.get(from) {
            if let Some(pos) = find_in(src, &needles) {
                return Some((src.file, pos, true));
            }
        }
        self.all_sources
            .iter()
            .find_map(|src| find_in(src, &needles).map(|pos| (src.file, pos, false)))
    }
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
