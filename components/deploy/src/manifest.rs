//! The manifest: which files a deploy put on the server, with their content hashes.
//!
//! It lives on the server as `.bangtin-manifest.json` at the target folder (so any machine can
//! deploy) and a copy is cached locally. Its one rule: it never claims a file that is not on the
//! server with exactly that content. Files being replaced are dropped from it before the upload
//! starts and added back once they are in place, so an interrupted deploy leaves a manifest that
//! is safe to trust.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::error::DeployError;
use crate::target::Target;

/// The manifest's file name on the server, at the target folder.
pub const MANIFEST_NAME: &str = ".bangtin-manifest.json";

/// The suffix of the temporary names files are uploaded under before being renamed.
pub const TEMP_SUFFIX: &str = ".bangtin-tmp";

/// What the manifest knows of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// blake3 hash of the content, hex.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
}

impl Entry {
    /// The entry describing these bytes.
    pub fn of(bytes: &[u8]) -> Entry {
        Entry {
            hash: blake3::hash(bytes).to_hex().to_string(),
            size: bytes.len() as u64,
        }
    }
}

/// The record of a deploy: relative path (`/`-separated, NFC) to content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `bangtin`, so the file explains itself to whoever finds it on the host.
    pub generator: String,
    /// Format version.
    pub version: u32,
    /// Files that are on the server with this content.
    pub files: BTreeMap<String, Entry>,
    /// Files of an earlier deploy that a deploy started removing; maybe still on the server.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub pending_delete: BTreeSet<String>,
    /// The deploy that wrote this manifest (random, one per run; empty before bangtin wrote
    /// it). With `generation`, it tells a computer whether the server's manifest is the one
    /// it wrote last, or one from another computer, or an older one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deploy: String,
    /// How many times the manifest was saved on this server, over all deploys.
    #[serde(default)]
    pub generation: u64,
}

impl Default for Manifest {
    fn default() -> Manifest {
        Manifest {
            generator: "bangtin".into(),
            version: 1,
            files: BTreeMap::new(),
            pending_delete: BTreeSet::new(),
            deploy: String::new(),
            generation: 0,
        }
    }
}

impl Manifest {
    /// Reads a manifest; `None` when the bytes are not one (then nothing is trusted).
    pub fn parse(bytes: &[u8]) -> Option<Manifest> {
        let m: Manifest = serde_json::from_slice(bytes).ok()?;
        (m.generator == "bangtin" && m.version == 1).then_some(m)
    }

    /// The JSON bytes written to the server.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// Whether this is the manifest `last` recorded (same deploy, same save): then it can be
    /// trusted; otherwise another computer, or an older run, wrote it.
    pub fn written_as(&self, last: &Manifest) -> bool {
        !self.deploy.is_empty() && self.deploy == last.deploy && self.generation == last.generation
    }

    /// Whether the two list the same files (whoever wrote them).
    pub fn same_files(&self, other: &Manifest) -> bool {
        self.files == other.files && self.pending_delete == other.pending_delete
    }

    /// Folders that exist on the server because a claimed file is in them.
    pub fn known_dirs(&self) -> BTreeSet<String> {
        let mut dirs = BTreeSet::new();
        for path in self.files.keys() {
            let mut p = path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                dirs.insert(parent.to_string());
                p = parent;
            }
        }
        dirs
    }
}

/// A new deploy's id: unique per run and computer (time, process, host name, hashed).
pub fn new_deploy_id() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let host = std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .unwrap_or_default();
    let seed = format!("{now} {} {host}", std::process::id());
    blake3::hash(seed.as_bytes()).to_hex()[..16].to_string()
}

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Where it is on this machine.
    pub path: PathBuf,
    /// Its content.
    pub entry: Entry,
}

/// Whether an output file is bangtin's own bookkeeping, never published: the build marker
/// (`.bangtin-build`), the deploy manifest, anything else named `.bangtin-*` at the top, and
/// half-written uploads.
pub fn is_internal(rel: &str) -> bool {
    rel == MANIFEST_NAME || rel.starts_with(".bangtin-") || rel.ends_with(TEMP_SUFFIX)
}

/// Lists and hashes the files to deploy, keyed by `/`-separated NFC relative path.
///
/// Symbolic links are skipped: nothing outside the output folder is ever published.
pub fn scan(output_dir: &Path) -> Result<BTreeMap<String, LocalFile>, DeployError> {
    if !output_dir.is_dir() {
        return Err(DeployError::NoOutput {
            dir: output_dir.to_path_buf(),
        });
    }
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(output_dir).sort_by_file_name() {
        let entry = entry.map_err(|e| DeployError::Local {
            path: e.path().unwrap_or(output_dir).to_path_buf(),
            source: e
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("walk failed")),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative_name(output_dir, entry.path())?;
        // A line break in a name would smuggle a second command into an FTP session.
        if rel.chars().any(char::is_control) {
            return Err(DeployError::Local {
                path: entry.path().to_path_buf(),
                source: io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the file name contains a control character; rename the file",
                ),
            });
        }
        if is_internal(&rel) {
            continue;
        }
        let bytes = fs::read(entry.path()).map_err(|source| DeployError::Local {
            path: entry.path().to_path_buf(),
            source,
        })?;
        files.insert(
            rel,
            LocalFile {
                path: entry.path().to_path_buf(),
                entry: Entry::of(&bytes),
            },
        );
    }
    Ok(files)
}

