//! Is a word a well-formed Vietnamese syllable? Used as evidence when guessing whether
//! text is in a legacy encoding: legacy bytes read as Latin-1 rarely spell a syllable,
//! while the same text converted does.

use crate::vowel::{self, ACUTE, DOT, NONE};

/// Initial consonants, longest first so that "ngh" wins over "ng" and "n".
const INITIALS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];

/// Final consonants.
const FINALS: [&str; 8] = ["c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Vowel groups that need a final consonant.
const CLOSED_ONLY: [&str; 9] = ["ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê"];

/// Vowel groups that may or may not take a final consonant.
const OPEN_OR_CLOSED: [&str; 14] = [
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy",
];

/// Vowel groups ending in a glide (or ia/ua/ưa): never followed by a consonant.
const OPEN_ONLY: [&str; 31] = [
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa",
    "ưi", "ưu", "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu",
    "uơ",
];

/// Longest word we look at; "nghiêng" has 7 letters.
const MAX_LEN: usize = 8;

/// Whether `word` (any case, NFC) is one well-formed Vietnamese syllable with at most one tone.
pub(crate) fn is_syllable(word: &str) -> bool {
    // Letters as lower-case toneless bases in a small stack buffer, plus the one tone (kept
    // in locals: this loop runs for every word of a text whose encoding is guessed).
    let mut buf = [0u8; MAX_LEN * 4];
    let mut len = 0;
    let mut bases = [' '; MAX_LEN];
    let mut n = 0;
    let mut tone = NONE;
    let mut tone_at = 0;
    for c in word.chars() {
        if n == MAX_LEN {
            return false;
        }
        let base = if let Some(v) = vowel::decompose(c) {
            if v.tone != NONE {
                if tone != NONE {
                    return false;
                }
                tone = v.tone;
                tone_at = n;
            }
            vowel::compose(v.base, NONE, false)
        } else if c.is_ascii_alphabetic() {
            c.to_ascii_lowercase()
        } else if matches!(c, 'đ' | 'Đ') {
            'đ'
        } else {
            return false;
        };
        bases[n] = base;
        n += 1;
        len += base.encode_utf8(&mut buf[len..]).len();
    }
    let Ok(s) = std::str::from_utf8(&buf[..len]) else {
        return false;
    };
    let bases = &bases[..n];
    if n == 0 {
        return false;
    }
    let initial = initial_of(s, bases);
    let start = initial.chars().count();
    let vowel_len = bases[start..].iter().take_while(|&&c| is_vowel(c)).count();
    if vowel_len == 0 {
        return false;
    }
    let (nucleus, fin) = nucleus_and_final(s, bases, start, vowel_len);
    let nuc = &bases[start..start + vowel_len];
    if !nucleus_takes_final(nucleus, fin) || !final_takes(fin, tone, nuc) {
        return false;
    }
    // A tone on the initial's vowel ("gìan", "qùan") is never in place.
    if tone != NONE
        && !tone_at
            .checked_sub(start)
            .is_some_and(|at| tone_in_place(nuc, nucleus, !fin.is_empty(), at))
    {
        return false;
    }
    spelling_ok(initial, nuc)
}

/// Whether the base `c` is a vowel.
#[inline(always)]
fn is_vowel(c: char) -> bool {
    vowel::decompose(c).is_some()
}

/// The initial consonant the bases `s` start with, "" for none: "gi" only when a vowel
/// follows it ("gìn" is g + ìn).
#[inline(always)]
fn initial_of(s: &str, bases: &[char]) -> &'static str {
    for cand in INITIALS {
        if s.starts_with(cand) {
            let k = cand.chars().count();
            if cand == "gi" && !bases.get(k).is_some_and(|&c| is_vowel(c)) {
                continue;
            }
            return cand;
        }
    }
    ""
}

/// The vowel group (`vowel_len` letters from letter `start`) and the final consonant after
/// it, as slices of the bases `s`.
#[inline(always)]
fn nucleus_and_final<'a>(
    s: &'a str,
    bases: &[char],
    start: usize,
    vowel_len: usize,
) -> (&'a str, &'a str) {
    let a: usize = bases[..start].iter().map(|c| c.len_utf8()).sum();
    let b: usize = bases[start..start + vowel_len]
        .iter()
        .map(|c| c.len_utf8())
        .sum();
    (&s[a..a + b], &s[a + b..])
}

/// Whether the vowel group `nucleus` may stand before the final consonant `fin` ("" for
/// an open syllable), and `fin` is a final consonant at all.
#[inline(always)]
fn nucleus_takes_final(nucleus: &str, fin: &str) -> bool {
    if fin.is_empty() {
        OPEN_OR_CLOSED.contains(&nucleus) || OPEN_ONLY.contains(&nucleus)
    } else {
        FINALS.contains(&fin)
            && (OPEN_OR_CLOSED.contains(&nucleus) || CLOSED_ONLY.contains(&nucleus))
    }
}

