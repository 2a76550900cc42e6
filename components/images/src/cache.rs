//! The cache's files: atomic writes, complete entries (`meta.json` written last), and the
//! published names of an entry's files.

use crate::{Format, Processed, Variant, META_FILE, PIPELINE_VERSION};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The cached description of one entry (`meta.json`).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EntryMeta {
    pub(crate) pipeline: u32,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) format: Format,
    pub(crate) files: Vec<EntryFile>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EntryFile {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) format: Format,
    pub(crate) file: String,
}

/// Writes `dir/name` through a temporary file in the same folder and a rename.
pub(crate) fn write_atomic(
    dir: &Path,
    name: &str,
    data: &[u8],
) -> Result<(), (PathBuf, std::io::Error)> {
    std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    let target = dir.join(name);
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| (dir.to_path_buf(), e))?;
    tmp.write_all(data).map_err(|e| (target.clone(), e))?;
    tmp.as_file().sync_all().map_err(|e| (target.clone(), e))?;
    // tempfile makes 0600 files; cached files are copied into the site with their mode, and a
    // web server running as another user must be able to read them.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| (target.clone(), e))?;
    }
    tmp.persist(&target)
        .map_err(|e| (target.clone(), e.error))?;
    Ok(())
}

/// Reads a complete cache entry, or `None` if it is missing, partial, or from an older pipeline.
pub(crate) fn read_entry(dir: &Path) -> Option<EntryMeta> {
    let json = std::fs::read(dir.join(META_FILE)).ok()?;
    let meta: EntryMeta = serde_json::from_slice(&json).ok()?;
    if meta.pipeline != PIPELINE_VERSION || meta.files.is_empty() {
        return None;
    }
    // A file deleted by hand makes the entry incomplete: process again rather than publish a hole.
    if meta.files.iter().any(|f| !dir.join(&f.file).is_file()) {
        return None;
    }
    Some(meta)
}

/// Published names carry 8 hex digits of the content hash: `poster.jpg` and `poster.png` in one
/// folder do not both claim `poster.480.webp`, and a photo replaced under the same name gets a
/// new URL, so phones never show the old one from their cache.
pub(crate) fn to_processed(meta: EntryMeta, dir: &Path, stem: &str, hash: String) -> Processed {
    let variants = meta
        .files
        .into_iter()
        .map(|f| Variant {
            width: f.width,
            height: f.height,
            format: f.format,
            cache_path: dir.join(&f.file),
            file_name: format!("{stem}.{}.{}.{}", f.width, &hash[..8], f.format.extension()),
        })
        .collect();
    Processed {
        width: meta.width,
        height: meta.height,
        format: meta.format,
        variants,
        hash,
    }
}

pub(crate) fn name_matches(path: &Path, pred: impl Fn(&str) -> bool) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(pred)
}

pub(crate) fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(crate) fn dir_size(path: &Path) -> u64 {
    if path.is_file() {
        return path.metadata().map(|m| m.len()).unwrap_or(0);
    }
    std::fs::read_dir(path)
        .map(|rd| rd.flatten().map(|e| dir_size(&e.path())).sum())
        .unwrap_or(0)
}
