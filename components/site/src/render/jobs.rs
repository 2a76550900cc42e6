//! The outputs a build renders with templates ([`Job`]: a page, a pager of a section or of a
//! taxonomy term, a taxonomy's list of terms, a 404 page), in which order, and how each one's
//! context is made and rendered ([`Renderer`]), one function per kind of output.

use super::contexts::{file_for, pager_path, pagers, paginator, Contexts, Lent};
use super::functions;
use super::keys::OutKeys;
use super::lookup::{taxonomy_header, term_value, terms_value};
use super::memo::Cache;
use super::tera::{page_template, render_bytes, section_template};
use super::values::Model;
use crate::diag::Diagnostic;
use crate::util::Bytes;
use i18n::Lang;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cmp::Reverse;
use std::path::Path;
use std::sync::Arc;
use tera::Tera;

/// Writes one output file.
pub(crate) type WriteFn<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Hands over one rendered output, whose bytes the session memo may keep too (no copy).
pub(crate) type OutFn<'a> = dyn Fn(&str, Bytes) -> Result<(), Diagnostic> + Sync + 'a;

/// One thing to render: kept small so the list is cheap to build and split across threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Job {
    /// Page `i`.
    Page(usize),
    /// Pager `k` of section `i`.
    Section(usize, usize),
    /// The list of terms of taxonomy `t`.
    TaxonomyList(usize),
    /// Pager `n` of term `k` of taxonomy `t`.
    Term(usize, usize, usize),
    /// The 404 page of language `l` (index in `Config::all_languages`).
    NotFound(usize),
}

/// Every output to render, in the order that keeps lent listings short-lived, and how many
/// outputs show each page (the loans of a [`super::contexts::Listings`] pool).
///
/// Outputs that show page listings come last, by the date of what they show, newest first:
/// the outputs that show a page (its own, a pager of its section, one of each of its terms)
/// run close together, while its lent listing is in the pool.
pub(crate) fn plan(model: &Model<'_>, tera: &Tera) -> (Vec<Job>, Vec<u32>) {
    let config = model.config;
    let content = model.content;
    let mut loans = vec![0u32; content.pages.len()];
    let mut dated: Vec<(Reverse<Option<chrono::NaiveDate>>, Job)> = Vec::new();
    let mut lend_to = |pages: &[usize], job: Job| {
        for &i in pages {
            loans[i] += 1;
        }
        let newest = pages.first().and_then(|&i| content.pages[i].date);
        dated.push((Reverse(newest), job));
    };
    let mut jobs = Vec::new();
    for i in 0..content.pages.len() {
        lend_to(&[i], Job::Page(i));
    }
    for (i, s) in content.sections.iter().enumerate() {
        if !s.front.render {
            continue;
        }
        let per = s.front.paginate_by;
        for k in 0..pagers(s.pages.len(), per) {
            match per {
                0 => jobs.push(Job::Section(i, k)),
                _ => lend_to(pager_slice(&s.pages, per, k).0, Job::Section(i, k)),
            }
        }
    }
    for (t, tax) in model.taxonomies.iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        let per = config
            .taxonomy(&tax.name)
            .map(|c| c.paginate_by)
            .unwrap_or(0);
        for (k, term) in tax.terms.iter().enumerate() {
            for n in 0..pagers(term.pages.len(), per) {
                match per {
                    0 => jobs.push(Job::Term(t, k, n)),
                    _ => lend_to(pager_slice(&term.pages, per, n).0, Job::Term(t, k, n)),
                }
            }
        }
    }
    if tera.get_template_names().any(|n| n == "404.html") {
        for l in 0..config.all_languages().len() {
            jobs.push(Job::NotFound(l));
        }
    }
    dated.sort_by_key(|d| d.0);
    jobs.extend(dated.into_iter().map(|(_, job)| job));
    (jobs, loans)
}

