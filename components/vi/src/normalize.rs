//! Unicode NFC, borrowed when the text is already composed: a quick byte scan passes over
//! nearly all Vietnamese text without decoding it.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Unicode NFC of `s`, borrowed (no copy) when `s` is already NFC, the usual case: a quick
/// check tells most NFC text from the rest without composing anything.
pub fn nfc(s: &str) -> Cow<'_, str> {
    if is_nfc_fast(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// `is_nfc_quick(s.chars()) == IsNormalized::Yes`, without decoding the chars that are known
/// to pass: ASCII, U+0080..U+02FF (Latin-1 to spacing modifiers) and U+1E00..U+1EFF (Latin
/// Extended Additional, which holds ạ..ỹ) are all starters that NFC allows. That is nearly
/// every char of Vietnamese text, so most of it is passed over 32 bytes at a time; the rest
/// goes through the full check.
pub(crate) fn is_nfc_fast(s: &str) -> bool {
    const BLOCK: usize = 32;
    let b = s.as_bytes();
    // A byte that needs no look: ASCII, a continuation byte, the lead byte of a char below
    // U+0300, or the lead byte of U+1E00..U+1EFF (E1 B8..BB).
    let passes = |x: u8, next: u8| x < 0xCC || (x == 0xE1 && next & 0xFC == 0xB8);
    let mut i = 0;
    // Canonical combining class of the previous char (0 for the ones that pass).
    let mut last_cc = 0u8;
    while i < b.len() {
        if let Some(w) = b.get(i..i + BLOCK + 1) {
            // Branch-free, so the compiler can test the whole block at once.
            let all = (0..BLOCK).fold(true, |ok, k| ok & passes(w[k], w[k + 1]));
            if all {
                last_cc = 0;
                i += BLOCK;
                continue;
            }
        }
        // Char by char to the end of this block (`s` is valid UTF-8: a lead byte is followed
        // by its continuation bytes).
        let end = (i + BLOCK).min(b.len());
        while i < end {
            let x = b[i];
            if x & 0xC0 == 0x80 {
                // The tail of a char the block before passed.
                i += 1;
                continue;
            }
            let next = b.get(i + 1).copied().unwrap_or(0);
            if passes(x, next) {
                last_cc = 0;
                i += match x {
                    0x00..=0x7F => 1,
                    0x80..=0xDF => 2,
                    _ => 3,
                };
                continue;
            }
            let Some(c) = s[i..].chars().next() else {
                return true;
            };
            let cc = unicode_normalization::char::canonical_combining_class(c);
            if last_cc > cc && cc != 0 {
                return false;
            }
            if is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes {
                return false;
            }
            last_cc = cc;
            i += c.len_utf8();
        }
    }
    true
}

/// [`nfc`] of an owned string: the string itself when it is already NFC.
pub fn nfc_owned(s: String) -> String {
    match nfc(&s) {
        Cow::Owned(composed) => composed,
        Cow::Borrowed(_) => s,
    }
}
