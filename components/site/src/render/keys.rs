//! The keys of the session memo ([`super::memo::Cache`]): a hash of everything a body or an
//! output depends on, so that a memo entry is only reused when it would come out the same.

use super::functions::Lookup;
use crate::config::Config;
use crate::load::content::Content;
use crate::load::theme::{StaticSource, Theme};
use crate::util::hash::{hash_json, Key};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// Hash of everything a page's Markdown may depend on besides its own body: the config, the
/// shortcode templates, i18n strings, every page's place and front matter (links,
/// get_page), data and asset files (by size and time). A body edit leaves it unchanged.
pub(crate) fn fingerprint(config: &Config, theme: &Theme, content: &Content, root: &Path) -> Key {
    let mut h = blake3::Hasher::new();
    hash_json(&mut h, config);
    h.update(&theme.shortcodes_hash());
    let mut langs: Vec<_> = theme.strings.iter().collect();
    langs.sort_by(|a, b| a.0.cmp(b.0));
    hash_json(&mut h, &langs);
    let stamp = |h: &mut blake3::Hasher, p: &Path| {
        h.update(p.to_string_lossy().as_bytes());
        if let Ok(m) = std::fs::metadata(p) {
            h.update(&m.len().to_le_bytes());
            if let Ok(t) = m
                .modified()
                .map(|t| t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default())
            {
                h.update(&t.as_nanos().to_le_bytes());
            }
        }
    };
    for (rel, src) in &theme.statics {
        h.update(rel.as_bytes());
        if let StaticSource::Disk(p) = src {
            stamp(&mut h, p);
        }
    }
    for p in &content.pages {
        h.update(p.relative_path.as_bytes());
        h.update(p.path.as_bytes());
        h.update(&p.raw.as_bytes()[..p.body_offset]);
        for a in &p.assets {
            stamp(&mut h, &root.join(a));
        }
    }
    for s in &content.sections {
        h.update(s.relative_path.as_bytes());
        h.update(&s.raw.as_bytes()[..s.body_offset]);
        for a in &s.assets {
            stamp(&mut h, &root.join(a));
        }
    }
    for e in walkdir::WalkDir::new(root.join("data"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        stamp(&mut h, e.path());
    }
    *h.finalize().as_bytes()
}

/// Keys of rendered outputs in the session cache.
pub(crate) struct OutKeys {
    /// What every output depends on besides its context and templates.
    pub fp: Key,
    /// Template name -> hash of it and the templates it is made of.
    pub templates: HashMap<String, Key>,
}

impl OutKeys {
    /// The keys of a build whose Markdown fingerprint is `md_fp` (see [`output_fingerprint`]).
    pub(crate) fn new(
        md_fp: &Key,
        theme: &Theme,
        lookup: &Lookup,
        home: &HashMap<String, Value>,
        inject: Option<&str>,
    ) -> OutKeys {
        OutKeys {
            fp: output_fingerprint(md_fp, theme, lookup, home, inject),
            templates: theme.template_hashes(),
        }
    }

    /// The key of one output: rendered with `template` from the context `ctx`.
    pub(crate) fn of(&self, template: &str, ctx: &Map<String, Value>) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(&self.fp);
        h.update(template.as_bytes());
        h.update(self.templates.get(template).unwrap_or(&[0; 32]));
        for k in CONTEXT_KEYS {
            h.update(k.as_bytes());
            if let Some(v) = ctx.get(k) {
                hash_json(&mut h, v);
            }
        }
        *h.finalize().as_bytes()
    }
}

/// Everything of a context that differs between outputs (config and lang are in the fingerprint).
const CONTEXT_KEYS: [&str; 10] = [
    "page",
    "section",
    "paginator",
    "taxonomy",
    "terms",
    "term",
    "current_path",
    "latest_pages",
    "lang",
    "current_url",
];

/// Hash of what every rendered page may depend on beyond its own context: the Markdown
/// fingerprint, the live-reload snippet, the `home` section of every language and, when
/// templates call them, what get_page, get_section and get_taxonomy can return.
fn output_fingerprint(
    md_fp: &Key,
    theme: &Theme,
    lookup: &Lookup,
    home: &HashMap<String, Value>,
    inject: Option<&str>,
) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(md_fp);
    h.update(inject.unwrap_or("").as_bytes());
    let mut home: Vec<_> = home.iter().collect();
    home.sort_by(|a, b| a.0.cmp(b.0));
    hash_json(&mut h, &home);
    let looks_up = theme.templates.values().any(|(src, _)| {
        src.contains("get_page") || src.contains("get_section") || src.contains("get_taxonomy")
    });
    if looks_up {
        hash_json(&mut h, &*lookup.listings);
        let mut pages: Vec<_> = lookup.pages.iter().collect();
        pages.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&mut h, &pages);
        let mut sections: Vec<_> = lookup.sections.iter().collect();
        sections.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&mut h, &sections);
        let mut section_pages: Vec<_> = lookup.section_pages.iter().collect();
        section_pages.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&mut h, &section_pages);
        let mut tax: Vec<_> = lookup.taxonomies.iter().collect();
        tax.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&mut h, &tax);
    }
    *h.finalize().as_bytes()
}
