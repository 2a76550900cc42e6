//! Writes the output atomically: stage everything, then swap it in; unchanged files keep their mtime.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::marker::{write_marker, Recorder, MARKER};
use super::staging::{clear_dead, exchange, old_dir, staging_dir, Lease};
use crate::diag::Diagnostic;
use crate::util::tree::Stat;
use i18n::{tr, Lang};

pub use crate::util::Bytes;

/// Output files kept in memory: relative path -> bytes.
pub type Files = BTreeMap<String, Bytes>;

/// Where rendered files go: a staged folder, or memory (for `serve` and `check`).
pub enum Sink {
    /// A staging folder next to the output folder, swapped in on commit.
    Dir(DirSink),
    /// A map from relative path to bytes.
    /// A map from relative path to bytes, compressed when `.1` is set (see [`Bytes`]).
    Memory(Mutex<Files>, bool),
}

/// Counters of what the write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    /// Files whose bytes changed or are new.
    pub written: usize,
    /// Files identical to the previous build (kept, mtime preserved).
    pub unchanged: usize,
}

/// A staging folder beside the output.
pub struct DirSink {
    output: PathBuf,
    staging: PathBuf,
    /// Whether there is a previous output to compare with.
    has_previous: bool,
    /// Folders already created in the staging area (saves a syscall per file).
    made: Mutex<std::collections::HashSet<PathBuf>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// Every file staged, with its metadata (for the marker, see [`Recorder`]).
    files: Mutex<Vec<(String, Stat)>>,
    /// The lock that tells other builds this staging folder is in use (dropped last).
    _lease: Option<Lease>,
}

/// Why the output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The folder holds files bangtin did not write.
    #[error("{0}")]
    Foreign(PathBuf),
    /// A file system error.
    #[error("{path}: {source}")]
    Io {
        /// Path involved.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Sink {
    /// An in-memory sink.
    pub fn memory(pack: bool) -> Sink {
        Sink::Memory(Mutex::new(BTreeMap::new()), pack)
    }

    /// Stages a build of `output`. Refuses a non-empty folder that bangtin did not write.
    /// Clears first what killed builds left beside it (see [`clear_dead`]).
    pub fn stage(output: &Path) -> Result<Sink, OutputError> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        clear_dead(output).map_err(io_err(parent))?;
        if output.exists() {
            let empty = fs::read_dir(output)
                .map_err(io_err(output))?
                .next()
                .is_none();
            if !empty && !output.join(MARKER).exists() {
                return Err(OutputError::Foreign(output.to_path_buf()));
            }
        }
        let staging = staging_dir(output, std::process::id());
        let lease = Lease::take(&staging).map_err(io_err(&staging))?;
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
        }
        fs::create_dir_all(&staging).map_err(io_err(&staging))?;
        publish_mode(&staging, true).map_err(io_err(&staging))?;
        Ok(Sink::Dir(DirSink {
            output: output.to_path_buf(),
            has_previous: output.is_dir(),
            made: Mutex::new(std::collections::HashSet::new()),
            staging,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            files: Mutex::new(Vec::new()),
            _lease: lease,
        }))
    }

    /// Writes one file (`rel` uses `/`).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Memory(_, pack) => self.write_shared(rel, Bytes::new(bytes.to_vec(), *pack)),
            Sink::Dir(d) => d.write(rel, bytes),
        }
    }

    /// Writes one file whose bytes others may hold too (a memory sink keeps them, uncopied).
    pub fn write_shared(&self, rel: &str, bytes: Bytes) -> io::Result<()> {
        match self {
            Sink::Memory(m, _) => {
                m.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(rel.to_string(), bytes);
                Ok(())
            }
            Sink::Dir(d) => d.write(rel, &bytes.get()),
        }
    }

    /// Copies a file from disk into the output.
    pub fn copy(&self, rel: &str, src: &Path) -> io::Result<()> {
        match self {
            Sink::Memory(..) => {
                let bytes = fs::read(src)?;
                self.write(rel, &bytes)
            }
            Sink::Dir(d) => d.copy(rel, src),
        }
    }

    /// Whether a file was already written in this build.
    pub fn contains(&self, rel: &str) -> bool {
        match self {
            Sink::Memory(m, _) => m
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(rel),
            Sink::Dir(d) => d.staging.join(rel).exists(),
        }
    }

    /// Swaps the staged output in, its marker written by `recorder` when there is one. For
    /// memory sinks, returns the files.
    pub fn commit(
        self,
        recorder: Option<&dyn Recorder>,
    ) -> Result<(WriteStats, Option<Files>), OutputError> {
        match self {
            Sink::Memory(m, _) => {
                let files = m.into_inner().unwrap_or_else(|e| e.into_inner());
                Ok((
                    WriteStats {
                        written: files.len(),
                        unchanged: 0,
                    },
                    Some(files),
                ))
            }
            Sink::Dir(d) => d.commit(recorder).map(|s| (s, None)),
        }
    }

    /// Throws the staged output away; the previous output stays as it was.
    pub fn abort(self) {
        if let Sink::Dir(d) = self {
            let _ = fs::remove_dir_all(&d.staging);
        }
    }
}

