//! [`Bodies`]: renders each page's and section's Markdown with what the whole build shares
//! (or takes it from the session memo), with the warnings and images that came with it.

use super::functions;
use super::markdown::{md_diag, Body, Host};
use super::memo::{Cache, Memo};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::load::content::Page;
use crate::load::published::Published;
use crate::util::hash::Key;
use i18n::Lang;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Markdown options from the config.
pub(crate) fn md_options(config: &Config, lang: Lang) -> markdown::Options {
    markdown::Options {
        unsafe_html: config.markdown.unsafe_html,
        highlight: config.markdown.highlight,
        lang,
        smart_punctuation: config.markdown.smart_punctuation,
        plain_text: config.search.enabled,
    }
}

/// A rendered body, or its errors with the warnings found before them.
pub(crate) type BodyResult = Result<Rendered, (Vec<Diagnostic>, Vec<Diagnostic>)>;

/// A rendered body with what came with it.
pub(crate) struct Rendered {
    /// The body.
    pub body: Arc<Body>,
    /// Warnings about it.
    pub warnings: Vec<Diagnostic>,
    /// Processed image files it publishes.
    pub images: Vec<(String, PathBuf)>,
    /// Whether a shortcode looked up pages or sections.
    pub looked_up: bool,
}

/// Renders Markdown bodies with what the whole build shares.
pub(crate) struct Bodies<'a> {
    pub links: &'a HashMap<String, String>,
    pub tera: &'a tera::Tera,
    pub config: &'a Config,
    pub root: &'a Path,
    pub processor: Option<&'a images::Processor>,
    pub md_opts: markdown::Options,
    pub lang: Lang,
    /// Hash of everything a body depends on besides itself (with a session cache).
    pub md_fp: Option<Key>,
    pub cache: Option<&'a Cache>,
}

impl Bodies<'_> {
    /// Renders a page's Markdown.
    pub fn render_page(&self, p: &Page) -> BodyResult {
        self.render(
            &p.file,
            &p.raw,
            p.body_offset,
            p.bundle_dir.as_deref(),
            &p.path,
            &p.lang,
            &p.assets,
        )
    }

    /// Renders one page's or section's Markdown (or takes it from the session cache); `assets`
    /// are its own files (published under the names links to them are rewritten to).
    #[allow(clippy::too_many_arguments)]
    pub fn render(
        &self,
        file: &Path,
        raw: &str,
        body_offset: usize,
        bundle: Option<&Path>,
        path: &str,
        page_lang: &str,
        assets: &[PathBuf],
    ) -> BodyResult {
        let key: Option<Key> = self
            .md_fp
            .map(|fp: Key| body_key(&fp, file, path, page_lang, &raw.as_bytes()[body_offset..]));
        if let (Some(c), Some(k)) = (self.cache, &key) {
            if let Some(m) = c.body(k) {
                return Ok(rendered(file, m));
            }
        }
        let warn = Mutex::new(Vec::new());
        let page_images = Mutex::new(Vec::new());
        let published = Published::new(bundle, assets);
        let host = Host {
            links: self.links,
            tera: self.tera,
            config: self.config,
            root: self.root,
            bundle_dir: bundle,
            file_dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
            page_path: path,
            lang: page_lang,
            images: self.processor,
            image_files: &page_images,
            warnings: &warn,
            msg_lang: self.lang,
            published: &published,
            md_opts: &self.md_opts,
        };
        let (r, seen) =
            functions::recording(|| markdown::render(&raw[body_offset..], &self.md_opts, &host));
        let looked_up = seen
            .iter()
            .any(|k| k.starts_with("page:") || k.starts_with("section:"));
        let warn = warn.into_inner().unwrap_or_default();
        let r = r.map_err(|errs| {
            let e = errs
                .iter()
                .map(|e| md_diag(file, raw, body_offset, e, self.lang))
                .collect::<Vec<_>>();
            (e, warned(file, &warn))
        })?;
        let memo = Memo {
            image_files: page_images.into_inner().unwrap_or_default(),
            body: Arc::new(body_of(r, &published)),
            warnings: warn,
            looked_up,
        };
        if let (Some(c), Some(k)) = (self.cache, key) {
            c.put_body(k, memo.clone());
        }
        Ok(rendered(file, memo))
    }
}

/// The memo key of a body: `fp` (what the build shares), its file, URL path, language, Markdown.
fn body_key(fp: &Key, file: &Path, path: &str, page_lang: &str, markdown: &[u8]) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(fp);
    let name = file.to_string_lossy();
    let parts: [&[u8]; 4] = [
        name.as_bytes(),
        path.as_bytes(),
        page_lang.as_bytes(),
        markdown,
    ];
    for part in parts {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part);
    }
    *h.finalize().as_bytes()
}

/// Warnings about `file`, as diagnostics without a position.
fn warned(file: &Path, w: &[String]) -> Vec<Diagnostic> {
    w.iter()
        .map(|w| Diagnostic::warning(file, 0, 0, w.clone()))
        .collect::<Vec<_>>()
}

/// A rendered (or remembered) body of `file` with what came with it.
fn rendered(file: &Path, m: Memo) -> Rendered {
    Rendered {
        warnings: warned(file, &m.warnings),
        body: m.body,
        images: m.image_files,
        looked_up: m.looked_up,
    }
}

/// The body of rendered Markdown, addresses in its raw HTML rewritten to the published names.
fn body_of(r: markdown::Rendered, published: &Published) -> Body {
    // Addresses in raw HTML name the files as the teacher wrote them.
    let html = published.rewrite_html(&r.html).unwrap_or(r.html);
    let summary = r.summary.map(|s| published.rewrite_html(&s).unwrap_or(s));
    Body {
        html,
        summary,
        toc: r.toc,
        ids: r.ids,
        text: r.text,
        word_count: r.word_count,
        links: r.links,
        removed_html: r.removed_html,
    }
}
