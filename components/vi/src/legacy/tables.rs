//! The code tables: TCVN3 one byte per letter, VNI a base letter plus a mark byte.

use super::encoding::Encoding;
use crate::vowel::{self, A, A_BREVE, A_CIRC, E, E_CIRC, NONE, O, O_CIRC};

/// First code of the TCVN3 table below.
pub(super) const TCVN3_FIRST: u32 = 0xA1;

/// TCVN3 bytes 0xA1..=0xFE (read as Latin-1) -> Unicode; '\0' where VN3 has no letter.
/// Upper-case letters with a tone have no code of their own: the ".VnTimeH" fonts draw the
/// lower-case codes as capitals, so those codes stand for either case.
#[rustfmt::skip]
pub(super) const TCVN3: [char; 94] = [
    // A1..A7: Ă Â Ê Ô Ơ Ư Đ; A8..AE: ă â ê ô ơ ư đ
    'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ',
    // AF..B4
    '\0', '\0', '\0', '\0', '\0', '\0',
    // B5..B9: à ả ã á ạ; BA unused
    'à', 'ả', 'ã', 'á', 'ạ', '\0',
    // BB..BE: ằ ẳ ẵ ắ; BF..C5 unused
    'ằ', 'ẳ', 'ẵ', 'ắ', '\0', '\0', '\0', '\0', '\0', '\0', '\0',
    // C6: ặ; C7..CB: ầ ẩ ẫ ấ ậ
    'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ',
    // CC: è; CD unused; CE..D1: ẻ ẽ é ẹ
    'è', '\0', 'ẻ', 'ẽ', 'é', 'ẹ',
    // D2..D6: ề ể ễ ế ệ
    'ề', 'ể', 'ễ', 'ế', 'ệ',
    // D7..D8: ì ỉ; D9..DB unused; DC..DE: ĩ í ị
    'ì', 'ỉ', '\0', '\0', '\0', 'ĩ', 'í', 'ị',
    // DF: ò; E0 unused; E1..E4: ỏ õ ó ọ
    'ò', '\0', 'ỏ', 'õ', 'ó', 'ọ',
    // E5..E9: ồ ổ ỗ ố ộ
    'ồ', 'ổ', 'ỗ', 'ố', 'ộ',
    // EA..EE: ờ ở ỡ ớ ợ
    'ờ', 'ở', 'ỡ', 'ớ', 'ợ',
    // EF: ù; F0 unused; F1..F4: ủ ũ ú ụ
    'ù', '\0', 'ủ', 'ũ', 'ú', 'ụ',
    // F5..F9: ừ ử ữ ứ ự
    'ừ', 'ử', 'ữ', 'ứ', 'ự',
    // FA..FE: ỳ ỷ ỹ ý ỵ
    'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ',
];

/// The Unicode letter a TCVN3 code stands for (lower case for the case-ambiguous codes).
pub(super) fn tcvn3_char(c: char) -> Option<char> {
    let cp = c as u32;
    if !(TCVN3_FIRST..TCVN3_FIRST + TCVN3.len() as u32).contains(&cp) {
        return None;
    }
    let u = TCVN3[(cp - TCVN3_FIRST) as usize];
    (u != '\0').then_some(u)
}

/// VNI letters that take one byte of their own.
pub(super) fn vni_letter(c: char) -> Option<char> {
    Some(match c {
        'ö' => 'ư',
        'Ö' => 'Ư',
        'ô' => 'ơ',
        'Ô' => 'Ơ',
        'ñ' => 'đ',
        'Ñ' => 'Đ',
        'ó' => 'ĩ',
        'Ó' => 'Ĩ',
        'ò' => 'ị',
        'Ò' => 'Ị',
        'æ' => 'ỉ',
        'Æ' => 'Ỉ',
        'î' => 'ỵ',
        'Î' => 'Ỵ',
        _ => return None,
    })
}

/// Vowel shape a VNI mark byte adds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Keep,
    Circumflex,
    Breve,
}

/// VNI mark bytes (they follow the vowel they belong to): shape and tone.
pub(super) fn vni_mark(c: char) -> Option<(Shape, u8)> {
    use crate::vowel::{ACUTE, DOT, GRAVE, HOOK, TILDE};
    Some(match c {
        'ù' | 'Ù' => (Shape::Keep, ACUTE),
        'ø' | 'Ø' => (Shape::Keep, GRAVE),
        'û' | 'Û' => (Shape::Keep, HOOK),
        'õ' | 'Õ' => (Shape::Keep, TILDE),
        'ï' | 'Ï' => (Shape::Keep, DOT),
        'â' | 'Â' => (Shape::Circumflex, NONE),
        'á' | 'Á' => (Shape::Circumflex, ACUTE),
        'à' | 'À' => (Shape::Circumflex, GRAVE),
        'å' | 'Å' => (Shape::Circumflex, HOOK),
        'ã' | 'Ã' => (Shape::Circumflex, TILDE),
        'ä' | 'Ä' => (Shape::Circumflex, DOT),
        'ê' | 'Ê' => (Shape::Breve, NONE),
        'é' | 'É' => (Shape::Breve, ACUTE),
        'è' | 'È' => (Shape::Breve, GRAVE),
        'ú' | 'Ú' => (Shape::Breve, HOOK),
        'ü' | 'Ü' => (Shape::Breve, TILDE),
        'ë' | 'Ë' => (Shape::Breve, DOT),
        _ => return None,
    })
}

/// `prev` with a VNI mark applied, if the mark fits that vowel.
pub(super) fn apply_mark(prev: char, shape: Shape, tone: u8) -> Option<char> {
    let v = vowel::decompose(prev)?;
    if tone != NONE && v.tone != NONE {
        return None;
    }
    let base = match (shape, v.base) {
        (Shape::Keep, b) => b,
        (Shape::Circumflex, A) => A_CIRC,
        (Shape::Circumflex, E) => E_CIRC,
        (Shape::Circumflex, O) => O_CIRC,
        (Shape::Breve, A) => A_BREVE,
        _ => return None,
    };
    Some(vowel::compose(base, v.tone.max(tone), v.upper))
}

/// Whether `c` is a char that text in `enc` uses for a Vietnamese letter or mark.
pub(super) fn is_code(c: char, enc: Encoding) -> bool {
    match enc {
        Encoding::Tcvn3 => tcvn3_char(c).is_some(),
        Encoding::Vni => {
            vni_letter(c).is_some() || vni_mark(c).is_some() || matches!(c, 'ì' | 'í' | 'Ì' | 'Í')
        }
    }
}
