//! Taxonomies (tags, chuyên đề): terms grouped by slug, in Vietnamese alphabetical order.

use super::sort::sort_pages;
use crate::config::Config;
use crate::load::content::Content;
use crate::load::frontmatter::SortBy;
use rayon::prelude::*;
use std::collections::HashMap;

/// One term and the pages that carry it (newest first).
#[derive(Debug, Clone)]
pub struct Term {
    /// The first spelling seen.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Page indices.
    pub pages: Vec<usize>,
}

/// One taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Front matter key, e.g. `chuyen_de`.
    pub name: String,
    /// URL segment, e.g. `chuyen-de`.
    pub slug: String,
    /// Language code.
    pub lang: String,
    /// URL path of the list page, e.g. `/en/tags/`.
    pub path: String,
    /// Terms, sorted.
    pub terms: Vec<Term>,
    /// The slug of every spelling the pages use ("Hoà bình" and "Hòa bình" alike).
    pub slugs: HashMap<String, String>,
}

impl Taxonomy {
    /// URL path of a term page.
    pub fn term_path(&self, term: &Term) -> String {
        format!("{}{}/", self.path, term.slug)
    }
}

/// The URL segment of a term as written: spellings that differ only in case, Unicode form or
/// tone placement share it.
pub fn term_slug(name: &str) -> String {
    vi::slugify(&vi::canonical(name))
}

/// Groups pages by term. Terms whose slugs agree are one term (so "Hoà bình" and "Hòa bình",
/// or "biển đảo" and "Biển đảo", share a page); the first spelling seen names it.
pub fn build(config: &Config, content: &Content) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for lang in config.all_languages() {
        for tc in &config.taxonomies {
            if !tc.languages.is_empty() && !tc.languages.contains(&lang) {
                continue;
            }
            let mut by_slug: HashMap<String, usize> = HashMap::new();
            // A few dozen spellings carried by thousands of pages: each slugged once.
            let mut slugs: HashMap<&str, String> = HashMap::new();
            let mut terms: Vec<Term> = Vec::new();
            for (i, p) in content.pages.iter().enumerate() {
                if p.lang != lang {
                    continue;
                }
                let Some(names) = p.front.taxonomies.get(&tc.name) else {
                    continue;
                };
                for name in names {
                    let slug = slugs
                        .entry(name.as_str())
                        .or_insert_with(|| term_slug(name))
                        .clone();
                    if slug.is_empty() {
                        continue;
                    }
                    let t = *by_slug.entry(slug.clone()).or_insert_with(|| {
                        terms.push(Term {
                            name: name.clone(),
                            slug,
                            pages: Vec::new(),
                        });
                        terms.len() - 1
                    });
                    if terms[t].pages.last() != Some(&i) {
                        terms[t].pages.push(i);
                    }
                }
            }
            terms
                .par_iter_mut()
                .for_each(|t| sort_pages(&mut t.pages, &content.pages, SortBy::Date));
            vi::sort_vi(&mut terms, |t| t.name.as_str());
            let path = format!("{}/{}/", config.lang_prefix(&lang), tc.slug);
            out.push(Taxonomy {
                name: tc.name.clone(),
                slug: tc.slug.clone(),
                lang: lang.clone(),
                path,
                terms,
                slugs: slugs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            });
        }
    }
    out
}
