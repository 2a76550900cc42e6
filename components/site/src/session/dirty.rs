//! What to redo after an edit: which listings sort again, which listing values change, which
//! outputs show them (pages, section and term pagers, the home page, whoever looked them up)
//! and which feeds list them.

use super::reread::Edit;
use crate::config::Config;
use crate::load::content::Content;
use crate::load::frontmatter::SortBy;
use crate::model::sort::{newest, sort_pages};
use crate::model::taxonomy::Taxonomy;
use crate::render::contexts::pagers;
use crate::render::jobs::Job;
use crate::render::values::Model;
use crate::write::feeds::{FeedSource, FeedSpec};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What an edit makes stale, gathered step by step.
#[derive(Debug, Default)]
pub(super) struct Redo {
    /// Outputs to render again.
    pub jobs: HashSet<Job>,
    /// Sections whose order of pages changed.
    pub resorted: Vec<usize>,
    /// Pages whose listing value changed.
    pub changed: Vec<usize>,
    /// The newest pages of each language where a page moved.
    pub newest_of: HashMap<String, Vec<usize>>,
}

/// Pages whose previous or next page changed between two orders of a listing.
fn new_neighbours(old: &[usize], new: &[usize]) -> Vec<usize> {
    let around = |list: &[usize]| -> HashMap<usize, (Option<usize>, Option<usize>)> {
        (0..list.len())
            .map(|k| {
                let prev = k.checked_sub(1).map(|p| list[p]);
                (list[k], (prev, list.get(k + 1).copied()))
            })
            .collect()
    };
    let before = around(old);
    around(new)
        .into_iter()
        .filter(|(j, n)| before.get(j) != Some(n))
        .map(|(j, _)| j)
        .collect()
}

/// The paginate_by of taxonomy `tax` (0: one pager).
fn per_page(config: &Config, tax: &Taxonomy) -> usize {
    config
        .taxonomy(&tax.name)
        .map(|c| c.paginate_by)
        .unwrap_or(0)
}

/// Sorts again the listings that hold a moved page, as the full build does; their pagers and
/// the pages with new neighbours are to render again.
pub(super) fn resort(
    content: &mut Content,
    taxonomies: &mut [Taxonomy],
    config: &Config,
    moved: &[usize],
    redo: &mut Redo,
) {
    if moved.is_empty() {
        return;
    }
    let (pages, sections) = (&content.pages, &mut content.sections);
    for (si, s) in sections.iter_mut().enumerate() {
        if !moved.iter().any(|i| s.pages.contains(i)) {
            continue;
        }
        let before = s.pages.clone();
        sort_pages(&mut s.pages, pages, s.front.sort_by);
        if s.pages != before {
            redo.resorted.push(si);
            let neighbours = new_neighbours(&before, &s.pages);
            redo.jobs.extend(neighbours.into_iter().map(Job::Page));
            if s.front.render {
                let n = pagers(s.pages.len(), s.front.paginate_by);
                redo.jobs.extend((0..n).map(|k| Job::Section(si, k)));
            }
        }
    }
    for (t, tax) in taxonomies.iter_mut().enumerate() {
        let per = per_page(config, tax);
        for (k, term) in tax.terms.iter_mut().enumerate() {
            if !moved.iter().any(|i| term.pages.contains(i)) {
                continue;
            }
            let before = term.pages.clone();
            sort_pages(&mut term.pages, pages, SortBy::Date);
            if term.pages != before {
                let n = pagers(term.pages.len(), per);
                redo.jobs.extend((0..n).map(|x| Job::Term(t, k, x)));
            }
        }
    }
}

/// Makes the listing values of the edited pages (and of the other versions of retitled ones)
/// again; those that differ are `redo.changed`. A retitled page's neighbours link to it.
pub(super) fn relist(model: &mut Model<'_>, edits: &[usize], edit: &Edit, redo: &mut Redo) {
    let content = model.content;
    let mut relisted: Vec<usize> = edits.to_vec();
    for &i in &edit.titled {
        // Other versions name this one in their translation links.
        let key = content.pages[i].key.as_str();
        if let Some(v) = model.derived.translations.get(key) {
            relisted.extend(v.iter().copied().filter(|&j| j != i));
        }
        let list = &content.sections[content.pages[i].section].pages;
        if let Some(pos) = list.iter().position(|&j| j == i) {
            for k in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
                if let Some(&j) = list.get(k) {
                    redo.jobs.insert(Job::Page(j));
                }
            }
        }
    }
    for &j in &relisted {
        let v = model.page_listing(j);
        if v != model.derived.listings[j] {
            Arc::make_mut(&mut model.derived.listings)[j] = v;
            redo.changed.push(j);
        }
    }
    redo.changed.sort_unstable();
    redo.changed.dedup();
}

