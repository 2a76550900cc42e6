//! The weights of postings (BM25's term-frequency part, quantized) and the JSON of one folded
//! word: its exact forms and their postings.

use super::json::{push_b32, push_str, B64};
use super::runs::{postings, Run};

/// BM25 parameters for the body weight.
pub(super) const K1: f32 = 1.2;
pub(super) const B: f32 = 0.75;
/// Body weights are quantized to 1..=Q_MAX (0 = word only in the title).
pub(super) const Q_MAX: f32 = 15.0;

/// Posting weight: BM25 term-frequency part of the body, quantized, times 2, plus 1 if the
/// word is in the title. The script adds the IDF, which depends on the query.
#[cfg(test)]
pub(super) fn weight(tf: u32, in_title: bool, len: u32, avg_len: f32) -> u8 {
    weight_norm(tf, in_title, length_norm(len, avg_len))
}

/// The length part of the BM25 weight of a page of `len` words.
pub(super) fn length_norm(len: u32, avg_len: f32) -> f32 {
    K1 * (1.0 - B + B * len as f32 / avg_len)
}

pub(super) fn weight_norm(tf: u32, in_title: bool, norm: f32) -> u8 {
    let q = if tf == 0 {
        0
    } else {
        let tf = tf as f32;
        let s = tf / (tf + norm) * Q_MAX;
        // `s.ceil()` for 0 <= s <= Q_MAX, without a call to libm's ceilf.
        let q = s as u8;
        (q + u8::from(f32::from(q) < s)).clamp(1, Q_MAX as u8)
    };
    q * 2 + u8::from(in_title)
}

/// The length part of a page's weights, and its weights for the usual small counts.
pub(super) struct Norm {
    pub(super) norm: f32,
    /// [`weight_norm`] of a word seen `tf` times in the body and not in the title, for
    /// `tf` up to [`Norm::SMALL`] - 1.
    pub(super) small: [u8; Norm::SMALL],
}

impl Norm {
    const SMALL: usize = 8;

    pub(super) fn new(norm: f32) -> Norm {
        Norm {
            norm,
            small: std::array::from_fn(|tf| weight_norm(tf as u32, false, norm)),
        }
    }

    /// The weight of a posting `c` (`tf << 1 | in title`).
    #[inline]
    pub(super) fn weight(&self, c: u32) -> u8 {
        match self.small.get((c >> 1) as usize) {
            Some(w) => w | (c & 1) as u8,
            None => weight_norm(c >> 1, c & 1 == 1, self.norm),
        }
    }
}

/// `"fold":{"exact":"<doc,w,delta,w,...>",...}` for one folded word (the numbers written with
/// [`push_b32`]), from every run's lists
/// (`norms`: the length part of each page's weights).
pub(super) fn term_json(group: &[(String, &str, u32)], runs: &[Run], norms: &[Norm]) -> Vec<u8> {
    // Room for all of it, so that the buffer never grows: a posting takes 2 bytes of a list
    // at least, and `n` deltas adding up to at most `docs` have at most
    // `n * (log10(docs / n) + 1)` digits in all (the logarithm is concave; the bound grows
    // with `n`), a weight has at most 2, and each number a comma. (Names are escaped to at
    // most 6 bytes a byte.)
    let docs = norms.len();
    let size: usize = group
        .iter()
        .map(|g| {
            let bytes: usize = runs.iter().map(|r| r.list_of(g.2).len()).sum();
            let n = (bytes / 2).clamp(1, docs.max(1));
            let digits = (docs / n).max(1).ilog10() as usize + 2;
            g.0.len() * 6 + g.1.len() * 6 + 8 + n * (digits + 4)
        })
        .sum();
    let mut out = Vec::with_capacity(size);
    push_str(&mut out, &group[0].0);
    out.extend_from_slice(b":{");
    for (i, &(_, exact, e)) in group.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(&mut out, exact);
        out.extend_from_slice(b":\"");
        let mut prev = 0;
        for run in runs {
            // Pages are counted from 1 in a run.
            let base = run.first.wrapping_sub(1);
            for (page, c) in postings(run.list_of(e)) {
                let doc = base.wrapping_add(page);
                let w = norms[doc as usize].weight(c);
                push_b32(&mut out, doc - prev);
                // A weight is below 32: one character.
                out.push(B64[usize::from(w & 31)]);
                prev = doc;
            }
        }
        out.push(b'"');
    }
    out.push(b'}');
    out
}
