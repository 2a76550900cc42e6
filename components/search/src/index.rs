//! The index builder: pages in, `search/<lang>/*.json` files out.
//!
//! Layout (all JSON, see README.md for the field meanings):
//! - `meta.json`: document count, shard boundaries, section names, a content hash;
//! - `t-<i>-<hash>.json`: a contiguous range of folded words -> exact forms -> postings;
//! - `d-<j>-<hash>.json`: `per` consecutive documents (URL, title, date, section, snippet text).
//!
//! How the build runs (the document shards are made alongside steps 1-4, which do not need
//! them):
//! 1. The pages are cut into a few runs of consecutive pages, tokenized in parallel. A run
//!    keeps a table of the space-separated chunks it has seen ("biển,", "“Hoàng"): a chunk
//!    seen before costs one hash lookup, and only a new chunk is split into words, each
//!    new written form normalized once. A run numbers its words by exact form ("Biển" and
//!    "biển" are one word), each keeping its postings as a list of varints (about 2 bytes
//!    a posting).
//! 2. The exact forms of the whole site are numbered.
//! 3. Each run notes its word of each exact form of the site.
//! 4. The JSON of each folded word is written from the runs' lists, in parallel, a window
//!    of words at a time, and cut into shards.
//!
//! Files are handed to the caller as soon as they are made ([`build_into`]), so the index
//! never sits whole in memory: fresh memory is expensive (page faults were the largest part
//! of the index build in bangtin before this layout).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::text::{fold, for_each_word, lower};
use crate::{Doc, Options};

/// Format version written to `meta.json`; the script refuses other versions.
const VERSION: u32 = 2;
/// BM25 parameters for the body weight.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Body weights are quantized to 1..=Q_MAX (0 = word only in the title).
const Q_MAX: f32 = 15.0;
/// Pages per run at least (fewer runs on small sites: each has its own dictionaries).
const MIN_RUN: usize = 32;

/// Builds the search index of one language; returns the files to write, relative to the
/// output root, all under `search/<lang>/`: `meta.json` first, then the term shards, then
/// the document shards.
pub fn build(lang: &str, docs: &[Doc], opts: &Options) -> Vec<(String, Vec<u8>)> {
    let files = Mutex::new(Vec::new());
    write_index(lang, docs, opts, &|key, name, bytes| {
        lock(&files).push((key, name, bytes));
    });
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by_key(|f| f.0);
    files.into_iter().map(|(_, n, b)| (n, b)).collect()
}

/// [`build`], handing each file to `emit` (path relative to the output root, bytes) as soon
/// as it is made instead of returning them all: the shards in no particular order, from
/// several threads, then `meta.json` last (so a site uploaded in that order never has a
/// `meta.json` naming missing shards). The files are the same as [`build`]'s.
pub fn build_into(lang: &str, docs: &[Doc], opts: &Options, emit: impl Fn(String, Vec<u8>) + Sync) {
    write_index(lang, docs, opts, &|_, name, bytes| emit(name, bytes));
}

/// Order of the files in [`build`]'s list: (0, 0) for meta.json, (1, i) for term shard i,
/// (2, j) for document shard j.
type FileKey = (u8, usize);
type Emit<'e> = dyn Fn(FileKey, String, Vec<u8>) + Sync + 'e;

fn write_index(lang: &str, docs: &[Doc], opts: &Options, emit: &Emit) {
    assert!(
        u32::try_from(docs.len()).is_ok(),
        "search: too many pages for one index"
    );
    let dir = format!("search/{lang}/");
    let t0 = std::time::Instant::now();
    let trace = std::env::var_os("SEARCH_PHASES").is_some();
    let phase = |name: &str| {
        if trace {
            eprintln!("search index: {name} {:?}", t0.elapsed());
        }
    };
    let ((bounds, term_names), (per, sections, doc_names)) = rayon::join(
        || term_shards(&dir, docs, opts, emit, &phase),
        || doc_shards(&dir, docs, opts, emit),
    );
    phase("term and document shards");

    // Shard names are `<kind>-<i>-<hash>.json`; meta.json lists the hashes.
    let hash_of = |name: &str| {
        name.rsplit('-')
            .next()
            .unwrap_or("")
            .trim_end_matches(".json")
            .to_string()
    };
    let mut h = Fx::default();
    for path in term_names.iter().chain(&doc_names) {
        h.write(path.as_bytes());
    }
    let term_hashes: Vec<String> = term_names.iter().map(|n| hash_of(n)).collect();
    let doc_hashes: Vec<String> = doc_names.iter().map(|n| hash_of(n)).collect();
    let mut meta = format!(
        "{{\"v\":{VERSION},\"lang\":{},\"n\":{},\"per\":{per},\"h\":\"{:016x}\",\"sec\":",
        json_str(lang),
        docs.len(),
        h.finish()
    );
    meta.push_str(&serde_json::Value::from(sections).to_string());
    meta.push_str(",\"t\":");
    meta.push_str(&serde_json::Value::from(bounds).to_string());
    meta.push_str(",\"th\":");
    meta.push_str(&serde_json::Value::from(term_hashes).to_string());
    meta.push_str(",\"dh\":");
    meta.push_str(&serde_json::Value::from(doc_hashes).to_string());
    meta.push_str("}\n");
    emit((0, 0), format!("{dir}meta.json"), meta.into_bytes());
}

