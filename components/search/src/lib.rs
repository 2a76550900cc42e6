//! Site search that understands Vietnamese, with no server.
//!
//! [`build`] turns the plain text of a language's pages into a static, sharded index under
//! `search/<lang>/`; [`SCRIPT`] is the browser script that queries it. The file formats and
//! the HTML contract with the theme are described in this crate's README.md.

mod index;
pub mod text;

pub use index::{build, build_into};

use std::borrow::Cow;

/// The browser script, to be written by the site to `/search.js`.
pub const SCRIPT: &str = include_str!("../assets/search.js");

/// One page to index. The fields borrow or own their text (`"...".into()`,
/// `String::into()`, `Cow::Borrowed(&page.text)`): a site can index its pages without copying
/// their text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc<'a> {
    /// Root-relative URL of the page, e.g. `/bien-dao/hoang-sa/`.
    pub url: Cow<'a, str>,
    /// Page title.
    pub title: Cow<'a, str>,
    /// Date already formatted for display, e.g. "ngày 16 tháng 01 năm 2024".
    pub date: Option<Cow<'a, str>>,
    /// Title of the page's section.
    pub section: Cow<'a, str>,
    /// Plain text of the page body.
    pub body: Cow<'a, str>,
}

/// Index layout settings; build with `Options { shard_bytes: .., ..Default::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Target size of one term shard (uncompressed bytes); a single very common word may exceed it.
    /// Postings are dense (a character a number), so 20 KB hold as many words as 50 KB of the
    /// decimal numbers of version 1 did, and compress to less.
    pub shard_bytes: usize,
    /// Target size of one document shard (titles, dates and text for snippets).
    pub doc_shard_bytes: usize,
    /// Page text kept for snippets, in bytes of UTF-8; a match past it gets a snippet
    /// from the start of the page.
    pub snippet_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            shard_bytes: 20_000,
            doc_shard_bytes: 32_000,
            snippet_bytes: 32_000,
        }
    }
}
