//! Vietnamese text done right: NFC, one canonical tone placement, accent folding, slugs,
//! Vietnamese alphabetical order, administrative date formats and conversion of text typed
//! in the legacy TCVN3 (.VnTime) and VNI encodings.
//!
//! Every function gives the same answer for NFC and NFD input:
//!
//! ```
//! use std::cmp::Ordering;
//! let nfc = "Biển đảo Hoàng Sa";
//! let nfd = "Bie\u{302}\u{309}n đa\u{309}o Hoa\u{300}ng Sa";
//! assert_ne!(nfc, nfd);
//! assert_eq!(vi::slugify(nfd), vi::slugify(nfc));
//! assert_eq!(vi::fold(nfd), vi::fold(nfc));
//! assert_eq!(vi::canonical(nfd), vi::canonical(nfc));
//! assert_eq!(vi::compare(nfd, nfc), Ordering::Equal);
//! ```

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::LazyLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

pub mod date;
mod file_name;
mod html;
pub mod legacy;
mod syllable;
mod vowel;

pub use file_name::{safe_file_name, safe_file_stem};
pub use html::escape_html;

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
fn is_nfc_fast(s: &str) -> bool {
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

/// Combining diacritical marks (the ones NFD Vietnamese uses live here).
fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

/// The exact search form: [`canonical`], then lower case.
///
/// NFC again after lower-casing: a capital without a precomposed form ("T\u{308}") has a
/// lower-case one ("ẗ"), so the form of a form is the form itself.
pub fn lower(s: &str) -> String {
    nfc_owned(canonical(s).to_lowercase())
}

/// Lower case without any diacritic, đ -> d: "BIỂN Đảo" -> "bien dao" (NFD gives the same).
///
/// Latin letters fold to their base letter; letters of other scripts are only lower-cased,
/// the same rules as the site's search script, which folds the reader's query.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_each(s, |c| out.push(c));
    out
}

/// First code point of each folding table range, and the table sizes.
const FOLD_LATIN_START: u32 = 0xC0;
const FOLD_LATIN_END: u32 = 0x24F;
const FOLD_EXT_START: u32 = 0x1E00;
const FOLD_EXT_END: u32 = 0x1EFF;

/// Folded letter for Latin-1 .. Latin Extended-B and Latin Extended Additional (which holds
/// all of ạ..ỹ): lower-case base letter, or '\0' where the letter has no base to fold to.
static FOLD_TABLE: LazyLock<(Vec<char>, Vec<char>)> = LazyLock::new(|| {
    let build = |start: u32, end: u32| -> Vec<char> {
        (start..=end)
            .map(|cp| {
                let Some(c) = char::from_u32(cp) else {
                    return '\0';
                };
                if matches!(c, 'đ' | 'Đ') {
                    return 'd';
                }
                let mut base = None;
                unicode_normalization::char::decompose_canonical(c, |d| {
                    if base.is_none() {
                        base = Some(d);
                    }
                });
                let base = base.unwrap_or(c);
                let mut lower = base.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) => l,
                    _ => '\0',
                }
            })
            .collect()
    };
    (
        build(FOLD_LATIN_START, FOLD_LATIN_END),
        build(FOLD_EXT_START, FOLD_EXT_END),
    )
});

/// Calls `f` with every char of the folded form of `s`, allocating nothing for NFC input.
fn fold_each(s: &str, mut f: impl FnMut(char)) {
    // Composing first makes NFD input fold like NFC in every script, not only in Latin.
    let s = nfc(s);
    let (latin, ext) = &*FOLD_TABLE;
    for c in s.chars() {
        if c.is_ascii() {
            f(c.to_ascii_lowercase());
            continue;
        }
        let cp = c as u32;
        let mapped = if (FOLD_LATIN_START..=FOLD_LATIN_END).contains(&cp) {
            latin[(cp - FOLD_LATIN_START) as usize]
        } else if (FOLD_EXT_START..=FOLD_EXT_END).contains(&cp) {
            ext[(cp - FOLD_EXT_START) as usize]
        } else {
            '\0'
        };
        if mapped != '\0' {
            f(mapped);
        } else {
            // Other scripts are only lower-cased, as the browser's search script does (the
            // search index and the typed query must fold alike); NFD marks are dropped.
            c.to_lowercase()
                .filter(|&l| !is_combining(l))
                .for_each(&mut f);
        }
    }
}

