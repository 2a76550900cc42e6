//! Step 1 of the index build: a run of consecutive pages tokenized into words numbered in
//! the run's own dictionary, each with its postings as varints ([`Batch`], [`Run`]).

use super::hash::{FastMap, Fx};
use crate::text::{for_each_word, lower};
use crate::Doc;
use std::hash::Hasher;
use std::ops::Range;

/// The words of a run of consecutive pages, numbered in a dictionary of the run's own.
pub(super) struct Batch<'a> {
    /// Document id of the run's first page.
    pub(super) first: u32,
    /// The space-separated chunks seen: an open-addressing table, at most half full.
    pub(super) slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: a hash's top bits pick its first slot.
    pub(super) shift: u32,
    pub(super) chunks: Vec<Chunk<'a>>,
    /// The local word ids of each chunk's words, one chunk after the other.
    pub(super) tokens: Vec<u32>,
    /// Exact form (see [`lower`]) of each local word id: the run's words are numbered by
    /// exact form, so that "Biển" and "biển" on a page add up as they are counted.
    pub(super) words: Vec<String>,
    /// Local word id of each written form and of each exact form met.
    pub(super) ids: FastMap<&'a str, u32>,
    pub(super) exact_ids: FastMap<String, u32>,
    /// The postings of each local word: for each page that has it, in order,
    /// `varint(page - previous page)` then `varint(tf << 1 | in title)`; pages are counted
    /// from 1 at the run's first (so the first delta is that page's number).
    pub(super) lists: Vec<Vec<u8>>,
    /// The last page (from 1, 0 for none) of each local word, for the deltas.
    pub(super) last: Vec<u32>,
    /// Words in the body of each page.
    pub(super) lens: Vec<u32>,
    /// How many postings `lists` hold (for the phase trace).
    pub(super) postings: usize,
    /// Scratch space for counting one page, by local word id: `tf << 1 | in title`.
    pub(super) counts: Vec<u32>,
    /// The words of the page so far, in the order met: the first `n_touched` entries (the
    /// vector is one longer than `words`, so that noting a word needs no branch).
    pub(super) touched: Vec<u32>,
    pub(super) n_touched: usize,
}

/// A chunk of text between ASCII whitespace, as first seen, and its words in `tokens`.
pub(super) struct Chunk<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) tokens: Range<u32>,
}

/// One slot of the chunk table: what a lookup needs, in 32 bytes.
#[derive(Clone, Copy, Default)]
pub(super) struct Slot {
    /// The first 16 bytes of the chunk, its length, the top of its hash (see [`Key`]).
    pub(super) head: [u64; 2],
    pub(super) len: u32,
    pub(super) hash: u32,
    /// Index + 1 of the chunk in `chunks`, 0 for an empty slot.
    pub(super) chunk: u32,
    /// The chunk's word when it has exactly one (the usual case), else [`MANY`].
    pub(super) word: u32,
}

pub(super) const MANY: u32 = u32::MAX;

impl Slot {
    /// Whether the slot holds the chunk of `key`, as far as the key tells: for a chunk of
    /// up to 16 bytes it does; a longer one must still be compared byte by byte.
    pub(super) fn holds(&self, key: &Key) -> bool {
        self.head == key.head
            && self.len as usize == key.len
            && (key.len <= 16 || self.hash == (key.hash >> 32) as u32)
    }
}

/// What tells chunks apart quickly: the hash of the bytes, their length, and the bytes
/// themselves when they fit in 16 (zero-padded; longer chunks are compared in full).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    pub(super) hash: u64,
    pub(super) len: usize,
    pub(super) head: [u64; 2],
}

impl Key {
    /// The hash of a chunk of up to 16 bytes: one multiplication (the table takes the top
    /// bits of the product, which depend on every bit of the bytes).
    #[inline(always)]
    pub(super) fn short_hash(len: usize, head: [u64; 2]) -> u64 {
        (head[0] ^ head[1].rotate_left(32) ^ len as u64).wrapping_mul(Fx::K)
    }

    /// [`Key::of`] a chunk of `len` < 16 bytes, given the 16 bytes from its start.
    #[inline(always)]
    pub(super) fn short(x: u128, len: usize) -> Key {
        let bytes = x & ((1u128 << (8 * len)) - 1);
        let head = [bytes as u64, (bytes >> 64) as u64];
        Key {
            hash: Key::short_hash(len, head),
            len,
            head,
        }
    }

