//! Accent folding: lower case without diacritics, through two tables built once for the
//! Latin blocks.

use std::sync::LazyLock;

use crate::normalize::nfc;

/// Combining diacritical marks (the ones NFD Vietnamese uses live here).
fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
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
pub(crate) fn fold_each(s: &str, mut f: impl FnMut(char)) {
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
