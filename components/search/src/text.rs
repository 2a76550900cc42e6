//! Tokenizing and the two normal forms of a word (exact and folded).
//!
//! The browser script (`assets/search.js`) implements the same functions; the test
//! `tests/js_agrees.rs` runs both over a word list and compares them.

use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// The exact form of a word: NFC, lower case, canonical tone placement ("hoà" = "hòa").
pub fn lower(word: &str) -> String {
    vi::lower(word)
}

/// The folded form of a word: lower case without any diacritics, `đ` -> `d`.
pub fn fold(word: &str) -> String {
    vi::fold(word)
}

/// Calls `f` with every word of `text` (Unicode word boundaries, UAX #29), as written.
///
/// A word that holds punctuation ("TP.HCM", "can't", "3.14") is given whole and then
/// each of its letter/digit runs ("TP", "HCM"), so that either form finds it.
pub fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    words_with_kind(text, |word, simple| {
        f(word);
        if simple || word.chars().all(is_word_char) {
            return;
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
    });
}

/// The same words as `unicode_segmentation`'s `unicode_words`, several times faster on
/// Vietnamese prose.
///
/// Most space-separated chunks are one run of Latin letters (with their marks) and ASCII
/// digits, with at most some punctuation before and after it ("“Biển", "đảo,"). Such a
/// chunk holds exactly one UAX #29 word, the run. Any other chunk (inner punctuation,
/// other scripts, format characters) goes through the full algorithm.
pub fn unicode_words<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    words_with_kind(text, |w, _| f(w));
}

/// [`unicode_words`], telling whether the word is a simple run of letters and digits.
fn words_with_kind<'a>(text: &'a str, mut f: impl FnMut(&'a str, bool)) {
    let mut prev_end = 0;
    for chunk in text.split_ascii_whitespace() {
        if chunk.chars().next().is_some_and(joins_space_before) {
            // UAX #29 (WB4) joins it to the spaces before, which can make a word of them
            // (" \u{651}"): the rest goes through the full algorithm, from the end of the last
            // chunk (a boundary) without the spaces that join those (WB3d).
            let start = text[..prev_end].trim_end_matches(is_wseg_space).len();
            text[start..].unicode_words().for_each(|w| f(w, false));
            return;
        }
        prev_end = chunk.as_ptr() as usize - text.as_ptr() as usize + chunk.len();
        match simple_word(chunk) {
            Some(Some(w)) => f(w, true),
            Some(None) => {}
            None => chunk.unicode_words().for_each(|w| f(w, false)),
        }
    }
}

/// Whether `c`, first in a chunk, may be Extend, Format or ZWJ in UAX #29 (marks, soft hyphen,
/// joiners...): anything not ASCII, not a letter or digit that starts a word, and not the
/// punctuation that often opens one ("“Biển").
fn joins_space_before(c: char) -> bool {
    !c.is_ascii()
        && (is_combining_mark(c) || !c.is_alphanumeric())
        && edge_punct_len(c.encode_utf8(&mut [0; 4]).as_bytes()) == 0
}

/// WSegSpace of UAX #29 beyond ASCII: spaces that stay together with a following space.
fn is_wseg_space(c: char) -> bool {
    matches!(c, '\u{1680}' | '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200A}' | '\u{205F}' | '\u{3000}')
}

/// `Some(word)` (or `Some(None)` for no word) when `chunk` is simple, see [`unicode_words`].
///
/// Works on the UTF-8 bytes: the characters it accepts are recognized by their encoding
/// (the same sets as [`is_edge_punct`] and [`is_latin_word_char`]).
fn simple_word(chunk: &str) -> Option<Option<&str>> {
    let b = chunk.as_bytes();
    let mut start = 0;
    while start < b.len() {
        match edge_punct_len(&b[start..]) {
            0 => break,
            n => start += n,
        }
    }
    let mut end = start;
    while end < b.len() {
        match latin_word_char_len(&b[end..]) {
            0 => break,
            n => end += n,
        }
    }
    let mut rest = end;
    while rest < b.len() {
        match edge_punct_len(&b[rest..]) {
            0 => return None,
            n => rest += n,
        }
    }
    if end == start {
        return Some(None);
    }
    // A mark right after punctuation belongs to the punctuation: leave that to UAX #29.
    if matches!(b[start], 0xCC | 0xCD) {
        return None;
    }
    // The indices fall on character boundaries: each step above is one whole character.
    chunk.get(start..end).map(Some)
}

/// Byte length of the character at the start of `b` if it is a Latin word character (see
/// [`is_latin_word_char`]), else 0. `b` is valid UTF-8 starting at a character boundary.
fn latin_word_char_len(b: &[u8]) -> usize {
    match b {
        [c, ..] if c.is_ascii_alphanumeric() => 1,
        // U+00C0..U+00FF without × and ÷, U+0100..U+023F.
        [0xC3, x, ..] if *x != 0x97 && *x != 0xB7 => 2,
        [0xC4..=0xC8, ..] => 2,
        // U+0240..U+024F.
        [0xC9, 0x80..=0x8F, ..] => 2,
        // Combining marks U+0300..U+036F.
        [0xCC, ..] | [0xCD, 0x80..=0xAF, ..] => 2,
        // Latin Extended Additional U+1E00..U+1EFF.
        [0xE1, 0xB8..=0xBB, _, ..] => 3,
        _ => 0,
    }
}

