//! Text typed in the legacy Vietnamese encodings TCVN3 (TCVN 5712:1993 VN3, the ".Vn"
//! fonts such as .VnTime, keyboard table "ABC") and VNI-Windows (the "VNI-" fonts), then
//! pasted or saved as if it were Windows-1252 text: "Tr­êng TiÓu häc" (TCVN3) and
//! "Tröôøng Tieåu hoïc" (VNI) are both "Trường Tiểu học".
//!
//! Detection is by evidence, word by word: a legacy word read as Latin-1 is not a
//! Vietnamese syllable, and becomes one when converted; a Unicode Vietnamese word already
//! is one (or holds letters no legacy text can hold, such as ư, ạ, ế).

//! When the font is known (a Word run in ".VnTime" or "VNI-Times"), [`font`] names the
//! encoding and [`from_font`] converts exactly, with no guessing.

mod convert;
mod detect;
mod encoding;
mod font;
mod tables;

use convert::{tcvn3_to_unicode, vni_to_unicode};
pub use detect::detect;
pub use encoding::Encoding;
pub use font::{font, from_font, LegacyFont};
use std::borrow::Cow;

/// Converts `s` from `enc` (read as Latin-1 / Windows-1252) to Unicode NFC.
pub fn to_unicode(s: &str, enc: Encoding) -> String {
    match enc {
        Encoding::Tcvn3 => tcvn3_to_unicode(s),
        Encoding::Vni => vni_to_unicode(s),
    }
}

/// [`detect`] then [`to_unicode`]; the input itself, borrowed and not copied, when no legacy
/// encoding is found (the usual case).
pub fn fix(s: &str) -> (Cow<'_, str>, Option<Encoding>) {
    match detect(s) {
        Some(enc) => (Cow::Owned(to_unicode(s, enc)), Some(enc)),
        None => (Cow::Borrowed(s), None),
    }
}

#[cfg(test)]
mod tests;
