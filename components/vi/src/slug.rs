//! URL slugs built on the folded form, and unique slugs counted up from a base.

use std::collections::HashSet;

use crate::folding::fold_each;

/// URL slug: folded, runs of non-alphanumerics -> one '-', trimmed:
/// "Biển đảo Hoàng Sa, Trường Sa" -> "bien-dao-hoang-sa-truong-sa".
///
/// Letters of other scripts are kept (lower-cased), so a Chinese title still has a slug.
pub fn slugify(s: &str) -> String {
    dashed(s, char::is_alphanumeric)
}

/// `s` folded, the characters `keep` takes kept and every run of others one '-', trimmed.
pub(crate) fn dashed(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    fold_each(s, |c| {
        if keep(c) {
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
