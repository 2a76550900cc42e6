//! Files the desk writes: atomically (a temporary file in the same folder, then a rename), with
//! UTC time stamps for kept copies, and a version hash of what is on disk.

use crate::error::ApiError;
use i18n::{tr, Lang};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

/// Where the desk keeps autosaves, versions and the trash (never published).
pub fn desk_dir(root: &Path) -> PathBuf {
    root.join(".bangtin").join("desk")
}

/// A UTC time stamp usable in file names on every system (no `:`), sorting by time.
/// Strictly increasing within the server: two deletes or saves in the same microsecond still get
/// distinct names in the order they happened (one kept version never replaces another).
pub fn stamp() -> String {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = chrono::Utc::now().timestamp_micros();
    let prev = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(now.max(last + 1))
        })
        .unwrap_or(now);
    let micros = now.max(prev + 1);
    chrono::DateTime::from_timestamp_micros(micros)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%S%.6fZ")
        .to_string()
}

/// The time of a stamp made by [`stamp`], as RFC 3339 (`None` for another name).
pub fn stamp_time(stamp: &str) -> Option<String> {
    let t = chrono::NaiveDateTime::parse_from_str(stamp.get(..19)?, "%Y%m%dT%H%M%S%.3f").ok()?;
    Some(
        t.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}

/// The version of a file's bytes: part of their hash.
pub fn version_of(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_string()
}

/// Writes a file atomically, creating its folder; never leaves a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".bangtin-desk-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Creates a new file with these bytes, refusing to replace one (`Ok(false)` when taken).
pub fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".bangtin-desk-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.error),
    }
}

/// A file operation that failed, in the teacher's words.
pub fn io_error(root: &Path, path: &Path, e: &std::io::Error, lang: Lang) -> ApiError {
    let shown = site::diag::display_path(path.strip_prefix(root).unwrap_or(path));
    ApiError::new(
        500,
        tr!(
            lang,
            "không ghi hoặc đọc được {shown}: {e}",
            "cannot write or read {shown}: {e}"
        ),
        tr!(
            lang,
            "hãy kiểm tra ổ đĩa còn chỗ trống và thư mục của trang không bị khóa, rồi thử lại",
            "check that the disk has free space and the site folder is not locked, then try again"
        ),
    )
    .at(shown, 0, 0)
}

/// A path relative to the site folder, with `/`.
pub fn rel_of(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_and_read_back() {
        let a = stamp();
        std::thread::sleep(std::time::Duration::from_millis(3));
        let b = stamp();
        assert!(a < b);
        // No pause: still distinct and in order.
        let many: Vec<String> = (0..1000).map(|_| stamp()).collect();
        assert!(many.windows(2).all(|w| w[0] < w[1]), "{many:?}");
        assert!(!a.contains(':'));
        assert!(stamp_time(&a).unwrap().ends_with('Z'));
        assert!(stamp_time("x").is_none());
    }

    #[test]
    fn create_new_never_replaces() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a/b.md");
        assert!(create_new(&p, b"1").unwrap());
        assert!(!create_new(&p, b"2").unwrap());
        assert_eq!(std::fs::read(&p).unwrap(), b"1");
        write_atomic(&p, b"3").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"3");
    }
}
