//! The server's truth: list what the target folder really holds and correct the manifest.
//!
//! The manifest can lie: someone deleted files in the hosting control panel, another computer
//! deployed, a copy of an old manifest was put back. Listing the folder (one request per
//! folder) gives every file with its size; a claimed file that is missing or has another size
//! stops being claimed, so the plan uploads it again. Over SFTP the files whose size matches
//! can also be read back and hashed (`--verify`).

use std::collections::{BTreeMap, BTreeSet};

use crate::error::DeployError;
use crate::manifest::{is_internal, Entry, Manifest, MANIFEST_NAME, TEMP_SUFFIX};
use crate::session::Session;

/// What a look at the server found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Found {
    /// Files the manifest claimed that are missing or different on the server.
    pub repaired: Vec<String>,
    /// Files no deploy recorded and the site does not have (hidden ones left out).
    pub foreign: Vec<String>,
    /// Half-written uploads of an interrupted deploy (`.name.bangtin-tmp`), always ours.
    pub leftovers: Vec<String>,
}

/// Every file under the target folder with its size (`/`-separated paths, as the server
/// names them).
pub(crate) fn list_all(session: &mut Session) -> Result<BTreeMap<String, u64>, DeployError> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![String::new()];
    while let Some(dir) = dirs.pop() {
        let entries = session.run("list", &dir, |r| r.list(&dir))?;
        for e in entries {
            let path = if dir.is_empty() {
                e.name
            } else {
                format!("{dir}/{}", e.name)
            };
            if e.dir {
                dirs.push(path);
            } else {
                files.insert(path, e.size);
            }
        }
    }
    Ok(files)
}

/// Compares `manifest` with the server and drops from it what the server does not hold;
/// with `hashes`, files whose size matches are read back and hashed too (where reading is
/// cheap, SFTP). `site` is the built site: its files are not foreign.
pub(crate) fn check(
    session: &mut Session,
    manifest: &mut Manifest,
    site: &BTreeMap<String, Entry>,
    hashes: bool,
) -> Result<Found, DeployError> {
    let listed = list_all(session)?;
    let read_back = hashes && session.run("read", "", |r| Ok(r.reads_cheaply()))?;
    let mut found = Found::default();
    let claimed: Vec<(String, Entry)> = manifest
        .files
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (path, entry) in &claimed {
        let mut good = listed.get(path) == Some(&entry.size);
        if good && read_back {
            let bytes = session.run("read", path, |r| r.read(path))?;
            good = bytes.is_some_and(|b| Entry::of(&b) == *entry);
        }
        if !good {
            manifest.files.remove(path);
            found.repaired.push(path.clone());
        }
    }
    manifest.pending_delete.retain(|p| listed.contains_key(p));
    for path in listed.keys() {
        if is_leftover(path) {
            found.leftovers.push(path.clone());
        } else if !claimed.iter().any(|(k, _)| k == path)
            && !manifest.pending_delete.contains(path)
            && !site.contains_key(path)
            && !is_internal(path)
            && path != MANIFEST_NAME
            && !is_hidden(path)
        {
            found.foreign.push(path.clone());
        }
    }
    Ok(found)
}

/// `.name.bangtin-tmp` (an upload cut short) or `.name.bangtin-tmp.old` (SFTP's old copy).
fn is_leftover(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with('.')
        && (name.ends_with(TEMP_SUFFIX) || name.ends_with(&format!("{TEMP_SUFFIX}.old")))
}

/// `.htaccess`, `.well-known/...`: the host's own settings, never deleted as foreign files.
fn is_hidden(path: &str) -> bool {
    path.split('/').any(|part| part.starts_with('.'))
}

/// The paths of `found` that a deploy deletes after uploading: the leftovers always, the
/// foreign files only when confirmed.
pub(crate) fn to_delete(found: &Found, foreign_confirmed: bool) -> Vec<String> {
    let mut all: BTreeSet<String> = found.leftovers.iter().cloned().collect();
    if foreign_confirmed {
        all.extend(found.foreign.iter().cloned());
    }
    let mut v: Vec<String> = all.into_iter().collect();
    crate::plan::sort_for_upload(&mut v);
    v.reverse();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_and_hidden_files() {
        assert!(is_leftover("a/.index.html.bangtin-tmp"));
        assert!(is_leftover(".index.html.bangtin-tmp.old"));
        assert!(!is_leftover("index.html"));
        assert!(is_hidden(".htaccess") && is_hidden(".well-known/acme/x"));
        assert!(!is_hidden("tin-tuc/index.html"));
        let found = Found {
            repaired: vec![],
            foreign: vec!["css/old.css".into(), "cu.html".into()],
            leftovers: vec![".x.html.bangtin-tmp".into()],
        };
        assert_eq!(to_delete(&found, false), [".x.html.bangtin-tmp"]);
        // Pages before the assets they use.
        assert_eq!(
            to_delete(&found, true),
            ["cu.html", ".x.html.bangtin-tmp", "css/old.css"]
        );
    }
}