/// Byte length of the character at the start of `b` if it is edge punctuation (see
/// [`is_edge_punct`]), else 0.
fn edge_punct_len(b: &[u8]) -> usize {
    match b {
        [c, ..] if c.is_ascii_punctuation() && *c != b'_' => 1,
        [0xC2, 0xA1 | 0xAB | 0xB7 | 0xBB | 0xBF, ..] => 2,
        // U+2010..U+2027 and U+2030..U+205E.
        [0xE2, 0x80, 0x90..=0xA7, ..] | [0xE2, 0x80, 0xB0..=0xBF, ..] => 3,
        [0xE2, 0x81, 0x80..=0x9E, ..] => 3,
        _ => 0,
    }
}

/// Latin letters, ASCII digits and the common combining marks: ALetter, Numeric or Extend
/// in UAX #29, all joining each other.
fn is_latin_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (('\u{C0}'..='\u{24F}').contains(&c) && c != '\u{D7}' && c != '\u{F7}')
        || ('\u{1E00}'..='\u{1EFF}').contains(&c)
        || ('\u{300}'..='\u{36F}').contains(&c)
}

/// Punctuation that can only end a word where it stands at the edge of a chunk (the set
/// [`edge_punct_len`] recognizes by its bytes; a test checks they agree).
#[cfg(test)]
fn is_edge_punct(c: char) -> bool {
    (c.is_ascii_punctuation() && c != '_')
        || matches!(c, '\u{A1}' | '\u{AB}' | '\u{B7}' | '\u{BB}' | '\u{BF}')
        || ('\u{2010}'..='\u{2027}').contains(&c)
        || ('\u{2030}'..='\u{205E}').contains(&c)
}

/// The words of `text` in their exact form (see [`lower`]).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(lower(w)));
    out
}

/// A letter, digit or combining mark (marks belong to the letter before them in NFD text).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    is_latin_word_char(c) || c.is_alphanumeric() || is_combining_mark(c)
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
        // Closed syllables, triphthongs and "qu" are the same in both placements.
        for w in [
            "người", "quyển", "giữ", "thuở", "ngoài", "quý", "già", "hoàng", "biến", "xoáy",
        ] {
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
        assert_eq!(fold("中文"), "中文");
    }

    #[test]
    fn words_follow_unicode_boundaries_and_split_punctuated_words() {
        assert_eq!(
            words("Biển, đảo: “Hoàng Sa”!"),
            vec!["biển", "đảo", "hoàng", "sa"]
        );
        assert_eq!(
            words("TP.HCM 3.14"),
            vec!["tp.hcm", "tp", "hcm", "3.14", "3", "14"]
        );
        assert_eq!(words("GD&ĐT 53/PGDĐT"), vec!["gd", "đt", "53", "pgdđt"]);
        let nfd: String = "Biển đảo".nfd().collect();
        assert_eq!(words(&nfd), vec!["biển", "đảo"]);
        assert!(words("  — … ").is_empty());
    }

    #[test]
    fn byte_matchers_agree_with_the_char_sets() {
        for cp in 0..0x3_0000u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut buf = [0u8; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            let latin = if is_latin_word_char(c) { b.len() } else { 0 };
            assert_eq!(latin_word_char_len(b), latin, "{c:?}");
            let punct = if is_edge_punct(c) { b.len() } else { 0 };
            assert_eq!(edge_punct_len(b), punct, "{c:?}");
        }
    }

    #[test]
    fn fast_words_equal_unicode_segmentation() {
        let text = "Biển đảo quê hương: “Hoàng Sa, Trường Sa” là của Việt Nam! (lớp 4A) \
            Kế hoạch số 53/PGDĐT ngày 15/01/2024 của Phòng GD&ĐT. TP.HCM, e-mail: a@b.vn — \
            1.000 học sinh; 3,5 ha; can't; l'école; 10:30 «Bonjour» ¿qué? 中文字 한국어 \
            ελληνικά bi\u{AD}ển a\u{200D}b x_y 'quoted' “…” ‘a’ -5 +3 #tag @user 50% \
            \u{301}a a\u{301} .net node.js ×2 ÷ ½ ² ª º µ Ω \u{A0}nbsp\u{A0} tab\tand\nline \
            📚sách 🇻🇳 [link](url) **đậm** _nghiêng_ `mã` ~~gạch~~ ...!!! 2023–2024";
        for t in [
            text.to_string(),
            text.nfd().collect::<String>(),
            text.to_uppercase(),
        ] {
            let mut fast = Vec::new();
            unicode_words(&t, |w| fast.push(w));
            let slow: Vec<&str> = t.unicode_words().collect();
            assert_eq!(fast, slow);
        }
    }

    /// Found by the search_words fuzz target: a mark that UAX #29 joins to the space before
    /// it, making a "word" of them, was given alone.
    #[test]
    fn marks_after_spaces_join_them_as_in_unicode_segmentation() {
        for t in [
            "Trang \u{651}ọc được",
            "a \u{200D}\u{651}b c",
            "x\u{3000} \u{651} y",
            "x \u{2003} \u{345}y z",
            "dòng\n\u{651}mới",
            "a\t\u{AD}\u{651}",
            "“Biển” đảo \u{301}a 😀 \u{1F3FB}",
        ] {
            let mut fast = Vec::new();
            unicode_words(t, |w| fast.push(w));
            let slow: Vec<&str> = t.unicode_words().collect();
            assert_eq!(fast, slow, "{t:?}");
        }
    }
}
