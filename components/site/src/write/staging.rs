//! The staging folders beside the output. A build stages into `.public.staging-<pid>` and,
//! while that folder exists, holds an exclusive lock on `.public.staging-<pid>.lock` (an
//! operating-system lock: it ends with the process, however the process ends, on Linux,
//! macOS and Windows alike). A killed build leaves its folder (a whole copy of the site) with
//! an unlocked lock file: [`clear_dead`] removes such leftovers, and never what a running build
//! uses. The swap itself is one atomic exchange where the system has one (Linux).

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The folder beside `output` where the build of process `pid` stages.
pub(crate) fn staging_dir(output: &Path, pid: u32) -> PathBuf {
    let (parent, prefix) = parts(output);
    parent.join(format!("{prefix}{pid}"))
}

/// The folder the output is in, and the name prefix of its staging folders.
fn parts(output: &Path) -> (PathBuf, String) {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (parent.to_path_buf(), format!(".{name}.staging-"))
}

/// The lock a running build holds on its staging folder; dropping it removes the lock file.
pub(crate) struct Lease {
    file: Option<File>,
    path: PathBuf,
}

impl Lease {
    /// Locks the staging folder `staging` for this process (before the folder is made, so a
    /// folder without a lock file is never a running build's). `None` where the file system
    /// has no locks: the build still runs, its leftovers are then kept.
    pub(crate) fn take(staging: &Path) -> io::Result<Option<Lease>> {
        let path = lock_path(staging);
        for _ in 0..20 {
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)?;
            match file.lock() {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Unsupported => return Ok(None),
                Err(e) => return Err(e),
            }
            // Another build may have found this lock file free (a dead build of the same pid)
            // and removed it just before we locked it: then lock a new one.
            if path.exists() {
                return Ok(Some(Lease {
                    file: Some(file),
                    path,
                }));
            }
        }
        Ok(None)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Removed while still locked, so no other build takes it for a dead one's.
        let _ = fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

fn lock_path(staging: &Path) -> PathBuf {
    with_suffix(staging, ".lock")
}

/// Where the swap puts the previous output of the build staging in `staging`, while it lasts.
pub(crate) fn old_dir(staging: &Path) -> PathBuf {
    with_suffix(staging, ".old")
}

/// `path` with `suffix` added to its name (not `set_extension`: `.public.staging-1` has one).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// What [`clear_dead`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleared {
    /// Staging folders of dead builds removed.
    pub removed: usize,
    /// Whether the output was missing and the previous one, left by a build killed in the
    /// middle of its swap, was put back.
    pub restored: bool,
}

/// Removes the staging folders (and their lock files) that dead builds left beside `output`;
/// the folders of running builds (their lock held) are left alone. If a build was killed in
/// the middle of a swap that is not atomic (not Linux), the previous output is put back.
pub fn clear_dead(output: &Path) -> io::Result<Cleared> {
    let (parent, prefix) = parts(output);
    let mut cleared = Cleared::default();
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(cleared);
    };
    let own = std::process::id();
    let mut pids: Vec<u32> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let rest = name.strip_prefix(&prefix)?;
            let digits = rest.split('.').next()?;
            let suffix = &rest[digits.len()..];
            if !matches!(suffix, "" | ".old" | ".lock") {
                return None;
            }
            digits.parse().ok()
        })
        .filter(|&pid| pid != own)
        .collect();
    pids.sort_unstable();
    pids.dedup();
    for pid in pids {
        let staging = parent.join(format!("{prefix}{pid}"));
        let lock = lock_path(&staging);
        // Held while the leftovers are removed, so a new build of the same pid waits.
        let held = match File::open(&lock) {
            Ok(f) => match f.try_lock() {
                Ok(()) => Some(f),
                Err(TryLockError::WouldBlock) => continue,
                Err(TryLockError::Error(_)) => continue,
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(_) => continue,
        };
        let old = old_dir(&staging);
        if !output.exists() && old.join(super::marker::MARKER).is_file() {
            fs::rename(&old, output)?;
            cleared.restored = true;
        }
        for dir in [&staging, &old] {
            match fs::remove_dir_all(dir) {
                Ok(()) => cleared.removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        if held.is_some() {
            let _ = fs::remove_file(&lock);
        }
    }
    Ok(cleared)
}

/// Swaps `staging` and `output` in one step where the system can (Linux: `renameat2` with
/// `RENAME_EXCHANGE`), so no reader and no kill ever finds the output missing or mixed;
/// `Ok(false)` where it cannot, and the caller renames twice.
pub(crate) fn exchange(staging: &Path, output: &Path) -> io::Result<bool> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes()).map_err(|e| io::Error::other(e.to_string()))
        };
        let (a, b) = (c(staging)?, c(output)?);
        // SAFETY: both paths are NUL-terminated strings that live across the call.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        // Old kernels and some file systems (network ones) cannot exchange: rename twice.
        if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Ok(false);
        }
        Err(e)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = (staging, output);
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::marker::MARKER;

    #[test]
    fn dead_builds_leftovers_go_a_running_builds_stay() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir(&out).unwrap();
        // A dead build: folder, its `.old`, and a lock file nobody holds.
        let dead = staging_dir(&out, 4_000_001);
        fs::create_dir_all(dead.join("a")).unwrap();
        fs::write(dead.join("a/index.html"), "x").unwrap();
        fs::create_dir(old_dir(&dead)).unwrap();
        fs::write(lock_path(&dead), "").unwrap();
        // An older bangtin's folder, without a lock file.
        let older = staging_dir(&out, 4_000_002);
        fs::create_dir(&older).unwrap();
        // A running build (another process in real life; the lock is what counts).
        let running = staging_dir(&out, 4_000_003);
        let lease = Lease::take(&running).unwrap().unwrap();
        fs::create_dir(&running).unwrap();
        // Names that only look alike are not touched.
        fs::create_dir(dir.path().join(".public.staging-notes")).unwrap();
        let cleared = clear_dead(&out).unwrap();
        assert_eq!(cleared.removed, 3);
        assert!(!cleared.restored);
        assert!(!dead.exists() && !lock_path(&dead).exists());
        assert!(!old_dir(&dead).exists() && !older.exists());
        assert!(running.is_dir() && lock_path(&running).is_file());
        assert!(dir.path().join(".public.staging-notes").is_dir());
        drop(lease);
        assert!(
            !lock_path(&running).exists(),
            "a lease removes its lock file"
        );
        clear_dead(&out).unwrap();
        assert!(!running.exists(), "once its build is gone, it goes too");
    }

    #[test]
    fn an_output_lost_in_a_killed_swap_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let dead = staging_dir(&out, 4_000_004);
        let old = old_dir(&dead);
        fs::create_dir(&old).unwrap();
        fs::write(old.join(MARKER), "bangtin\n").unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        let cleared = clear_dead(&out).unwrap();
        assert!(cleared.restored);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"previous");
        assert!(!old.exists());
    }

    #[test]
    fn exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("f"), "a").unwrap();
        fs::write(b.join("f"), "b").unwrap();
        if exchange(&a, &b).unwrap() {
            assert_eq!(fs::read(a.join("f")).unwrap(), b"b");
            assert_eq!(fs::read(b.join("f")).unwrap(), b"a");
        }
    }
}