/// URL slug: folded, runs of non-alphanumerics -> one '-', trimmed:
/// "Biển đảo Hoàng Sa, Trường Sa" -> "bien-dao-hoang-sa-truong-sa".
///
/// Letters of other scripts are kept (lower-cased), so a Chinese title still has a slug.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    fold_each(s, |c| {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    });
    out
}

/// `base` if not yet taken, else the first free `base-1`, `base-2`, ...; the result is
/// added to `taken`.
pub fn unique_slug(base: &str, taken: &mut HashSet<String>) -> String {
    if taken.insert(base.to_string()) {
        return base.to_string();
    }
    let mut n: u64 = 1;
    loop {
        let candidate = format!("{base}-{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// One Vietnamese collator for the whole process; `CollatorBorrowed<'static>` only holds
/// references to compiled-in data, so it is `Sync` and shared by all threads.
static COLLATOR: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    let vi: CollatorPreferences = icu_locale_core::locale!("vi").into();
    Collator::try_new(vi, CollatorOptions::default())
        .or_else(|_| Collator::try_new(CollatorPreferences::default(), CollatorOptions::default()))
        .expect("the root collation data is compiled into icu_collator")
});

/// Vietnamese alphabetical order (CLDR `vi`): a ă â b c d đ e ê ..., tones after base letters.
pub fn compare(a: &str, b: &str) -> Ordering {
    COLLATOR.compare(a, b)
}

/// Stable sort of `items` in Vietnamese alphabetical order of `key`.
pub fn sort_vi<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| compare(key(a), key(b)));
}

/// A byte string whose order is [`compare`]'s order, for sorting many items by a cached key.
pub fn sort_key(s: &str) -> Vec<u8> {
    let mut key = Vec::new();
    // Writing into a Vec cannot fail.
    let Ok(()) = COLLATOR.write_sort_key_to(s, &mut key);
    key
}

#[cfg(test)]
mod tests {

