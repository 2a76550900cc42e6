//! Listing `content/`: Markdown files and the other files (bundle and section assets), in
//! file-name order, folders read in parallel, links that lead out of the site refused.

use crate::diag::Diagnostic;
use crate::util::paths::is_ignored_name;
use i18n::{tr, Lang};
use rayon::prelude::*;
use std::ffi::OsString;
use std::fs::DirEntry;
use std::path::{Path, PathBuf};

/// Markdown files and other files under `content/`, in file-name order; problems (unreadable
/// folders, symlinks leading out of the site) go to `errors`.
pub(crate) fn list_files(
    root: &Path,
    content_dir: &Path,
    lang: Lang,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    if !content_dir.is_dir() {
        return (Vec::new(), Vec::new());
    }
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut listed = Listed::default();
    list_dir(content_dir, root, &canon_root, lang, &mut listed);
    errors.extend(listed.errors);
    (listed.md, listed.other)
}

/// Files found under a folder, in walk order.
#[derive(Default)]
struct Listed {
    md: Vec<PathBuf>,
    other: Vec<PathBuf>,
    errors: Vec<Diagnostic>,
}

/// Lists `dir` into `out`: its entries in file-name order, each folder's files where the folder
/// is; folders are read in parallel (a site has thousands of pages in a few folders).
fn list_dir(dir: &Path, root: &Path, canon_root: &Path, lang: Lang, out: &mut Listed) {
    let Some(entries) = read_entries(dir, root, lang, out) else {
        return;
    };
    let items: Vec<Item> = entries
        .par_iter()
        .map(|(_, e)| item(e, root, canon_root, lang))
        .collect();
    for item in items {
        out.add(item);
    }
}

/// What one entry of a folder is, once looked at.
enum Item {
    File(PathBuf),
    Dir(Listed),
    Error(Diagnostic),
    Skip,
}

/// The error of a file or folder that cannot be read.
fn cannot_read(root: &Path, lang: Lang, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        p.strip_prefix(root).unwrap_or(p),
        0,
        0,
        tr!(lang, "không đọc được: {e}", "cannot read: {e}"),
    )
}

/// The entries of `dir` not ignored, in file-name order (`None`: unreadable, said in `out`).
fn read_entries(
    dir: &Path,
    root: &Path,
    lang: Lang,
    out: &mut Listed,
) -> Option<Vec<(OsString, DirEntry)>> {
    let mut entries = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(read) => {
            for e in read {
                match e {
                    Ok(e) => {
                        let name = e.file_name();
                        if !is_ignored_name(&name.to_string_lossy()) {
                            entries.push((name, e));
                        }
                    }
                    Err(e) => out.errors.push(cannot_read(root, lang, dir, e)),
                }
            }
        }
        Err(e) => {
            out.errors.push(cannot_read(root, lang, dir, e));
            return None;
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Some(entries)
}

/// Looks at one entry: a file, a folder (listed), or a link (followed to a file only).
fn item(e: &DirEntry, root: &Path, canon_root: &Path, lang: Lang) -> Item {
    let path = e.path();
    let kind = match e.file_type() {
        Ok(t) => t,
        Err(err) => return Item::Error(cannot_read(root, lang, &path, err)),
    };
    if kind.is_symlink() {
        link_item(path, root, canon_root, lang)
    } else if kind.is_dir() {
        let mut below = Listed::default();
        list_dir(&path, root, canon_root, lang, &mut below);
        Item::Dir(below)
    } else {
        Item::File(path)
    }
}

/// A symbolic link: refused if it leads nowhere or out of the site, skipped if to a folder.
fn link_item(path: PathBuf, root: &Path, canon_root: &Path, lang: Lang) -> Item {
    let refuse = |message: String| {
        Item::Error(Diagnostic::error(
            path.strip_prefix(root).unwrap_or(&path),
            0,
            0,
            message,
        ))
    };
    match path.canonicalize() {
        // To itself, round a circle of links, or to a file that is gone.
        Err(_) => {
            return refuse(tr!(
                lang,
                "liên kết tượng trưng (symlink) này không dẫn tới tệp nào (trỏ vào chính nó, vòng tròn, hoặc tệp đã mất); hãy xoá nó",
                "this symbolic link leads to no file (to itself, round a circle, or to a file that is gone); remove it"
            ))
        }
        Ok(target) if !target.starts_with(canon_root) => {
            return refuse(tr!(
                lang,
                "liên kết tượng trưng (symlink) trỏ ra ngoài thư mục trang web; hãy chép tệp vào trong thư mục trang web",
                "this symbolic link points outside the site folder; copy the file into the site folder instead"
            ))
        }
        Ok(_) => {}
    }
    // Links to folders are not followed.
    if path.is_dir() {
        return Item::Skip;
    }
    Item::File(path)
}

impl Listed {
    /// Adds an entry looked at: a Markdown file or another file, a folder's files, an error.
    fn add(&mut self, item: Item) {
        match item {
            Item::File(path) => {
                let is_md = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("md"));
                if is_md {
                    self.md.push(path);
                } else {
                    self.other.push(path);
                }
            }
            Item::Dir(below) => {
                self.md.extend(below.md);
                self.other.extend(below.other);
                self.errors.extend(below.errors);
            }
            Item::Error(d) => self.errors.push(d),
            Item::Skip => {}
        }
    }
}
