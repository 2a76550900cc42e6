//! Pictures: taken out of the package under safe names beside index.md (from their alt
//! text, else "anh-N"), in the formats the site's image pipeline processes; others (EMF, WMF,
//! TIFF...) are reported as not carried over.

use crate::archive::Package;
use crate::error::ImportError;
use crate::markdown::inline::Picture;
use crate::model::Image;
use std::collections::HashMap;

/// Pictures ready to write, and what could not come over.
#[derive(Debug, Default)]
pub struct Media {
    /// By image index: file name ("" when not carried over) and alt text.
    pub pictures: Vec<Picture>,
    /// Files to write beside index.md.
    pub files: Vec<(String, Vec<u8>)>,
    /// Pictures in a format the site cannot show: (Word's name, extension).
    pub unsupported: Vec<(String, String)>,
}

/// Reads the pictures of a document.
pub fn extract(pkg: &mut Package, images: &[Image]) -> Result<Media, ImportError> {
    let mut m = Media::default();
    // A picture used twice is written once.
    let mut by_part: HashMap<&str, String> = HashMap::new();
    let mut taken: std::collections::HashSet<String> = ["index".to_string()].into();
    for (k, img) in images.iter().enumerate() {
        let ext = extension(&img.part);
        let file = match by_part.get(img.part.as_str()) {
            Some(f) => f.clone(),
            None if !matches!(ext.as_str(), "jpg" | "png" | "gif" | "webp") => {
                let name = if img.name.is_empty() {
                    img.part.clone()
                } else {
                    img.name.clone()
                };
                m.unsupported.push((name, ext));
                String::new()
            }
            None => match pkg.read(&img.part)? {
                Some(bytes) => {
                    let base = stem(&img.alt, k + 1);
                    let stem = vi::unique_slug(&base, &mut taken);
                    let file = format!("{stem}.{ext}");
                    by_part.insert(&img.part, file.clone());
                    m.files.push((file.clone(), bytes));
                    file
                }
                None => String::new(),
            },
        };
        m.pictures.push(Picture {
            file,
            alt: img.alt.clone(),
        });
    }
    Ok(m)
}

/// The file extension, lower case, "jpeg" as "jpg".
fn extension(part: &str) -> String {
    let ext = part
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "jpeg" {
        "jpg".into()
    } else {
        ext
    }
}

/// A short slug of the alt text ("hoc-sinh-chao-co"), else "anh-3".
fn stem(alt: &str, n: usize) -> String {
    let slug = vi::slugify(alt);
    let mut out = String::new();
    for word in slug.split('-') {
        if !out.is_empty() && out.len() + word.len() + 1 > 40 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    if out.is_empty() || out.len() > 40 {
        format!("anh-{n}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe() {
        assert_eq!(
            stem("Học sinh chào cờ đầu tuần", 1),
            "hoc-sinh-chao-co-dau-tuan"
        );
        assert_eq!(stem("", 3), "anh-3");
        assert_eq!(stem("../../etc/passwd", 2), "etc-passwd");
        assert_eq!(extension("word/media/image1.JPEG"), "jpg");
    }
}
