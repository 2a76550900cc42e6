//! Vietnamese alphabetical order (CLDR `vi`) through one process-wide ICU collator.

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};

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
