//! What a deploy must do, and in which order (pure functions, no network).
//!
//! The order keeps the live site consistent while files arrive: a page is uploaded only after
//! the assets it may use, deeper pages before the listings that link to them, the home pages
//! after every other page, and feeds and the sitemap last.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::manifest::{Entry, Manifest};

/// The upload stage a file belongs to, in upload order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Everything that is not HTML or XML: CSS, images, scripts, the search index, PDFs.
    Asset,
    /// HTML pages other than the home pages.
    Page,
    /// `index.html` and a translation's home such as `en/index.html`.
    Home,
    /// Feeds and the sitemap (`.xml`), which announce pages to the world.
    Feed,
}

/// The stage of a `/`-separated relative path.
pub fn stage(path: &str) -> Stage {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xml" => Stage::Feed,
        "html" | "htm" => {
            if is_home(path) {
                Stage::Home
            } else {
                Stage::Page
            }
        }
        _ => Stage::Asset,
    }
}

/// `index.html`, or `xx/index.html` / `xx-yy/index.html` where `xx` is a language code.
fn is_home(path: &str) -> bool {
    match path.split_once('/') {
        None => path == "index.html",
        Some((dir, "index.html")) => {
            let (lang, region) = dir.split_once('-').unwrap_or((dir, "ab"));
            lang.len() == 2
                && lang.bytes().all(|b| b.is_ascii_lowercase())
                && region.len() == 2
                && region.bytes().all(|b| b.is_ascii_alphabetic())
        }
        Some(_) => false,
    }
}

/// Sorts paths into upload order: by stage, deeper first within a stage, then by name; an
/// index that names other files of its folder (the search's `meta.json`) after them.
pub fn sort_for_upload(paths: &mut [String]) {
    paths.sort_by(|a, b| {
        let key = |p: &String| (stage(p), Reverse(p.matches('/').count()), names_others(p));
        key(a).cmp(&key(b)).then_with(|| a.cmp(b))
    });
}

/// The search index's `meta.json` lists the shards beside it (`t-0-<hash>.json`): uploaded
/// before them, it would send visitors to shards that are not there yet.
fn names_others(path: &str) -> bool {
    path.rsplit('/').next() == Some("meta.json")
}

/// The difference between the built site and what the server has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// New or changed files, in upload order.
    pub upload: Vec<String>,
    /// Files of earlier deploys to remove (only with `--delete`), pages before assets.
    pub delete: Vec<String>,
    /// Files already on the server with the same content.
    pub unchanged: Vec<String>,
    /// Files of earlier deploys that the site no longer has, kept because deleting is off.
    pub stale: Vec<String>,
    /// Files no deploy recorded, to delete after the upload: half-written uploads of an
    /// interrupted deploy, and other people's files when `--delete` was confirmed.
    pub foreign: Vec<String>,
}

