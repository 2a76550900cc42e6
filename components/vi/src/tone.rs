//! One canonical tone placement: the traditional style for the ambiguous open syllables
//! oa, oe, uy ("hoà" -> "hòa"), and the exact search form built on it.

use unicode_normalization::char::is_combining_mark;

use crate::normalize::{nfc, nfc_owned};
use crate::vowel;

/// NFC with one tone placement: "hoà" -> "hòa", "thuỷ" -> "thủy" (case kept).
///
/// Only the open syllables ending in oa, oe, uy are ambiguous: the traditional style puts
/// the tone on the first vowel ("hòa", "khỏe", "thủy"), the newer style on the second
/// ("hoà", "khoẻ", "thuỷ"). The traditional one is canonical. With a final consonant
/// ("hoàng", "khuyến") or after "qu" ("quý") both styles agree, so nothing moves.
pub fn canonical(s: &str) -> String {
    let s = nfc(s);
    match move_tones(&s) {
        Some(moved) => moved,
        None => s.into_owned(),
    }
}

/// The tone-moved copy of NFC `s`, or `None` when nothing has to move (no copy made).
fn move_tones(s: &str) -> Option<String> {
    let mut out: Option<String> = None;
    // (byte offset, char) of the previous char and the char before it.
    let mut prev: Option<(usize, char)> = None;
    let mut prev2: Option<char> = None;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        let swapped = match prev {
            Some((_, p)) if !c.is_ascii() && matches!(p, 'o' | 'O' | 'u' | 'U') => {
                retone_pair(prev2, p, c, next)
            }
            _ => None,
        };
        match swapped {
            Some((first, second)) => {
                match out.as_mut() {
                    // The copy already holds the first vowel: replace it.
                    Some(buf) => {
                        buf.pop();
                    }
                    None => {
                        let start = prev.map_or(i, |(j, _)| j);
                        out = Some(s[..start].to_string());
                    }
                }
                let buf = out.get_or_insert_with(String::new);
                buf.push(first);
                buf.push(second);
                prev2 = Some(first);
                prev = Some((i, second));
            }
            None => {
                if let Some(buf) = out.as_mut() {
                    buf.push(c);
                }
                prev2 = prev.map(|(_, p)| p);
                prev = Some((i, c));
            }
        }
    }
    out
}

/// For the vowel pair `first second` (first is o/u) of an oa/oe/uy syllable with the tone
/// on the second vowel and no letter after it, the pair with the tone on the first vowel.
fn retone_pair(
    before: Option<char>,
    first: char,
    second: char,
    next: Option<char>,
) -> Option<(char, char)> {
    use vowel::*;
    let v2 = decompose(second)?;
    if v2.tone == NONE {
        return None;
    }
    let v1 = decompose(first)?;
    let pair_ok = matches!((v1.base, v2.base), (O, A) | (O, E) | (U, Y));
    if !pair_ok || v1.tone != NONE {
        return None;
    }
    // A following letter (final consonant or third vowel) fixes the tone on the second vowel;
    // a following mark of any script leaves the pair alone, as the browser's search script
    // does (moving the tone past it would let NFC compose differently on a second pass).
    if next.is_some_and(|n| n.is_alphanumeric() || is_combining_mark(n)) {
        return None;
    }
    // In "qu" the u belongs to the consonant: "quý" is right in both styles.
    // A vowel before would make a triphthong, not the ambiguous pair.
    if let Some(b) = before {
        if matches!(b, 'q' | 'Q') || decompose(b).is_some() {
            return None;
        }
    }
    Some((
        compose(v1.base, v2.tone, v1.upper),
        compose(v2.base, NONE, v2.upper),
    ))
}

/// The exact search form: [`canonical`], then lower case.
///
/// NFC again after lower-casing: a capital without a precomposed form ("T\u{308}") has a
/// lower-case one ("ẗ"), so the form of a form is the form itself.
pub fn lower(s: &str) -> String {
    nfc_owned(canonical(s).to_lowercase())
}