/// Renders outputs of one build.
pub(crate) struct Renderer<'a> {
    /// The values contexts are made of.
    pub model: &'a Model<'a>,
    /// The compiled templates.
    pub tera: &'a Tera,
    /// The language of messages.
    pub lang: Lang,
    /// HTML inserted before `</body>` (live reload).
    pub inject: Option<&'a str>,
    /// Keep the bytes compressed (a preview session, see [`Bytes`]).
    pub pack: bool,
    /// The session memo and the keys into it, when a session keeps one.
    pub memo: Option<(&'a Cache, &'a OutKeys)>,
}

/// One output, ready to render.
struct Prepared<'m> {
    template: String,
    /// The language of its context.
    lang: Cow<'m, str>,
    ctx: Map<String, Value>,
    /// The file named in error messages.
    for_file: &'m Path,
    /// The output file, relative to the output folder.
    rel: String,
    /// The listings of the context borrowed from the pool.
    lent: Lent<'m>,
}

impl<'a> Renderer<'a> {
    /// Renders one output and hands its bytes to `write`.
    pub(crate) fn render(
        &self,
        job: &Job,
        write: &OutFn<'_>,
        contexts: &mut Contexts<'_>,
    ) -> Result<(), Diagnostic> {
        let out = match *job {
            Job::Page(i) => self.page(i, contexts),
            Job::Section(i, k) => self.section(i, k, contexts),
            Job::TaxonomyList(t) => self.taxonomy_list(t),
            Job::Term(t, k, n) => self.term(t, k, n, contexts),
            Job::NotFound(l) => self.not_found(l),
        };
        // Same template, same inputs: the bytes of the previous build are still right.
        let key = self.memo.map(|(_, keys)| keys.of(&out.template, &out.ctx));
        if let (Some((c, _)), Some(k)) = (self.memo, &key) {
            if let Some((bytes, looked)) = c.output(k) {
                functions::replay(&looked);
                return write(&out.rel, bytes);
            }
        }
        let Prepared {
            template,
            lang,
            ctx,
            for_file,
            rel,
            lent,
        } = out;
        let (html, looked) = contexts.with(self.model, &lang, ctx, lent, |ctx| {
            functions::recording(|| render_bytes(self.tera, &template, ctx, for_file, self.lang))
        });
        functions::replay(&looked);
        let html = Bytes::new(inject(html?, self.inject), self.pack);
        write(&rel, html.clone())?;
        if let (Some((c, _)), Some(k)) = (self.memo, key) {
            c.put_output(k, (html, Arc::new(looked)));
        }
        Ok(())
    }