/// `a/b/c.html` for `<root>/a/b/c.html`, NFC, whatever the platform's separator.
pub(crate) fn relative_name(root: &Path, path: &Path) -> Result<String, DeployError> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts = Vec::new();
    for c in rel.components() {
        let s = c.as_os_str().to_str().ok_or_else(|| DeployError::Local {
            path: path.to_path_buf(),
            source: io::Error::new(io::ErrorKind::InvalidData, "file name is not valid Unicode"),
        })?;
        parts.push(s.nfc().collect::<String>());
    }
    Ok(parts.join("/"))
}

/// The local copy of a target's manifest: one file per target inside the cache folder.
pub fn cache_file(cache_dir: &Path, target: &Target) -> PathBuf {
    let id = blake3::hash(target.to_string().as_bytes()).to_hex();
    let host: String = target
        .host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    cache_dir.join(format!(
        "{}-{host}-{}.json",
        target.scheme.name(),
        &id[..12]
    ))
}

/// Reads the cached manifest, if there is a usable one.
pub fn read_cache(cache_dir: &Path, target: &Target) -> Option<Manifest> {
    Manifest::parse(&fs::read(cache_file(cache_dir, target)).ok()?)
}

/// Writes the cached manifest (through a temporary file, so it is never half written).
pub fn write_cache(cache_dir: &Path, target: &Target, m: &Manifest) -> Result<(), DeployError> {
    let path = cache_file(cache_dir, target);
    let err = |source| DeployError::Local {
        path: path.clone(),
        source,
    };
    fs::create_dir_all(cache_dir).map_err(err)?;
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, m.to_bytes()).map_err(err)?;
    fs::rename(&tmp, &path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_foreign_json() {
        let mut m = Manifest::default();
        m.files.insert("ảnh/trường.jpg".into(), Entry::of(b"jpeg"));
        m.pending_delete.insert("old.html".into());
        m.deploy = new_deploy_id();
        m.generation = 7;
        assert_eq!(Manifest::parse(&m.to_bytes()), Some(m.clone()));
        // A manifest of an older bangtin (no deploy id) still reads, and is never "ours".
        let old = br#"{"generator": "bangtin", "version": 1, "files": {}}"#;
        let old = Manifest::parse(old).expect("old manifest");
        assert!(!old.written_as(&old));
        assert!(m.written_as(&m.clone()));
        let next = Manifest {
            generation: 8,
            ..m.clone()
        };
        assert!(!next.written_as(&m) && next.same_files(&m));
        assert_ne!(new_deploy_id(), m.deploy);
        assert_eq!(Manifest::parse(b"{\"files\": {}}"), None);
        assert_eq!(Manifest::parse(b"not json"), None);
    }

    #[test]
    fn known_dirs_are_all_parents() {
        let mut m = Manifest::default();
        m.files.insert("a/b/c.html".into(), Entry::of(b""));
        m.files.insert("d.css".into(), Entry::of(b""));
        let dirs: Vec<_> = m.known_dirs().into_iter().collect();
        assert_eq!(dirs, ["a", "a/b"]);
    }

    #[test]
    fn scan_hashes_files_normalizes_names_and_skips_our_own() {
        let dir = tempfile::tempdir().unwrap();
        let nfd: String = "ảnh-trường.jpg".nfd().collect();
        fs::create_dir_all(dir.path().join("img")).unwrap();
        fs::write(dir.path().join("img").join(&nfd), b"jpeg").unwrap();
        fs::write(dir.path().join("index.html"), b"<html>").unwrap();
        fs::write(dir.path().join(MANIFEST_NAME), b"{}").unwrap();
        fs::write(dir.path().join("x.html.bangtin-tmp"), b"half").unwrap();
        fs::write(dir.path().join(".bangtin-build"), b"bangtin\n").unwrap();
        let files = scan(dir.path()).unwrap();
        let names: Vec<_> = files.keys().cloned().collect();
        assert_eq!(names, ["img/ảnh-trường.jpg", "index.html"]);
        assert_eq!(files["index.html"].entry, Entry::of(b"<html>"));
        fs::write(dir.path().join("a\r\nDELE index.html"), b"x").unwrap();
        assert!(matches!(scan(dir.path()), Err(DeployError::Local { .. })));
        assert!(matches!(
            scan(&dir.path().join("missing")),
            Err(DeployError::NoOutput { .. })
        ));
    }
}
