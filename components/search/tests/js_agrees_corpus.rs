//! The browser script folds and lowers like Rust on strings nobody chose: the fuzz corpora of
//! the search and slug targets (`fuzz/corpus/search_words`, `fuzz/corpus/vi_keys`) and
//! seeded random mixes of Vietnamese letters, combining marks, other scripts and the
//! characters whose case rules differ between libraries (İ, ẞ, ǅ, ﬁ, Σ).
//!
//! `BANGTIN_FOLD_CORPUS` (folders, `:`-separated) adds more inputs: `.ci/fuzz.sh` passes the
//! corpora the fuzzers have just grown.

mod common;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// Characters the random strings are made of: each kind of trouble a few times.
const ALPHABET: &[&str] = &[
    "a", "o", "u", "y", "e", "i", "q", "g", "d", "h", "n", "A", "O", "U", "Y", "Q", "đ", "Đ", "ă",
    "â", "ê", "ô", "ơ", "ư", "Ư", "\u{300}", "\u{301}", "\u{303}", "\u{309}", "\u{323}", "\u{302}",
    "\u{306}", "\u{31b}", "\u{308}", "\u{327}", "ò", "ỏ", "ỷ", "ẻ", "Ỳ", "İ", "ẞ", "ß", "ǅ", "ﬁ",
    "Σ", "σ", "ς", "Ω", "ı", "K", "Å", "中", "й", "ё", "1", "_", "-", ".", "'", "’", " ",
    "\u{200d}", "\u{ad}", "\u{ecd}", "\u{1aeb}", "\u{20d0}", "\u{903}", "😀", "Ⓐ", "ǈ", "ǲ",
];

/// A small seeded generator (xorshift), so a failure names a string that comes back.
fn random_strings(n: usize) -> Vec<String> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let len = 1 + next() % 8;
            (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect()
        })
        .collect()
}

/// The inputs kept in the fuzz corpora (cut at NUL, as the vi_keys target does).
fn corpus_strings() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let mut dirs: Vec<PathBuf> = vec![root.join("search_words"), root.join("vi_keys")];
    if let Ok(extra) = std::env::var("BANGTIN_FOLD_CORPUS") {
        dirs.extend(std::env::split_paths(&extra));
    }
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(bytes) = std::fs::read(e.path()) else {
                continue;
            };
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            // Whole texts and their space-separated pieces, as a reader would type them.
            for part in text.split('\0') {
                out.extend(part.split_whitespace().map(str::to_string));
                out.push(part.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn js_folds_corpus_and_random_strings_like_rust() {
    let corpus = corpus_strings();
    assert!(
        corpus.len() > 100,
        "the fuzz corpora should be there ({})",
        corpus.len()
    );
    let mut inputs = corpus;
    inputs.extend(random_strings(20_000));
    let dir = tempfile::tempdir().expect("temp dir");
    let requests: Vec<Value> = inputs.iter().map(|s| json!({ "norm": s })).collect();
    let answers = common::node(dir.path(), &Value::from(requests));
    let mut wrong = Vec::new();
    for (input, a) in inputs.iter().zip(&answers) {
        let lower = search::text::lower(input);
        let fold = search::text::fold(input);
        let fold_lower = search::text::fold(&lower);
        if a["lower"] != lower.as_str()
            || a["fold"] != fold.as_str()
            || a["fold_lower"] != fold_lower.as_str()
        {
            wrong.push(format!(
                "{input:?} {:?}: rust ({lower:?}, {fold:?}, {fold_lower:?}) js ({}, {}, {})",
                input
                    .chars()
                    .map(|c| format!("{:04X}", c as u32))
                    .collect::<Vec<_>>(),
                a["lower"],
                a["fold"],
                a["fold_lower"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} strings differ:\n{}",
        wrong.len(),
        inputs.len(),
        wrong[..wrong.len().min(30)].join("\n")
    );
}
