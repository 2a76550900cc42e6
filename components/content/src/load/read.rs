//! Reading a content file: bytes to NFC text (UTF-8 checked, legacy TCVN3/VNI fonts
//! converted, the bytes hashed for the no-change key), then its front matter parsed.

use super::frontmatter::{self, PageFront};
use crate::diag::{line_col, Diagnostic};
use crate::util::hash::{file_hash, Key};
use i18n::{tr, Lang};
use std::borrow::Cow;
use std::path::Path;

/// Reads a user file as NFC text; non-UTF-8 is an error with the position of the bad byte.
pub fn read_text(root: &Path, path: &Path, lang: Lang) -> Result<String, Diagnostic> {
    read_text_hashed(root, path, lang).map(|(text, _)| text)
}

/// The same, with the hash of the bytes read ([`file_hash`]): the no-change key
/// takes it instead of reading the file a second time.
pub fn read_text_hashed(root: &Path, path: &Path, lang: Lang) -> Result<(String, Key), Diagnostic> {
    read_text_utf16(root, path, lang).map(|(text, hash, _)| (text, hash))
}

/// UTF-16 text with its byte-order mark (Notepad's "Unicode" and "Unicode big endian"): the
/// mark says exactly what the file is, so it is converted rather than refused.
fn from_utf16(bytes: &[u8]) -> Option<String> {
    let big = match bytes {
        [0xFF, 0xFE, ..] => false,
        [0xFE, 0xFF, ..] => true,
        _ => return None,
    };
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|p| {
            if big {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            }
        })
        .collect();
    bytes
        .len()
        .is_multiple_of(2)
        .then(|| String::from_utf16(&units).ok())
        .flatten()
}

/// [`read_text_hashed`], and whether the file was UTF-16 (converted; worth a warning).
pub(crate) fn read_text_utf16(
    root: &Path,
    path: &Path,
    lang: Lang,
) -> Result<(String, Key, bool), Diagnostic> {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            &rel,
            0,
            0,
            tr!(lang, "không đọc được tệp: {e}", "cannot read the file: {e}"),
        )
    })?;
    let hash = file_hash(&bytes);
    if let Some(text) = from_utf16(&bytes) {
        return Ok((vi::nfc_owned(text), hash, true));
    }
    // Content is mostly Vietnamese, where std's check slows down on every other letter; the
    // SIMD check is several times faster. The error, rare, comes from std as before.
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: the bytes were just checked to be valid UTF-8.
        let s = unsafe { String::from_utf8_unchecked(bytes) };
        return Ok((vi::nfc_owned(s), hash, false));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((vi::nfc_owned(s), hash, false)),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
            let (l, c) = line_col(&prefix, prefix.len());
            Err(Diagnostic::error(
                rel,
                l,
                c,
                tr!(
                    lang,
                    "tệp không phải văn bản UTF-8. Mở tệp và lưu lại với bảng mã UTF-8 (trong Notepad: Lưu thành... > Mã hóa: UTF-8)",
                    "the file is not UTF-8 text. Open it and save it again as UTF-8 (Notepad: Save as... > Encoding: UTF-8)"
                ),
            ))
        }
    }
}

/// A content file read as NFC text (legacy encodings converted) with its parsed front matter.
pub struct ReadFront<T> {
    pub raw: String,
    pub front: T,
    pub front_offset: usize,
    pub front_len: usize,
    pub body_offset: usize,
    /// Hash of the file's bytes as read.
    pub hash: Key,
}

/// Taxonomy terms as written, trimmed, empty ones left out.
pub fn tidy_terms(front: &mut PageFront) {
    for terms in front.taxonomies.values_mut() {
        for t in terms.iter_mut() {
            if t.trim().len() != t.len() {
                *t = t.trim().to_string();
            }
        }
        terms.retain(|t| !t.is_empty());
    }
}

/// Reads and parses one content file: the warning about a legacy encoding, if any, and the
/// file or the error that stopped it.
pub fn read_front<T: for<'de> serde::Deserialize<'de> + Default>(
    root: &Path,
    f: &Path,
    rel_file: &Path,
    lang: Lang,
) -> (Option<Diagnostic>, Result<ReadFront<T>, Diagnostic>) {
    let (raw, hash, utf16) = match read_text_utf16(root, f, lang) {
        Ok(t) => t,
        Err(d) => return (None, Err(d)),
    };
    let (raw, warning) = fix_legacy(raw, rel_file, lang);
    let warning = warning.or_else(|| {
        utf16.then(|| {
            Diagnostic::warning(
                rel_file,
                1,
                1,
                tr!(
                    lang,
                    "tệp được lưu ở dạng UTF-16 (Notepad: \"Unicode\") và đã được chuyển sang UTF-8 để dựng trang; nên lưu lại tệp với mã hóa UTF-8 (Lưu thành... > Mã hóa: UTF-8)",
                    "the file is saved as UTF-16 (Notepad: \"Unicode\") and was converted to UTF-8 for the build; consider saving it as UTF-8 (Save as... > Encoding: UTF-8)"
                ),
            )
        })
    });
    let split = match frontmatter::split(&raw, lang) {
        Ok(s) => s,
        Err(e) => {
            let (l, c) = line_col(&raw, e.offset);
            return (warning, Err(Diagnostic::error(rel_file, l, c, e.message)));
        }
    };
    let front = match frontmatter::parse::<T>(&split, lang) {
        Ok(f) => f,
        Err(e) => {
            let (l, c) = frontmatter::position(&raw, split.front_offset, &e);
            return (warning, Err(Diagnostic::error(rel_file, l, c, e.message)));
        }
    };
    let (front_offset, front_len, body_offset) =
        (split.front_offset, split.front.len(), split.body_offset);
    (
        warning,
        Ok(ReadFront {
            raw,
            front,
            front_offset,
            front_len,
            body_offset,
            hash,
        }),
    )
}

/// Converts text typed with legacy TCVN3/VNI fonts, with a warning naming the file.
pub fn fix_legacy(raw: String, file: &Path, lang: Lang) -> (String, Option<Diagnostic>) {
    let converted = match vi::legacy::fix(&raw) {
        (Cow::Owned(fixed), Some(enc)) => Some((fixed, enc)),
        _ => None,
    };
    let Some((fixed, enc)) = converted else {
        return (raw, None);
    };
    let name = match enc {
        vi::legacy::Encoding::Tcvn3 => "TCVN3 (.VnTime)",
        vi::legacy::Encoding::Vni => "VNI",
    };
    let w = Diagnostic::warning(
        file,
        0,
        0,
        tr!(
            lang,
            "văn bản gõ bằng bảng mã cũ {name} đã được chuyển sang Unicode khi dựng trang; nên lưu lại tệp ở dạng Unicode",
            "text typed in the legacy {name} encoding was converted to Unicode for the build; consider saving the file as Unicode"
        ),
    );
    (fixed, Some(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_text_gives_nfc_and_places_bad_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let nfd = dir.path().join("nfd.md");
        std::fs::write(&nfd, "Tie\u{302}\u{309}u ho\u{323}c\n").unwrap();
        assert_eq!(read_text(dir.path(), &nfd, Lang::En).unwrap(), "Tiểu học\n");
        let bad = dir.path().join("bad.md");
        std::fs::write(&bad, b"ok\nab\xff\n").unwrap();
        let e = read_text(dir.path(), &bad, Lang::En).unwrap_err();
        assert_eq!((e.line, e.col), (2, 3), "{e:?}");
        assert_eq!(e.file, Path::new("bad.md"));
    }
}
