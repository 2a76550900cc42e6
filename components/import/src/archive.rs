//! Reading a .docx (a zip archive) safely: every entry name is checked before anything is
//! read (no `../`, no absolute paths), sizes are capped per entry and in total, entries that
//! unpack to far more than they take (zip bombs) are refused, and reads stop at the cap even
//! when an entry's header lies about its size.

use crate::error::ImportError;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use zip::ZipArchive;

/// Largest entry an import unpacks (a photo straight from a camera is well under this).
pub const MAX_ENTRY: u64 = 256 << 20;
/// Largest total an import unpacks.
pub const MAX_TOTAL: u64 = 1 << 30;
/// Entries larger than this must not unpack to more than [`MAX_RATIO`] times their size.
const BOMB_FLOOR: u64 = 8 << 20;
/// Word's XML packs about 10:1; deflate's best is about 1000:1, which only filler reaches.
const MAX_RATIO: u64 = 200;
/// More entries than any real document has.
const MAX_ENTRIES: usize = 20_000;

/// What a package is read from: a file, or bytes in memory.
trait Source: Read + Seek {}
impl<T: Read + Seek> Source for T {}

/// An opened .docx whose entry names and declared sizes have been checked.
pub struct Package {
    file: PathBuf,
    zip: ZipArchive<Box<dyn Source>>,
    /// Bytes unpacked so far, against [`MAX_TOTAL`].
    unpacked: u64,
}

impl Package {
    /// Opens `path` and checks every entry; the main document must be there.
    pub fn open(path: &Path) -> Result<Package, ImportError> {
        let f = File::open(path).map_err(|error| ImportError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        Package::from_source(path, Box::new(BufReader::new(f)))
    }

    /// Opens a .docx held in memory; `name` is used in messages.
    pub fn from_bytes(name: &Path, bytes: Vec<u8>) -> Result<Package, ImportError> {
        Package::from_source(name, Box::new(Cursor::new(bytes)))
    }

    fn from_source(path: &Path, source: Box<dyn Source>) -> Result<Package, ImportError> {
        let mut zip = ZipArchive::new(source).map_err(|e| ImportError::NotDocx {
            file: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        let file = path.to_path_buf();
        if zip.len() > MAX_ENTRIES {
            return Err(ImportError::TooLargeInTotal {
                file,
                limit: MAX_TOTAL,
            });
        }
        let mut declared = 0u64;
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(|e| ImportError::NotDocx {
                file: file.clone(),
                detail: e.to_string(),
            })?;
            let name = entry.name().to_string();
            if !safe_name(&name) {
                return Err(ImportError::UnsafeEntry { file, entry: name });
            }
            let (size, packed) = (entry.size(), entry.compressed_size());
            if size > MAX_ENTRY {
                return Err(ImportError::EntryTooLarge {
                    file,
                    entry: name,
                    limit: MAX_ENTRY,
                });
            }
            if size > BOMB_FLOOR && size / packed.max(1) > MAX_RATIO {
                return Err(ImportError::ZipBomb { file, entry: name });
            }
            declared += size;
        }
        if declared > MAX_TOTAL {
            return Err(ImportError::TooLargeInTotal {
                file,
                limit: MAX_TOTAL,
            });
        }
        if zip.index_for_name("word/document.xml").is_none() {
            return Err(ImportError::NoDocument { file });
        }
        Ok(Package {
            file,
            zip,
            unpacked: 0,
        })
    }

    /// The .docx file this package was opened from.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The bytes of entry `name`, or `None` when there is no such entry.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let bad = |file: &Path, detail: String| ImportError::BadEntry {
            file: file.to_path_buf(),
            entry: name.to_string(),
            detail,
        };
        let entry = self
            .zip
            .by_index(index)
            .map_err(|e| bad(&self.file, e.to_string()))?;
        let packed = entry.compressed_size();
        // Read one byte past the cap: a header that understates the size cannot slip by.
        let cap = MAX_ENTRY.min(MAX_TOTAL - self.unpacked);
        // A bomb whose header lies is stopped as soon as it unpacks past what its packed size
        // allows (a few MB), not after hundreds of MB are in memory.
        let bomb_cap = BOMB_FLOOR.max(packed.saturating_mul(MAX_RATIO + 1));
        let mut bytes = Vec::with_capacity(entry.size().min(cap).min(bomb_cap) as usize);
        entry
            .take(cap.min(bomb_cap) + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| bad(&self.file, e.to_string()))?;
        let size = bytes.len() as u64;
        if size > BOMB_FLOOR && size / packed.max(1) > MAX_RATIO {
            return Err(ImportError::ZipBomb {
                file: self.file.clone(),
                entry: name.to_string(),
            });
        }
        if size > cap {
            return Err(if cap < MAX_ENTRY {
                ImportError::TooLargeInTotal {
                    file: self.file.clone(),
                    limit: MAX_TOTAL,
                }
            } else {
                ImportError::EntryTooLarge {
                    file: self.file.clone(),
                    entry: name.to_string(),
                    limit: MAX_ENTRY,
                }
            });
        }
        self.unpacked += size;
        Ok(Some(bytes))
    }

