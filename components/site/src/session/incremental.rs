//! The fast path of a preview rebuild: an edit of existing pages' body, title, description,
//! date, `updated` or `weight` re-reads only those files and re-renders only the outputs that
//! show what changed; anything else answers `None` (a full rebuild).

use super::state::{Delta, File, State};
use crate::diag::{Diagnostic, Failed};
use crate::load::content::Page;
use crate::load::frontmatter::{self, PageFront, SortBy};
use crate::load::read::{read_front, tidy_terms};
use crate::model::sort::{newest, sort_pages};
use crate::options::{today, Options};
use crate::render::anchors::check_anchors;
use crate::render::bodies::{md_options, Bodies};
use crate::render::contexts::{pagers, Contexts};
use crate::render::functions::{self, Lookup};
use crate::render::jobs::{Job, Renderer};
use crate::render::values::Model;
use crate::write::feeds::{write_feeds, FeedSource};
use crate::write::site_files::sitemap;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

pub(super) type Incremental = Result<(Delta, usize, Vec<String>), Failed>;

/// Rebuilds only what `paths` change, or `None` when a full rebuild is needed.
pub(super) fn incremental(
    st: &mut State,
    opts: &Options,
    paths: &[PathBuf],
) -> Option<Incremental> {
    let root = opts.root.as_path();
    let lang = opts.lang;
    // Shortcodes that look up other pages make bodies depend on each other.
    if st.kept.looked_up || st.poisoned || paths.is_empty() {
        return None;
    }
    let mut edits: Vec<usize> = Vec::new();
    for rel in paths {
        match st.files.get(rel) {
            Some(&i) if root.join(rel).is_file() => edits.push(i),
            // Gone, and never used by the last build: an editor's (or `sed -i`'s) temporary
            // file, written and renamed over a page between two builds. It changes nothing.
            None if !st.used.contains(rel) && !root.join(rel).exists() => {}
            _ => return None,
        }
    }
    if edits.is_empty() {
        return Some(Ok((Delta::default(), 0, Vec::new())));
    }
    let today = today();

    // Read the files again. Besides the body, only what listings show may have changed: title,
    // description, date, updated, weight. Other front matter takes a full rebuild.
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut new_pages: Vec<(usize, Page)> = Vec::new();
    let mut titled: Vec<usize> = Vec::new();
    let mut moved: Vec<usize> = Vec::new();
    let mut redated = false;
    for &i in &edits {
        let old = &st.built.content.pages[i];
        let (warning, rf) = read_front::<PageFront>(root, &root.join(&old.file), &old.file, lang);
        warnings.extend(warning);
        let rf = match rf {
            Ok(rf) => rf,
            Err(e) => return Some(Err(Failed(vec![e]))),
        };
        let mut page = old.clone();
        if rf.raw[..rf.body_offset] != old.raw[..old.body_offset] {
            let mut front = rf.front;
            tidy_terms(&mut front);
            let mut same = front.clone();
            same.title.clone_from(&old.front.title);
            same.description.clone_from(&old.front.description);
            same.date.clone_from(&old.front.date);
            same.updated.clone_from(&old.front.updated);
            same.weight = old.front.weight;
            if same != old.front {
                return None;
            }
            // A date that does not parse is reported by the full build, with its position.
            let date_of = |v: &Option<toml::Value>| match v {
                Some(v) => frontmatter::date_of(v).map(Some),
                None => Some(None),
            };
            let date = date_of(&front.date)?;
            let updated = date_of(&front.updated)?;
            if date.is_some_and(|d| d > today) && !opts.future {
                return None;
            }
            page.title = front.title.clone().unwrap_or_default();
            page.description = front.description.clone().unwrap_or_default();
            page.date = date;
            page.updated = updated;
            page.front = front;
            if page.title != old.title {
                titled.push(i);
            }
            if page.date != old.date || page.updated != old.updated {
                redated = true;
            }
            if page.title != old.title
                || page.date != old.date
                || page.front.weight != old.front.weight
            {
                moved.push(i);
            }
        }
        page.raw = rf.raw;
        page.body_offset = rf.body_offset;
        new_pages.push((i, page));
    }

    // Render the bodies again.
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
    let rendered: Vec<_> = new_pages
        .par_iter()
        .map(|(_, p)| bodies.render_page(p))
        .collect();
    let mut new_bodies = Vec::new();
    for ((i, _), r) in new_pages.iter().zip(rendered) {
        match r {
            Ok(r) if r.looked_up || r.images != kept.page_images[*i] => return None,
            Ok(r) => {
                warnings.extend(r.warnings);
                new_bodies.push(r.body);
            }
            Err((e, _)) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Some(Err(Failed(errors)));
    }

    // Put them in, keeping the old ones in case an anchor check fails.
    let mut olds = Vec::new();
    for ((i, page), body) in new_pages.into_iter().zip(new_bodies) {
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
        return Some(Err(Failed(anchor_errors)));
    }
    let files: HashSet<&Path> = olds
        .iter()
        .map(|(i, _, _)| st.built.content.pages[*i].file.as_path())
        .collect();
    st.built
        .warnings
        .retain(|w| !files.contains(w.file.as_path()));
    st.built.warnings.extend(warnings);

    // Listings whose order may have changed: sort them again, as the full build does.
    let mut dirty: HashSet<Job> = edits.iter().map(|&i| Job::Page(i)).collect();
    let mut resorted: Vec<usize> = Vec::new();
    if !moved.is_empty() {
        let content = &mut st.built.content;
        let (pages, sections) = (&content.pages, &mut content.sections);
        for (si, s) in sections.iter_mut().enumerate() {
            if !moved.iter().any(|i| s.pages.contains(i)) {
                continue;
            }
            let before = s.pages.clone();
            sort_pages(&mut s.pages, pages, s.front.sort_by);
            if s.pages != before {
                resorted.push(si);
                dirty.extend(new_neighbours(&before, &s.pages).into_iter().map(Job::Page));
                if s.front.render {
                    let n = pagers(s.pages.len(), s.front.paginate_by);
                    dirty.extend((0..n).map(|k| Job::Section(si, k)));
                }
            }
        }
        for (t, tax) in st.kept.taxonomies.iter_mut().enumerate() {
            let per = config
                .taxonomy(&tax.name)
                .map(|c| c.paginate_by)
                .unwrap_or(0);
            for (k, term) in tax.terms.iter_mut().enumerate() {
                if !moved.iter().any(|i| term.pages.contains(i)) {
                    continue;
                }
                let before = term.pages.clone();
                sort_pages(&mut term.pages, pages, SortBy::Date);
                if term.pages != before {
                    let n = pagers(term.pages.len(), per);
                    dirty.extend((0..n).map(|x| Job::Term(t, k, x)));
                }
            }
        }
    }

    // New listings, and who shows them. The template functions share the listings: take
    // them back first, so that changing them copies nothing.
    functions::register(&mut st.kept.tera, Arc::new(Lookup::default()));
    Arc::make_mut(&mut st.kept.lookup).listings = Arc::default();
    let content = &st.built.content;
    let derived = std::mem::take(&mut st.kept.derived);
    let mut model = Model::with_derived(
        config,
        content,
        &st.built.page_bodies,
        &st.kept.section_bodies,
        &st.kept.taxonomies,
        derived,
    );
    let mut relisted: Vec<usize> = edits.clone();
    for &i in &titled {
        // Other versions name this one in their translation links; neighbours link to it.
        let key = content.pages[i].key.as_str();
        if let Some(v) = model.derived.translations.get(key) {
            relisted.extend(v.iter().copied().filter(|&j| j != i));
        }
        let list = &content.sections[content.pages[i].section].pages;
        if let Some(pos) = list.iter().position(|&j| j == i) {
            for k in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
                if let Some(&j) = list.get(k) {
                    dirty.insert(Job::Page(j));
                }
            }
        }
    }
    let mut changed: Vec<usize> = Vec::new();
    for &j in &relisted {
        let v = model.page_listing(j);
        if v != model.derived.listings[j] {
            Arc::make_mut(&mut model.derived.listings)[j] = v;
            changed.push(j);
        }
    }
    changed.sort_unstable();
    changed.dedup();

    // The newest pages of each language (home page) and the home feeds.
    let langs = config.all_languages();
    let mut newest_of: HashMap<String, Vec<usize>> = HashMap::new();
    for &i in &moved {
        let l = &content.pages[i].lang;
        if !newest_of.contains_key(l) {
            let n = config.feed_limit.max(10);
            newest_of.insert(l.clone(), newest(&content.pages, l, n));
        }
    }
    for l in &langs {
        let latest = match newest_of.get(l) {
            Some(list) => list.iter().copied().take(10).collect(),
            None => model
                .derived
                .latest_pages
                .get(l)
                .cloned()
                .unwrap_or_default(),
        };
        let before = model.derived.latest_pages.get(l);
        let shows_change = latest.iter().any(|j| changed.contains(j));
        if before != Some(&latest) || shows_change {
            let v = latest
                .iter()
                .map(|&j| model.derived.listings[j].clone())
                .collect();
            model.derived.latest.insert(l.clone(), Value::Array(v));
            model.derived.latest_pages.insert(l.clone(), latest);
            for (si, s) in content.sections.iter().enumerate() {
                if s.dir.is_empty() && s.front.render && &s.lang == l {
                    let n = pagers(s.pages.len(), s.front.paginate_by);
                    dirty.extend((0..n).map(|k| Job::Section(si, k)));
                }
            }
        }
    }

    for &j in &changed {
        let p = &content.pages[j];
        dirty.insert(Job::Page(j));
        let mut users = vec![format!("page:{}", p.relative_path)];
        for (si, s) in content.sections.iter().enumerate() {
            let Some(pos) = s.pages.iter().position(|&k| k == j) else {
                continue;
            };
            users.push(format!("section:{}", s.relative_path));
            if s.front.render {
                dirty.insert(Job::Section(
                    si,
                    pos.checked_div(s.front.paginate_by).unwrap_or(0),
                ));
            }
        }
        for (t, tax) in st.kept.taxonomies.iter().enumerate() {
            let per = config
                .taxonomy(&tax.name)
                .map(|c| c.paginate_by)
                .unwrap_or(0);
            for (k, term) in tax.terms.iter().enumerate() {
                if let Some(pos) = term.pages.iter().position(|&x| x == j) {
                    dirty.insert(Job::Term(t, k, pos.checked_div(per).unwrap_or(0)));
                }
            }
        }
        for u in users {
            if let Some(jobs) = st.users.get(&u) {
                dirty.extend(jobs.iter().copied());
            }
        }
    }
    for &si in &resorted {
        let s = &content.sections[si];
        if let Some(jobs) = st.users.get(&format!("section:{}", s.relative_path)) {
            dirty.extend(jobs.iter().copied());
        }
    }

    // Give the template functions the new listings and orders.
    {
        let lookup = Arc::make_mut(&mut st.kept.lookup);
        lookup.listings = model.derived.listings.clone();
        for &si in &resorted {
            let s = &content.sections[si];
            lookup
                .section_pages
                .insert(s.relative_path.clone(), s.pages.clone());
        }
    }
    functions::register(&mut st.kept.tera, st.kept.lookup.clone());

    // Feeds: their entries may have changed, or the entries' listings.
    let mut feeds = Vec::new();
    for (f, spec) in st.kept.feeds.iter_mut().enumerate() {
        let now: Vec<usize> = match spec.source {
            FeedSource::Home(l) => match langs.get(l).and_then(|l| newest_of.get(l)) {
                Some(list) => list.iter().copied().take(config.feed_limit).collect(),
                None => spec.pages.clone(),
            },
            FeedSource::Section(si) if resorted.contains(&si) => content.sections[si]
                .pages
                .iter()
                .copied()
                .take(config.feed_limit)
                .collect(),
            FeedSource::Term(t, k) if !moved.is_empty() => st.kept.taxonomies[t].terms[k]
                .pages
                .iter()
                .copied()
                .take(config.feed_limit)
                .collect(),
            _ => spec.pages.clone(),
        };
        if now != spec.pages || now.iter().any(|j| changed.contains(j)) {
            spec.pages = now;
            feeds.push(f);
        }
    }

    // Render what shows the change.
    let out: Mutex<Vec<File>> = Mutex::new(Vec::new());
    let write = |rel: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        out.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), bytes.to_vec()));
        Ok(())
    };
    let renderer = Renderer {
        model: &model,
        tera: &st.kept.tera,
        lang: opts.lang,
        inject: opts.inject.as_deref(),
        memo: None,
    };
    let jobs: Vec<Job> = dirty.into_iter().collect();
    let results: Vec<(Job, Result<(), Diagnostic>, Vec<String>)> = jobs
        .par_iter()
        .map_init(
            || Contexts::new(None),
            |contexts, job| {
                let (r, keys) = functions::recording(|| renderer.render(job, &write, contexts));
                (*job, r, keys)
            },
        )
        .collect();
    let mut errors = Vec::new();
    let count = results.len();
    let mut relooks = Vec::new();
    for (job, r, keys) in results {
        if let Err(e) = r {
            errors.push(e);
        }
        relooks.push((job, keys));
    }
    for &f in &feeds {
        if let Err(e) = write_feeds(&write, &model, &st.kept.feeds[f]) {
            errors.push(e);
        }
    }
    if redated {
        let _ = write("sitemap.xml", sitemap(&model).as_bytes());
    }
    let feed_count = feeds.len();
    st.kept.derived = model.into_derived();
    for (job, keys) in relooks {
        st.relook(job, keys);
    }
    if !errors.is_empty() {
        // Templates failed on the new values: the full rebuild reports it the usual way.
        st.poisoned = true;
        return None;
    }

    let search = if st.built.config.search.enabled {
        let langs: BTreeSet<String> = olds
            .iter()
            .filter(|(i, p, b)| {
                let now = &st.built.content.pages[*i];
                now.title != p.title
                    || now.date != p.date
                    || st.built.page_bodies[*i].text != b.text
            })
            .map(|(i, _, _)| st.built.content.pages[*i].lang.clone())
            .collect();
        langs.into_iter().collect()
    } else {
        Vec::new()
    };
    let write = out.into_inner().unwrap_or_default();
    Some(Ok((
        Delta {
            write,
            remove: Vec::new(),
        },
        count + 2 * feed_count + edits.len(),
        search,
    )))
}