impl DirSink {
    fn target(&self, rel: &str) -> io::Result<PathBuf> {
        let mut p = self.staging.clone();
        for part in rel.split('/').filter(|s| !s.is_empty()) {
            if part == ".." || part == "." || part.contains('\\') || part.contains(':') {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("unsafe output path {rel}"),
                ));
            }
            p.push(part);
        }
        if let Some(parent) = p.parent() {
            // Not locked while the folder is made: two threads making the same one is harmless.
            let made = || self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made().contains(parent) {
                make_dirs(&self.staging, parent)?;
                made().insert(parent.to_path_buf());
            }
        }
        Ok(p)
    }

    fn previous(&self, rel: &str) -> PathBuf {
        let mut p = self.output.clone();
        p.extend(rel.split('/').filter(|s| !s.is_empty()));
        p
    }

    /// Reuses the previous file (same inode, same mtime) when its bytes are equal; the metadata
    /// of the staged file, or `None` when it could not be reused.
    fn reuse(&self, prev: &Path, prev_meta: &fs::Metadata, target: &Path) -> Option<fs::Metadata> {
        if fs::hard_link(prev, target).is_ok() && publish_mode(target, false).is_ok() {
            return fs::metadata(target)
                .ok()
                .or_else(|| Some(prev_meta.clone()));
        }
        fs::copy(prev, target).ok()?;
        publish_mode(target, false).ok()?;
        fs::metadata(target).ok()
    }

    /// Notes a staged file for the marker.
    fn record(&self, rel: &str, meta: &fs::Metadata) {
        let rel = rel
            .split('/')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        let stat = Stat::of(meta);
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel, stat));
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.target(rel)?;
        let prev = self.previous(rel);
        if !self.has_previous {
            self.record(rel, &write_file(&target, bytes)?);
            self.written.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if let Ok(meta) = fs::metadata(&prev) {
            if meta.len() == bytes.len() as u64
                && fs::read(&prev).map(|b| b == bytes).unwrap_or(false)
            {
                let _ = fs::remove_file(&target);
                if let Some(staged) = self.reuse(&prev, &meta, &target) {
                    self.record(rel, &staged);
                    self.unchanged.fetch_add(1, Ordering::Relaxed);
                    return Ok(());
                }
            }
        }
        let _ = fs::remove_file(&target);
        self.record(rel, &write_file(&target, bytes)?);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn copy(&self, rel: &str, src: &Path) -> io::Result<()> {
        let target = self.target(rel)?;
        let prev = self.previous(rel);
        let _ = fs::remove_file(&target);
        if let (Ok(a), Ok(b)) = (fs::metadata(&prev), fs::metadata(src)) {
            if a.len() == b.len() && same_bytes(&prev, src)? {
                if let Some(staged) = self.reuse(&prev, &a, &target) {
                    self.record(rel, &staged);
                    self.unchanged.fetch_add(1, Ordering::Relaxed);
                    return Ok(());
                }
            }
        }
        fs::copy(src, &target)?;
        // `fs::copy` copies the mode too, and cached images are made private (0600) by the
        // temporary-file crate: a web server running as another user would answer 403.
        publish_mode(&target, false)?;
        self.record(rel, &fs::metadata(&target)?);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn commit(self, recorder: Option<&dyn Recorder>) -> Result<WriteStats, OutputError> {
        // The marker records the build's key (when it has one) with the staged files, so a
        // marker never describes an output that was not completely written.
        let marker = self.staging.join(MARKER);
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let sealed = recorder.and_then(|r| r.seal(&self.output, &self.staging, files));
        write_marker(&marker, sealed.as_ref()).map_err(io_err(&marker))?;
        let stats = WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        };
        if !self.output.exists() {
            fs::rename(&self.staging, &self.output).map_err(io_err(&self.output))?;
        } else if exchange(&self.staging, &self.output).map_err(io_err(&self.output))? {
            // The staging folder now holds the previous output.
            fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        } else {
            // Two renames: a build killed between them leaves no output, and the next build
            // puts the previous one back from `old` (see `clear_dead`).
            let old = old_dir(&self.staging);
            if old.exists() {
                fs::remove_dir_all(&old).map_err(io_err(&old))?;
            }
            fs::rename(&self.output, &old).map_err(io_err(&self.output))?;
            if let Err(e) = fs::rename(&self.staging, &self.output) {
                // Put the previous output back so the site is never left without one.
                let _ = fs::rename(&old, &self.output);
                return Err(OutputError::Io {
                    path: self.output.clone(),
                    source: e,
                });
            }
            fs::remove_dir_all(&old).map_err(io_err(&old))?;
        }
        Ok(stats)
    }
}