/// Writes the term shards; returns the first folded word and the file name of each.
fn term_shards(
    dir: &str,
    docs: &[Doc],
    opts: &Options,
    emit: &Emit,
    phase: &(dyn Fn(&str) + Sync),
) -> (Vec<String>, Vec<String>) {
    // 1. Each page's words as written, counted, in runs of consecutive pages.
    let runs = docs
        .len()
        .div_ceil(MIN_RUN)
        .clamp(1, 4 * rayon::current_num_threads());
    let mut batches: Vec<Batch> = (0..runs)
        .into_par_iter()
        .map(|r| {
            let range = r * docs.len() / runs..(r + 1) * docs.len() / runs;
            let mut b = Batch::new(range.start as u32);
            for d in &docs[range] {
                b.add(d);
            }
            b
        })
        .collect();
    phase(&format!(
        "words ({} chunks seen)",
        batches.iter().map(|b| b.chunks.len()).sum::<usize>()
    ));

    // 2. The exact forms of the whole site, numbered.
    let words: Vec<Vec<String>> = batches
        .iter_mut()
        .map(|b| std::mem::take(&mut b.words))
        .collect();
    let mut exact_ids: FastMap<&str, u32> = FastMap::default();
    let mut exacts: Vec<&str> = Vec::new();
    let local_to_exact: Vec<Vec<u32>> = words
        .iter()
        .map(|w| {
            w.iter()
                .map(|e| {
                    *exact_ids.entry(e.as_str()).or_insert_with(|| {
                        exacts.push(e.as_str());
                        exacts.len() as u32 - 1
                    })
                })
                .collect()
        })
        .collect();
    drop(exact_ids);

    // 3. Each run's words by exact form; the length part of each page's weights.
    let lens: Vec<u32> = batches
        .iter()
        .flat_map(|b| b.lens.iter().copied())
        .collect();
    let total_len: u64 = lens.iter().map(|&n| u64::from(n)).sum();
    let avg_len = (total_len as f32 / docs.len().max(1) as f32).max(1.0);
    let norms: Vec<Norm> = lens
        .par_iter()
        .map(|&n| Norm::new(length_norm(n, avg_len)))
        .collect();
    let runs: Vec<Run> = batches
        .into_par_iter()
        .zip(local_to_exact)
        .map(|(b, to_exact)| Run::new(b, &to_exact, exacts.len()))
        .collect();
    phase(&format!(
        "postings ({} exact forms, {} postings in {} bytes of lists)",
        exacts.len(),
        runs.iter().map(|r| r.postings).sum::<usize>(),
        runs.iter()
            .flat_map(|r| &r.lists)
            .map(Vec::len)
            .sum::<usize>()
    ));

    // 4. The exact forms grouped under their folded form, in the order the script searches.
    let mut entries: Vec<(String, &str, u32)> = exacts
        .par_iter()
        .enumerate()
        .map(|(id, exact)| (fold(exact), *exact, id as u32))
        .collect();
    entries.par_sort_unstable_by(|a, b| utf16_cmp(&a.0, &b.0).then_with(|| utf16_cmp(a.1, b.1)));
    let mut groups: Vec<&[(String, &str, u32)]> = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].0 != entries[start].0 {
            groups.push(&entries[start..i]);
            start = i;
        }
    }
    // Their JSON, a window of words at a time (in parallel within the window), so that only
    // a window's fragments are in memory at once. A shard is closed when adding the next word
    // would pass `shard_bytes`; the shards closed in a window are named and handed over in
    // parallel.
    const WINDOW: usize = 256;
    let mut bounds: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut shard: Vec<u8> = Vec::new();
    let mut closed: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut hand_over = |closed: &mut Vec<(usize, Vec<u8>)>| {
        let done: Vec<String> = closed
            .par_drain(..)
            .map(|(i, bytes)| {
                let name = shard_name(dir, "t", i, &bytes);
                emit((1, i), name.clone(), bytes);
                name
            })
            .collect();
        names.extend(done);
    };
    for window in groups.chunks(WINDOW) {
        let fragments: Vec<Vec<u8>> = window
            .par_iter()
            .map(|g| term_json(g, &runs, &norms))
            .collect();
        for (group, frag) in window.iter().zip(&fragments) {
            if !shard.is_empty() && shard.len() + frag.len() > opts.shard_bytes {
                shard.extend_from_slice(b"}\n");
                closed.push((bounds.len() - 1, std::mem::take(&mut shard)));
            }
            if shard.is_empty() {
                bounds.push(group[0].0.clone());
                shard.reserve(opts.shard_bytes + 2);
                shard.push(b'{');
            } else {
                shard.push(b',');
            }
            shard.extend_from_slice(frag);
        }
        hand_over(&mut closed);
    }
    if !shard.is_empty() {
        shard.extend_from_slice(b"}\n");
        closed.push((bounds.len() - 1, shard));
        hand_over(&mut closed);
    }
    phase("term shards");
    (bounds, names)
}

