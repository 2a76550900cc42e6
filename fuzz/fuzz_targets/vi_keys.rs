//! Slugs, folding and collation keys (components/vi): the promises their docs make, on any
//! two strings (the input is cut at its first NUL).
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (a, b) = text.split_once('\0').unwrap_or((text, ""));
    for s in [a, b] {
        let slug = vi::slugify(s);
        assert!(
            !slug.starts_with('-') && !slug.ends_with('-'),
            "slug {slug:?}"
        );
        assert!(!slug.contains("--"), "slug {slug:?}");
        assert_eq!(vi::slugify(&slug), slug, "slugify is not stable on {s:?}");
        let folded = vi::fold(s);
        assert_eq!(vi::fold(&folded), folded, "fold is not stable on {s:?}");
        let lower = vi::lower(s);
        assert_eq!(vi::lower(&lower), lower, "lower is not stable on {s:?}");
        let canonical = vi::canonical(s);
        assert_eq!(vi::canonical(&canonical), canonical, "canonical on {s:?}");
        assert_eq!(vi::nfc(s), vi::nfc_owned(s.to_string()));
        let file = vi::safe_file_name(s);
        assert!(!file.is_empty(), "empty file name for {s:?}");
        assert!(
            file.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(&c)),
            "file name {file:?}"
        );
        let stem = vi::safe_file_stem(s);
        assert!(!stem.is_empty() && stem.len() <= 80, "stem {stem:?}");
        let _ = vi::escape_html(s);
    }
    let order = vi::compare(a, b);
    assert_eq!(
        vi::compare(b, a),
        order.reverse(),
        "compare is not antisymmetric"
    );
    assert_eq!(
        vi::sort_key(a).cmp(&vi::sort_key(b)),
        order,
        "sort_key and compare disagree on {a:?} {b:?}"
    );
    let mut taken = HashSet::new();
    let first = vi::unique_slug(&vi::slugify(a), &mut taken);
    let second = vi::unique_slug(&vi::slugify(a), &mut taken);
    assert_ne!(first, second);
    assert_eq!(taken.len(), 2);
});