    /// The key of `b[start..end]` (it depends only on those bytes), reading 8 bytes at a time.
    #[inline]
    pub(super) fn of(b: &[u8], start: usize, end: usize) -> Key {
        let read = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        let len = end - start;
        let mut head = [0u64; 2];
        let hash = if len <= 16 {
            if len > 8 {
                // The first 8 bytes, then the last 8 without those already taken.
                head[0] = read(start);
                head[1] = read(end - 8) >> (8 * (16 - len));
            } else if len > 0 && b.len() - start >= 8 {
                // Load 8 bytes and keep the chunk's own.
                head[0] = read(start) & (u64::MAX >> (64 - 8 * len));
            } else {
                let mut last = [0u8; 8];
                last[..len].copy_from_slice(&b[start..end]);
                head[0] = u64::from_le_bytes(last);
            }
            Key::short_hash(len, head)
        } else {
            // Longer chunks keep no bytes in the key (they are compared in full).
            let mut h = Fx(len as u64);
            let mut i = start;
            while end - i > 8 {
                h.add(read(i));
                i += 8;
            }
            // The last 8 bytes, overlapping the previous word.
            h.add(read(end - 8));
            h.finish()
        };
        Key { hash, len, head }
    }
}

/// A run's postings, found by exact form.
pub(super) struct Run {
    /// Document id of the run's first page.
    pub(super) first: u32,
    /// The postings of each local word (see [`Batch::lists`]).
    pub(super) lists: Vec<Vec<u8>>,
    /// The local word of each exact form of the site, [`NONE`] where the run lacks it.
    pub(super) by_exact: Vec<u32>,
    /// How many postings `lists` hold.
    pub(super) postings: usize,
}

pub(super) const NONE: u32 = u32::MAX;

impl Run {
    /// `to_exact`: the site's exact-form id of each local word.
    pub(super) fn new(b: Batch, to_exact: &[u32], n_exact: usize) -> Run {
        let mut by_exact = vec![NONE; n_exact];
        for (local, &e) in to_exact.iter().enumerate() {
            by_exact[e as usize] = local as u32;
        }
        Run {
            first: b.first,
            postings: b.postings,
            lists: b.lists,
            by_exact,
        }
    }

    /// The postings of exact form `e` in this run (empty if it has none).
    pub(super) fn list_of(&self, e: u32) -> &[u8] {
        match self.by_exact[e as usize] {
            NONE => &[],
            w => &self.lists[w as usize],
        }
    }
}

pub(super) fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The (page, `tf << 1 | in title`) pairs of a list of [`Batch::lists`].
pub(super) fn postings(list: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
    let mut bytes = list.iter();
    let mut next = move || {
        // Most numbers take one byte.
        let first = *bytes.next()?;
        if first < 0x80 {
            return Some(u32::from(first));
        }
        let mut n = u32::from(first & 0x7f);
        let mut shift = 7;
        loop {
            let b = *bytes.next()?;
            n |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(n);
            }
            shift += 7;
        }
    };
    let mut page = 0;
    std::iter::from_fn(move || {
        page += next()?;
        Some((page, next()?))
    })
}

impl<'a> Batch<'a> {
    pub(super) fn new(first: u32) -> Self {
        let bits = 12;
        Batch {
            first,
            slots: vec![Slot::default(); 1 << bits],
            shift: 64 - bits,
            chunks: Vec::new(),
            tokens: Vec::new(),
            words: Vec::new(),
            ids: FastMap::default(),
            exact_ids: FastMap::default(),
            lists: Vec::new(),
            last: Vec::new(),
            lens: Vec::new(),
            postings: 0,
            counts: Vec::new(),
            // One more than the words: the slot written for a word already counted.
            touched: vec![0],
            n_touched: 0,
        }
    }

    pub(super) fn add(&mut self, d: &'a Doc) {
        let len = self.scan(&d.body, false);
        self.scan(&d.title, true);
        self.lens.push(len);
        let page = self.lens.len() as u32;
        self.postings += self.n_touched;
        for &id in &self.touched[..std::mem::take(&mut self.n_touched)] {
            let id = id as usize;
            let list = &mut self.lists[id];
            push_varint(list, page - self.last[id]);
            push_varint(list, self.counts[id]);
            self.last[id] = page;
            self.counts[id] = 0;
        }
    }