    /// Entry `name` as text (UTF-8, or UTF-16 with a byte order mark), or `None`.
    pub fn read_text(&mut self, name: &str) -> Result<Option<String>, ImportError> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        let text = decode(&bytes).ok_or_else(|| ImportError::BadEntry {
            file: self.file.clone(),
            entry: name.to_string(),
            detail: "not UTF-8 or UTF-16 text".to_string(),
        })?;
        Ok(Some(text))
    }
}

/// XML parts are UTF-8 (Word) or, rarely, UTF-16 with a byte order mark.
fn decode(bytes: &[u8]) -> Option<String> {
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|p| {
                if be {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(false),
        [0xFE, 0xFF, ..] => utf16(true),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// A name that stays inside the folder it would be unpacked into.
fn safe_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let drive = bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic();
    !name.starts_with(['/', '\\'])
        && !drive
        && !name.contains('\0')
        && !name.split(['/', '\\']).any(|p| p == "..")
}

/// The package name a relationship target points to, seen from the part `from`
/// ("word/document.xml" + "media/image1.png" = "word/media/image1.png"); `None` when it
/// would leave the package.
pub fn resolve(from: &str, target: &str) -> Option<String> {
    let target = target.split(['#', '?']).next().unwrap_or(target);
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        from.split('/').collect()
    };
    if !target.starts_with('/') {
        parts.pop();
    }
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_are_unsafe() {
        for bad in [
            "../x",
            "word/../../x",
            "/etc/passwd",
            "\\x",
            "C:/x",
            "a\\..\\b",
        ] {
            assert!(!safe_name(bad), "{bad}");
        }
        for good in [
            "word/document.xml",
            "[Content_Types].xml",
            "word/media/a..b.png",
        ] {
            assert!(safe_name(good), "{good}");
        }
    }

    #[test]
    fn targets_resolve_inside_the_package() {
        let doc = "word/document.xml";
        assert_eq!(
            resolve(doc, "media/a.png").as_deref(),
            Some("word/media/a.png")
        );
        assert_eq!(
            resolve(doc, "../media/a.png").as_deref(),
            Some("media/a.png")
        );
        assert_eq!(resolve(doc, "/word/x.xml").as_deref(), Some("word/x.xml"));
        assert_eq!(resolve(doc, "../../x"), None);
    }

    #[test]
    fn text_in_any_unicode_form() {
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>").as_deref(), Some("<a/>"));
        assert_eq!(decode(b"\xFF\xFE<\0a\0").as_deref(), Some("<a"));
        assert_eq!(decode(b"\xFF\x00"), None);
    }
}
