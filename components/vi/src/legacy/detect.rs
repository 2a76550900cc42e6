//! Guessing the encoding of text that came with no font name: evidence, word by word.

use super::convert::vni_to_unicode;
use super::encoding::Encoding;
use super::tables::{is_code, tcvn3_char};
use crate::syllable::is_syllable;
use crate::vowel;

/// Guesses whether `s` is TCVN3 or VNI text read as Latin-1; `None` for Unicode text
/// (Vietnamese or not) and whenever the evidence is thin.
pub fn detect(s: &str) -> Option<Encoding> {
    if !worth_looking(s) {
        return None;
    }
    let tcvn3 = Evidence::gather(s, Encoding::Tcvn3);
    let vni = Evidence::gather(s, Encoding::Vni);
    match (tcvn3.convincing(), vni.convincing()) {
        (true, true) => {
            // Both readings make words: the one with more (and better-cased) words wins;
            // a draw ("tö" is VNI "tư" and TCVN3 "tử") leaves the text alone.
            let (t, v) = ((tcvn3.legacy, tcvn3.cased), (vni.legacy, vni.cased));
            match t.cmp(&v) {
                std::cmp::Ordering::Greater => Some(Encoding::Tcvn3),
                std::cmp::Ordering::Less => Some(Encoding::Vni),
                std::cmp::Ordering::Equal => None,
            }
        }
        (true, false) => Some(Encoding::Tcvn3),
        (false, true) => Some(Encoding::Vni),
        (false, false) => None,
    }
}

/// A fast first look: legacy text is made of Latin-1 signs only, while Unicode Vietnamese uses
/// more letters outside Latin-1 (ă đ ơ ư and most toned vowels) than inside it (à á â é ê ...). Plain ASCII text, or text where
/// Unicode Vietnamese letters outnumber Latin-1 ones, needs no closer look.
pub(super) fn worth_looking(s: &str) -> bool {
    // Counted on the UTF-8 bytes, branch-free so the compiler can count a block at once:
    // every char has one lead byte, and the lead bytes counted here (C2..C6, E1) are never
    // anything else. Past the end of the text, zeros are read.
    let b = s.as_bytes();
    let count = |x: u8, y: u8, z: u8| -> (u8, u8) {
        let pair = y & 0xFE;
        // U+00A0..U+00BF, U+00C0..U+00FF
        let latin1 = (x == 0xC3) | ((x == 0xC2) & (y >= 0xA0));
        // Ă ă Đ đ Ĩ ĩ, Ũ ũ, Ơ ơ Ư ư, Ạ..ỹ (U+1EA0..U+1EF9)
        let vietnamese = ((x == 0xC4) & ((pair == 0x82) | (pair == 0x90) | (pair == 0xA8)))
            | ((x == 0xC5) & (pair == 0xA8))
            | ((x == 0xC6) & ((pair == 0xA0) | (y == 0xAF) | (y == 0xB0)))
            | ((x == 0xE1) & (((y == 0xBA) & (z >= 0xA0)) | ((y == 0xBB) & (z <= 0xB9))));
        (u8::from(latin1), u8::from(vietnamese))
    };
    const BLOCK: usize = 64;
    let (mut latin1, mut vietnamese) = (0usize, 0usize);
    let mut i = 0;
    while let Some(w) = b.get(i..i + BLOCK + 2) {
        let w: &[u8; BLOCK + 2] = w.try_into().unwrap_or(&[0; BLOCK + 2]);
        let (mut l, mut v) = (0u8, 0u8);
        for k in 0..BLOCK {
            let (dl, dv) = count(w[k], w[k + 1], w[k + 2]);
            l += dl;
            v += dv;
        }
        latin1 += usize::from(l);
        vietnamese += usize::from(v);
        i += BLOCK;
    }
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    for (k, &x) in b.iter().enumerate().skip(i) {
        let (l, v) = count(x, at(k + 1), at(k + 2));
        latin1 += usize::from(l);
        vietnamese += usize::from(v);
    }
    latin1 > 0 && latin1 > vietnamese
}

