//! Template contexts per rendering thread, the pool of page listings lent to pagers, and the
//! pager and output-path rules.

use super::values::{object, Model, SHARED_KEYS};
use crate::config::Config;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use tera::Context;

/// Template contexts of one rendering thread, one per language. The values every output of a
/// language shares go in once; an output's own values are moved in for its render and taken
/// out after it. Tera copies nothing a template reads from its context, so `home.subsections`
/// or `config.extra` in a menu cost nothing per page, unlike a copy in every context.
pub struct Contexts<'l> {
    by_lang: HashMap<String, Context>,
    /// Listings lent to term pagers, when the build has such a pool.
    lend: Option<&'l Listings<'l>>,
}

impl<'l> Contexts<'l> {
    /// Contexts that borrow term pagers' listings from `lend`, or copy them.
    pub fn new(lend: Option<&'l Listings<'l>>) -> Self {
        Contexts {
            by_lang: HashMap::new(),
            lend,
        }
    }

    /// The listings of `pages` for a pager: lent (given back by [`Contexts::with`]) or copied.
    pub fn listings(&self, model: &Model<'_>, pages: &[usize]) -> Value {
        match self.lend {
            Some(l) => l.take_all(pages),
            None => model.listings(pages),
        }
    }

    /// Page `i`'s own value, on its lent listing (given back by [`Contexts::with`]).
    pub fn page_value(&self, model: &Model<'_>, i: usize) -> Value {
        let listing = match self.lend {
            Some(l) => l.take(i),
            None => model.listing(i),
        };
        model.page_value(i, listing)
    }

    /// Runs `f` with the context of `lang` holding `own` besides the shared values; then gives
    /// back the listings `lent` says the context holds.
    pub fn with<R>(
        &mut self,
        model: &Model<'_>,
        lang: &str,
        own: Map<String, Value>,
        lent: Lent<'_>,
        f: impl FnOnce(&Context) -> R,
    ) -> R {
        let ctx = self
            .by_lang
            .entry(lang.to_owned())
            .or_insert_with(|| model.shared_context(lang));
        debug_assert!(own.keys().all(|k| !SHARED_KEYS.contains(&k.as_str())));
        let keys: Vec<String> = own.keys().cloned().collect();
        ctx.extend(Context::from_value(Value::Object(own)).unwrap_or_default());
        let r = f(ctx);
        for k in &keys {
            let v = ctx.remove(k);
            let (Some(l), Some(Value::Object(mut o))) = (self.lend, v) else {
                continue;
            };
            match (lent, k.as_str()) {
                (Lent::Pager(pages), "paginator") => {
                    if let Some(list) = o.remove("pages") {
                        l.give_all(pages, list);
                    }
                }
                (Lent::Page(i), "page") => {
                    for key in PAGE_ONLY {
                        o.remove(key);
                    }
                    l.give(i, Value::Object(o));
                }
                _ => {}
            }
        }
        r
    }
}

/// Which lent listings an output's context holds.
#[derive(Clone, Copy)]
pub enum Lent<'p> {
    /// None.
    Nothing,
    /// `page`: page `i`'s listing with what only its own page shows.
    Page(usize),
    /// `paginator.pages`: the listings of these pages.
    Pager(&'p [usize]),
}

/// The keys a page's own value adds to its listing (see [`Model::page_value`]).
const PAGE_ONLY: [&str; 6] = ["content", "toc", "ancestors", "lower", "higher", "assets"];

/// Listings lent to outputs in turn. A page shows on its own page, in a pager of its section and
/// in a pager of each of its terms; with all of these rendered in date order, its listing is
/// copied once and lent to each while it is still in the cache, instead of copied for each
/// (60,000 copies for 10,000 pages with 4 tags). Tera never changes a context, so what comes
/// back is the listing as it was lent.
pub struct Listings<'a> {
    model: &'a Model<'a>,
    slots: Vec<Mutex<Slot>>,
}

/// A listing between two loans, and how many loans are left: after the last one it is freed
/// at once, so the pool holds only the listings of the pagers in progress.
#[derive(Default)]
struct Slot {
    value: Option<Value>,
    loans: u32,
}

impl<'a> Listings<'a> {
    /// An empty pool over the model's listings; `loans` says how many pagers show each page (a
    /// wrong count costs time or memory, never correctness).
    pub fn new(model: &'a Model<'a>, loans: &[u32]) -> Self {
        let slots = (0..model.content.pages.len())
            .map(|i| {
                Mutex::new(Slot {
                    value: None,
                    loans: loans.get(i).copied().unwrap_or(0),
                })
            })
            .collect();
        Listings { model, slots }
    }

    fn slot(&self, i: usize) -> std::sync::MutexGuard<'_, Slot> {
        self.slots[i].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The listing of page `i`: from the pool, or from the model.
    pub fn take(&self, i: usize) -> Value {
        let pooled = self.slot(i).value.take();
        pooled.unwrap_or_else(|| self.model.listing(i))
    }

    /// The listings of `pages`, as an array.
    pub fn take_all(&self, pages: &[usize]) -> Value {
        Value::Array(pages.iter().map(|&i| self.take(i)).collect())
    }

    /// Gives back the listing of page `i`, kept for its next loan or freed after its last.
    pub fn give(&self, i: usize, v: Value) {
        debug_assert_eq!(v, self.model.listing(i), "a lent listing came back changed");
        let mut slot = self.slot(i);
        slot.loans = slot.loans.saturating_sub(1);
        if slot.loans > 0 {
            slot.value = Some(v);
        } else {
            // Freed outside the lock.
            drop(slot);
            drop(v);
        }
    }

    /// Gives back the listings of `pages`, an array made by [`Listings::take_all`].
    pub fn give_all(&self, pages: &[usize], list: Value) {
        let Value::Array(list) = list else { return };
        if list.len() == pages.len() {
            for (&i, v) in pages.iter().zip(list) {
                self.give(i, v);
            }
        }
    }
}

/// Paginator value for pager `index` (0-based) of `total` pagers.
pub fn paginator(
    config: &Config,
    base: &str,
    pages: Value,
    index: usize,
    total: usize,
    per: usize,
    total_pages: usize,
) -> Value {
    let url = |k: usize| -> String {
        if k == 0 {
            config.absolute(base)
        } else {
            config.absolute(&format!("{base}page/{}/", k + 1))
        }
    };
    object!({
        "pages": pages,
        "current_index": index + 1,
        "number_pagers": total,
        "paginate_by": per,
        "first": url(0),
        "last": url(total.saturating_sub(1)),
        "previous": (index > 0).then(|| url(index - 1)),
        "next": (index + 1 < total).then(|| url(index + 1)),
        "total_pages": total_pages,
    })
}

/// Pagers of a listing of `len` pages, `per` to a pager (0: one pager).
pub fn pagers(len: usize, per: usize) -> usize {
    if per > 0 {
        len.div_ceil(per).max(1)
    } else {
        1
    }
}

/// URL path of pager `index` (0-based).
pub fn pager_path(base: &str, index: usize) -> String {
    if index == 0 {
        base.to_string()
    } else {
        format!("{base}page/{}/", index + 1)
    }
}

/// The output file for a URL path: `/a/b/` -> `a/b/index.html`.
pub fn file_for(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else if p.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        p.to_string()
    } else {
        format!("{p}/index.html")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_for_paths() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/bien-dao/"), "bien-dao/index.html");
        assert_eq!(file_for("/404.html"), "404.html");
        assert_eq!(pager_path("/a/", 2), "/a/page/3/");
    }
}