/// Whether the final consonant `fin` goes with the tone and with the vowels `nuc`.
#[inline(always)]
fn final_takes(fin: &str, tone: u8, nuc: &[char]) -> bool {
    // Stop finals allow only the rising (sắc) and heavy (nặng) tones.
    if matches!(fin, "c" | "ch" | "p" | "t") && !matches!(tone, ACUTE | DOT) {
        return false;
    }
    // "nh" and "ch" close only front vowels: "anh", "ênh", "inh", "oanh", "uynh", "ach".
    !matches!(fin, "nh" | "ch") || matches!(nuc.last(), Some('a' | 'ê' | 'i' | 'y'))
}

/// Whether the tone sits where Vietnamese spelling puts it in the vowel group `nuc`
/// (`at` is its index in the group): on the last vowel with a shape mark (ươ -> ơ);
/// else on the last vowel before a final consonant; else on the first of two vowels
/// (either one for oa, oe, uy, whose placement changed over time) or the middle of three.
fn tone_in_place(nuc: &[char], nucleus: &str, closed: bool, at: usize) -> bool {
    let shaped = |c: &char| matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư');
    if let Some(p) = nuc.iter().rposition(shaped) {
        return at == p;
    }
    if closed {
        return at + 1 == nuc.len();
    }
    match nuc.len() {
        1 => at == 0,
        2 if matches!(nucleus, "oa" | "oe" | "uy") => at <= 1,
        2 => at == 0,
        _ => at == 1,
    }
}

/// Spelling rules between the initial and the vowels: "k", "gh", "ngh" only before
/// e, ê, i, y; "c", "g", "ng" never there; /kw/ is written "qu", never "co"/"cu" + vowel.
fn spelling_ok(initial: &str, nuc: &[char]) -> bool {
    let front = matches!(nuc.first(), Some('e' | 'ê' | 'i' | 'y'));
    match initial {
        "k" => front,
        "gh" | "ngh" => front && nuc.first() != Some(&'y'),
        // "gìn" is gi + n, parsed as g + ìn: the one front vowel "g" may take.
        "g" => !front || nuc == ['i'],
        "ng" => !front,
        "c" => {
            // "cua", "cúi", "của", "cuộc", "cười" are fine; "coa", "cuy", "cuê" are not.
            let glide = nuc.len() > 1
                && matches!(nuc[0], 'o' | 'u')
                && !matches!(nuc[1], 'i' | 'ô' | 'ơ' | 'u')
                && nuc != ['u', 'a'];
            !front && !glide
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_syllables() {
        let words = "Trường Tiểu học Bình An kế hoạch triển khai hoạt động thông tin đối ngoại \
            năm căn cứ số của phòng giáo dục và đào tạo ban hành ngành nghiêng giữ gìn quốc \
            quyết khuya khuỷu ngoài hòa hoà thủy thuỷ khỏe khoẻ người ươu hươu yêu \
            oai oải quý ý ở ừ ạ gì giếng giường nghĩa Việt NAM ĐỘC LẬP huỳnh huỵch xoáy \
            kẻo héo mùa kìa lửa rượu hữu tuần hoặc thuế khuỷu ngoẻo toán khuynh của cúi cuộc \
            cửa cười gìn ghế nghề kỹ kiến";
        for w in words.split_whitespace() {
            assert!(is_syllable(w), "{w} is a syllable");
        }
    }

    /// Found by the legacy and vi_keys fuzz targets: a tone on the "gi" or "qu" of a closed
    /// syllable overflowed an index (a panic in debug builds, a wrong index in release).
    #[test]
    fn a_tone_on_the_initial_is_out_of_place() {
        for w in ["gìan", "qùan", "GÌAN", "gìang", "qúyt"] {
            assert!(!is_syllable(w), "{w}");
        }
        assert!(is_syllable("giàn") && is_syllable("quán"));
    }

    #[test]
    fn rejects_non_syllables() {
        let words = [
            "Tr\u{ad}êng",
            "TiÓu",
            "häc",
            "Tröôøng",
            "Tieåu",
            "hoïc",
            "coù",
            "goût",
            "naïve",
            "été",
            "très",
            "cafe",
            "hello",
            "world",
            "street",
            "bàt",
            "mảc",
            "hoàá",
            "x1",
            "",
            "nghiêngg",
            "strength",
            "keỏ",
            "cuỷa",
            "họang",
            "muà",
            "rươụ",
            "ki\u{300}a",
            "cuy",
            "coa",
            "kan",
            "ghan",
            "nge",
            "ci",
            "qùy",
        ];
        for w in words {
            assert!(!is_syllable(w), "{w:?} is not a syllable");
        }
    }
}