/// Whether a write failed because the disk (or the user's quota) is full.
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// What to say of an output file that could not be written: a full disk in words (the
/// system's "os error 28" tells a teacher nothing), with what to do about it.
pub(crate) fn write_failure(e: &io::Error, lang: Lang) -> String {
    if is_disk_full(e) {
        return disk_full(lang);
    }
    tr!(
        lang,
        "không ghi được tệp đầu ra: {e}",
        "cannot write the output file: {e}"
    )
}

fn disk_full(lang: Lang) -> String {
    tr!(
        lang,
        "không ghi được tệp này vì ổ đĩa đã đầy. Hãy giải phóng chỗ trống trên ổ đĩa (xóa tệp không cần, dọn thùng rác) rồi dựng lại; thư mục đầu ra cũ vẫn giữ nguyên",
        "cannot write this file: the disk is full. Free some space on the disk (delete files you do not need, empty the trash) and build again; the previous output folder is kept as it was"
    )
}

/// Keeps the first of the "disk is full" errors (a full disk fails every file written after
/// it), saying how many more files could not be written.
pub(crate) fn one_disk_full_error(errors: Vec<Diagnostic>, lang: Lang) -> Vec<Diagnostic> {
    let full = disk_full(lang);
    let more = errors.iter().filter(|d| d.message == full).count();
    let mut first = true;
    let mut out: Vec<Diagnostic> = errors
        .into_iter()
        .filter(|d| d.message != full || std::mem::take(&mut first))
        .collect();
    if more > 1 {
        if let Some(d) = out.iter_mut().find(|d| d.message == full) {
            let n = more - 1;
            d.message.push_str(&tr!(
                lang,
                " (và {n} tệp khác cũng không ghi được)",
                " ({n} other files could not be written either)"
            ));
        }
    }
    out
}

/// Writes a new file; its metadata once written.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<fs::Metadata> {
    use std::io::Write;
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    publish_mode_of(&f, false)?;
    f.metadata()
}

/// Mode of published files (0644) and folders (0755): readable by the web server and by
/// `rsync -a`/`cp -a` copies, whatever the umask or the source file's mode.
#[cfg(unix)]
fn mode(dir: bool) -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(if dir { 0o755 } else { 0o644 })
}

/// Gives a published file or folder its public mode (a no-op where modes do not exist).
pub fn publish_mode(path: &Path, dir: bool) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let want = mode(dir);
        if fs::metadata(path)?.permissions().mode() & 0o7777 != want.mode() {
            fs::set_permissions(path, want)?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, dir);
    Ok(())
}

fn publish_mode_of(f: &fs::File, dir: bool) -> io::Result<()> {
    #[cfg(unix)]
    f.set_permissions(mode(dir))?;
    #[cfg(not(unix))]
    let _ = (f, dir);
    Ok(())
}

/// Creates `dir` and its missing parents inside `staging`, each with the public folder mode.
fn make_dirs(staging: &Path, dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir
        .parent()
        .filter(|p| *p != staging && p.starts_with(staging))
    {
        make_dirs(staging, parent)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => publish_mode(dir, true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn same_bytes(a: &Path, b: &Path) -> io::Result<bool> {
    let (mut fa, mut fb) = (fs::File::open(a)?, fs::File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let na = read_full(&mut fa, &mut ba)?;
        let nb = read_full(&mut fb, &mut bb)?;
        if na != nb || ba[..na] != bb[..nb] {
            return Ok(false);
        }
        if na == 0 {
            return Ok(true);
        }
    }
}

fn read_full(f: &mut fs::File, buf: &mut [u8]) -> io::Result<usize> {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_keep_their_inode_and_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Sink::stage(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b.html", b"two").unwrap();
        s.commit(None).unwrap();
        let m1 = fs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let s = Sink::stage(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b.html", b"changed").unwrap();
        let (stats, _) = s.commit(None).unwrap();
        assert_eq!((stats.written, stats.unchanged), (1, 1));
        let m2 = fs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(m1, m2);
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"changed");
    }

    #[test]
    fn abort_leaves_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Sink::stage(&out).unwrap();
        s.write("index.html", b"good").unwrap();
        s.commit(None).unwrap();
        let s = Sink::stage(&out).unwrap();
        s.write("index.html", b"bad").unwrap();
        s.abort();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"good");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no staging left behind"
        );
    }

    #[test]
    fn refuses_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("thesis.docx"), b"x").unwrap();
        assert!(matches!(
            Sink::stage(dir.path()),
            Err(OutputError::Foreign(_))
        ));
    }

    #[test]
    fn rejects_path_escape() {
        let dir = tempfile::tempdir().unwrap();
        let s = Sink::stage(&dir.path().join("out")).unwrap();
        assert!(s.write("../evil.html", b"x").is_err());
        s.abort();
    }
}