    /// Found by the vi_keys fuzz target: the exact form of an exact form was another string
    /// ("T\u{308}" gave "t\u{308}", whose form is "ẗ").
    #[test]
    fn lower_is_stable() {
        const CRASH: &[&str] = &["Td_","\u{0}\u{0}%\u{0}\u{0}\u{0}\u{6}\u{0}a/v\u{32f}\u{48f}\u{0}\u{0}uv\u{32f}\u{48f}\u{0}\u{0}u\u{0}\u{0}uv\u{32f}\u{48f}\u{0}\u{0}u)uu\u{0}\u{0}\u{0}\u{0}u\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{32f}\u{316}33nl\u{0}İ\u{32f}\u{48f}\u{0}\u{0}uv\u{32f}\u{48f}\u{0}\u{0}_d_\u{0}\u{0}\u{0}%\u{0}\u{0}\u{0}\u{6}-_d_\u{0}Nİ","Đİ\u{31b}\u{300}ng","Đư\u{309}\u{31b}\u{323}\u{31b}\u{31b}\u{309}\u{323}\u{309}\u{31b}\u{31b}\u{323}\u{31b}\u{31b}\u{31b}\u{31b}\u{309}\u{31c}[3aBUy\u{309}\u{1}E","T\u{1}","\u{0}\u{a}İ=3////4\u{0}İ\u{32f}\u{36f}\u{36f}3222222222s","T=","T\u{309}\u{31b}\u{323}\u{31b}\u{31b}\u{31b}\u{31b}\u{309}\u{323}NG+Ʒ\u{1e7b}Tİ\u{309}\u{31b}"];
        for s in [
            "T\u{308}",
            "T\u{308}`",
            "\u{130}\u{309}\u{338}",
            "HÒA",
            "Đư\u{309}\u{31b}",
        ]
        .iter()
        .chain(CRASH)
        {
            let l = lower(s);
            assert_eq!(lower(&l), l, "{s:?}");
        }
        assert_eq!(lower("T\u{308}"), "\u{1E97}");
    }
    #[test]
    fn a_mark_of_any_script_after_the_pair_keeps_the_tone() {
        // Found by fuzzing: a mark beyond U+036F after "oạ"/"uỷ" left the tone in the browser
        // script but not here, and moving it let NFC compose differently on a second pass.
        for (s, want) in [
            ("hoạ\u{ecd}i", "hoạ\u{ecd}i"),
            ("juy\u{309}\u{1aeb}\u{309}", "juỷ\u{309}\u{1aeb}"),
            ("thuỷ\u{20d0}", "thuỷ\u{20d0}"),
            ("hoạ", "họa"),
            ("hoạ.", "họa."),
        ] {
            let c = canonical(s);
            assert_eq!(c, want, "{s:?}");
            assert_eq!(canonical(&c), c, "{s:?}");
        }
    }
    use super::*;

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn nfc_composes_and_keeps_nfc() {
        let table = [
            ("Tie\u{302}\u{309}u ho\u{323}c", "Tiểu học"),
            ("Tiểu học", "Tiểu học"),
            ("", ""),
            ("ascii only", "ascii only"),
            ("Du\u{31b}o\u{31b}\u{300}ng", "Dường"),
        ];
        for (input, want) in table {
            assert_eq!(nfc(input), want, "nfc({input:?})");
            assert_eq!(nfc_owned(input.to_string()), want, "nfc_owned({input:?})");
        }
    }

