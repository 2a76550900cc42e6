//! The fast path's reading steps: the edited files read again ([`reread`]), their Markdown
//! rendered again ([`rebody`]) and put in place of the old pages ([`put_in`]), which go back
//! if an anchor no longer resolves.

use super::state::{State, Stop};
use crate::diag::{Diagnostic, Failed};
use crate::load::content::Page;
use crate::load::frontmatter::{self, PageFront};
use crate::load::read::{read_front, tidy_terms};
use crate::options::{today, Options};
use crate::render::anchors::check_anchors;
use crate::render::bodies::{md_options, Bodies};
use crate::render::markdown::Body;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::Arc;

/// What the edit changed in the listings' eyes.
#[derive(Debug, Default)]
pub(super) struct Edit {
    /// Pages whose title changed.
    pub titled: Vec<usize>,
    /// Pages whose title, date or weight changed: their place in listings may move.
    pub moved: Vec<usize>,
    /// Whether a date or `updated` changed (the sitemap shows them).
    pub redated: bool,
}

/// The edited pages read again.
pub(super) struct Reread {
    /// Page index and its new value.
    pub pages: Vec<(usize, Page)>,
    /// What changed besides the bodies.
    pub edit: Edit,
    /// Warnings of reading.
    pub warnings: Vec<Diagnostic>,
}

/// A page as it was before the edit: index, page, body.
pub(super) type Old = (usize, Page, Arc<Body>);

/// Reads the edited pages again. Besides the body, only what listings show may have changed:
/// title, description, date, updated, weight. Other front matter takes a full rebuild.
pub(super) fn reread(st: &State, opts: &Options, edits: &[usize]) -> Result<Reread, Stop> {
    let root = opts.root.as_path();
    let mut read = Reread {
        pages: Vec::new(),
        edit: Edit::default(),
        warnings: Vec::new(),
    };
    for &i in edits {
        let old = &st.built.content.pages[i];
        let (warning, rf) =
            read_front::<PageFront>(root, &root.join(&old.file), &old.file, opts.lang);
        read.warnings.extend(warning);
        let rf = rf.map_err(|e| Stop::Failed(Failed(vec![e])))?;
        let mut page = old.clone();
        if rf.raw[..rf.body_offset] != old.raw[..old.body_offset] {
            new_front(&mut page, old, rf.front, opts)?;
            note_change(&mut read.edit, i, &page, old);
        }
        page.raw = rf.raw;
        page.body_offset = rf.body_offset;
        read.pages.push((i, page));
    }
    Ok(read)
}

/// Puts the new front matter in `page`, or [`Stop::Full`] when it changed more than listings
/// show, or in a way only a full build reports well.
fn new_front(
    page: &mut Page,
    old: &Page,
    mut front: PageFront,
    opts: &Options,
) -> Result<(), Stop> {
    tidy_terms(&mut front);
    let mut same = front.clone();
    same.title.clone_from(&old.front.title);
    same.description.clone_from(&old.front.description);
    same.date.clone_from(&old.front.date);
    same.updated.clone_from(&old.front.updated);
    same.weight = old.front.weight;
    if same != old.front {
        return Err(Stop::Full);
    }
    // A date that does not parse is reported by the full build, with its position.
    let date_of = |v: &Option<toml::Value>| match v {
        Some(v) => frontmatter::date_of(v).map(Some).ok_or(Stop::Full),
        None => Ok(None),
    };
    let date = date_of(&front.date)?;
    let updated = date_of(&front.updated)?;
    if date.is_some_and(|d| d > today()) && !opts.future {
        return Err(Stop::Full);
    }
    page.title = front.title.clone().unwrap_or_default();
    page.description = front.description.clone().unwrap_or_default();
    page.date = date;
    page.updated = updated;
    page.front = front;
    Ok(())
}

/// Records in `edit` what listings will see of page `i`'s new front matter.
fn note_change(edit: &mut Edit, i: usize, page: &Page, old: &Page) {
    if page.title != old.title {
        edit.titled.push(i);
    }
    if page.date != old.date || page.updated != old.updated {
        edit.redated = true;
    }
    if page.title != old.title || page.date != old.date || page.front.weight != old.front.weight {
        edit.moved.push(i);
    }
}

/// Renders the new pages' bodies; [`Stop::Full`] when one now looks up other pages or
/// publishes other images.
pub(super) fn rebody(
    st: &State,
    opts: &Options,
    pages: &[(usize, Page)],
) -> Result<(Vec<Arc<Body>>, Vec<Diagnostic>), Stop> {
    let kept = &st.kept;
    let config = &st.built.config;
    let bodies = Bodies {
        links: &kept.links,
        tera: &kept.tera,
        config,
        root: &opts.root,
        processor: kept.processor.as_ref(),
        md_opts: md_options(config, opts.lang),
        lang: opts.lang,
        md_fp: None,
        cache: None,
    };
    let rendered: Vec<_> = pages
        .par_iter()
        .map(|(_, p)| bodies.render_page(p))
        .collect();
    let (mut new_bodies, mut warnings, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for ((i, _), r) in pages.iter().zip(rendered) {
        match r {
            Ok(r) if r.looked_up || r.images != kept.page_images[*i] => return Err(Stop::Full),
            Ok(r) => {
                warnings.extend(r.warnings);
                new_bodies.push(r.body);
            }
            Err((e, _)) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(Stop::Failed(Failed(errors)));
    }
    Ok((new_bodies, warnings))
}

/// Puts the new pages and bodies in, keeping the old ones: they go back if an anchor check
/// fails. The edited files' warnings replace their old ones.
pub(super) fn put_in(
    st: &mut State,
    lang: i18n::Lang,
    pages: Vec<(usize, Page)>,
    bodies: Vec<Arc<Body>>,
    warnings: Vec<Diagnostic>,
) -> Result<Vec<Old>, Stop> {
    let mut olds = Vec::new();
    for ((i, page), body) in pages.into_iter().zip(bodies) {
        let old_page = std::mem::replace(&mut st.built.content.pages[i], page);
        let old_body = std::mem::replace(&mut st.built.page_bodies[i], body);
        olds.push((i, old_page, old_body));
    }
    let mut anchor_errors = Vec::new();
    check_anchors(
        &st.built.content,
        &st.built.page_bodies,
        &st.kept.section_bodies,
        &st.kept.links,
        lang,
        &mut anchor_errors,
    );
    if !anchor_errors.is_empty() {
        for (i, p, b) in olds {
            st.built.content.pages[i] = p;
            st.built.page_bodies[i] = b;
        }
        return Err(Stop::Failed(Failed(anchor_errors)));
    }
    let files: HashSet<&Path> = olds
        .iter()
        .map(|(i, _, _)| st.built.content.pages[*i].file.as_path())
        .collect();
    st.built
        .warnings
        .retain(|w| !files.contains(w.file.as_path()));
    st.built.warnings.extend(warnings);
    Ok(olds)
}

/// The languages whose search index shows something the edit changed (title, date, text).
pub(super) fn search_langs(st: &State, olds: &[Old]) -> Vec<String> {
    let langs: BTreeSet<String> = olds
        .iter()
        .filter(|(i, p, b)| {
            let now = &st.built.content.pages[*i];
            now.title != p.title || now.date != p.date || st.built.page_bodies[*i].text != b.text
        })
        .map(|(i, _, _)| st.built.content.pages[*i].lang.clone())
        .collect();
    langs.into_iter().collect()
}
