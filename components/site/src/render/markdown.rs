//! Markdown bodies: the [`Host`] that lets the Markdown renderer resolve links, shortcodes and
//! images against the site, and [`Bodies`], which renders each page's and section's body (or
//! takes it from the session memo).

use crate::config::Config;
use crate::diag::{error_chain, line_col, Diagnostic};
use crate::load::published::Published;
use crate::util::paths::percent_decode;
use i18n::{tr, Lang};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tera::{Context, Tera};

/// Markdown rendered for one page or section.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// HTML.
    pub html: String,
    /// HTML before `<!-- more -->`.
    pub summary: Option<String>,
    /// Table of contents.
    pub toc: Vec<markdown::Heading>,
    /// Every id of the body.
    pub ids: Vec<String>,
    /// Plain text, for search.
    pub text: String,
    /// Words.
    pub word_count: usize,
    /// Internal links to check once every page is rendered.
    pub links: Vec<markdown::InternalLink>,
    /// What the sanitizer removed.
    pub removed_html: Vec<markdown::Removed>,
}

/// Renders Markdown from a template filter: no shortcodes, no internal links.
pub fn markdown_plain(src: &str) -> String {
    struct Plain;
    impl markdown::Host for Plain {
        fn resolve_link(&self, _: &str) -> Option<String> {
            None
        }
        fn shortcode(
            &self,
            name: &str,
            _: &Map<String, Value>,
            _: Option<&str>,
        ) -> Result<String, String> {
            Err(format!("shortcode {name} is not available here"))
        }
        fn image(&self, _: &str, _: &str, _: &str, _: usize) -> Result<Option<String>, String> {
            Ok(None)
        }
    }
    let opts = markdown::Options {
        unsafe_html: false,
        highlight: true,
        lang: Lang::Vi,
        smart_punctuation: false,
        plain_text: false,
    };
    markdown::render(src, &opts, &Plain)
        .map(|r| r.html)
        .unwrap_or_else(|_| String::new())
}

/// Whether a shortcode template shows `body_html`: only then is its body rendered as the page's
/// Markdown, since that processes its photos (and a photo processed is not copied as it is).
fn uses_body_html(tera: &Tera, template: &str) -> bool {
    tera.get_template(template)
        .is_ok_and(|t| format!("{:?}", t.ast).contains("\"body_html\""))
}

/// What Markdown rendering needs from the site: links, shortcodes, images.
pub struct Host<'a> {
    /// Relative content path -> URL path.
    pub links: &'a HashMap<String, String>,
    /// Templates for shortcodes.
    pub tera: &'a Tera,
    /// The site config.
    pub config: &'a Config,
    /// The site folder.
    pub root: &'a Path,
    /// Bundle folder of the page (relative to root), if any.
    pub bundle_dir: Option<&'a Path>,
    /// Folder of the Markdown file, relative to root.
    pub file_dir: PathBuf,
    /// URL path of the page.
    pub page_path: &'a str,
    /// Language of the page.
    pub lang: &'a str,
    /// The image processor, when enabled.
    pub images: Option<&'a images::Processor>,
    /// Processed image files to publish: (output relative path, cached file).
    pub image_files: &'a Mutex<Vec<(String, PathBuf)>>,
    /// Warnings (missing images...).
    pub warnings: &'a Mutex<Vec<String>>,
    /// Message language.
    pub msg_lang: Lang,
    /// The names the page's own files are published under.
    pub published: &'a Published,
    /// How the page's Markdown is rendered (a shortcode's body is rendered the same way).
    pub md_opts: &'a markdown::Options,
}

/// How deep shortcode bodies rendered as Markdown may nest (a real page nests two or three).
const MAX_BODY_DEPTH: usize = 16;