    #[test]
    fn fast_nfc_check_agrees_with_the_quick_check() {
        let slow = |s: &str| is_nfc_quick(s.chars()) == IsNormalized::Yes;
        // The chars taken without a look are NFC starters.
        for c in ('\0'..'\u{300}').chain('\u{1E00}'..='\u{1EFF}') {
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
            assert!(slow(&c.to_string()), "{c:?}");
        }
        // Random strings over a pool with starters, combining marks in and out of order,
        // singletons NFC replaces and chars around the fast ranges.
        let pool: Vec<char> = "aAz09 .\n\u{7f}\u{80}àÀđĐưƯ\u{2ff}ạỹỸ\u{1dff}\u{1f00}\u{300}\u{301}\u{309}\u{323}\u{31b}\u{302}\u{340}\u{2000}\u{2126}\u{212b}–“”…가\u{1161}\u{11a8}\u{0f73}\u{0e48}\u{0e38}😀"
            .chars()
            .collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for len in 0..40 {
            for _ in 0..400 {
                let s: String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        pool[(seed % pool.len() as u64) as usize]
                    })
                    .collect();
                assert_eq!(is_nfc_fast(&s), slow(&s), "{s:?}");
            }
        }
        for s in [
            "Trường Tiểu học Hòa Bình – “Biển đảo” … 2024",
            "plain ascii, long enough to take the eight-byte steps",
            "Tie\u{302}\u{309}u ho\u{323}c",
        ] {
            assert_eq!(is_nfc_fast(s), slow(s), "{s:?}");
        }
    }

    #[test]
    fn nfc_copies_only_what_changes() {
        assert!(matches!(nfc("Tiểu học Hòa Bình"), Cow::Borrowed(_)));
        assert!(matches!(nfc("plain ascii"), Cow::Borrowed(_)));
        assert!(matches!(nfc(&nfd("Tiểu học")), Cow::Owned(_)));
        let s = String::from("Trường Tiểu học");
        let ptr = s.as_ptr();
        let kept = nfc_owned(s);
        assert_eq!(kept.as_ptr(), ptr, "NFC text keeps its buffer");
    }

    #[test]
    fn canonical_tone_placement_pairs() {
        // (new style or mixed, canonical traditional style)
        let table = [
            ("hoà", "hòa"),
            ("hòa", "hòa"),
            ("Hoà bình", "Hòa bình"),
            ("HOÀ BÌNH", "HÒA BÌNH"),
            ("thuỷ", "thủy"),
            ("Thuỷ", "Thủy"),
            ("THUỶ", "THỦY"),
            ("khoẻ", "khỏe"),
            ("khoẻ mạnh", "khỏe mạnh"),
            ("hoá học", "hóa học"),
            ("loạ", "lọa"),
            ("xoã tóc", "xõa tóc"),
            ("luỹ tre", "lũy tre"),
            ("tuỳ ý", "tùy ý"),
            ("Cộng hoà xã hội", "Cộng hòa xã hội"),
            ("hoà.", "hòa."),
            ("(thuỷ)", "(thủy)"),
            ("oà", "òa"),
            ("hoà-bình", "hòa-bình"),
            ("hoà thuỷ", "hòa thủy"),
            ("Uỷ ban", "Ủy ban"),
            ("uỷ", "ủy"),
            ("Khoẻ", "Khỏe"),
            // Closed syllables and triphthongs: both styles agree, nothing moves.
            ("hoàng", "hoàng"),
            ("toán", "toán"),
            ("khuyến", "khuyến"),
            ("huỳnh", "huỳnh"),
            ("ngoài", "ngoài"),
            ("khoảng", "khoảng"),
            ("xoáy", "xoáy"),
            // qu + vowel: the u is part of the consonant.
            ("quý", "quý"),
            ("quả", "quả"),
            ("Quỳ", "Quỳ"),
            ("quẻ", "quẻ"),
            // No tone, or other vowels: untouched.
            ("hoa", "hoa"),
            ("thuy", "thuy"),
            ("tuế", "tuế"),
            ("", ""),
        ];
        for (input, want) in table {
            assert_eq!(canonical(input), want, "canonical({input:?})");
            assert_eq!(canonical(want), want, "canonical is idempotent on {want:?}");
            assert_eq!(canonical(&nfd(input)), want, "canonical(NFD {input:?})");
        }
    }

    #[test]
    fn canonical_identity_of_both_styles() {
        for (a, b) in [("hoà", "hòa"), ("thuỷ", "thủy"), ("Hoà bình", "Hòa bình")] {
            assert_eq!(canonical(a), canonical(b));
            assert_eq!(slugify(a), slugify(b));
            assert_eq!(lower(a), lower(b));
        }
    }

    #[test]
    fn lower_is_canonical_lowercase() {
        let table = [
            ("Hoà Bình", "hòa bình"),
            ("THUỶ LỢI", "thủy lợi"),
            ("Đường", "đường"),
            ("Tiểu học", "tiểu học"),
        ];
        for (input, want) in table {
            assert_eq!(lower(input), want, "lower({input:?})");
            assert_eq!(lower(&nfd(input)), want, "lower(NFD {input:?})");
        }
    }

    #[test]
    fn fold_strips_every_diacritic() {
        let table = [
            ("BIỂN Đảo", "bien dao"),
            ("Trường Tiểu học Bình An", "truong tieu hoc binh an"),
            ("ĐƯỜNG", "duong"),
            ("đ Đ", "d d"),
            ("ăâêôơư ĂÂÊÔƠƯ", "aaeoou aaeoou"),
            ("àáảãạ ằắẳẵặ ầấẩẫậ", "aaaaa aaaaa aaaaa"),
            ("èéẻẽẹ ềếểễệ ìíỉĩị", "eeeee eeeee iiiii"),
            ("òóỏõọ ồốổỗộ ờớởỡợ", "ooooo ooooo ooooo"),
            ("ùúủũụ ừứửữự ỳýỷỹỵ", "uuuuu uuuuu yyyyy"),
            ("Café Noël", "cafe noel"),
            ("Hello, World 2024!", "hello, world 2024!"),
            ("中文 Ελληνικά", "中文 ελληνικά"),
            ("Ǿ İ", "ø i"),
            ("", ""),
        ];
        for (input, want) in table {
            assert_eq!(fold(input), want, "fold({input:?})");
            assert_eq!(fold(&nfd(input)), want, "fold(NFD {input:?})");
        }
    }

    #[test]
    fn fold_makes_search_accent_insensitive_both_ways() {
        assert_eq!(fold("biển đảo"), fold("bien dao"));
        assert_eq!(fold("biển"), fold("biến"));
        assert_ne!(lower("biển"), lower("biến"));
    }

    #[test]
    fn slugs() {
        let table = [
            (
                "Biển đảo Hoàng Sa, Trường Sa",
                "bien-dao-hoang-sa-truong-sa",
            ),
            ("Biển đảo quê hương", "bien-dao-que-huong"),
            ("Đường", "duong"),
            ("ĐƯỜNG LÊN ĐỈNH", "duong-len-dinh"),
            ("  --Hello,   World!--  ", "hello-world"),
            ("Kế hoạch số 31/KH-THBA", "ke-hoach-so-31-kh-thba"),
            ("Ngày 16/01/2024", "ngay-16-01-2024"),
            ("Hoà bình", "hoa-binh"),
            ("Hòa bình", "hoa-binh"),
            ("thuỷ", "thuy"),
            ("中文 标题", "中文-标题"),
            ("Tiếng Việt & 中文", "tieng-viet-中文"),
            ("Ελληνικά", "ελληνικά"),
            ("GD&ĐT", "gd-dt"),
            ("a_b.c", "a-b-c"),
            ("!!!", ""),
            ("", ""),
        ];
        for (input, want) in table {
            assert_eq!(slugify(input), want, "slugify({input:?})");
            assert_eq!(slugify(&nfd(input)), want, "slugify(NFD {input:?})");
        }
    }

    #[test]
    fn unique_slugs_count_up() {
        let mut taken = HashSet::new();
        assert_eq!(unique_slug("tin-tuc", &mut taken), "tin-tuc");
        assert_eq!(unique_slug("tin-tuc", &mut taken), "tin-tuc-1");
        assert_eq!(unique_slug("tin-tuc", &mut taken), "tin-tuc-2");
        assert_eq!(unique_slug("su-kien", &mut taken), "su-kien");
        taken.insert("lich-3".to_string());
        assert_eq!(unique_slug("lich", &mut taken), "lich");
        assert_eq!(unique_slug("lich", &mut taken), "lich-1");
        assert_eq!(unique_slug("lich", &mut taken), "lich-2");
        assert_eq!(unique_slug("lich", &mut taken), "lich-4");
        assert_eq!(taken.len(), 9);
    }

    fn assert_sorted(list: &[&str]) {
        for w in list.windows(2) {
            assert_eq!(
                compare(w[0], w[1]),
                Ordering::Less,
                "{:?} < {:?}",
                w[0],
                w[1]
            );
            assert_eq!(
                compare(w[1], w[0]),
                Ordering::Greater,
                "{:?} > {:?}",
                w[1],
                w[0]
            );
            assert!(
                sort_key(w[0]) < sort_key(w[1]),
                "sort keys {:?} < {:?}",
                w[0],
                w[1]
            );
        }
        // Sorting a reversed copy gives the list back.
        let mut v: Vec<&str> = list.iter().rev().copied().collect();
        sort_vi(&mut v, |s| s);
        assert_eq!(v, list);
    }

    #[test]
    fn alphabet_order() {
        assert_sorted(&[
            "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
        ]);
        assert_sorted(&[
            "A", "Ă", "Â", "B", "C", "D", "Đ", "E", "Ê", "G", "H", "I", "K", "L", "M", "N", "O",
            "Ô", "Ơ", "P", "Q", "R", "S", "T", "U", "Ư", "V", "X", "Y",
        ]);
    }

    #[test]
    fn names_order() {
        assert_sorted(&["An", "Az", "Ăn", "Âm", "Bình"]);
        assert_sorted(&["Dũng", "Dương", "Đà Nẵng", "Đào", "Em", "Ên"]);
        assert_sorted(&["Hà Nội", "Hải Phòng", "Huế", "Hưng Yên"]);
        assert_sorted(&["Ô Môn", "Ông", "Ơn", "Phú Quốc"]);
        assert_sorted(&["u", "ú", "ư", "ừ", "v"]);
    }

    #[test]
    fn tones_after_base_letters() {
        // A tone only matters when the letters are equal; the toneless word comes first.
        for (plain, toned) in [
            ("ma", "mà"),
            ("ma", "má"),
            ("ma", "mạ"),
            ("la", "lá"),
            ("ca", "cà"),
        ] {
            assert_eq!(compare(plain, toned), Ordering::Less, "{plain} < {toned}");
        }
        assert_sorted(&["ma", "mà", "mb"]);
        assert_sorted(&["bà", "ban", "bàn", "bạn", "bang"]);
    }

    #[test]
    fn compare_nfd_equals_nfc() {
        for s in ["Đà Nẵng", "Trường Tiểu học", "Ăn", "Hòa bình"] {
            assert_eq!(compare(s, &nfd(s)), Ordering::Equal, "{s}");
            assert_eq!(sort_key(s), sort_key(&nfd(s)), "{s}");
        }
    }

    #[test]
    fn sort_vi_is_stable() {
        let mut items = vec![
            ("Em", 1),
            ("Ăn", 1),
            ("An", 1),
            ("Em", 2),
            ("Ăn", 2),
            ("Em", 3),
        ];
        sort_vi(&mut items, |t| t.0);
        assert_eq!(
            items,
            vec![
                ("An", 1),
                ("Ăn", 1),
                ("Ăn", 2),
                ("Em", 1),
                ("Em", 2),
                ("Em", 3)
            ]
        );
    }

    #[test]
    fn collator_is_shared_across_threads() {
        let handles: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| compare("Đà Nẵng", "Dương")))
            .collect();
        for h in handles {
            assert_eq!(h.join().ok(), Some(Ordering::Greater));
        }
    }

    #[test]
    fn nfd_and_nfc_agree_on_every_line_of_the_plan() {
        let plan = include_str!("../tests/data/ke-hoach-31-KH-THBA-2024.txt");
        for line in plan.lines() {
            let d = nfd(line);
            assert_eq!(nfc(&d), line);
            assert_eq!(slugify(&d), slugify(line), "{line}");
            assert_eq!(fold(&d), fold(line), "{line}");
            assert_eq!(canonical(&d), canonical(line), "{line}");
            assert_eq!(compare(&d, line), Ordering::Equal, "{line}");
            // Folding leaves only letters without marks, digits and punctuation.
            assert!(
                fold(line)
                    .chars()
                    .all(|c| c.is_ascii() || !c.is_alphabetic()),
                "{line}"
            );
        }
    }

    #[test]
    fn nfd_and_nfc_agree_everywhere() {
        let titles = [
            "Biển đảo Hoàng Sa, Trường Sa",
            "Kế hoạch triển khai hoạt động thông tin đối ngoại",
            "Thuỷ lợi và hoà bình",
            "ĐỘC LẬP - TỰ DO - HẠNH PHÚC",
        ];
        for t in titles {
            let d = nfd(t);
            assert_ne!(d, t);
            assert_eq!(nfc(&d), t);
            assert_eq!(slugify(&d), slugify(t));
            assert_eq!(fold(&d), fold(t));
            assert_eq!(canonical(&d), canonical(t));
            assert_eq!(lower(&d), lower(t));
            assert_eq!(compare(&d, t), Ordering::Equal);
        }
    }
}
