//! The search tokenizer: the fast word splitter gives exactly unicode_segmentation's words,
//! each word's forms are stable, and every piece is part of the text. (The browser script's
//! agreement with these functions over this target's corpus is `components/search/tests/
//! js_agrees_corpus.rs`, which runs node.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicode_segmentation::UnicodeSegmentation;

fuzz_target!(|text: &str| {
    let mut fast = Vec::new();
    search::text::unicode_words(text, |w| fast.push(w));
    let reference: Vec<&str> = text.unicode_words().collect();
    assert_eq!(fast, reference, "word boundaries of {text:?}");
    search::text::for_each_word(text, |w| {
        assert!(!w.is_empty() && text.contains(w), "piece {w:?} of {text:?}");
        let lower = search::text::lower(w);
        let fold = search::text::fold(&lower);
        assert_eq!(search::text::fold(&fold), fold, "fold of {w:?}");
    });
    let _ = search::text::words(text);
});