/// The newest pages of each language (the home page shows them, the home feed lists them):
/// made again where a page moved; the home pagers render again when they show a change.
pub(super) fn relatest(model: &mut Model<'_>, moved: &[usize], redo: &mut Redo) {
    let (config, content) = (model.config, model.content);
    for &i in moved {
        let l = &content.pages[i].lang;
        if !redo.newest_of.contains_key(l) {
            let n = config.feed_limit.max(10);
            redo.newest_of
                .insert(l.clone(), newest(&content.pages, l, n));
        }
    }
    for l in &config.all_languages() {
        let latest: Vec<usize> = match redo.newest_of.get(l) {
            Some(list) => list.iter().copied().take(10).collect(),
            None => model
                .derived
                .latest_pages
                .get(l)
                .cloned()
                .unwrap_or_default(),
        };
        let before = model.derived.latest_pages.get(l);
        let shows_change = latest.iter().any(|j| redo.changed.contains(j));
        if before == Some(&latest) && !shows_change {
            continue;
        }
        let v = latest
            .iter()
            .map(|&j| model.derived.listings[j].clone())
            .collect();
        model.derived.latest.insert(l.clone(), Value::Array(v));
        model.derived.latest_pages.insert(l.clone(), latest);
        for (si, s) in content.sections.iter().enumerate() {
            if s.dir.is_empty() && s.front.render && &s.lang == l {
                let n = pagers(s.pages.len(), s.front.paginate_by);
                redo.jobs.extend((0..n).map(|k| Job::Section(si, k)));
            }
        }
    }
}

/// The outputs that show a changed listing value: the page itself, the pager of each section
/// and term listing it, and whatever looked it (or a resorted section) up.
pub(super) fn shown_by(model: &Model<'_>, users: &HashMap<String, HashSet<Job>>, redo: &mut Redo) {
    let (config, content) = (model.config, model.content);
    for &j in &redo.changed {
        redo.jobs.insert(Job::Page(j));
        let mut keys = vec![format!("page:{}", content.pages[j].relative_path)];
        for (si, s) in content.sections.iter().enumerate() {
            let Some(pos) = s.pages.iter().position(|&k| k == j) else {
                continue;
            };
            keys.push(format!("section:{}", s.relative_path));
            if s.front.render {
                let pager = pos.checked_div(s.front.paginate_by).unwrap_or(0);
                redo.jobs.insert(Job::Section(si, pager));
            }
        }
        for (t, tax) in model.taxonomies.iter().enumerate() {
            let per = per_page(config, tax);
            for (k, term) in tax.terms.iter().enumerate() {
                if let Some(pos) = term.pages.iter().position(|&x| x == j) {
                    let pager = pos.checked_div(per).unwrap_or(0);
                    redo.jobs.insert(Job::Term(t, k, pager));
                }
            }
        }
        for key in keys {
            if let Some(jobs) = users.get(&key) {
                redo.jobs.extend(jobs.iter().copied());
            }
        }
    }
    for &si in &redo.resorted {
        let key = format!("section:{}", content.sections[si].relative_path);
        if let Some(jobs) = users.get(&key) {
            redo.jobs.extend(jobs.iter().copied());
        }
    }
}

/// The feeds whose entries, or the entries' listing values, changed (their new entries put
/// in `feeds`).
pub(super) fn refeed(
    feeds: &mut [FeedSpec],
    model: &Model<'_>,
    moved: &[usize],
    redo: &Redo,
) -> Vec<usize> {
    let (config, content) = (model.config, model.content);
    let langs = config.all_languages();
    let head =
        |list: &[usize]| -> Vec<usize> { list.iter().copied().take(config.feed_limit).collect() };
    let mut stale = Vec::new();
    for (f, spec) in feeds.iter_mut().enumerate() {
        let now: Vec<usize> = match spec.source {
            FeedSource::Home(l) => match langs.get(l).and_then(|l| redo.newest_of.get(l)) {
                Some(list) => head(list),
                None => spec.pages.clone(),
            },
            FeedSource::Section(si) if redo.resorted.contains(&si) => {
                head(&content.sections[si].pages)
            }
            FeedSource::Term(t, k) if !moved.is_empty() => {
                head(&model.taxonomies[t].terms[k].pages)
            }
            _ => spec.pages.clone(),
        };
        if now != spec.pages || now.iter().any(|j| redo.changed.contains(j)) {
            spec.pages = now;
            stale.push(f);
        }
    }
    stale
}
