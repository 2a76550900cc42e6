//! Text whose font is known to be a legacy one, as in a Word document: the font names the
//! encoding, so the conversion is exact (no guessing of the encoding, nor of the case).
//!
//! TCVN3 (ABC) fonts are named ".VnTime", ".VnArial", ...; the ones ending in "H"
//! (".VnTimeH") draw every letter as a capital, so their text is mapped, then upper-cased.
//! VNI fonts are named "VNI-Times", "VNI-Helve", ...

use super::convert::vni_to_unicode;
use super::encoding::Encoding;
use super::tables::tcvn3_char;

/// A legacy font: the encoding its text is in, and whether it draws only capitals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LegacyFont {
    /// TCVN3 or VNI.
    pub encoding: Encoding,
    /// A ".Vn...H" font: every letter shows as a capital.
    pub capitals: bool,
}

/// The legacy font a font name stands for, or `None` for a Unicode font ("Times New Roman").
pub fn font(name: &str) -> Option<LegacyFont> {
    let name = name.trim();
    if let Some(rest) = name.strip_prefix('.') {
        // ".VnTime", ".VnTimeH", ".VnCentury SchoolbookH"; a bare "." is no font name.
        let letters = rest.chars().any(|c| c.is_ascii_alphabetic());
        return letters.then(|| LegacyFont {
            encoding: Encoding::Tcvn3,
            capitals: rest.len() > 1 && rest.ends_with('H'),
        });
    }
    let head = name.get(..4).map(str::to_ascii_uppercase);
    matches!(head.as_deref(), Some("VNI-" | "VNI ")).then_some(LegacyFont {
        encoding: Encoding::Vni,
        capitals: false,
    })
}

/// Converts text typed in `font` to Unicode (NFC).
///
/// Word keeps each byte as the Windows-1252 char of the same code (TCVN3 "ư" is byte 0xAD,
/// a soft hyphen U+00AD, which the caller must not have dropped); a document saved from a
/// symbol-like font may hold the byte as U+F000 + byte instead, which is read the same.
pub fn from_font(text: &str, font: LegacyFont) -> String {
    let bytes: String = text.chars().map(unshift_private_use).collect();
    let converted = match font.encoding {
        Encoding::Tcvn3 => bytes.chars().map(|c| tcvn3_char(c).unwrap_or(c)).collect(),
        Encoding::Vni => vni_to_unicode(&bytes),
    };
    if font.capitals {
        converted.chars().flat_map(char::to_uppercase).collect()
    } else {
        converted
    }
}

/// U+F020..U+F0FF (a byte of a symbol-charset font, as Word stores it) -> the byte's char.
fn unshift_private_use(c: char) -> char {
    match c as u32 {
        cp @ 0xF020..=0xF0FF => char::from_u32(cp - 0xF000).unwrap_or(c),
        _ => c,
    }
}