/// Word-by-word evidence for one encoding.
#[derive(Debug, Default)]
struct Evidence {
    /// Words with letters.
    words: usize,
    /// Not a syllable as it stands, a syllable once converted.
    legacy: usize,
    /// Legacy words whose conversion is cased like a word ("học", "Học", "HỌC"): breaks
    /// ties, as VNI "HOAØ" is "HOÀ" but reads as TCVN3 "HOAỉ".
    cased: usize,
    /// A syllable as it stands (not once converted), or holding letters legacy text lacks.
    native: usize,
    /// A syllable both ways ("cã" is "có" in TCVN3 and a syllable itself).
    ambiguous: usize,
    /// Non-ASCII word that is a syllable neither way (a foreign word).
    foreign: usize,
}

impl Evidence {
    fn gather(s: &str, enc: Encoding) -> Evidence {
        let mut e = Evidence::default();
        let mut converted = String::new();
        for raw in s.split_whitespace() {
            let word = raw.trim_matches(|c: char| {
                c.is_ascii_punctuation()
                    || c.is_ascii_digit()
                    || ('\u{2010}'..='\u{206F}').contains(&c)
            });
            let mut has_letter = false;
            let mut has_non_ascii = false;
            let mut vietnamese_only = false;
            let mut plain = true;
            for c in word.chars() {
                if c.is_ascii() {
                    has_letter |= c.is_ascii_alphabetic();
                    plain &= c.is_ascii_alphabetic();
                } else {
                    has_non_ascii = true;
                    has_letter = true;
                    // Letters beyond Latin-1 that Vietnamese uses: no legacy text has them.
                    vietnamese_only |= (c as u32 >= 0x100)
                        && (vowel::decompose(c).is_some()
                            || matches!(c, 'đ' | 'Đ')
                            || ('\u{300}'..='\u{36F}').contains(&c));
                }
            }
            if !has_letter {
                continue;
            }
            e.words += 1;
            if !has_non_ascii || !plain {
                continue;
            }
            if vietnamese_only {
                e.native += 1;
                continue;
            }
            converted.clear();
            match enc {
                Encoding::Tcvn3 => {
                    converted.extend(word.chars().map(|c| tcvn3_char(c).unwrap_or(c)));
                }
                Encoding::Vni => converted.push_str(&vni_to_unicode(word)),
            }
            let before = is_syllable(word);
            let after = is_syllable(&converted);
            // An unchanged syllable made of code chars ("lý" in TCVN3, "kì" in VNI, where
            // these codes are the Unicode letters) fits both readings.
            let unchanged = converted == word;
            if unchanged && before && word.chars().all(|c| c.is_ascii() || is_code(c, enc)) {
                e.ambiguous += 1;
                continue;
            }
            match (before, after && !unchanged) {
                (false, true) => {
                    e.legacy += 1;
                    e.cased += usize::from(well_cased(&converted));
                }
                (true, true) => e.ambiguous += 1,
                (true, false) => e.native += 1,
                (false, false) => e.foreign += 1,
            }
        }
        e
    }

    /// Enough legacy words, few words that speak against, and legacy words dense enough
    /// for Vietnamese (where most syllables carry a mark).
    fn convincing(&self) -> bool {
        self.legacy > 0
            && self.legacy >= 4 * self.native
            && self.legacy >= 3 * self.foreign
            && 5 * (self.legacy + self.ambiguous) >= self.words
    }
}

/// All small letters, all capitals, or one capital then small letters.
fn well_cased(word: &str) -> bool {
    let mut rest = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = rest.next() else {
        return true;
    };
    let (mut upper, mut lower) = (false, false);
    for c in rest {
        upper |= c.is_uppercase();
        lower |= c.is_lowercase();
    }
    if first.is_lowercase() {
        !upper
    } else {
        !(upper && lower)
    }
}
