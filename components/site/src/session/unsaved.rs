//! The desk's live preview: one page rendered from text that is not saved yet, with the site's
//! theme and everything the session keeps (links, listings, menus), drafts included. Nothing
//! is read from disk but the page's bundle folder, and the session is left as it was.

use super::state::State;
use crate::diag::{line_col, Diagnostic, Failed};
use crate::load::content::{dir_url, Page};
use crate::load::frontmatter::{self, PageFront};
use crate::load::read::{fix_legacy, tidy_terms};
use crate::render::bodies::{md_options, Bodies};
use crate::render::contexts::{Contexts, Lent};
use crate::render::functions;
use crate::render::markdown::Body;
use crate::render::tera::{page_template, render_bytes};
use crate::render::values::Model;
use crate::util::paths::{is_ignored_name, slash_path};
use i18n::{tr, Lang};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A page rendered from text not saved yet.
#[derive(Debug)]
pub struct Unsaved {
    /// The whole HTML page.
    pub html: String,
    /// The processed photo files it shows (output path, file in the image cache): a draft's are
    /// not among the preview's files, so the caller may serve them.
    pub images: Vec<(String, PathBuf)>,
}

/// Renders the page of `rel` (a Markdown file of `content/`, relative to the site folder) as
/// if it held `text`, with the session's last good build `st` (see `Session::render_unsaved`).
pub(super) fn render_unsaved(
    st: Option<&mut State>,
    root: &Path,
    rel: &Path,
    text: &str,
    lang: Lang,
) -> Result<Unsaved, Failed> {
    let Some(st) = st else {
        return Err(Failed(vec![Diagnostic::error(
            rel,
            0,
            0,
            tr!(
                lang,
                "trang chưa dựng được lần nào: hãy sửa các lỗi trang xem trước đang báo",
                "the site has not built yet: fix the errors the preview shows"
            ),
        )]));
    };
    let page = unsaved_page(st, root, rel, text, lang)?;
    let (body, images) = render_body(st, root, &page, lang)?;
    // Put the page in for the time of one render; a failed render marks the state for a
    // full rebuild, as an interrupted incremental one does.
    let was_poisoned = st.poisoned;
    st.poisoned = true;
    let at = st.files.get(rel).copied();
    let i = match at {
        Some(i) => {
            let old_page = std::mem::replace(&mut st.built.content.pages[i], page);
            let old_body = std::mem::replace(&mut st.built.page_bodies[i], body);
            let html = render_page(st, i, lang);
            st.built.content.pages[i] = old_page;
            st.built.page_bodies[i] = old_body;
            st.poisoned = was_poisoned;
            return html.map(|html| Unsaved { html, images });
        }
        None => {
            st.built.content.pages.push(page);
            st.built.page_bodies.push(body);
            st.built.content.pages.len() - 1
        }
    };
    let html = render_page(st, i, lang);
    st.built.content.pages.pop();
    st.built.page_bodies.pop();
    st.poisoned = was_poisoned;
    html.map(|html| Unsaved { html, images })
}

/// The page as `text` makes it: the built one with new front matter and body, or a new one.
fn unsaved_page(
    st: &State,
    root: &Path,
    rel: &Path,
    text: &str,
    lang: Lang,
) -> Result<Page, Failed> {
    let (raw, _) = fix_legacy(vi::nfc_owned(text.to_string()), rel, lang);
    let fail = |offset: usize, line_col_given: Option<(usize, usize)>, msg: String| {
        let (l, c) = line_col_given.unwrap_or_else(|| line_col(&raw, offset));
        Failed(vec![Diagnostic::error(rel, l, c, msg)])
    };
    let split =
        frontmatter::split(&raw, lang).map_err(|e| fail(e.offset, e.line_col, e.message))?;
    let mut front: PageFront = frontmatter::parse(&split, lang).map_err(|e| {
        let (l, c) = frontmatter::position(&raw, split.front_offset, &e);
        fail(0, Some((l, c)), e.message)
    })?;
    tidy_terms(&mut front);
    let body_offset = split.body_offset;
    let date = front.date.as_ref().and_then(frontmatter::date_of);
    let updated = front.updated.as_ref().and_then(frontmatter::date_of);
    let mut page = match st.files.get(rel) {
        Some(&i) => with_new_files(st.built.content.pages[i].clone(), root),
        None => new_page(st, root, rel, &front, lang)?,
    };
    page.title = front.title.clone().unwrap_or_default();
    page.description = front.description.clone().unwrap_or_default();
    page.date = date;
    page.updated = updated;
    page.front = front;
    page.body_offset = body_offset;
    page.raw = raw;
    Ok(page)
}

