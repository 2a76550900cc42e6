//! The files teachers drop beside a post: finding them whatever the computer that named them,
//! naming them safely for the web, and telling photos from videos and documents.
//!
//! macOS, phones and zip tools store "Ảnh lễ chào cờ.JPG" decomposed (NFD) while every editor
//! types it composed (NFC): the two are different bytes on a Linux host, so a name is looked up
//! by its NFC form, then without regard to case (Windows does not care about case, the host
//! does). A name that matches nothing gets the nearest existing name as a suggestion.

use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// What kind of file an asset is, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A photo the site resizes (JPEG, PNG, WebP, GIF).
    Photo,
    /// HEIC/HEIF or AVIF (iPhones, newer Android phones): converted to JPEG + WebP.
    Heif,
    /// A video (too heavy for a school's host: better on YouTube).
    Video,
    /// A document offered as a download (PDF, Word, Excel, PowerPoint, OpenDocument).
    Document,
    /// Anything else (SVG, audio, zip...): published as it is.
    Other,
}

impl Kind {
    /// The kind of `path`, by extension, in any case.
    pub fn of(path: &Path) -> Kind {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "jpg" | "jpeg" | "png" | "webp" | "gif" => Kind::Photo,
            "heic" | "heif" | "hif" | "avif" => Kind::Heif,
            "mp4" | "mov" | "m4v" | "avi" | "mkv" | "webm" | "3gp" | "wmv" | "mpg" | "mpeg" => {
                Kind::Video
            }
            "pdf" | "doc" | "docx" | "xls" | "xlsx" | "ppt" | "pptx" | "odt" | "ods" | "odp"
            | "rtf" => Kind::Document,
            _ => Kind::Other,
        }
    }
}

/// Finds `rel` (a `/`-separated path, already percent-decoded) under `base`: the exact name,
/// else the one name per folder that is the same once composed (NFC), else the one that is the
/// same ignoring case too. `Err` carries the nearest name in the last folder reached, if one
/// is close enough to be a likely typo.
pub fn find(base: &Path, rel: &str) -> Result<PathBuf, Option<String>> {
    let exact = base.join(rel);
    if exact.is_file() {
        return Ok(exact);
    }
    let mut at = base.to_path_buf();
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let direct = at.join(part);
        let found = if (last && direct.is_file()) || (!last && direct.is_dir()) {
            Some(direct)
        } else {
            lookup(&at, part, last)
        };
        match found {
            Some(p) => at = p,
            None => return Err(if last { nearest(&at, part) } else { None }),
        }
    }
    if at.is_file() {
        Ok(at)
    } else {
        Err(None)
    }
}

/// The entry of `dir` that is `name` once both are NFC (then also ignoring case), if exactly one.
fn lookup(dir: &Path, name: &str, file: bool) -> Option<PathBuf> {
    let want: String = name.nfc().collect();
    let entries: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let p = e.path();
            if file {
                p.is_file()
            } else {
                p.is_dir()
            }
        })
        .map(|e| (e.file_name().to_string_lossy().nfc().collect(), e.path()))
        .collect();
    let pick = |same: &dyn Fn(&str) -> bool| {
        let mut hits = entries.iter().filter(|(n, _)| same(n));
        match (hits.next(), hits.next()) {
            (Some((_, p)), None) => Some(p.clone()),
            _ => None,
        }
    };
    let lower = want.to_lowercase();
    pick(&|n: &str| n == want).or_else(|| pick(&|n: &str| n.to_lowercase() == lower))
}

/// The file name in `dir` closest to `name` (edit distance on lower-case NFC names), when it
/// is close enough to be the one meant.
pub fn nearest(dir: &Path, name: &str) -> Option<String> {
    let want: String = name.nfc().collect::<String>().to_lowercase();
    let limit = (want.chars().count() / 3).max(3);
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().nfc().collect::<String>())
        .filter(|n| !n.starts_with('.') && !n.ends_with(".md"))
        .map(|n| (strsim::levenshtein(&n.to_lowercase(), &want), n))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| n)
}

/// The URL-safe name a bundle file is published under: every folder and the file name made
/// safe by [`vi::safe_file_stem`] and [`vi::safe_file_name`]. "Ảnh lễ/Chào cờ 01.JPG" ->
/// "anh-le/chao-co-01.jpg".
pub fn url_path(rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    let mut out = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        if i + 1 < parts.len() {
            out.push(vi::safe_file_stem(part));
        } else {
            out.push(vi::safe_file_name(part));
        }
    }
    out.join("/")
}

/// A file size as people read it: "850 KB", "12,4 MB" (Vietnamese decimal comma).
pub fn human_size(bytes: u64, comma: bool) -> String {
    let text = if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000).max(1))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    };
    if comma {
        text.replace('.', ",")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nfd_names_from_nfc_text_and_other_case() {
        let dir = tempfile::tempdir().unwrap();
        let nfd: String = "Ảnh lễ chào cờ 01.JPG".nfd().collect();
        std::fs::write(dir.path().join(&nfd), b"x").unwrap();
        let found = find(dir.path(), "Ảnh lễ chào cờ 01.JPG").unwrap();
        assert_eq!(found, dir.path().join(&nfd));
        assert_eq!(find(dir.path(), "ảnh lễ chào cờ 01.jpg").unwrap(), found);
        assert_eq!(
            find(dir.path(), "anh-le-chao-co-01.jpg"),
            Err(None),
            "too far to suggest"
        );
        assert_eq!(
            find(dir.path(), "Ảnh lễ chào cờ 02.JPG"),
            Err(Some("Ảnh lễ chào cờ 01.JPG".to_string()))
        );
    }

    #[test]
    fn url_paths_are_slugged_with_lower_case_extensions() {
        assert_eq!(url_path("Ảnh lễ/Chào cờ 01.JPG"), "anh-le/chao-co-01.jpg");
        assert_eq!(url_path("Kế hoạch số 31.PDF"), "ke-hoach-so-31.pdf");
        assert_eq!(url_path("ban-do.svg"), "ban-do.svg");
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::of(Path::new("IMG_0042.HEIC")), Kind::Heif);
        assert_eq!(Kind::of(Path::new("a.Jpeg")), Kind::Photo);
        assert_eq!(Kind::of(Path::new("le.MOV")), Kind::Video);
        assert_eq!(Kind::of(Path::new("ke-hoach.docx")), Kind::Document);
        assert_eq!(Kind::of(Path::new("ban-do.svg")), Kind::Other);
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(850_000, false), "850 KB");
        assert_eq!(human_size(12_400_000, true), "12,4 MB");
        assert_eq!(human_size(10, false), "1 KB");
    }
}