    /// Counts the words of `text` (in the body, or as title words); returns how many.
    pub(super) fn scan(&mut self, text: &'a str, title: bool) -> u32 {
        let b = text.as_bytes();
        let mut n = 0;
        let mut i = 0;
        loop {
            let (known, new) = self.scan_known(b, &mut i, title);
            n += known;
            let Some((start, key, slot)) = new else {
                return n;
            };
            let s = self.insert(text, start, start + key.len, key, slot);
            let Batch {
                chunks,
                tokens,
                counts,
                touched,
                n_touched,
                ..
            } = &mut *self;
            n += count(&s, chunks, tokens, counts, touched, n_touched, title);
        }
    }

    /// Counts the words of the chunks of `b` from `*i` on that are already in the table, up to
    /// the first new one: how many words, and the new chunk's start, key and free slot
    /// (`None` at the end of `b`); `*i` is left past the chunks read.
    #[inline(always)]
    fn scan_known(
        &mut self,
        b: &[u8],
        i: &mut usize,
        title: bool,
    ) -> (u32, Option<(usize, Key, usize)>) {
        // The fields are taken as slices and copies first: then the loop keeps them in
        // registers instead of reading them again through `self` after every store.
        let Batch {
            slots,
            shift,
            chunks,
            tokens,
            counts,
            touched,
            n_touched,
            ..
        } = &mut *self;
        let (slots, shift, chunks, tokens) = (&slots[..], *shift, &chunks[..], &tokens[..]);
        let (counts, touched) = (&mut counts[..], &mut touched[..]);
        let mut nt = *n_touched;
        let mut n = 0;
        let mut at = *i;
        let mut new = None;
        while let Some((start, key)) = next_key(b, &mut at) {
            match find(slots, chunks, b, start, &key, shift) {
                Ok(s) => n += count(s, chunks, tokens, counts, touched, &mut nt, title),
                Err(slot) => {
                    new = Some((start, key, slot));
                    break;
                }
            }
        }
        *n_touched = nt;
        *i = at;
        (n, new)
    }

    /// Adds the chunk `text[start..end]` at `slot` of the table, with its words.
    #[cold]
    #[inline(never)]
    pub(super) fn insert(
        &mut self,
        text: &'a str,
        start: usize,
        end: usize,
        key: Key,
        slot: usize,
    ) -> Slot {
        let bytes = &text.as_bytes()[start..end];
        let t0 = self.tokens.len() as u32;
        let Batch {
            tokens,
            words,
            ids,
            exact_ids,
            counts,
            touched,
            lists,
            last,
            ..
        } = self;
        // The bounds are next to ASCII bytes (or the ends): character boundaries.
        for_each_word(&text[start..end], |w| {
            let id = *ids.entry(w).or_insert_with(|| {
                let exact = if w.is_ascii() {
                    w.to_ascii_lowercase()
                } else {
                    lower(w)
                };
                *exact_ids.entry(exact).or_insert_with_key(|exact| {
                    words.push(exact.clone());
                    counts.push(0);
                    touched.push(0);
                    lists.push(Vec::new());
                    last.push(0);
                    words.len() as u32 - 1
                })
            });
            tokens.push(id);
        });
        let tokens = t0..self.tokens.len() as u32;
        let s = Slot {
            head: key.head,
            len: key.len as u32,
            hash: (key.hash >> 32) as u32,
            chunk: self.chunks.len() as u32 + 1,
            word: match tokens.len() {
                1 => self.tokens[t0 as usize],
                _ => MANY,
            },
        };
        self.chunks.push(Chunk { bytes, tokens });
        self.slots[slot] = s;
        if self.chunks.len() * 2 > self.slots.len() {
            self.grow();
        }
        s
    }

    pub(super) fn grow(&mut self) {
        self.shift -= 1;
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|s| s.chunk != 0) {
            let bytes = self.chunks[s.chunk as usize - 1].bytes;
            let mut slot = (Key::of(bytes, 0, bytes.len()).hash >> self.shift) as usize;
            while self.slots[slot].chunk != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = s;
        }
    }
}

