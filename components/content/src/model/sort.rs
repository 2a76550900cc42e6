//! The order of pages in a listing (the section's `sort_by`, then title and path), and the
//! newest pages of a language.

use crate::load::content::{Content, Page};
use crate::load::frontmatter::SortBy;
use rayon::prelude::*;

/// Fills each section's listing (a transparent section's pages count for its parent too) in
/// the section's order, and orders each section's subsections by weight, then title.
pub fn list_sections(content: &mut Content) {
    // Section listings.
    for (i, p) in content.pages.iter().enumerate() {
        let mut s = p.section;
        // Transparent sections pass their pages up too.
        content.sections[s].pages.push(i);
        while content.sections[s].front.transparent {
            match content.sections[s].parent {
                Some(parent) => {
                    content.sections[parent].pages.push(i);
                    s = parent;
                }
                None => break,
            }
        }
    }
    let pages = &content.pages;
    content
        .sections
        .par_iter_mut()
        .for_each(|s| sort_pages(&mut s.pages, pages, s.front.sort_by));
    let snapshot: Vec<(Option<i64>, String)> = content
        .sections
        .iter()
        .map(|s| (s.front.weight, s.title.clone()))
        .collect();
    for s in content.sections.iter_mut() {
        s.subsections.sort_by(|&a, &b| {
            let (wa, ta) = &snapshot[a];
            let (wb, tb) = &snapshot[b];
            wa.unwrap_or(i64::MAX)
                .cmp(&wb.unwrap_or(i64::MAX))
                .then_with(|| vi::compare(ta, tb))
        });
    }
}

/// Orders a listing as the section says; ties broken by title, then path, so output is stable.
pub fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
    list.sort_by(|&a, &b| compare_pages(&pages[a], &pages[b], by));
}

/// The first `n` pages of language `lang`, newest first (home page and home feed).
pub fn newest(pages: &[Page], lang: &str, n: usize) -> Vec<usize> {
    let cmp = |a: &usize, b: &usize| compare_pages(&pages[*a], &pages[*b], SortBy::Date);
    let mut v: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].lang == lang)
        .collect();
    if v.len() > n {
        v.select_nth_unstable_by(n, cmp);
        v.truncate(n);
    }
    v.sort_by(cmp);
    v
}

/// The order of two pages in a listing sorted `by`.
pub fn compare_pages(a: &Page, b: &Page, by: SortBy) -> std::cmp::Ordering {
    let by_title = || vi::compare(&a.title, &b.title).then_with(|| a.path.cmp(&b.path));
    match by {
        SortBy::Date => b.date.cmp(&a.date).then_with(by_title),
        SortBy::Weight => a
            .front
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&b.front.weight.unwrap_or(i64::MAX))
            .then_with(by_title),
        SortBy::Title => by_title(),
        SortBy::None => a.relative_path.cmp(&b.relative_path),
    }
}