thread_local! {
    /// The depth of the shortcode body being rendered on this thread.
    static BODY_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Host<'_> {
    /// A shortcode's body rendered as the page's own Markdown (photos processed, links
    /// checked), for templates that show `body_html` rather than `body | markdown`.
    fn body_html(&self, body: &str) -> Result<String, String> {
        // Each level renders its body inside the one above: without a bound, a body nested
        // thousands deep overflows the stack (the process dies with no message).
        let depth = BODY_DEPTH.with(|d| d.get());
        if depth >= MAX_BODY_DEPTH {
            return Err(tr!(
                self.msg_lang,
                "shortcode lồng nhau quá {MAX_BODY_DEPTH} tầng: hãy bớt các {{% ... %}} lồng trong nhau (có thể thiếu một {{% end %}})",
                "shortcodes nested more than {MAX_BODY_DEPTH} deep: nest fewer {{% ... %}} inside each other (an {{% end %}} may be missing)"
            ));
        }
        BODY_DEPTH.with(|d| d.set(depth + 1));
        let html = self.body_html_at(body);
        BODY_DEPTH.with(|d| d.set(depth));
        html
    }

    fn body_html_at(&self, body: &str) -> Result<String, String> {
        let opts = markdown::Options {
            plain_text: false,
            ..self.md_opts.clone()
        };
        markdown::render(body, &opts, self)
            .map(|r| r.html)
            .map_err(|errs| {
                errs.iter()
                    .map(|e| e.message(self.msg_lang))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
    }

    /// The bundle file a relative address names, and the address of its published name
    /// (`None` for other sites, absolute paths and files that are not the page's own).
    fn own_file(&self, dest: &str) -> Option<(String, PathBuf)> {
        let scheme = dest.find(':').is_some_and(|i| !dest[..i].contains('/'));
        if scheme || dest.starts_with(['/', '#', '@']) || dest.is_empty() {
            return None;
        }
        let cut = dest.find(['?', '#']).unwrap_or(dest.len());
        let (path, suffix) = dest.split_at(cut);
        let rel = percent_decode(path);
        let rel = rel.trim_start_matches("./");
        if rel.is_empty() || rel.split('/').any(|p| p == "..") {
            return None;
        }
        let base = self.root.join(self.bundle_dir.unwrap_or(&self.file_dir));
        let file = images::assets::find(&base, rel).ok()?;
        let name = self.published.name_of(file.strip_prefix(self.root).ok()?)?;
        Some((format!("{name}{suffix}"), file))
    }

    /// A shortcode's `src` or `thumb` naming one of the page's files gets its published
    /// address, and `size` (when not given) the file's size, which the `pdf` shortcode shows.
    fn own_file_args(&self, args: &Map<String, Value>, ctx: &mut Context) {
        for key in ["src", "thumb"] {
            let Some((url, file)) = args
                .get(key)
                .and_then(Value::as_str)
                .and_then(|v| self.own_file(v))
            else {
                continue;
            };
            ctx.insert(key, &url);
            if key == "src" && !args.contains_key("size") {
                if let Ok(meta) = std::fs::metadata(&file) {
                    let comma = self.lang.starts_with("vi");
                    ctx.insert("size", &images::assets::human_size(meta.len(), comma));
                }
            }
        }
    }
}

impl markdown::Host for Host<'_> {
    fn page_lang(&self) -> Option<Lang> {
        Lang::parse(self.lang)
    }

    fn asset_url(&self, dest: &str) -> Option<String> {
        self.own_file(dest)
            .map(|(url, _)| url)
            .filter(|url| url != dest)
    }

    fn resolve_link(&self, target: &str) -> Option<String> {
        self.links
            .get(target.trim_start_matches('/'))
            .map(|p| self.config.absolute(p))
    }

    fn shortcode(
        &self,
        name: &str,
        args: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<String, String> {
        let template = format!("shortcodes/{name}.html");
        if !self.tera.get_template_names().any(|n| n == template) {
            let known: Vec<String> = self
                .tera
                .get_template_names()
                .filter_map(|n| {
                    n.strip_prefix("shortcodes/")
                        .and_then(|n| n.strip_suffix(".html"))
                        .map(String::from)
                })
                .collect();
            return Err(tr!(
                self.msg_lang,
                "không có shortcode `{name}` (cần tệp templates/shortcodes/{name}.html). Các shortcode có sẵn: {}",
                "there is no shortcode `{name}` (it needs templates/shortcodes/{name}.html). Available: {}",
                known.join(", ")
            ));
        }
        let mut ctx = Context::new();
        for (k, v) in args {
            ctx.insert(k, v);
        }
        if let Some(b) = body {
            ctx.insert("body", b);
            if uses_body_html(self.tera, &template) {
                ctx.insert("body_html", &self.body_html(b)?);
            }
        }
        self.own_file_args(args, &mut ctx);
        ctx.insert("page_path", self.page_path);
        ctx.insert("lang", self.lang);
        ctx.insert("config", self.config);
        ctx.insert("base_url", &self.config.base_url);
        // A shortcode given a local photo (figure) gets the same responsive HTML as a Markdown image.
        if let (Some(src), Some(_)) = (args.get("src").and_then(Value::as_str), self.images) {
            let alt = args.get("alt").and_then(Value::as_str).unwrap_or("");
            if let Ok(Some(html)) = markdown::Host::image(self, src, alt, "", 1) {
                ctx.insert("image_html", &html);
            }
        }
        self.tera
            .render(&template, &ctx)
            .map_err(|e| error_chain(&e))
    }

    fn image(
        &self,
        src: &str,
        alt: &str,
        title: &str,
        index: usize,
    ) -> Result<Option<String>, String> {
        if src.contains("://") || src.starts_with("data:") || src.starts_with("//") {
            return Ok(None);
        }
        let clean = src.split(['?', '#']).next().unwrap_or(src);
        let clean = percent_decode(clean);
        if clean.split('/').any(|p| p == "..") {
            return Ok(None);
        }
        let (base, rel, url_dir) = if let Some(abs) = clean.strip_prefix('/') {
            let url_dir = match abs.rfind('/') {
                Some(i) => format!("/{}/", &abs[..i]),
                None => "/".to_string(),
            };
            (self.root.join("static"), abs, url_dir)
        } else {
            let base = self.bundle_dir.unwrap_or(&self.file_dir);
            let url_dir = match clean.rfind('/') {
                Some(i) => format!("{}{}/", self.page_path, &clean[..i]),
                None => self.page_path.to_string(),
            };
            (self.root.join(base), clean.as_str(), url_dir)
        };
        // Found by its composed (NFC) name too: macOS and zip tools store names decomposed.
        let file = images::assets::find(&base, rel).map_err(|near| {
            let folder = base.strip_prefix(self.root).unwrap_or(&base).display();
            match near {
                Some(n) => tr!(
                    self.msg_lang,
                    "không có tệp `{rel}` trong thư mục {folder}/; có phải `{n}`?",
                    "there is no file `{rel}` in {folder}/; did you mean `{n}`?"
                ),
                None => tr!(
                    self.msg_lang,
                    "không có tệp `{rel}` trong thư mục {folder}/: hãy chép ảnh vào đó hoặc sửa tên trong bài",
                    "there is no file `{rel}` in {folder}/: copy the photo there or fix the name in the page"
                ),
            }
        })?;
        let Some(processor) = self.images else {
            return Ok(None);
        };
        if !images::is_image(&file)
            || file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("gif"))
        {
            return Ok(None);
        }
        let processed = processor
            .process(&file)
            .map_err(|e| e.message(self.msg_lang))?;
        {
            let mut files = self.image_files.lock().unwrap_or_else(|e| e.into_inner());
            for v in &processed.variants {
                files.push((
                    format!("{}{}", url_dir.trim_start_matches('/'), v.file_name),
                    v.cache_path.clone(),
                ));
            }
        }
        let title = if title.is_empty() { None } else { Some(title) };
        Ok(Some(images::picture_html(
            &processed,
            &url_dir,
            alt,
            title,
            index > 0,
            "(min-width: 50rem) 46rem, 100vw",
        )))
    }
}

/// Converts a Markdown error to a diagnostic at its place in the file.
pub fn md_diag(
    file: &Path,
    raw: &str,
    body_offset: usize,
    e: &markdown::MdError,
    lang: Lang,
) -> Diagnostic {
    let (l, c) = line_col(raw, body_offset + e.offset);
    Diagnostic::error(file, l, c, e.message(lang))
}