/// Writes the document shards: a fixed count of pages per shard, so the script finds a
/// page's shard by division. Returns that count, the section titles and the file names.
fn doc_shards<'d>(
    dir: &str,
    docs: &'d [Doc],
    opts: &Options,
    emit: &Emit,
) -> (usize, Vec<&'d str>, Vec<String>) {
    let mut sections: Vec<&str> = Vec::new();
    let mut section_ids: HashMap<&str, usize> = HashMap::new();
    let section_of: Vec<usize> = docs
        .iter()
        .map(|d| {
            *section_ids.entry(&d.section).or_insert_with(|| {
                sections.push(&d.section);
                sections.len() - 1
            })
        })
        .collect();
    let cap = opts.snippet_bytes;
    let estimate: usize = docs
        .iter()
        .map(|d| d.body.len().min(cap) + d.title.len() + d.url.len() + 48)
        .sum();
    let per = (opts.doc_shard_bytes / (estimate / docs.len().max(1)).max(1)).max(1);
    let names: Vec<String> = docs
        .par_chunks(per)
        .zip(section_of.par_chunks(per))
        .enumerate()
        .map(|(j, (chunk, secs))| {
            let mut out = Vec::with_capacity(opts.doc_shard_bytes + opts.doc_shard_bytes / 4);
            out.push(b'[');
            for (i, (d, sec)) in chunk.iter().zip(secs).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push_doc(&mut out, d, *sec, cap);
            }
            out.extend_from_slice(b"]\n");
            let name = shard_name(dir, "d", j, &out);
            emit((2, j), name.clone(), out);
            name
        })
        .collect();
    (per, sections, names)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The words of a run of consecutive pages, numbered in a dictionary of the run's own.
struct Batch<'a> {
    /// Document id of the run's first page.
    first: u32,
    /// The space-separated chunks seen: an open-addressing table, at most half full.
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: a hash's top bits pick its first slot.
    shift: u32,
    chunks: Vec<Chunk<'a>>,
    /// The local word ids of each chunk's words, one chunk after the other.
    tokens: Vec<u32>,
    /// Exact form (see [`lower`]) of each local word id: the run's words are numbered by
    /// exact form, so that "Biển" and "biển" on a page add up as they are counted.
    words: Vec<String>,
    /// Local word id of each written form and of each exact form met.
    ids: FastMap<&'a str, u32>,
    exact_ids: FastMap<String, u32>,
    /// The postings of each local word: for each page that has it, in order,
    /// `varint(page - previous page)` then `varint(tf << 1 | in title)`; pages are counted
    /// from 1 at the run's first (so the first delta is that page's number).
    lists: Vec<Vec<u8>>,
    /// The last page (from 1, 0 for none) of each local word, for the deltas.
    last: Vec<u32>,
    /// Words in the body of each page.
    lens: Vec<u32>,
    /// How many postings `lists` hold (for the phase trace).
    postings: usize,
    /// Scratch space for counting one page, by local word id: `tf << 1 | in title`.
    counts: Vec<u32>,
    /// The words of the page so far, in the order met: the first `n_touched` entries (the
    /// vector is one longer than `words`, so that noting a word needs no branch).
    touched: Vec<u32>,
    n_touched: usize,
}

/// A chunk of text between ASCII whitespace, as first seen, and its words in `tokens`.
struct Chunk<'a> {
    bytes: &'a [u8],
    tokens: Range<u32>,
}

/// One slot of the chunk table: what a lookup needs, in 32 bytes.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The first 16 bytes of the chunk, its length, the top of its hash (see [`Key`]).
    head: [u64; 2],
    len: u32,
    hash: u32,
    /// Index + 1 of the chunk in `chunks`, 0 for an empty slot.
    chunk: u32,
    /// The chunk's word when it has exactly one (the usual case), else [`MANY`].
    word: u32,
}

const MANY: u32 = u32::MAX;

impl Slot {
    /// Whether the slot holds the chunk of `key`, as far as the key tells: for a chunk of
    /// up to 16 bytes it does; a longer one must still be compared byte by byte.
    fn holds(&self, key: &Key) -> bool {
        self.head == key.head
            && self.len as usize == key.len
            && (key.len <= 16 || self.hash == (key.hash >> 32) as u32)
    }
}

/// What tells chunks apart quickly: the hash of the bytes, their length, and the bytes
/// themselves when they fit in 16 (zero-padded; longer chunks are compared in full).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    hash: u64,
    len: usize,
    head: [u64; 2],
}

impl Key {
    /// The hash of a chunk of up to 16 bytes: one multiplication (the table takes the top
    /// bits of the product, which depend on every bit of the bytes).
    #[inline(always)]
    fn short_hash(len: usize, head: [u64; 2]) -> u64 {
        (head[0] ^ head[1].rotate_left(32) ^ len as u64).wrapping_mul(Fx::K)
    }

