//! Text typed in the legacy Vietnamese encodings TCVN3 (TCVN 5712:1993 VN3, the ".Vn"
//! fonts such as .VnTime, keyboard table "ABC") and VNI-Windows (the "VNI-" fonts), then
//! pasted or saved as if it were Windows-1252 text: "Tr­êng TiÓu häc" (TCVN3) and
//! "Tröôøng Tieåu hoïc" (VNI) are both "Trường Tiểu học".
//!
//! Detection is by evidence, word by word: a legacy word read as Latin-1 is not a
//! Vietnamese syllable, and becomes one when converted; a Unicode Vietnamese word already
//! is one (or holds letters no legacy text can hold, such as ư, ạ, ế).

use crate::syllable::is_syllable;
use crate::vowel::{self, A, A_BREVE, A_CIRC, E, E_CIRC, NONE, O, O_CIRC};
use std::borrow::Cow;

/// A legacy Vietnamese encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// TCVN 5712:1993 VN3 (".VnTime" fonts, ABC keyboard table): one byte per letter.
    Tcvn3,
    /// VNI-Windows ("VNI-Times" fonts): a base letter followed by a mark byte.
    Vni,
}

impl Encoding {
    /// Human name of the encoding, as users know it from their font menus.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Tcvn3 => "TCVN3 (.VnTime)",
            Encoding::Vni => "VNI",
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// First code of the TCVN3 table below.
const TCVN3_FIRST: u32 = 0xA1;

/// TCVN3 bytes 0xA1..=0xFE (read as Latin-1) -> Unicode; '\0' where VN3 has no letter.
/// Upper-case letters with a tone have no code of their own: the ".VnTimeH" fonts draw the
/// lower-case codes as capitals, so those codes stand for either case.
#[rustfmt::skip]
const TCVN3: [char; 94] = [
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
fn tcvn3_char(c: char) -> Option<char> {
    let cp = c as u32;
    if !(TCVN3_FIRST..TCVN3_FIRST + TCVN3.len() as u32).contains(&cp) {
        return None;
    }
    let u = TCVN3[(cp - TCVN3_FIRST) as usize];
    (u != '\0').then_some(u)
}

/// VNI letters that take one byte of their own.
fn vni_letter(c: char) -> Option<char> {
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
enum Shape {
    Keep,
    Circumflex,
    Breve,
}

/// VNI mark bytes (they follow the vowel they belong to): shape and tone.
fn vni_mark(c: char) -> Option<(Shape, u8)> {
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
fn apply_mark(prev: char, shape: Shape, tone: u8) -> Option<char> {
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
fn worth_looking(s: &str) -> bool {
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

fn vni_to_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(u) = vni_letter(c) {
            out.push(u);
        } else if let Some((shape, tone)) = vni_mark(c) {
            match out
                .chars()
                .next_back()
                .and_then(|p| apply_mark(p, shape, tone))
            {
                Some(m) => {
                    out.pop();
                    out.push(m);
                }
                // A mark with no vowel to sit on is an ordinary Latin-1 letter.
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A char of a line being converted from TCVN3; `amb` marks a code whose case is unknown.
#[derive(Clone, Copy)]
struct Mapped {
    c: char,
    amb: bool,
}

/// Case statistics of one whitespace-separated token of a line.
#[derive(Default)]
struct Token {
    start: usize,
    end: usize,
    upper: usize,
    lower: usize,
    amb: usize,
    /// Only letters between leading and trailing punctuation ("Ủy," yes; "31/KH" no).
    plain: bool,
    /// Ends with . ! or ? (maybe followed by a closing quote or bracket).
    ends_sentence: bool,
    /// Starts with something that is not a letter.
    punct_before: bool,
    /// Ends with something that is not a letter.
    punct_after: bool,
}

impl Token {
    fn has_letters(&self) -> bool {
        self.upper + self.lower + self.amb > 0
    }

    /// An all-capitals word: two or more capitals and no small letter.
    fn caps(&self) -> bool {
        self.plain && self.upper >= 2 && self.lower == 0
    }
}

fn tcvn3_to_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    let mut line: Vec<Mapped> = Vec::new();
    for raw in s.split_inclusive('\n') {
        line.clear();
        line.extend(raw.chars().map(|c| match tcvn3_char(c) {
            Some(u) => Mapped {
                c: u,
                amb: u.is_lowercase(),
            },
            None => Mapped { c, amb: false },
        }));
        convert_line(&mut line, &mut out);
    }
    out
}

/// Decides the case of the case-ambiguous letters of one line, then writes it out.
///
/// A word of capitals, or a short word next to one ("KẾ HOẠCH"), gets capitals; a word
/// with small letters gets small ones, except a first letter that starts a sentence.
fn convert_line(line: &mut [Mapped], out: &mut String) {
    let tokens = tokenize(line);
    for (k, t) in tokens.iter().enumerate() {
        if t.amb == 0 {
            continue;
        }
        // A capitals neighbour counts when it is a Vietnamese word itself (an acronym such
        // as "ASEAN" is not) and no punctuation stands between the two.
        let caps_word = |n: &Token| n.caps() && n.amb > 0;
        let caps_before = k
            .checked_sub(1)
            .map(|j| &tokens[j])
            .is_some_and(|p| caps_word(p) && !p.punct_after && !t.punct_before);
        let caps_after = tokens
            .get(k + 1)
            .is_some_and(|n| caps_word(n) && !t.punct_after && !n.punct_before);
        let upper_word = t.lower == 0 && (t.upper >= 2 || caps_before || caps_after);
        if upper_word {
            for m in &mut line[t.start..t.end] {
                if m.amb {
                    m.c = to_upper(m.c);
                }
            }
            continue;
        }
        let starts_sentence = match tokens[..k].iter().rev().find(|p| p.has_letters()) {
            None => true,
            Some(p) => p.ends_sentence,
        };
        if starts_sentence {
            if let Some(first) = line[t.start..t.end]
                .iter_mut()
                .find(|m| m.c.is_alphabetic())
            {
                if first.amb {
                    first.c = to_upper(first.c);
                }
            }
        }
    }
    out.extend(line.iter().map(|m| m.c));
}

fn to_upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// Whitespace-separated tokens of a mapped line, with their case statistics.
fn tokenize(line: &[Mapped]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if line[i].c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < line.len() && !line[i].c.is_whitespace() {
            i += 1;
        }
        let mut t = Token {
            start,
            end: i,
            ..Token::default()
        };
        for m in &line[start..i] {
            if m.amb {
                t.amb += 1;
            } else if m.c.is_uppercase() {
                t.upper += 1;
            } else if m.c.is_lowercase() {
                t.lower += 1;
            }
        }
        let word = &line[start..i];
        let is_letter = |m: &Mapped| m.c.is_alphabetic();
        let first = word.iter().position(is_letter);
        let last = word.iter().rposition(is_letter);
        t.punct_before = !word.first().is_some_and(is_letter);
        t.punct_after = !word.last().is_some_and(is_letter);
        t.plain = match (first, last) {
            (Some(a), Some(b)) => {
                word[a..=b].iter().all(is_letter)
                    && word[..a]
                        .iter()
                        .chain(&word[b + 1..])
                        .all(|m| !m.c.is_alphanumeric())
            }
            _ => false,
        };
        let tail = word
            .iter()
            .rev()
            .find(|m| !matches!(m.c, '"' | '\'' | ')' | ']' | '”' | '’' | '»'));
        t.ends_sentence = tail.is_some_and(|m| matches!(m.c, '.' | '!' | '?' | '…'));
        tokens.push(t);
    }
    tokens
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

/// Whether `c` is a char that text in `enc` uses for a Vietnamese letter or mark.
fn is_code(c: char, enc: Encoding) -> bool {
    match enc {
        Encoding::Tcvn3 => tcvn3_char(c).is_some(),
        Encoding::Vni => {
            vni_letter(c).is_some() || vni_mark(c).is_some() || matches!(c, 'ì' | 'í' | 'Ì' | 'Í')
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vowel::{decompose, TABLE};

    /// Unicode -> TCVN3 as Latin-1, the inverse of the table; capitals with a tone take the
    /// lower-case code, as typing in a ".VnTimeH" capitals font does.
    fn to_tcvn3(s: &str) -> String {
        s.chars()
            .map(|c| {
                if let Some(i) = TCVN3.iter().position(|&u| u == c) {
                    return char::from_u32(TCVN3_FIRST + i as u32).unwrap_or(c);
                }
                let lower = c.to_lowercase().next().unwrap_or(c);
                if lower != c && decompose(c).is_some_and(|v| v.tone != NONE) {
                    if let Some(i) = TCVN3.iter().position(|&u| u == lower) {
                        return char::from_u32(TCVN3_FIRST + i as u32).unwrap_or(c);
                    }
                }
                c
            })
            .collect()
    }

    /// Unicode -> VNI as Latin-1: base letter, then the mark byte.
    fn to_vni(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            if matches!(c, 'đ' | 'Đ') {
                out.push(if c == 'đ' { 'ñ' } else { 'Ñ' });
                continue;
            }
            let Some(v) = decompose(c) else {
                out.push(c);
                continue;
            };
            let up = |c: char| if v.upper { to_upper(c) } else { c };
            use crate::vowel::*;
            // i and ỵ with a tone have single bytes, and so do ư and ơ.
            if v.base == I && v.tone != NONE {
                out.push(up(['i', 'ì', 'í', 'æ', 'ó', 'ò'][v.tone as usize]));
                continue;
            }
            if v.base == Y && v.tone == DOT {
                out.push(up('î'));
                continue;
            }
            let (base, marks): (char, [char; 6]) = match v.base {
                A_CIRC => ('a', ['â', 'à', 'á', 'å', 'ã', 'ä']),
                E_CIRC => ('e', ['â', 'à', 'á', 'å', 'ã', 'ä']),
                O_CIRC => ('o', ['â', 'à', 'á', 'å', 'ã', 'ä']),
                A_BREVE => ('a', ['ê', 'è', 'é', 'ú', 'ü', 'ë']),
                O_HORN => ('ô', ['\0', 'ø', 'ù', 'û', 'õ', 'ï']),
                U_HORN => ('ö', ['\0', 'ø', 'ù', 'û', 'õ', 'ï']),
                b => (TABLE[b as usize][0], ['\0', 'ø', 'ù', 'û', 'õ', 'ï']),
            };
            out.push(up(base));
            let mark = marks[v.tone as usize];
            if mark != '\0' {
                out.push(up(mark));
            }
        }
        out
    }

    const SEED: &str = include_str!("../tests/data/ke-hoach-31-KH-THBA-2024.txt");

    #[test]
    fn known_legacy_strings() {
        let table = [
            ("Tr\u{ad}êng TiÓu häc", Encoding::Tcvn3, "Trường Tiểu học"),
            ("§µo t¹o", Encoding::Tcvn3, "Đào tạo"),
            (
                "c¸c c«ng viÖc ®\u{ad}îc giao",
                Encoding::Tcvn3,
                "các công việc được giao",
            ),
            ("n¨m häc 2023-2024", Encoding::Tcvn3, "năm học 2023-2024"),
            ("Tröôøng Tieåu hoïc", Encoding::Vni, "Trường Tiểu học"),
            ("Vieät Nam", Encoding::Vni, "Việt Nam"),
            ("ñòa phöông", Encoding::Vni, "địa phương"),
            ("suy nghó, chæ ñaïo", Encoding::Vni, "suy nghĩ, chỉ đạo"),
            ("TRÖÔØNG TIEÅU HOÏC", Encoding::Vni, "TRƯỜNG TIỂU HỌC"),
            ("naêm hoïc môùi", Encoding::Vni, "năm học mới"),
        ];
        for (legacy, enc, unicode) in table {
            assert_eq!(to_unicode(legacy, enc), unicode, "{legacy:?}");
            assert_eq!(detect(legacy), Some(enc), "detect({legacy:?})");
            assert_eq!(fix(legacy), (Cow::from(unicode), Some(enc)));
        }
    }

    /// The char-by-char count `worth_looking` does on bytes.
    fn worth_looking_by_chars(s: &str) -> bool {
        let (mut latin1, mut vietnamese) = (0usize, 0usize);
        for c in s.chars() {
            match c as u32 {
                0x00A0..=0x00FF => latin1 += 1,
                0x0102
                | 0x0103
                | 0x0110
                | 0x0111
                | 0x0128
                | 0x0129
                | 0x0168
                | 0x0169
                | 0x01A0
                | 0x01A1
                | 0x01AF
                | 0x01B0
                | 0x1EA0..=0x1EF9 => vietnamese += 1,
                _ => {}
            }
        }
        latin1 > 0 && latin1 > vietnamese
    }

    #[test]
    fn byte_count_agrees_with_char_count() {
        // Every char that can matter, alone and next to ASCII.
        for cp in (0x80..0x800).chain(0x1E00..0x1F00) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            for s in [c.to_string(), format!("{c}{c}x"), format!("abcdefgh{c}ư")] {
                assert_eq!(worth_looking(&s), worth_looking_by_chars(&s), "{s:?}");
            }
        }
        for s in [
            SEED.to_string(),
            to_tcvn3(SEED),
            to_vni(SEED),
            "Café, naïve, résumé".to_string(),
            "Ấp Ữ ạỹ Ơ ơ Ư ư ĂăĐđĨĩŨũ ÀàÂâ 😀 \u{1EFA}\u{1E9F}".to_string(),
        ] {
            assert_eq!(worth_looking(&s), worth_looking_by_chars(&s), "{s:?}");
        }
    }

    #[test]
    fn inverse_tables_agree_with_known_strings() {
        assert_eq!(to_tcvn3("Trường Tiểu học"), "Tr\u{ad}êng TiÓu häc");
        assert_eq!(to_vni("Trường Tiểu học"), "Tröôøng Tieåu hoïc");
        assert_eq!(to_vni("Việt Nam"), "Vieät Nam");
    }

    #[test]
    fn every_vowel_round_trips() {
        for row in TABLE {
            for c in row {
                for c in [c, to_upper(c)] {
                    let s = c.to_string();
                    assert_eq!(to_unicode(&to_vni(&s), Encoding::Vni), s, "VNI {c}");
                    let lower = c.to_lowercase().to_string();
                    // Alone, a letter starts a sentence: a capital is as good a guess.
                    let t = to_unicode(&to_tcvn3(&s), Encoding::Tcvn3);
                    assert_eq!(t.to_lowercase(), lower, "TCVN3 {c} came back as {t}");
                }
            }
        }
        for c in ["đ", "Đ"] {
            assert_eq!(to_unicode(&to_vni(c), Encoding::Vni), c);
            let t = to_unicode(&to_tcvn3(c), Encoding::Tcvn3);
            assert_eq!(t.to_lowercase(), "đ", "TCVN3 {c} came back as {t}");
        }
        // In a word, case is kept.
        assert_eq!(
            to_unicode(&to_tcvn3("đi Đà Nẵng"), Encoding::Tcvn3),
            "Đi Đà Nẵng"
        );
        assert_eq!(to_unicode(&to_tcvn3("Ta đi"), Encoding::Tcvn3), "Ta đi");
    }

    /// Lines of the school plan with letters in them.
    fn seed_lines() -> impl Iterator<Item = &'static str> {
        SEED.lines()
            .map(str::trim)
            .filter(|l| l.chars().any(char::is_alphabetic))
    }

    #[test]
    fn seed_round_trips_through_vni() {
        let vni = to_vni(SEED);
        assert_ne!(vni, SEED);
        assert_eq!(detect(&vni), Some(Encoding::Vni));
        assert_eq!(to_unicode(&vni, Encoding::Vni), SEED);
        for line in seed_lines() {
            let legacy = to_vni(line);
            assert_eq!(to_unicode(&legacy, Encoding::Vni), line);
        }
    }

    #[test]
    fn seed_round_trips_through_tcvn3() {
        let tcvn3 = to_tcvn3(SEED);
        assert_ne!(tcvn3, SEED);
        assert_eq!(detect(&tcvn3), Some(Encoding::Tcvn3));
        let back = to_unicode(&tcvn3, Encoding::Tcvn3);
        // TCVN3 has no capitals with a tone, so their case is a guess; the plan has one
        // stray "ơ" alone on a line, which comes back as a capital (a line starts a
        // sentence). Every other word, capitals of headings included, comes back exactly.
        assert_eq!(back.len(), SEED.len());
        let differing: Vec<(&str, &str)> = back
            .split_whitespace()
            .zip(SEED.split_whitespace())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(differing, vec![("Ơ", "ơ")]);
    }

    #[test]
    fn real_sentences_round_trip_through_tcvn3() {
        let sentences = [
            "KẾ HOẠCH",
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số:    31/KH -THBA",
            "I. MỤC ĐÍCH YÊU CẦU",
            "Ủy ban nhân dân huyện. Ở đây có trường.",
            "Bình An, ngày  16  tháng 01  năm 2024",
        ];
        for s in sentences {
            let legacy = to_tcvn3(s);
            assert_eq!(to_unicode(&legacy, Encoding::Tcvn3), s, "from {legacy:?}");
        }
    }

    #[test]
    fn seed_lines_detected_one_by_one() {
        let mut long = 0;
        for line in seed_lines() {
            if line.split_whitespace().count() < 6 {
                continue;
            }
            long += 1;
            assert_eq!(detect(&to_tcvn3(line)), Some(Encoding::Tcvn3), "{line}");
            assert_eq!(detect(&to_vni(line)), Some(Encoding::Vni), "{line}");
            assert_eq!(detect(line), None, "Unicode {line}");
        }
        assert!(long > 20, "the plan has many long lines ({long})");
    }

    #[test]
    fn unicode_and_foreign_text_is_left_alone() {
        let texts = [
            SEED,
            "Trường Tiểu học Bình An tổ chức lễ khai giảng năm học mới vào sáng thứ Hai. \
             Các em học sinh lớp Một được đón chào trong không khí vui tươi, ấm áp.",
            "Có công mài sắt có ngày nên kim.",
            "Có công",
            "Tôi yêu Việt Nam",
            "Và rồi mùa thu đến, lá vàng rơi đầy sân trường, các cô giáo dạy học sinh \
             về lòng biết ơn thầy cô và cha mẹ.",
            "Hôm nay có bão, học sinh được nghỉ học. Phụ huynh chú ý theo dõi thông báo.",
            "Thực hiện Kế hoạch số 3541/KH-UBND ngày 04/12/2023 của UBND tỉnh về triển khai.",
            "The school opens on Monday; parents are welcome to visit the classrooms.",
            "Café, naïve, résumé, Noël: a few borrowed words in English.",
            "Le goût de la vie est très doux où que l'on soit, même en été à Paris.",
            "Müller & Söhne: Straßenbahn über die Brücke, schön und groß.",
            "São João, coração, irmão: português com acentuação.",
            "",
            "   ",
            "12345 - 678",
        ];
        for t in texts {
            assert_eq!(detect(t), None, "detect({t:?})");
            assert!(
                matches!(fix(t), (Cow::Borrowed(b), None) if b == t),
                "fix({t:?})"
            );
        }
        // Nor on NFD Vietnamese.
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd(SEED).collect();
        assert_eq!(detect(&nfd), None);
    }

    #[test]
    fn short_snippets_of_the_plan() {
        let words: Vec<&str> = SEED.split_whitespace().collect();
        for n in 1..=4 {
            let (mut total, mut tcvn3_hits, mut vni_hits) = (0, 0, 0);
            for w in words.windows(n) {
                let text = w.join(" ");
                total += 1;
                assert_eq!(detect(&text), None, "Unicode {text:?}");
                let t = detect(&to_tcvn3(&text));
                // One word can be a word in both ("tö" is VNI "tư" and TCVN3 "tử").
                if n > 1 {
                    assert_ne!(t, Some(Encoding::Vni), "TCVN3 {text:?}");
                }
                tcvn3_hits += usize::from(t.is_some());
                let v = detect(&to_vni(&text));
                if n > 1 {
                    assert_ne!(v, Some(Encoding::Tcvn3), "VNI {text:?}");
                }
                vni_hits += usize::from(v.is_some());
            }
            // Most syllables carry a mark, so even short snippets are mostly recognised.
            let want = [0.7, 0.9, 0.95, 0.97][n - 1];
            for (enc, hits) in [("TCVN3", tcvn3_hits), ("VNI", vni_hits)] {
                let rate = hits as f64 / total as f64;
                assert!(rate >= want, "{enc}, {n} words: {hits}/{total} detected");
            }
        }
    }

    #[test]
    fn markdown_file_in_tcvn3_is_fixed_whole() {
        let unicode = "+++\ntitle = \"Trường Tiểu học Bình An\"\ndate = 2024-01-16\n+++\n\n\
            # KẾ HOẠCH\n\nCăn cứ tình hình thực tế, trường xây dựng kế hoạch như sau:\n\n\
            - Nâng cao nhận thức của cán bộ, giáo viên và nhân viên.\n";
        for (legacy, enc) in [
            (to_tcvn3(unicode), Encoding::Tcvn3),
            (to_vni(unicode), Encoding::Vni),
        ] {
            assert_eq!(fix(&legacy), (Cow::from(unicode), Some(enc)));
        }
        assert_eq!(detect(unicode), None);
    }

    #[test]
    fn other_latin_languages_are_left_alone() {
        for t in [
            "El niño y la señora de España hablan más; él sí sabe.",
            "Os irmãos não estão em São Paulo, estão em Lisboa.",
            "Où est la bibliothèque? Près de l'école, à côté du café.",
            "Ærø og Søndervig ligger på øerne i Danmark.",
        ] {
            assert_eq!(detect(t), None, "{t}");
        }
    }

    #[test]
    fn marks_without_a_vowel_stay() {
        assert_eq!(to_unicode("café", Encoding::Vni), "café");
        assert_eq!(to_unicode("price: 5$", Encoding::Tcvn3), "price: 5$");
        assert_eq!(to_unicode("", Encoding::Vni), "");
    }
}