/// Compares the built files with the server's manifest.
///
/// Only files the manifest knows (claimed or pending deletion) can ever be deleted, so files
/// that other people put on the host are never touched.
pub fn diff(local: &BTreeMap<String, Entry>, remote: &Manifest, delete: bool) -> Plan {
    let mut plan = Plan::default();
    for (path, entry) in local {
        if remote.files.get(path) == Some(entry) {
            plan.unchanged.push(path.clone());
        } else {
            plan.upload.push(path.clone());
        }
    }
    let ours_gone = remote
        .files
        .keys()
        .chain(remote.pending_delete.iter())
        .filter(|p| !local.contains_key(*p));
    for path in ours_gone {
        if delete {
            plan.delete.push(path.clone());
        } else {
            plan.stale.push(path.clone());
        }
    }
    sort_for_upload(&mut plan.upload);
    sort_for_upload(&mut plan.delete);
    plan.delete.reverse();
    plan.delete.dedup();
    plan.stale.sort();
    plan.stale.dedup();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn stages() {
        assert_eq!(stage("css/style.css"), Stage::Asset);
        assert_eq!(stage("ảnh/ảnh-trường.jpg"), Stage::Asset);
        assert_eq!(stage("search_index.vi.json"), Stage::Asset);
        assert_eq!(stage("robots.txt"), Stage::Asset);
        assert_eq!(stage("tin-tuc/index.html"), Stage::Page);
        assert_eq!(stage("404.html"), Stage::Page);
        assert_eq!(stage("index.html"), Stage::Home);
        assert_eq!(stage("en/index.html"), Stage::Home);
        assert_eq!(stage("zh-TW/index.html"), Stage::Home);
        assert_eq!(stage("tin/index.html"), Stage::Page);
        assert_eq!(stage("en/about/index.html"), Stage::Page);
        assert_eq!(stage("atom.xml"), Stage::Feed);
        assert_eq!(stage("en/SITEMAP.XML"), Stage::Feed);
    }

    #[test]
    fn upload_order_assets_pages_home_feeds() {
        let mut p = paths(&[
            "sitemap.xml",
            "index.html",
            "tin-tuc/index.html",
            "en/index.html",
            "tin-tuc/khai-giang/index.html",
            "404.html",
            "atom.xml",
            "css/style.css",
            "tin-tuc/khai-giang/ảnh.jpg",
            "robots.txt",
            "search/vi/meta.json",
            "search/vi/t-0-ab12.json",
            "search/vi/d-0-cd34.json",
        ]);
        sort_for_upload(&mut p);
        assert_eq!(
            p,
            paths(&[
                "search/vi/d-0-cd34.json",
                "search/vi/t-0-ab12.json",
                "tin-tuc/khai-giang/ảnh.jpg",
                "search/vi/meta.json",
                "css/style.css",
                "robots.txt",
                "tin-tuc/khai-giang/index.html",
                "tin-tuc/index.html",
                "404.html",
                "en/index.html",
                "index.html",
                "atom.xml",
                "sitemap.xml",
            ])
        );
    }

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, Entry> {
        list.iter()
            .map(|(p, c)| (p.to_string(), Entry::of(c.as_bytes())))
            .collect()
    }

    #[test]
    fn diff_uploads_new_and_changed_only() {
        let remote = Manifest {
            files: files(&[("index.html", "v1"), ("a.css", "a"), ("old.html", "o")]),
            ..Manifest::default()
        };
        let local = files(&[("index.html", "v2"), ("a.css", "a"), ("b.png", "b")]);
        let plan = diff(&local, &remote, false);
        assert_eq!(plan.upload, paths(&["b.png", "index.html"]));
        assert_eq!(plan.unchanged, paths(&["a.css"]));
        assert!(plan.delete.is_empty());
        assert_eq!(plan.stale, paths(&["old.html"]));
    }

    #[test]
    fn diff_deletes_only_what_the_manifest_knows() {
        let mut remote = Manifest {
            files: files(&[("old.html", "o"), ("old.css", "c"), ("keep.html", "k")]),
            ..Manifest::default()
        };
        remote.pending_delete.insert("older.html".into());
        remote.pending_delete.insert("back.html".into());
        // `back.html` was being deleted, but the site has it again: upload it, do not delete.
        let local = files(&[("keep.html", "k"), ("back.html", "b")]);
        let plan = diff(&local, &remote, true);
        assert_eq!(plan.upload, paths(&["back.html"]));
        assert_eq!(plan.delete, paths(&["older.html", "old.html", "old.css"]));
        assert!(plan.stale.is_empty());
        // A file the manifest does not know is never in the plan, whatever is on the server.
        assert!(!plan.delete.iter().any(|p| p == "foreign.html"));
    }

    #[test]
    fn diff_of_first_deploy_uploads_everything() {
        let local = files(&[("index.html", "i"), ("s.css", "s")]);
        let plan = diff(&local, &Manifest::default(), true);
        assert_eq!(plan.upload, paths(&["s.css", "index.html"]));
        assert!(plan.delete.is_empty() && plan.unchanged.is_empty());
    }
}