    /// Page `i`.
    fn page(&self, i: usize, contexts: &Contexts<'_>) -> Prepared<'a> {
        let model = self.model;
        let p = &model.content.pages[i];
        let mut ctx = model.base_map(&p.lang, &p.path);
        ctx.insert("page".into(), contexts.page_value(model, i));
        Prepared {
            template: page_template(model.content, p),
            lang: Cow::Borrowed(&p.lang),
            ctx,
            for_file: &p.file,
            rel: file_for(&p.path),
            lent: Lent::Page(i),
        }
    }

    /// Pager `k` of section `i`.
    fn section(&self, i: usize, k: usize, contexts: &Contexts<'_>) -> Prepared<'a> {
        let model = self.model;
        let s = &model.content.sections[i];
        let per = s.front.paginate_by;
        let (slice, total) = pager_slice(&s.pages, per, k);
        let path = pager_path(&s.path, k);
        let mut ctx = model.base_map(&s.lang, &path);
        let mut lent = Lent::Nothing;
        // Paginated, the pager's pages are in `paginator.pages` only (as in Zola): a second
        // copy in `section.pages` cost a tenth of the build.
        if per > 0 {
            lent = Lent::Pager(slice);
            let pages = contexts.listings(model, slice);
            let pager = paginator(model.config, &s.path, pages, k, total, per, s.pages.len());
            ctx.insert("paginator".into(), pager);
            ctx.insert(
                "section".into(),
                model.section_value(i, Value::Array(Vec::new())),
            );
        } else {
            ctx.insert(
                "section".into(),
                model.section_value(i, model.listings(slice)),
            );
        }
        if s.dir.is_empty() {
            let latest = model.derived.latest.get(&s.lang).cloned();
            ctx.insert("latest_pages".into(), latest.unwrap_or(Value::Null));
        }
        Prepared {
            template: section_template(s),
            lang: Cow::Borrowed(&s.lang),
            ctx,
            for_file: &s.file,
            rel: file_for(&path),
            lent,
        }
    }

    /// The list of terms of taxonomy `t`.
    fn taxonomy_list(&self, t: usize) -> Prepared<'a> {
        let model = self.model;
        let tax = &model.taxonomies[t];
        let mut ctx = model.base_map(&tax.lang, &tax.path);
        ctx.insert("taxonomy".into(), taxonomy_header(model.config, tax));
        ctx.insert("terms".into(), terms_value(model.config, tax));
        Prepared {
            template: "taxonomy_list.html".into(),
            lang: Cow::Borrowed(&tax.lang),
            ctx,
            for_file: Path::new("taxonomy_list.html"),
            rel: file_for(&tax.path),
            lent: Lent::Nothing,
        }
    }

    /// Pager `n` of term `k` of taxonomy `t`.
    fn term(&self, t: usize, k: usize, n: usize, contexts: &Contexts<'_>) -> Prepared<'a> {
        let model = self.model;
        let config = model.config;
        let tax = &model.taxonomies[t];
        let term = &tax.terms[k];
        let per = config
            .taxonomy(&tax.name)
            .map(|c| c.paginate_by)
            .unwrap_or(0);
        let base = tax.term_path(term);
        let (slice, total) = pager_slice(&term.pages, per, n);
        let path = pager_path(&base, n);
        let mut lent = Lent::Nothing;
        let pages = if per > 0 {
            lent = Lent::Pager(slice);
            contexts.listings(model, slice)
        } else {
            model.listings(slice)
        };
        let mut ctx = model.base_map(&tax.lang, &path);
        ctx.insert("taxonomy".into(), taxonomy_header(config, tax));
        let mut tv = term_value(config, tax, term);
        // As for sections: paginated, the pages are in `paginator.pages` only.
        tv["pages"] = if per > 0 {
            Value::Array(Vec::new())
        } else {
            model.listings(slice)
        };
        ctx.insert("term".into(), tv);
        ctx.insert(
            "paginator".into(),
            paginator(config, &base, pages, n, total, per.max(1), term.pages.len()),
        );
        Prepared {
            template: "taxonomy_single.html".into(),
            lang: Cow::Borrowed(&tax.lang),
            ctx,
            for_file: Path::new("taxonomy_single.html"),
            rel: file_for(&path),
            lent,
        }
    }

    /// The 404 page of language `l`.
    fn not_found(&self, l: usize) -> Prepared<'a> {
        let model = self.model;
        let config = model.config;
        let lang = config
            .all_languages()
            .into_iter()
            .nth(l)
            .unwrap_or_else(|| config.default_language.clone());
        let path = format!("{}/404.html", config.lang_prefix(&lang));
        let ctx = model.base_map(&lang, &path);
        Prepared {
            template: "404.html".into(),
            lang: Cow::Owned(lang),
            ctx,
            for_file: Path::new("404.html"),
            rel: file_for(&path),
            lent: Lent::Nothing,
        }
    }
}

/// Inserts the live-reload snippet before the last `</body>` (or at the end).
fn inject(mut html: Vec<u8>, snippet: Option<&str>) -> Vec<u8> {
    if let Some(s) = snippet {
        let at = memchr::memmem::rfind(&html, b"</body>").unwrap_or(html.len());
        html.splice(at..at, s.bytes());
    }
    html
}

/// The pages of pager `k` of a listing, `per` to a pager (0: one pager), and the number of pagers.
pub(crate) fn pager_slice(pages: &[usize], per: usize, k: usize) -> (&[usize], usize) {
    if per > 0 {
        let start = (k * per).min(pages.len());
        let end = ((k + 1) * per).min(pages.len());
        (&pages[start..end], pagers(pages.len(), per))
    } else {
        (pages, 1)
    }
}
