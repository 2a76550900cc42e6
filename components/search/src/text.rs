//! Tokenizing and the two normal forms of a word (exact and folded).
//!
//! The browser script (`assets/search.js`) implements the same functions; the test
//! `tests/js_agrees.rs` runs both over a word list and compares them.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// The exact form of a word: NFC, lower case, canonical tone placement ("hoà" = "hòa").
pub fn lower(word: &str) -> String {
    fallback::lower(word)
}

/// The folded form of a word: lower case without any diacritics, `đ` -> `d`.
pub fn fold(word: &str) -> String {
    fallback::fold(word)
}

/// Calls `f` with every word of `text` (Unicode word boundaries, UAX #29), as written.
///
/// A word that holds punctuation ("TP.HCM", "can't", "3.14") is given whole and then
/// each of its letter/digit runs ("TP", "HCM"), so that either form finds it.
pub fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    for word in text.unicode_words() {
        f(word);
        if word.chars().all(is_word_char) {
            continue;
        }
        let mut start = None;
        for (i, c) in word.char_indices() {
            match (is_word_char(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    f(&word[s..i]);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            f(&word[s..]);
        }
    }
}

/// The words of `text` in their exact form (see [`lower`]).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(lower(w)));
    out
}

/// A letter, digit or combining mark (marks belong to the letter before them in NFD text).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Own implementation, used until the `vi` crate provides `lower` and `fold`; kept in step
/// with the browser script.
mod fallback {
    use super::*;

    /// The five Vietnamese tone marks as combining characters.
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

    pub fn lower(s: &str) -> String {
        let low: String = s.chars().flat_map(char::to_lowercase).collect();
        let mut out = String::with_capacity(low.len());
        // Tone placement is per syllable: handle each run of letters on its own.
        let mut run = String::new();
        for c in low.nfd() {
            if c.is_alphanumeric() || is_combining_mark(c) {
                run.push(c);
            } else {
                place_tone(&run, &mut out);
                run.clear();
                out.push(c);
            }
        }
        place_tone(&run, &mut out);
        out.nfc().collect()
    }

    pub fn fold(s: &str) -> String {
        let low: String = s.chars().flat_map(char::to_lowercase).collect();
        low.nfd()
            .filter(|c| !is_combining_mark(*c))
            .map(|c| if c == 'đ' { 'd' } else { c })
            .nfc()
            .collect()
    }

    fn is_vowel(c: char) -> bool {
        matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
    }

    /// Writes the NFD syllable `w` to `out` with its tone mark on the canonical vowel.
    ///
    /// Rule (the common "old" placement, as most Vietnamese text is typed): the vowel with a
    /// quality mark (ă â ê ô ơ ư, the last one in "ươ"); else the only vowel; else, with a
    /// final consonant, the last vowel; else the middle of three, or the first of two
    /// ("hòa", "thủy", "mía"). Anything that is not one Vietnamese syllable with one tone
    /// is left as it is.
    fn place_tone(w: &str, out: &mut String) {
        // Units: a base letter with its non-tone marks.
        let mut units: Vec<(char, Vec<char>)> = Vec::new();
        let mut tone = None;
        for c in w.chars() {
            if TONES.contains(&c) {
                if tone.is_some() || units.is_empty() {
                    out.push_str(w);
                    return;
                }
                tone = Some(c);
            } else if is_combining_mark(c) {
                match units.last_mut() {
                    Some(u) => u.1.push(c),
                    None => {
                        out.push_str(w);
                        return;
                    }
                }
            } else {
                units.push((c, Vec::new()));
            }
        }
        let Some(tone) = tone else {
            out.push_str(w);
            return;
        };
        let bases: Vec<char> = units.iter().map(|u| u.0).collect();
        let n = bases.len();
        if !bases.iter().all(|c| c.is_ascii_lowercase() || *c == 'đ') {
            out.push_str(w);
            return;
        }
        let mut i = 0;
        while i < n && !is_vowel(bases[i]) {
            i += 1;
        }
        // "qu" and "gi" (before another vowel) are consonants.
        if i > 0 && i + 1 < n && is_vowel(bases[i + 1]) {
            let pair = (bases[i - 1], bases[i]);
            if (pair == ('q', 'u') || pair == ('g', 'i')) && units[i].1.is_empty() {
                i += 1;
            }
        }
        let mut j = i;
        while j < n && is_vowel(bases[j]) {
            j += 1;
        }
        if i == j || bases[j..].iter().any(|c| is_vowel(*c)) {
            out.push_str(w);
            return;
        }
        let pos = if let Some(k) = (i..j).rev().find(|k| !units[*k].1.is_empty()) {
            k
        } else if j - i == 1 {
            i
        } else if j < n {
            j - 1
        } else if j - i == 3 {
            i + 1
        } else {
            i
        };
        for (k, (base, marks)) in units.iter().enumerate() {
            out.push(*base);
            for m in marks {
                out.push(*m);
            }
            if k == pos {
                out.push(tone);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn exact_form_is_nfc_lowercase_and_tone_placement_insensitive() {
        assert_eq!(lower("BIỂN ĐẢO"), "biển đảo");
        let nfd: String = "biển đảo".nfd().collect();
        assert_ne!(nfd, "biển đảo");
        assert_eq!(lower(&nfd), "biển đảo");
        assert_eq!(lower("hoà"), lower("hòa"));
        assert_eq!(lower("thuỷ"), lower("thủy"));
        assert_eq!(lower("khoẻ"), lower("khỏe"));
        assert_eq!(lower("HOÀ"), lower("hòa"));
        // Placement never changes a word whose vowel carries a quality mark.
        for w in ["người", "quyển", "giữ", "thuở", "ngoài", "quý", "già", "gìn", "biến"] {
            assert_eq!(lower(w), w, "{w}");
        }
        // Different tones stay different.
        assert_ne!(lower("biển"), lower("biến"));
        // Non-Vietnamese words are left alone.
        assert_eq!(lower("Café"), "café");
    }

    #[test]
    fn folded_form_drops_every_diacritic() {
        assert_eq!(fold("Biển Đảo"), "bien dao");
        assert_eq!(fold("ĐƯỜNG"), "duong");
        assert_eq!(fold("hoà"), fold("hòa"));
        let nfd: String = "Trường Sa".nfd().collect();
        assert_eq!(fold(&nfd), "truong sa");
        assert_eq!(fold("naïve café"), "naive cafe");
    }

    #[test]
    fn words_follow_unicode_boundaries_and_split_punctuated_words() {
        assert_eq!(
            words("Biển, đảo: “Hoàng Sa”!"),
            vec!["biển", "đảo", "hoàng", "sa"]
        );
        assert_eq!(words("TP.HCM 3.14"), vec!["tp.hcm", "tp", "hcm", "3.14", "3", "14"]);
        assert_eq!(words("GD&ĐT 53/PGDĐT"), vec!["gd", "đt", "53", "pgdđt"]);
        let nfd: String = "Biển đảo".nfd().collect();
        assert_eq!(words(&nfd), vec!["biển", "đảo"]);
        assert!(words("  — … ").is_empty());
    }
}
