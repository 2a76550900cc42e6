//! `bangtin import FILE.docx... [--section S] [--slug SLUG] [--draft]`: Word documents (or
//! folders of them) become page bundles; each file's report is printed as it is done.

use i18n::{tr, Lang};
use std::path::{Path, PathBuf};

/// The .docx files named, folders expanded to the .docx files in them (Word's "~$" lock
/// files and hidden files left out), in name order.
fn expand(paths: &[PathBuf], lang: Lang) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let rd = std::fs::read_dir(p).map_err(|e| {
            tr!(
                lang,
                "không đọc được thư mục {}: {e}",
                "cannot read folder {}: {e}",
                p.display()
            )
        })?;
        let mut found: Vec<PathBuf> = rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|f| {
                let name = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                f.is_file()
                    && name.to_lowercase().ends_with(".docx")
                    && !name.starts_with("~$")
                    && !name.starts_with('.')
            })
            .collect();
        if found.is_empty() {
            return Err(tr!(
                lang,
                "thư mục {} không có tệp .docx nào",
                "the folder {} holds no .docx file",
                p.display()
            ));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// Runs the import of every file; fails (after trying them all) if any failed.
pub fn run(
    root: &Path,
    files: &[PathBuf],
    section: Option<String>,
    slug: Option<String>,
    draft: bool,
    lang: Lang,
) -> Result<(), String> {
    let files = expand(files, lang)?;
    if slug.is_some() && files.len() > 1 {
        return Err(tr!(
            lang,
            "--slug chỉ dùng được khi nhập một tệp (đang có {} tệp)",
            "--slug works with one file only ({} files given)",
            files.len()
        ));
    }
    let opts = import::Options {
        section,
        slug,
        draft,
    };
    let mut failed = 0;
    for f in &files {
        match import::import_docx(root, f, &opts) {
            Ok(report) => {
                println!("{}", report.page.display());
                eprintln!("{}", report.render(lang));
            }
            Err(e) => {
                eprintln!("{}", e.message(lang));
                failed += 1;
            }
        }
    }
    match failed {
        0 => Ok(()),
        n => Err(tr!(
            lang,
            "{n}/{} tệp không nhập được; các tệp khác đã nhập xong.",
            "{n} of {} files could not be imported; the others were.",
            files.len()
        )),
    }
}