/// The start and key of the next chunk of `b` at or after `*i`, whitespace skipped (`None`
/// at the end); `*i` is left past the whitespace that ends the chunk.
#[inline(always)]
fn next_key(b: &[u8], i: &mut usize) -> Option<(usize, Key)> {
    while *i < b.len() {
        let start = *i;
        match short_chunk(b, start) {
            // Whitespace between chunks.
            Some((0, _)) => *i += 1,
            Some((len, x)) => {
                // Past the whitespace that ends the chunk too.
                *i = start + len + 1;
                return Some((start, Key::short(x, len)));
            }
            None if b[start].is_ascii_whitespace() => *i += 1,
            None => {
                *i = next_space(b, start + 1);
                return Some((start, Key::of(b, start, *i)));
            }
        }
    }
    None
}

/// The slot of the table holding the chunk `b[start..start + key.len]`, or the index of the
/// empty slot where it goes.
#[inline(always)]
fn find<'s>(
    slots: &'s [Slot],
    chunks: &[Chunk],
    b: &[u8],
    start: usize,
    key: &Key,
    shift: u32,
) -> Result<&'s Slot, usize> {
    let mask = slots.len() - 1;
    let mut slot = (key.hash >> shift) as usize;
    loop {
        let s = &slots[slot];
        if s.chunk == 0 {
            return Err(slot);
        }
        if s.holds(key)
            && (key.len <= 16 || chunks[s.chunk as usize - 1].bytes == &b[start..start + key.len])
        {
            return Ok(s);
        }
        slot = (slot + 1) & mask;
    }
}

/// Counts the words of the chunk in slot `s` in `counts` (`tf << 1 | in title`), noting the
/// words met for the first time on the page in `touched`; returns how many words it has.
#[inline(always)]
pub(super) fn count(
    s: &Slot,
    chunks: &[Chunk],
    tokens: &[u32],
    counts: &mut [u32],
    touched: &mut [u32],
    n_touched: &mut usize,
    title: bool,
) -> u32 {
    let ids = if s.word != MANY {
        std::slice::from_ref(&s.word)
    } else {
        let r = &chunks[s.chunk as usize - 1].tokens;
        &tokens[r.start as usize..r.end as usize]
    };
    for &id in ids {
        let count = &mut counts[id as usize];
        // Written always, kept only for a word new on the page: whether it is new is a coin
        // toss for the branch predictor.
        touched[*n_touched] = id;
        *n_touched += usize::from(*count == 0);
        if title {
            *count |= 1;
        } else {
            *count += 2;
        }
    }
    ids.len() as u32
}

/// `(len, bytes)` for the chunk starting at `b[start]` when it is shorter than 16 bytes and
/// ends at ASCII whitespace (`len` 0 when `b[start]` is whitespace): its length and the 16
/// bytes from `start`, read at once. `None` when fewer than 16 bytes are left, or the chunk
/// is longer, or a control character comes first (then [`next_space`] finds its end).
#[inline(always)]
pub(super) fn short_chunk(b: &[u8], start: usize) -> Option<(usize, u128)> {
    const ONES: u128 = u128::from_le_bytes([1; 16]);
    let x = u128::from_le_bytes(b.get(start..start + 16)?.try_into().ok()?);
    // As in `next_space`: the lowest byte below 0x21 is found exactly.
    let low = x.wrapping_sub(0x21 * ONES) & !x & (0x80 * ONES);
    let len = (low.trailing_zeros() / 8) as usize;
    match b.get(start + len) {
        Some(c) if len < 16 && c.is_ascii_whitespace() => Some((len, x)),
        _ => None,
    }
}

/// The index of the first ASCII whitespace in `b` from `i` on, or `b.len()`.
pub(super) fn next_space(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    while let Some(word) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(word.try_into().unwrap_or_default());
        // The high bit of each byte below 0x21 (and maybe of some bytes after one of them:
        // the lowest one is exact).
        let low = x.wrapping_sub(0x21 * ONES) & !x & (0x80 * ONES);
        if low == 0 {
            i += 8;
            continue;
        }
        let k = i + (low.trailing_zeros() / 8) as usize;
        if b[k].is_ascii_whitespace() {
            return k;
        }
        // Another control character.
        i = k + 1;
    }
    while i < b.len() && !b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}
