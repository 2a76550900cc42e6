//! The Vietnamese vowel table: every vowel letter as (base, tone, case).
//!
//! Shared by tone placement, legacy-encoding conversion and syllable checks, so that
//! there is exactly one place that knows which precomposed letter is "ơ with a hook".

use std::sync::LazyLock;

/// Tone indices, in the order of the columns of [`TABLE`].
pub(crate) const NONE: u8 = 0;
pub(crate) const GRAVE: u8 = 1; // huyền
pub(crate) const ACUTE: u8 = 2; // sắc
pub(crate) const HOOK: u8 = 3; // hỏi
pub(crate) const TILDE: u8 = 4; // ngã
pub(crate) const DOT: u8 = 5; // nặng

/// Base vowel indices, in the order of the rows of [`TABLE`].
pub(crate) const A: u8 = 0;
pub(crate) const A_BREVE: u8 = 1;
pub(crate) const A_CIRC: u8 = 2;
pub(crate) const E: u8 = 3;
pub(crate) const E_CIRC: u8 = 4;
#[cfg_attr(not(test), allow(dead_code))] // named for the tests' inverse tables
pub(crate) const I: u8 = 5;
pub(crate) const O: u8 = 6;
pub(crate) const O_CIRC: u8 = 7;
#[cfg_attr(not(test), allow(dead_code))] // named for the tests' inverse tables
pub(crate) const O_HORN: u8 = 8;
pub(crate) const U: u8 = 9;
#[cfg_attr(not(test), allow(dead_code))] // named for the tests' inverse tables
pub(crate) const U_HORN: u8 = 10;
pub(crate) const Y: u8 = 11;

/// Lower-case vowels: one row per base letter, one column per tone.
pub(crate) const TABLE: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];

/// A Vietnamese vowel letter taken apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Vowel {
    /// Row of [`TABLE`].
    pub base: u8,
    /// Column of [`TABLE`].
    pub tone: u8,
    /// Whether the letter is upper case.
    pub upper: bool,
}

/// Sorted (char, vowel) pairs for binary search; built once.
static INDEX: LazyLock<Vec<(char, Vowel)>> = LazyLock::new(|| {
    let mut v = Vec::with_capacity(144);
    for (base, row) in TABLE.iter().enumerate() {
        for (tone, &c) in row.iter().enumerate() {
            let (base, tone) = (base as u8, tone as u8);
            v.push((
                c,
                Vowel {
                    base,
                    tone,
                    upper: false,
                },
            ));
            v.push((
                upper(c),
                Vowel {
                    base,
                    tone,
                    upper: true,
                },
            ));
        }
    }
    v.sort_by_key(|&(c, _)| c);
    v
});

/// Upper case of a vowel of the table (each has a one-char upper case).
fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// Takes a precomposed Vietnamese vowel letter apart; `None` for anything else.
pub(crate) fn decompose(c: char) -> Option<Vowel> {
    // Cheap range test first: most characters of any text are not vowels.
    let cp = c as u32;
    let maybe = matches!(
        c,
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'A' | 'E' | 'I' | 'O' | 'U' | 'Y'
    ) || (0xC0..=0x1B0).contains(&cp)
        || (0x1EA0..=0x1EF9).contains(&cp);
    if !maybe {
        return None;
    }
    INDEX
        .binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .map(|i| INDEX[i].1)
}

/// The precomposed letter for a base, tone and case.
pub(crate) fn compose(base: u8, tone: u8, is_upper: bool) -> char {
    let c = TABLE[base as usize][tone as usize];
    if is_upper {
        upper(c)
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn table_is_nfc_and_round_trips() {
        assert_eq!(INDEX.len(), 144, "no two table entries may collide");
        for (c, v) in INDEX.iter() {
            assert_eq!(compose(v.base, v.tone, v.upper), *c);
            assert_eq!(c.to_string().nfc().collect::<String>(), c.to_string());
        }
    }

    #[test]
    fn decomposes_known_letters() {
        assert_eq!(
            decompose('ở'),
            Some(Vowel {
                base: O_HORN,
                tone: HOOK,
                upper: false
            })
        );
        assert_eq!(
            decompose('Ữ'),
            Some(Vowel {
                base: U_HORN,
                tone: TILDE,
                upper: true
            })
        );
        assert_eq!(
            decompose('ặ'),
            Some(Vowel {
                base: A_BREVE,
                tone: DOT,
                upper: false
            })
        );
        assert_eq!(
            decompose('Y'),
            Some(Vowel {
                base: Y,
                tone: NONE,
                upper: true
            })
        );
        assert_eq!(decompose('b'), None);
        assert_eq!(decompose('đ'), None);
        assert_eq!(decompose('ö'), None);
    }
}