    /// [`Key::of`] a chunk of `len` < 16 bytes, given the 16 bytes from its start.
    #[inline(always)]
    fn short(x: u128, len: usize) -> Key {
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
    fn of(b: &[u8], start: usize, end: usize) -> Key {
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
struct Run {
    /// Document id of the run's first page.
    first: u32,
    /// The postings of each local word (see [`Batch::lists`]).
    lists: Vec<Vec<u8>>,
    /// The local word of each exact form of the site, [`NONE`] where the run lacks it.
    by_exact: Vec<u32>,
    /// How many postings `lists` hold.
    postings: usize,
}

const NONE: u32 = u32::MAX;

impl Run {
    /// `to_exact`: the site's exact-form id of each local word.
    fn new(b: Batch, to_exact: &[u32], n_exact: usize) -> Run {
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
    fn list_of(&self, e: u32) -> &[u8] {
        match self.by_exact[e as usize] {
            NONE => &[],
            w => &self.lists[w as usize],
        }
    }
}

fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The (page, `tf << 1 | in title`) pairs of a list of [`Batch::lists`].
fn postings(list: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
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
    fn new(first: u32) -> Self {
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

    fn add(&mut self, d: &'a Doc) {
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
    fn scan(&mut self, text: &'a str, title: bool) -> u32 {
        let b = text.as_bytes();
        let mut n = 0;
        let mut i = 0;
        loop {
            // Chunks already in the table, up to the first new one. The fields are taken as
            // slices and copies first: then the loop keeps them in registers instead of
            // reading them again through `self` after every store.
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
            let mask = slots.len() - 1;
            let mut new = None;
            while i < b.len() {
                let start = i;
                let key = match short_chunk(b, start) {
                    Some((0, _)) => {
                        // Whitespace between chunks.
                        i += 1;
                        continue;
                    }
                    Some((len, x)) => {
                        // Past the whitespace that ends the chunk too.
                        i = start + len + 1;
                        Key::short(x, len)
                    }
                    None if b[i].is_ascii_whitespace() => {
                        i += 1;
                        continue;
                    }
                    None => {
                        i = next_space(b, i + 1);
                        Key::of(b, start, i)
                    }
                };
                let mut slot = (key.hash >> shift) as usize;
                let found = loop {
                    let s = &slots[slot];
                    if s.chunk == 0 {
                        break None;
                    }
                    if s.holds(&key)
                        && (key.len <= 16
                            || chunks[s.chunk as usize - 1].bytes == &b[start..start + key.len])
                    {
                        break Some(s);
                    }
                    slot = (slot + 1) & mask;
                };
                match found {
                    Some(s) => n += count(s, chunks, tokens, counts, touched, &mut nt, title),
                    None => {
                        new = Some((start, key, slot));
                        break;
                    }
                }
            }
            *n_touched = nt;
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

    /// Adds the chunk `text[start..end]` at `slot` of the table, with its words.
    #[cold]
    #[inline(never)]
    fn insert(&mut self, text: &'a str, start: usize, end: usize, key: Key, slot: usize) -> Slot {
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

    fn grow(&mut self) {
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

/// Counts the words of the chunk in slot `s` in `counts` (`tf << 1 | in title`), noting the
/// words met for the first time on the page in `touched`; returns how many words it has.
#[inline(always)]
fn count(
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
fn short_chunk(b: &[u8], start: usize) -> Option<(usize, u128)> {
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
fn next_space(b: &[u8], mut i: usize) -> usize {
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

/// Posting weight: BM25 term-frequency part of the body, quantized, times 2, plus 1 if the
/// word is in the title. The script adds the IDF, which depends on the query.
#[cfg(test)]
fn weight(tf: u32, in_title: bool, len: u32, avg_len: f32) -> u8 {
    weight_norm(tf, in_title, length_norm(len, avg_len))
}

/// The length part of the BM25 weight of a page of `len` words.
fn length_norm(len: u32, avg_len: f32) -> f32 {
    K1 * (1.0 - B + B * len as f32 / avg_len)
}

fn weight_norm(tf: u32, in_title: bool, norm: f32) -> u8 {
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
struct Norm {
    norm: f32,
    /// [`weight_norm`] of a word seen `tf` times in the body and not in the title, for
    /// `tf` up to [`Norm::SMALL`] - 1.
    small: [u8; Norm::SMALL],
}

impl Norm {
    const SMALL: usize = 8;

    fn new(norm: f32) -> Norm {
        Norm {
            norm,
            small: std::array::from_fn(|tf| weight_norm(tf as u32, false, norm)),
        }
    }

    /// The weight of a posting `c` (`tf << 1 | in title`).
    #[inline]
    fn weight(&self, c: u32) -> u8 {
        match self.small.get((c >> 1) as usize) {
            Some(w) => w | (c & 1) as u8,
            None => weight_norm(c >> 1, c & 1 == 1, self.norm),
        }
    }
}

/// `"fold":{"exact":"<doc,w,delta,w,...>",...}` for one folded word (the numbers written with
/// [`push_b32`]), from every run's lists
/// (`norms`: the length part of each page's weights).
fn term_json(group: &[(String, &str, u32)], runs: &[Run], norms: &[Norm]) -> Vec<u8> {
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

/// The characters of the postings' numbers: URL-safe base 64, nothing JSON escapes.
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `n` as groups of 5 bits, lowest first, each a character of [`B64`] with 32 added
/// when another group follows: one character below 32 (every weight, most deltas), where the
/// decimal form took up to three with its comma, and no digit loop.
fn push_b32(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let low = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(B64[low]);
            return;
        }
        out.push(B64[low | 32]);
    }
}

/// `<dir><kind>-<i>-<hash>.json`: the number keeps names unique, the content hash makes a
/// changed shard a new file, so a browser cache or a half-finished upload never pairs a
/// `meta.json` with shards of another build.
fn shard_name(dir: &str, kind: &str, i: usize, bytes: &[u8]) -> String {
    format!("{dir}{kind}-{i}-{}.json", short_hash(bytes))
}

/// 8 hex digits of the file's XXH3 hash: a new name when the content changes, for caches.
fn short_hash(bytes: &[u8]) -> String {
    format!("{:08x}", xxhash_rust::xxh3::xxh3_64(bytes) >> 32)
}

/// `[url,title,date|null,section,text]` of one document.
fn push_doc(out: &mut Vec<u8>, d: &Doc, section: usize, cap: usize) {
    out.push(b'[');
    push_str(out, &d.url);
    out.push(b',');
    push_str(out, &nfc(&d.title));
    out.push(b',');
    match &d.date {
        Some(date) => push_str(out, date),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    push_num(out, section as u32);
    out.push(b',');
    let at = out.len();
    if push_text(out, &d.body, cap) {
        // Combining marks seen: the text may not be NFC after all.
        if let std::borrow::Cow::Owned(text) = nfc(&d.body) {
            out.truncate(at);
            push_text(out, &text, cap);
        }
    }
    out.push(b']');
}

/// Appends the first `cap` bytes (whole words) of `text` as a JSON string, each run of
/// whitespace as one space: smaller, and snippets read better. Returns whether the text
/// holds a combining mark U+0300..U+036F (then it may need [`nfc`]): found on the way, so
/// that NFC text, the usual case, is read once.
fn push_text(out: &mut Vec<u8>, text: &str, cap: usize) -> bool {
    let bytes = text.trim_ascii().as_bytes();
    let end = if bytes.len() <= cap {
        bytes.len()
    } else if cap == 0 {
        0
    } else {
        // Cut before the word that crosses the cap (whole words, so never inside a char);
        // a first word longer than the cap is kept whole.
        let ws = u8::is_ascii_whitespace;
        bytes[..=cap]
            .iter()
            .rposition(ws)
            .or_else(|| bytes.iter().position(ws))
            .unwrap_or(bytes.len())
    };
    // Past the cap the text is not copied, but NFC could make it shorter: looked at too.
    let mut marks = bytes[end..].iter().any(|&b| b & 0xFE == 0xCC);
    let bytes = bytes[..end].trim_ascii_end();
    out.push(b'"');
    // Copy clean spans in one go; stop at whitespace, quotes and control characters.
    let mut from = 0;
    let mut i = 0;
    // Byte by byte up to here, then try a clean block again.
    let mut slow_until = 0;
    while i < bytes.len() {
        if i >= slow_until {
            // Skip 32 clean bytes at a time (a loop the compiler vectorizes).
            if let Some(block) = bytes
                .get(i..i + 33)
                .and_then(|b| <&[u8; 33]>::try_from(b).ok())
            {
                let (clean, has_marks) = clean_block(block);
                marks |= has_marks;
                if clean {
                    i += 32;
                    continue;
                }
            }
            slow_until = i + 32;
        }
        let b = bytes[i];
        marks |= b & 0xFE == 0xCC;
        if b > b'"' && b != b'\\' || b == b' ' && !bytes[i + 1].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[from..i]);
        if b.is_ascii_whitespace() {
            out.push(b' ');
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
        } else {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'!' => out.push(b),
                _ => {
                    out.extend_from_slice(b"\\u00");
                    out.push(b"0123456789abcdef"[usize::from(b >> 4)]);
                    out.push(b"0123456789abcdef"[usize::from(b & 15)]);
                }
            }
            i += 1;
        }
        from = i;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
    marks
}

/// Whether the first 32 bytes of `b` (33 long: one byte of lookahead) can be copied as
/// they are (no control character, quote or backslash, no space followed by whitespace),
/// and whether they hold the lead byte of a combining mark (see [`nfc`]).
fn clean_block(b: &[u8; 33]) -> (bool, bool) {
    // Bitwise, not short-circuit, so that the loop vectorizes.
    let mut bad = false;
    let mut marks = false;
    for k in 0..32 {
        let c = b[k];
        bad |= (c < 0x20) | (c == b'"') | (c == b'\\') | ((c == b' ') & (b[k + 1] <= b' '));
        marks |= c & 0xFE == 0xCC;
    }
    (!bad, marks)
}

fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    // Text is NFC already (the site normalizes on load); the usual way it is not is
    // decomposed Vietnamese, whose marks are U+0300..U+036F (UTF-8 lead bytes CC, CD).
    // (Chunked so that the scan vectorizes.)
    let marks = s
        .as_bytes()
        .chunks(64)
        .any(|c| c.iter().fold(false, |m, &b| m | (b & 0xFE == 0xCC)));
    if !marks || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.into()
    } else {
        s.nfc().collect::<String>().into()
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Appends `s` as a JSON string.
fn push_str(out: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail, and a &str always serializes.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Appends `n` in decimal.
fn push_num(out: &mut Vec<u8>, n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Orders strings as JavaScript compares them (UTF-16 code units), so the script's binary
/// search over shard boundaries agrees with this sort.
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A small, fast, stable hash (the FxHash mix, 8 bytes at a time): for the word maps and
/// the cache-busting content hash. Stable across runs, so the output is byte-identical.
#[derive(Clone, Copy, Default)]
struct Fx(u64);

impl Fx {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        // The length keeps "ab" + "" apart from "a" + "b".
        self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(url: &str, title: &str, body: &str) -> Doc<'static> {
        Doc {
            url: url.to_string().into(),
            title: title.to_string().into(),
            date: Some("ngày 16 tháng 01 năm 2024".into()),
            section: "Biển đảo".into(),
            body: body.to_string().into(),
        }
    }

    /// The file at `path`; a shard may be named without its hash (`search/vi/t-0.json`).
    fn json(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
        let stem = path.trim_end_matches(".json");
        let (_, bytes) = files
            .iter()
            .find(|(p, _)| {
                p == path || (p.starts_with(&format!("{stem}-")) && p.ends_with(".json"))
            })
            .expect(path);
        serde_json::from_slice(bytes).expect("valid JSON")
    }

    #[test]
    fn writes_meta_term_and_doc_shards() {
        let docs = vec![
            doc("/a/", "Biển đảo", "Biển đảo quê hương. Hoàng Sa."),
            doc("/b/", "Tin tức", "Biến đổi khí hậu, biển."),
        ];
        let files = build("vi", &docs, &Options::default());
        let meta = json(&files, "search/vi/meta.json");
        assert_eq!(meta["v"], 2);
        assert_eq!(meta["n"], 2);
        assert_eq!(meta["sec"], serde_json::json!(["Biển đảo"]));
        assert_eq!(meta["t"], serde_json::json!(["bien"]));
        // Shard names carry the content hashes listed in meta.json.
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let th = meta["th"][0].as_str().expect("term shard hash");
        let dh = meta["dh"][0].as_str().expect("doc shard hash");
        assert_eq!(th.len(), 8);
        assert!(
            names.contains(&format!("search/vi/t-0-{th}.json").as_str()),
            "{names:?}"
        );
        assert!(
            names.contains(&format!("search/vi/d-0-{dh}.json").as_str()),
            "{names:?}"
        );
        let t = json(&files, "search/vi/t-0.json");
        // Exact forms under their folded form; postings are [doc delta, weight] pairs.
        let bien = &t["bien"];
        let bien_exact = numbers(&bien["biển"]);
        assert_eq!(bien_exact[0], 0);
        assert_eq!(bien_exact[2], 1);
        assert_eq!(bien_exact[1] % 2, 1, "in the title of doc 0");
        assert_eq!(bien_exact[3] % 2, 0, "body only in doc 1");
        assert_eq!(numbers(&bien["biến"])[0], 1);
        assert!(t["hoang"]["hoàng"].is_string());
        let d = json(&files, "search/vi/d-0.json");
        assert_eq!(d[0][0], "/a/");
        assert_eq!(d[0][2], "ngày 16 tháng 01 năm 2024");
        assert_eq!(d[1][4], "Biến đổi khí hậu, biển.");
        assert!(files.iter().all(|(p, _)| p.starts_with("search/vi/")));
    }

    #[test]
    fn shards_split_by_size_and_stay_sorted() {
        let words = [
            "an", "bình", "cá", "dân", "đảo", "em", "gió", "hoa", "im", "kẻ",
        ];
        let docs: Vec<Doc> = (0..40)
            .map(|i| doc(&format!("/{i}/"), "", &words.join(" ").repeat(1 + i % 3)))
            .collect();
        let opts = Options {
            shard_bytes: 200,
            doc_shard_bytes: 500,
            ..Options::default()
        };
        let files = build("vi", &docs, &opts);
        let meta = json(&files, "search/vi/meta.json");
        let bounds: Vec<&str> = meta["t"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(bounds.len() > 2, "{bounds:?}");
        assert!(bounds.windows(2).all(|w| w[0] < w[1]));
        for (i, b) in bounds.iter().enumerate() {
            let shard = json(&files, &format!("search/vi/t-{i}.json"));
            let keys: Vec<&String> = shard.as_object().unwrap().keys().collect();
            assert_eq!(keys[0], b);
        }
        let per = meta["per"].as_u64().unwrap() as usize;
        let n_doc_shards = files.iter().filter(|(p, _)| p.contains("/d-")).count();
        assert_eq!(n_doc_shards, 40usize.div_ceil(per));
        assert!(n_doc_shards > 1);
    }

    #[test]
    fn output_is_deterministic_and_hash_follows_content() {
        let docs = vec![
            doc("/a/", "Một", "một hai ba"),
            doc("/b/", "Hai", "bốn năm"),
        ];
        let a = build("vi", &docs, &Options::default());
        let b = build("vi", &docs, &Options::default());
        assert_eq!(a, b);
        let mut changed = docs.clone();
        changed[1].body.to_mut().push_str(" sáu");
        let c = build("vi", &changed, &Options::default());
        assert_ne!(
            json(&a, "search/vi/meta.json")["h"],
            json(&c, "search/vi/meta.json")["h"]
        );
    }

    #[test]
    fn empty_site_gives_a_valid_empty_index() {
        let files = build("en", &[], &Options::default());
        assert_eq!(files.len(), 1);
        let meta = json(&files, "search/en/meta.json");
        assert_eq!(meta["n"], 0);
        assert_eq!(meta["t"], serde_json::json!([]));
    }

    #[test]
    fn snippet_text_is_escaped_collapsed_and_capped() {
        let body = "a \"b\"\\ c\u{1}  d\n\t e\u{2028}f   Biển";
        let files = build("vi", &[doc("/a/", "T", body)], &Options::default());
        let d = json(&files, "search/vi/d-0.json");
        assert_eq!(d[0][4], "a \"b\"\\ c\u{1} d e\u{2028}f Biển");
        let short = Options {
            snippet_bytes: 9,
            ..Options::default()
        };
        let files = build("vi", &[doc("/a/", "T", "một hai ba bốn")], &short);
        assert_eq!(json(&files, "search/vi/d-0.json")[0][4], "một hai");
        let text = |body: &str, cap: usize| {
            let mut out = Vec::new();
            push_text(&mut out, body, cap);
            String::from_utf8(out).expect("utf-8")
        };
        assert_eq!(text("một hai", 0), "\"\"");
        // Decomposed text is stored composed, in the body and past the cap.
        let nfd = "bie\u{302}\u{309}n \"đa\u{309}o\"";
        let files = build("vi", &[doc("/a/", "T", nfd)], &Options::default());
        assert_eq!(json(&files, "search/vi/d-0.json")[0][4], "biển \"đảo\"");
        let long = format!("{} {nfd}", "x".repeat(40));
        let files = build("vi", &[doc("/a/", "T", &long)], &short);
        assert_eq!(json(&files, "search/vi/d-0.json")[0][4], "x".repeat(40));
        assert_eq!(text("  dàiquáđi hai ba", 3), "\"dàiquáđi\"");
        assert_eq!(text("dàiquáđi", 3), "\"dàiquáđi\"");
    }

    #[test]
    fn snippet_text_matches_a_plain_reference_on_mixed_input() {
        let pieces = [
            "biển",
            "đảo",
            " ",
            "  ",
            "\n",
            "\t",
            "\"",
            "\\",
            "\u{1}",
            "\u{b}",
            "quê hương",
            "a",
            ".",
            "Trường Sa",
            "\r\n",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            " \u{c} ",
            "bie\u{302}\u{309}n",
        ];
        let mut seed = 7u64;
        for _ in 0..200 {
            let mut text = String::new();
            for _ in 0..120 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let mut out = Vec::new();
            let marks = push_text(&mut out, &text, usize::MAX);
            let words: Vec<&str> = text.split_ascii_whitespace().collect();
            let want = serde_json::to_string(&words.join(" ")).expect("json");
            assert_eq!(String::from_utf8(out).expect("utf-8"), want, "{text:?}");
            assert_eq!(marks, text.contains('\u{302}'), "{text:?}");
        }
    }

    /// Random text from pieces that exercise the tokenizer: Vietnamese words in several
    /// cases and tone placements, NFD, punctuation inside and around words, long chunks,
    /// control characters, non-ASCII spaces, other scripts.
    fn random_text(seed: &mut u64, words: usize) -> String {
        const PIECES: &[&str] = &[
            "biển",
            "Biển",
            "BIỂN",
            "đảo",
            "hoà",
            "hòa",
            "Hoà",
            "HÒA",
            "thuỷ",
            "thủy",
            "bie\u{302}\u{309}n",
            "Hoàng",
            "Sa",
            "“Trường",
            "Sa”,",
            "TP.HCM",
            "3.14",
            "53/PGDĐT",
            "GD&ĐT",
            "e-mail",
            "can't",
            "a\u{1}b",
            "x\u{7f}y",
            "\u{b}",
            "中文字",
            "한국어",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefgh",
            "abcdefghi",
            "—",
            "…",
            "(lớp",
            "4A)",
            "a\u{a0}b",
            "📚sách",
            "_x_",
            "\u{301}a",
            "quê",
            "hương",
            "Quê",
            "hương.",
        ];
        const SPACES: &[&str] = &[" ", " ", " ", "  ", "\n", "\t", "\r\n", "\u{c}", ""];
        let mut next = |m: usize| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (*seed >> 33) as usize % m
        };
        let mut text = String::new();
        for _ in 0..words {
            text.push_str(PIECES[next(PIECES.len())]);
            text.push_str(SPACES[next(SPACES.len())]);
        }
        text
    }

    #[test]
    fn next_space_finds_the_first_ascii_whitespace() {
        let mut seed = 3u64;
        for _ in 0..2000 {
            let text = random_text(&mut seed, 6);
            let b = text.as_bytes();
            for i in 0..=b.len() {
                let want = b[i..]
                    .iter()
                    .position(u8::is_ascii_whitespace)
                    .map_or(b.len(), |k| i + k);
                assert_eq!(next_space(b, i), want, "{text:?} from {i}");
            }
        }
    }

    #[test]
    fn chunk_keys_depend_only_on_the_chunk() {
        let text = "abc abcdefgh abcdefghij abcdefghijklmnop abcdefghijklmnopq\u{1}";
        let padded = format!("{text} {text}");
        let find = |t: &str, w: &str| {
            let i = t.find(w).unwrap_or(0);
            (i, i + w.len())
        };
        for w in text.split(' ') {
            let (a, b) = find(text, w);
            let (c, d) = find(&padded[text.len() + 1..], w);
            let second = text.len() + 1;
            assert!(
                Key::of(text.as_bytes(), a, b)
                    == Key::of(padded.as_bytes(), second + c, second + d),
                "{w:?}"
            );
        }
        let k = |t: &str| Key::of(t.as_bytes(), 0, t.len());
        assert!(k("ab") != k("ab\0"));
        assert!(k("abcdefghi") != k("abcdefghj"));
        assert!(k("abcdefghijklmnop") != k("abcdefghijklmnoq"));
    }

    #[test]
    fn runs_count_the_same_words_as_the_tokenizer() {
        let mut seed = 11u64;
        let docs: Vec<Doc> = (0..300)
            .map(|i| {
                let body = random_text(&mut seed, i % 50);
                let title = random_text(&mut seed, i % 4);
                doc(&format!("/{i}/"), &title, &body)
            })
            .collect();
        let mut batch = Batch::new(0);
        for d in &docs {
            batch.add(d);
        }
        // Each page's words from the lists, by exact form.
        let mut pages: Vec<HashMap<String, (u32, bool)>> = vec![HashMap::new(); docs.len()];
        for (w, list) in batch.lists.iter().enumerate() {
            for (page, c) in postings(list) {
                let exact = batch.words[w].clone();
                let had = pages[page as usize - 1].insert(exact, (c >> 1, c & 1 == 1));
                assert!(had.is_none());
            }
        }
        for ((d, &len), got) in docs.iter().zip(&batch.lens).zip(pages) {
            let mut want: HashMap<String, (u32, bool)> = HashMap::new();
            let mut n = 0;
            for_each_word(&d.body, |w| {
                want.entry(lower(w)).or_default().0 += 1;
                n += 1;
            });
            for_each_word(&d.title, |w| want.entry(lower(w)).or_default().1 = true);
            assert_eq!(got, want, "{:?} / {:?}", d.title, d.body);
            assert_eq!(len, n);
        }
    }

    #[test]
    fn postings_equal_a_plain_reference() {
        // Enough pages for several runs, with the same word in several written forms.
        let mut seed = 5u64;
        let docs: Vec<Doc> = (0..400)
            .map(|i| {
                let body = random_text(&mut seed, (i * 7) % 90);
                let title = random_text(&mut seed, i % 3);
                doc(&format!("/{i}/"), &title, &body)
            })
            .collect();
        let files = build("vi", &docs, &Options::default());
        let mut got: HashMap<String, Vec<(u64, u64)>> = HashMap::new();
        let mut folds: HashMap<String, String> = HashMap::new();
        for (path, bytes) in files.iter().filter(|(p, _)| p.contains("/t-")) {
            let shard: serde_json::Value = serde_json::from_slice(bytes).expect(path);
            for (f, forms) in shard.as_object().expect("object") {
                for (exact, list) in forms.as_object().expect("forms") {
                    let list = numbers(list);
                    let mut doc = 0;
                    let pairs = list
                        .chunks(2)
                        .map(|p| {
                            doc += p[0];
                            (doc, p[1])
                        })
                        .collect();
                    assert!(got.insert(exact.clone(), pairs).is_none(), "{exact}");
                    folds.insert(exact.clone(), f.clone());
                }
            }
        }
        // The reference: every page's words counted on their own.
        let mut counts: Vec<HashMap<String, (u32, bool)>> = Vec::new();
        let mut lens = Vec::new();
        for d in &docs {
            let mut c: HashMap<String, (u32, bool)> = HashMap::new();
            let mut n = 0;
            for_each_word(&d.body, |w| {
                c.entry(lower(w)).or_default().0 += 1;
                n += 1;
            });
            for_each_word(&d.title, |w| c.entry(lower(w)).or_default().1 = true);
            counts.push(c);
            lens.push(n);
        }
        let avg =
            (lens.iter().map(|&n| u64::from(n)).sum::<u64>() as f32 / docs.len() as f32).max(1.0);
        let mut want: HashMap<String, Vec<(u64, u64)>> = HashMap::new();
        for (i, c) in counts.iter().enumerate() {
            for (exact, &(tf, title)) in c {
                let w = weight(tf, title, lens[i], avg);
                want.entry(exact.clone())
                    .or_default()
                    .push((i as u64, u64::from(w)));
            }
        }
        assert!(want.len() > 40, "{}", want.len());
        assert_eq!(got, want);
        for (exact, f) in &folds {
            assert_eq!(&fold(exact), f);
        }
    }

    #[test]
    fn build_into_hands_over_the_same_files_meta_last() {
        let mut seed = 9u64;
        let docs: Vec<Doc> = (0..200)
            .map(|i| doc(&format!("/{i}/"), "Tin", &random_text(&mut seed, 80)))
            .collect();
        let opts = Options {
            shard_bytes: 2_000,
            doc_shard_bytes: 4_000,
            ..Options::default()
        };
        let files = build("vi", &docs, &opts);
        assert!(files.len() > 10);
        let got = Mutex::new(Vec::new());
        build_into("vi", &docs, &opts, |name, bytes| {
            lock(&got).push((name, bytes));
        });
        let mut got = got.into_inner().expect("files");
        assert_eq!(
            got.last().map(|f| f.0.as_str()),
            Some("search/vi/meta.json")
        );
        got.sort();
        let mut want = files;
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn weights_grow_with_frequency_and_mark_titles() {
        assert!(weight(5, false, 100, 100.0) > weight(1, false, 100, 100.0));
        assert!(weight(1, false, 10, 100.0) > weight(1, false, 1000, 100.0));
        assert_eq!(weight(0, true, 10, 100.0), 1);
        assert_eq!(weight(3, true, 10, 100.0) % 2, 1);
        // The integer ceiling is f32::ceil.
        for tf in 0..400u32 {
            for len in (1..20_000u32).step_by(37) {
                for avg in [1.0f32, 57.3, 460.0, 3000.5] {
                    let norm = length_norm(len, avg);
                    let q = if tf == 0 {
                        0
                    } else {
                        let s = tf as f32 / (tf as f32 + norm);
                        (s * Q_MAX).ceil().clamp(1.0, Q_MAX) as u8
                    };
                    assert_eq!(weight_norm(tf, true, norm), q * 2 + 1, "{tf} {len} {avg}");
                }
            }
        }
    }

    /// The numbers of a postings string (the script's decoding, in Rust).
    fn numbers(v: &serde_json::Value) -> Vec<u64> {
        let s = v.as_str().expect("postings string");
        let (mut out, mut n, mut shift) = (Vec::new(), 0u64, 0);
        for c in s.bytes() {
            let d = B64.iter().position(|&b| b == c).expect("base-64 character") as u64;
            n += (d & 31) << shift;
            if d & 32 == 0 {
                out.push(n);
                (n, shift) = (0, 0);
            } else {
                shift += 5;
            }
        }
        assert_eq!(shift, 0, "a number is cut short in {s:?}");
        out
    }

    #[test]
    fn postings_numbers_round_trip_in_base_32() {
        let all = [0, 1, 31, 32, 33, 1023, 1024, 65_535, 1 << 30, u32::MAX];
        let mut out = Vec::new();
        for n in all {
            push_b32(&mut out, n);
        }
        assert_eq!(
            &out[..5],
            b"ABfgB",
            "0, 1, 31 in one character each; 32 in two"
        );
        let text = serde_json::Value::String(String::from_utf8(out).unwrap());
        let want: Vec<u64> = all.iter().map(|&n| u64::from(n)).collect();
        assert_eq!(numbers(&text), want);
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 1, 9, 10, 42, 99, 100, 101, 999, 1000, 65_535, u32::MAX] {
            let mut out = b"x".to_vec();
            push_num(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }
}
