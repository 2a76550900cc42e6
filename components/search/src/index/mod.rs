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
//!
//! Here: the steps in order ([`build_into`], `term_shards`, `doc_shards`). Beside it:
//! `runs.rs` (step 1: a run's words and postings), `score.rs` (posting weights, one word's
//! JSON), `json.rs` (numbers, strings, documents and shard names written by hand), `hash.rs`
//! (the stable hash of the word maps).

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::text::fold;
use crate::{Doc, Options};
use hash::{FastMap, Fx};
use json::{json_str, push_doc, shard_name, utf16_cmp};
use runs::{Batch, Run};
use score::{length_norm, term_json, Norm};

mod hash;
mod json;
mod runs;
mod score;

/// Format version written to `meta.json`; the script refuses other versions.
const VERSION: u32 = 2;
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
    let mut batches = count_words(docs);
    phase(&format!(
        "words ({} chunks seen)",
        batches.iter().map(|b| b.chunks.len()).sum::<usize>()
    ));

    // 2. The exact forms of the whole site, numbered.
    let words: Vec<Vec<String>> = batches
        .iter_mut()
        .map(|b| std::mem::take(&mut b.words))
        .collect();
    let (exacts, local_to_exact) = number_exacts(&words);

    // 3. Each run's words by exact form; the length part of each page's weights.
    let (norms, runs) = postings(batches, local_to_exact, exacts.len(), docs.len());
    phase(&format!(
        "postings ({} exact forms, {} postings in {} bytes of lists)",
        exacts.len(),
        runs.iter().map(|r| r.postings).sum::<usize>(),
        runs.iter()
            .flat_map(|r| &r.lists)
            .map(Vec::len)
            .sum::<usize>()
    ));

    // 4. The exact forms grouped under their folded form, in the order the script searches,
    // then their JSON cut into shards.
    let entries = by_folded_form(&exacts);
    let mut groups: Vec<&[(String, &str, u32)]> = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].0 != entries[start].0 {
            groups.push(&entries[start..i]);
            start = i;
        }
    }
    let shards = write_term_shards(dir, &groups, &runs, &norms, opts, emit);
    phase("term shards");
    shards
}

/// Step 1: the pages cut into runs of consecutive pages, each run's words counted (in
/// parallel).
fn count_words<'d>(docs: &'d [Doc<'_>]) -> Vec<Batch<'d>> {
    let runs = docs
        .len()
        .div_ceil(MIN_RUN)
        .clamp(1, 4 * rayon::current_num_threads());
    (0..runs)
        .into_par_iter()
        .map(|r| {
            let range = r * docs.len() / runs..(r + 1) * docs.len() / runs;
            let mut b = Batch::new(range.start as u32);
            for d in &docs[range] {
                b.add(d);
            }
            b
        })
        .collect()
}

/// Step 2: the exact forms of the whole site (numbered in the order met), and for each run the
/// site's number of each of its words.
fn number_exacts(words: &[Vec<String>]) -> (Vec<&str>, Vec<Vec<u32>>) {
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
    (exacts, local_to_exact)
}

/// Step 3: each page's length norm, and each run's postings by the site's exact forms.
fn postings(
    batches: Vec<Batch<'_>>,
    local_to_exact: Vec<Vec<u32>>,
    n_exact: usize,
    n_docs: usize,
) -> (Vec<Norm>, Vec<Run>) {
    let lens: Vec<u32> = batches
        .iter()
        .flat_map(|b| b.lens.iter().copied())
        .collect();
    let total_len: u64 = lens.iter().map(|&n| u64::from(n)).sum();
    let avg_len = (total_len as f32 / n_docs.max(1) as f32).max(1.0);
    let norms: Vec<Norm> = lens
        .par_iter()
        .map(|&n| Norm::new(length_norm(n, avg_len)))
        .collect();
    let runs: Vec<Run> = batches
        .into_par_iter()
        .zip(local_to_exact)
        .map(|(b, to_exact)| Run::new(b, &to_exact, n_exact))
        .collect();
    (norms, runs)
}

/// Step 4: (folded form, exact form, exact id) of each exact form, sorted as the script
/// searches (UTF-16 order of the folded form, then of the exact form).
fn by_folded_form<'w>(exacts: &[&'w str]) -> Vec<(String, &'w str, u32)> {
    let mut entries: Vec<(String, &str, u32)> = exacts
        .par_iter()
        .enumerate()
        .map(|(id, exact)| (fold(exact), *exact, id as u32))
        .collect();
    entries.par_sort_unstable_by(|a, b| utf16_cmp(&a.0, &b.0).then_with(|| utf16_cmp(a.1, b.1)));
    entries
}

/// Step 4: the JSON of each group of exact forms (one folded word), a window of words at a
/// time (in parallel within the window), so that only a window's fragments are in memory at
/// once. A shard is closed when adding the next word would pass `shard_bytes`; the shards
/// closed in a window are named and handed over in parallel. Returns the first folded word
/// and the file name of each shard.
fn write_term_shards(
    dir: &str,
    groups: &[&[(String, &str, u32)]],
    runs: &[Run],
    norms: &[Norm],
    opts: &Options,
    emit: &Emit,
) -> (Vec<String>, Vec<String>) {
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
            .map(|g| term_json(g, runs, norms))
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

#[cfg(test)]
mod tests;
