//! Writing the page bundle: never over an existing page (a free suffixed name, or a clear
//! refusal when the name was asked for), and atomically: everything is written into a hidden
//! folder beside the target, which is then renamed into place in one step.

use crate::error::ImportError;
use std::fs;
use std::path::{Path, PathBuf};

/// Whether a page called `slug` exists in `dir` (a bundle folder or a `slug.md` file, in
/// any language: `slug.en.md`).
fn taken(dir: &Path, slug: &str) -> bool {
    if dir.join(slug).exists() {
        return true;
    }
    let prefix = format!("{slug}.");
    fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok).any(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with(&prefix) && n.ends_with(".md")
            })
        })
        .unwrap_or(false)
}

/// The name to use: `wanted` if free; else, unless it was asked for, `wanted-2`, `-3`...
pub fn free_slug(dir: &Path, wanted: &str, asked: bool) -> Result<String, ImportError> {
    if !taken(dir, wanted) {
        return Ok(wanted.to_string());
    }
    if asked {
        return Err(ImportError::PageExists {
            path: dir.join(wanted),
        });
    }
    (2..10_000)
        .map(|n| format!("{wanted}-{n}"))
        .find(|s| !taken(dir, s))
        .ok_or(ImportError::PageExists {
            path: dir.join(wanted),
        })
}

/// Writes `index.md` and `files` into `dir/slug/`, all at once.
pub fn bundle(
    dir: &Path,
    slug: &str,
    index: &str,
    files: &[(String, Vec<u8>)],
) -> Result<PathBuf, ImportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| ImportError::Io { path, error }
    };
    let stage = tempfile::Builder::new()
        .prefix(".bangtin-import-")
        .tempdir_in(dir)
        .map_err(io(dir))?;
    fs::write(stage.path().join("index.md"), index).map_err(io(stage.path()))?;
    for (name, bytes) in files {
        fs::write(stage.path().join(name), bytes).map_err(io(&stage.path().join(name)))?;
    }
    let target = dir.join(slug);
    // Checked again right before the rename: never replace what appeared meanwhile.
    if target.exists() {
        return Err(ImportError::PageExists { path: target });
    }
    let staged = stage.keep();
    if let Err(error) = fs::rename(&staged, &target) {
        let _ = fs::remove_dir_all(&staged);
        return Err(ImportError::Io {
            path: target,
            error,
        });
    }
    Ok(target.join("index.md"))
}
