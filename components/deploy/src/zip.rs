//! `bangtin deploy --zip site.zip`: the site as one archive, for upload through a control panel.

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, DateTime, ZipWriter};
use chrono::{Datelike, Timelike};

use crate::error::DeployError;
use crate::manifest::{is_internal, relative_name};

/// Writes every file of `output_dir` into `zip_path` (UTF-8 names, `/` separators, NFC) and
/// returns how many files it holds. The archive is written beside its final name and renamed
/// into place, so a half-written archive never carries the final name.
pub fn write_zip(output_dir: &Path, zip_path: &Path) -> Result<u64, DeployError> {
    if !output_dir.is_dir() {
        return Err(DeployError::NoOutput {
            dir: output_dir.to_path_buf(),
        });
    }
    let zip_err = |detail: String| DeployError::Zip {
        path: zip_path.to_path_buf(),
        detail,
    };
    let file_name = zip_path
        .file_name()
        .ok_or_else(|| zip_err("not a file name".into()))?
        .to_string_lossy()
        .into_owned();
    let parent = match zip_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| zip_err(e.to_string()))?;
    let tmp = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
    // Canonical forms, so an archive written inside the output folder does not swallow itself.
    let skip: Vec<PathBuf> = [zip_path, tmp.as_path()]
        .iter()
        .map(|p| {
            fs::canonicalize(p.parent().unwrap_or(Path::new(".")))
                .map(|d| d.join(p.file_name().unwrap_or_default()))
                .unwrap_or_else(|_| p.to_path_buf())
        })
        .collect();
    let result = write_archive(output_dir, &tmp, &skip).and_then(|n| {
        fs::rename(&tmp, zip_path)
            .map(|_| n)
            .map_err(|e| zip_err(e.to_string()))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_archive(output_dir: &Path, tmp: &Path, skip: &[PathBuf]) -> Result<u64, DeployError> {
    let local = |path: &Path, source: io::Error| DeployError::Local {
        path: path.to_path_buf(),
        source,
    };
    let zip_err = |e: ::zip::result::ZipError| DeployError::Zip {
        path: tmp.to_path_buf(),
        detail: e.to_string(),
    };
    let out = File::create(tmp).map_err(|e| local(tmp, e))?;
    let mut zw = ZipWriter::new(BufWriter::new(out));
    let mut count = 0u64;
    let canonical_root = fs::canonicalize(output_dir).map_err(|e| local(output_dir, e))?;
    for entry in walkdir::WalkDir::new(&canonical_root).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            local(
                output_dir,
                e.into_io_error()
                    .unwrap_or_else(|| io::Error::other("walk failed")),
            )
        })?;
        // Symbolic links are not followed: nothing outside the output folder is published.
        if !entry.file_type().is_file() || skip.iter().any(|s| s == entry.path()) {
            continue;
        }
        let name = relative_name(&canonical_root, entry.path())?;
        if is_internal(&name) {
            continue;
        }
        let meta = entry.metadata().map_err(|e| {
            local(
                entry.path(),
                e.into_io_error()
                    .unwrap_or_else(|| io::Error::other("metadata")),
            )
        })?;
        let mut options = SimpleFileOptions::default()
            .compression_method(method_for(&name))
            .unix_permissions(0o644);
        if let Some(t) = meta.modified().ok().and_then(zip_time) {
            options = options.last_modified_time(t);
        }
        zw.start_file(name, options).map_err(zip_err)?;
        let mut src = File::open(entry.path()).map_err(|e| local(entry.path(), e))?;
        io::copy(&mut src, &mut zw).map_err(|e| local(tmp, e))?;
        count += 1;
    }
    let buf = zw.finish().map_err(zip_err)?;
    let file = buf.into_inner().map_err(|e| local(tmp, e.into_error()))?;
    file.sync_all().map_err(|e| local(tmp, e))?;
    Ok(count)
}

/// Already-compressed formats are stored as they are: deflating them wastes time for nothing.
fn method_for(name: &str) -> CompressionMethod {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" | "png" | "webp" | "gif" | "avif" | "woff" | "woff2" | "zip" | "gz"
        | "mp4" | "mp3" | "webm" => CompressionMethod::Stored,
        _ => CompressionMethod::Deflated,
    }
}

/// The file's modification time in local time, as zip stores it (1980 to 2107).
fn zip_time(t: std::time::SystemTime) -> Option<DateTime> {
    let local: chrono::DateTime<chrono::Local> = t.into();
    DateTime::from_date_and_time(
        u16::try_from(local.year()).ok()?,
        local.month() as u8,
        local.day() as u8,
        local.hour() as u8,
        local.minute() as u8,
        local.second() as u8,
    )
    .ok()
}