/// A page the last build does not have: placed in the section of its folder.
fn new_page(
    st: &State,
    root: &Path,
    rel: &Path,
    front: &PageFront,
    lang: Lang,
) -> Result<Page, Failed> {
    let config = &st.built.config;
    let content = &st.built.content;
    let outside = || {
        Failed(vec![Diagnostic::error(
            rel,
            0,
            0,
            tr!(
                lang,
                "chỉ xem trước được bài trong thư mục content/ của một chuyên mục",
                "only posts inside a section of content/ can be previewed"
            ),
        )])
    };
    let inner = rel.strip_prefix("content").map_err(|_| outside())?;
    let name = inner
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(outside)?;
    let stem = name.strip_suffix(".md").ok_or_else(outside)?;
    let (base, page_lang) = match stem.rsplit_once('.') {
        Some((b, l)) if config.has_language(l) => (b, l.to_string()),
        _ => (stem, config.default_language.clone()),
    };
    let file_dir = inner.parent().map(slash_path).unwrap_or_default();
    let is_bundle = base == "index";
    let (dir, name) = if is_bundle {
        let (d, n) = file_dir.rsplit_once('/').unwrap_or(("", file_dir.as_str()));
        (d.to_string(), n.to_string())
    } else {
        (file_dir.clone(), base.to_string())
    };
    let section = section_for(content, &page_lang, &dir).ok_or_else(outside)?;
    let (slug, path) = url_of(config, front, &page_lang, &dir, &name);
    let bundle_dir = is_bundle.then(|| rel.parent().map(Path::to_path_buf).unwrap_or_default());
    let assets = bundle_dir
        .as_ref()
        .map(|d| bundle_files(root, d))
        .unwrap_or_default();
    let key_file = if is_bundle {
        "index.md".to_string()
    } else {
        format!("{base}.md")
    };
    let key = [file_dir.as_str(), key_file.as_str()]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/");
    Ok(Page {
        file: rel.to_path_buf(),
        relative_path: slash_path(inner),
        key,
        lang: page_lang,
        front: front.clone(),
        title: String::new(),
        description: String::new(),
        date: None,
        updated: None,
        slug,
        path,
        raw: String::new(),
        body_offset: 0,
        section,
        assets,
        bundle_dir,
    })
}

/// The page's slug and URL path, as the loader makes them (`slug` and `path` honoured).
fn url_of(
    config: &crate::config::Config,
    front: &PageFront,
    lang: &str,
    dir: &str,
    name: &str,
) -> (String, String) {
    let slug = vi::slugify(front.slug.as_deref().unwrap_or(name));
    let path = match &front.path {
        Some(p) => format!("{}/{}/", config.lang_prefix(lang), p.trim_matches('/')),
        None => format!("{}{slug}/", dir_url(config, lang, dir)),
    };
    (slug, path)
}

/// The nearest section up the folders from `dir`, in the page's language.
fn section_for(content: &crate::load::content::Content, lang: &str, dir: &str) -> Option<usize> {
    let mut look = dir.to_string();
    loop {
        let found = content
            .sections
            .iter()
            .position(|s| s.dir == look && s.lang == lang);
        match (found, look.rsplit_once('/')) {
            (Some(s), _) => return Some(s),
            (None, Some((up, _))) => look = up.to_string(),
            (None, None) if !look.is_empty() => look.clear(),
            (None, None) => return None,
        }
    }
}

/// The files of a bundle folder besides its Markdown, relative to the site folder.
fn bundle_files(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter(|e| !is_ignored_name(&e.file_name().to_string_lossy()))
                .map(|e| dir.join(e.file_name()))
                .filter(|p| p.extension().is_none_or(|x| x != "md"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A built page with the files added to its bundle since the last build (the desk adds a photo
/// and previews at once, before the watcher's rebuild), and without those gone since.
fn with_new_files(mut page: Page, root: &Path) -> Page {
    if let Some(dir) = page.bundle_dir.clone() {
        page.assets.retain(|a| root.join(a).is_file());
        for f in bundle_files(root, &dir) {
            if !page.assets.contains(&f) {
                page.assets.push(f);
            }
        }
        page.assets.sort();
    }
    page
}

/// A rendered body and the processed image files it publishes.
type BodyAndImages = (Arc<Body>, Vec<(String, PathBuf)>);

/// The page's Markdown rendered with what the session keeps.
fn render_body(st: &State, root: &Path, page: &Page, lang: Lang) -> Result<BodyAndImages, Failed> {
    let kept = &st.kept;
    let config = &st.built.config;
    let bodies = Bodies {
        links: &kept.links,
        tera: &kept.tera,
        config,
        root,
        processor: kept.processor.as_ref(),
        md_opts: md_options(config, lang),
        lang,
        md_fp: None,
        cache: None,
    };
    match bodies.render_page(page) {
        Ok(r) => Ok((r.body, r.images)),
        Err((errors, _)) => Err(Failed(errors)),
    }
}

/// Renders page `i` of the state with a listing made from its current values.
fn render_page(st: &mut State, i: usize, lang: Lang) -> Result<String, Failed> {
    let derived = std::mem::take(&mut st.kept.derived);
    let model = Model::with_derived(
        &st.built.config,
        &st.built.content,
        &st.built.page_bodies,
        &st.kept.section_bodies,
        &st.kept.taxonomies,
        derived,
    );
    let p = &st.built.content.pages[i];
    let mut ctx = model.base_map(&p.lang, &p.path);
    ctx.insert("page".into(), model.page_value(i, model.page_listing(i)));
    let template = page_template(&st.built.content, p);
    let mut contexts = Contexts::new(None);
    let (html, _) = contexts.with(&model, &p.lang, ctx, Lent::Nothing, |c| {
        functions::recording(|| render_bytes(&st.kept.tera, &template, c, &p.file, lang))
    });
    st.kept.derived = model.into_derived();
    let html = html.map_err(|d| Failed(vec![d]))?;
    Ok(String::from_utf8_lossy(&html).into_owned())
}
