//! Listing `content/`: Markdown files and the other files (bundle and section assets), in
//! file-name order, folders read in parallel, links that lead out of the site refused.

use crate::diag::Diagnostic;
use crate::util::paths::is_ignored_name;
use i18n::{tr, Lang};
use rayon::prelude::*;
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
    let cannot_read = |p: &Path, e: std::io::Error| {
        Diagnostic::error(
            p.strip_prefix(root).unwrap_or(p),
            0,
            0,
            tr!(lang, "không đọc được: {e}", "cannot read: {e}"),
        )
    };
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
                    Err(e) => out.errors.push(cannot_read(dir, e)),
                }
            }
        }
        Err(e) => {
            out.errors.push(cannot_read(dir, e));
            return;
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    enum Item {
        File(PathBuf),
        Dir(Listed),
        Error(Diagnostic),
        Skip,
    }
    let items: Vec<Item> = entries
        .par_iter()
        .map(|(_, e)| {
            let path = e.path();
            let kind = match e.file_type() {
                Ok(t) => t,
                Err(err) => return Item::Error(cannot_read(&path, err)),
            };
            if kind.is_symlink() {
                let inside = path
                    .canonicalize()
                    .map(|t| t.starts_with(canon_root))
                    .unwrap_or(false);
                if !inside {
                    return Item::Error(Diagnostic::error(
                        path.strip_prefix(root).unwrap_or(&path),
                        0,
                        0,
                        tr!(
                            lang,
                            "liên kết tượng trưng (symlink) trỏ ra ngoài thư mục trang web; hãy chép tệp vào trong thư mục trang web",
                            "this symbolic link points outside the site folder; copy the file into the site folder instead"
                        ),
                    ));
                }
                // Links to folders are not followed.
                if path.is_dir() {
                    return Item::Skip;
                }
                Item::File(path)
            } else if kind.is_dir() {
                let mut below = Listed::default();
                list_dir(&path, root, canon_root, lang, &mut below);
                Item::Dir(below)
            } else {
                Item::File(path)
            }
        })
        .collect();
    for item in items {
        match item {
            Item::File(path) => {
                let is_md = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("md"));
                if is_md {
                    out.md.push(path);
                } else {
                    out.other.push(path);
                }
            }
            Item::Dir(below) => {
                out.md.extend(below.md);
                out.other.extend(below.other);
                out.errors.extend(below.errors);
            }
            Item::Error(d) => out.errors.push(d),
            Item::Skip => {}
        }
    }
}
