//! The index builder: pages in, `search/<lang>/*.json` files out.
//!
//! Layout (all JSON, see README.md for the field meanings):
//! - `meta.json`: document count, shard boundaries, section names, a content hash;
//! - `t-<i>.json`: a contiguous range of folded words -> exact forms -> postings;
//! - `d-<j>.json`: `per` consecutive documents (URL, title, date, section, snippet text).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::text::{fold, for_each_word, lower};
use crate::{Doc, Options};

/// Format version written to `meta.json`; the script refuses other versions.
const VERSION: u32 = 1;
/// BM25 parameters for the body weight.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Body weights are quantized to 1..=Q_MAX (0 = word only in the title).
const Q_MAX: f32 = 15.0;

/// Builds the search index of one language; returns the files to write, relative to the
/// output root, all under `search/<lang>/`.
pub fn build(lang: &str, docs: &[Doc], opts: &Options) -> Vec<(String, Vec<u8>)> {
    let dir = format!("search/{lang}/");
    let t0 = std::time::Instant::now();
    let trace = std::env::var_os("SEARCH_PHASES").is_some();
    let phase = |name: &str| {
        if trace {
            eprintln!("search index: {name} {:?}", t0.elapsed());
        }
    };

    // 1. Each page's words as written, counted. Pages are split in runs (one per parallel
    // job), each with its own dictionary of written forms, so that a word costs one hash
    // lookup and nothing is allocated per word.
    let batches: Vec<Batch> = docs
        .par_iter()
        .enumerate()
        .with_min_len(32)
        .fold(Batch::default, |mut b, (i, d)| {
            b.add(i as u32, d);
            b
        })
        .collect();
    phase("words");

    // 2. The distinct written forms of the whole site, each normalized once: most words
    // repeat across pages, so this is far cheaper than normalizing per page.
    let mut written_ids: FastMap<&str, u32> = FastMap::default();
    let mut written: Vec<&str> = Vec::new();
    let local_to_written: Vec<Vec<u32>> = batches
        .iter()
        .map(|b| {
            b.words
                .iter()
                .map(|w| {
                    *written_ids.entry(w).or_insert_with(|| {
                        written.push(w);
                        written.len() as u32 - 1
                    })
                })
                .collect()
        })
        .collect();
    let exact_of: Vec<String> = written
        .par_iter()
        .map(|w| {
            if w.is_ascii() {
                w.to_ascii_lowercase()
            } else {
                lower(w)
            }
        })
        .collect();
    let mut exact_ids: FastMap<&str, u32> = FastMap::default();
    let mut exacts: Vec<&str> = Vec::new();
    let written_to_exact: Vec<u32> = exact_of
        .iter()
        .map(|e| {
            *exact_ids.entry(e.as_str()).or_insert_with(|| {
                exacts.push(e.as_str());
                exacts.len() as u32 - 1
            })
        })
        .collect();
    phase(&format!(
        "normalize ({} written forms, {} exact forms)",
        written.len(),
        exacts.len()
    ));

    // 3. Postings by exact form, in document order.
    let total_len: u64 = batches
        .iter()
        .flat_map(|b| &b.docs)
        .map(|d| u64::from(d.1))
        .sum();
    let avg_len = (total_len as f32 / docs.len().max(1) as f32).max(1.0);
    let weighted: Vec<Vec<(u32, Vec<Posting>)>> = batches
        .par_iter()
        .zip(&local_to_written)
        .map(|(b, to_written)| {
            b.docs
                .iter()
                .map(|&(doc, len, start, end)| {
                    let mut terms: Vec<(u32, u32, bool)> = b.terms[start..end]
                        .iter()
                        .map(|&(local, tf, t)| {
                            (written_to_exact[to_written[local as usize] as usize], tf, t)
                        })
                        .collect();
                    // Two written forms ("Hoà", "hòa") can share one exact form: add them up.
                    terms.sort_unstable_by_key(|t| t.0);
                    let mut out: Vec<Posting> = Vec::with_capacity(terms.len());
                    let mut i = 0;
                    while i < terms.len() {
                        let (id, mut tf, mut title) = terms[i];
                        i += 1;
                        while i < terms.len() && terms[i].0 == id {
                            tf += terms[i].1;
                            title |= terms[i].2;
                            i += 1;
                        }
                        out.push((id, weight(tf, title, len, avg_len)));
                    }
                    (doc, out)
                })
                .collect()
        })
        .collect();
    let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); exacts.len()];
    for (doc, terms) in weighted.iter().flatten() {
        for (id, w) in terms {
            postings[*id as usize].push((*doc, *w));
        }
    }
    drop(weighted);
    // Runs come back in order, so the lists are sorted already; make sure of it.
    postings
        .par_iter_mut()
        .filter(|l| !l.is_sorted_by_key(|p| p.0))
        .for_each(|l| l.sort_unstable_by_key(|p| p.0));
    phase("postings");

    // Group the exact forms under their folded form, in the order the script searches.
    let mut entries: Vec<Entry> = postings
        .into_par_iter()
        .zip(exacts.par_iter())
        .map(|(list, exact)| (fold(exact), exact.to_string(), list))
        .collect();
    entries.par_sort_unstable_by(|a, b| utf16_cmp(&a.0, &b.0).then_with(|| utf16_cmp(&a.1, &b.1)));
    let mut groups: Vec<&[Entry]> = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].0 != entries[start].0 {
            groups.push(&entries[start..i]);
            start = i;
        }
    }
    let fragments: Vec<Vec<u8>> = groups.par_iter().map(|g| term_json(g)).collect();

    phase("term shards");
    let mut files = Vec::new();
    let mut bounds: Vec<&str> = Vec::new();
    let mut shard: Vec<u8> = Vec::new();
    for (group, frag) in groups.iter().zip(&fragments) {
        if !shard.is_empty() && shard.len() + frag.len() > opts.shard_bytes {
            close_term_shard(&dir, &mut files, &mut shard);
        }
        if shard.is_empty() {
            bounds.push(&group[0].0);
            shard.push(b'{');
        } else {
            shard.push(b',');
        }
        shard.extend_from_slice(frag);
    }
    if !shard.is_empty() {
        close_term_shard(&dir, &mut files, &mut shard);
    }

    // Documents: a fixed count per shard, so the script finds a document's shard by division.
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
    let doc_shards: Vec<Vec<u8>> = docs
        .par_chunks(per)
        .zip(section_of.par_chunks(per))
        .map(|(chunk, secs)| {
            let mut out = Vec::with_capacity(opts.doc_shard_bytes + opts.doc_shard_bytes / 4);
            out.push(b'[');
            for (i, (d, sec)) in chunk.iter().zip(secs).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push_doc(&mut out, d, *sec, cap);
            }
            out.extend_from_slice(b"]\n");
            out
        })
        .collect();
    let doc_names: Vec<String> = doc_shards
        .par_iter()
        .enumerate()
        .map(|(j, bytes)| shard_name(&dir, "d", j, bytes))
        .collect();
    phase("document shards");
    // Shard names are `<kind>-<i>-<hash>.json`; meta.json lists the hashes.
    let hash_of = |name: &str| {
        name.rsplit('-')
            .next()
            .unwrap_or("")
            .trim_end_matches(".json")
            .to_string()
    };
    let term_hashes: Vec<String> = files.iter().map(|(n, _)| hash_of(n)).collect();
    let doc_hashes: Vec<String> = doc_names.iter().map(|n| hash_of(n)).collect();
    files.extend(doc_names.into_iter().zip(doc_shards));

    let mut h = Fx::default();
    for (path, _) in &files {
        h.write(path.as_bytes());
    }
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
    files.insert(0, (format!("{dir}meta.json"), meta.into_bytes()));
    files
}

/// A posting: (document id, weight); before the final lists, (exact word id, weight).
type Posting = (u32, u8);
/// One exact form: (folded form, exact form, postings in document order).
type Entry = (String, String, Vec<Posting>);

/// The words of a run of pages, numbered in a dictionary of the run's own.
#[derive(Default)]
struct Batch<'a> {
    /// Written form of each local word id.
    words: Vec<&'a str>,
    ids: FastMap<&'a str, u32>,
    /// (local word id, count in the body, in the title) of every page, one after the other.
    terms: Vec<(u32, u32, bool)>,
    /// (document id, words in the body, range in `terms`) of each page.
    docs: Vec<(u32, u32, usize, usize)>,
    // Scratch space for counting one page, indexed by local word id.
    counts: Vec<u32>,
    titles: Vec<bool>,
    touched: Vec<u32>,
}

impl<'a> Batch<'a> {
    fn add(&mut self, doc: u32, d: &'a Doc) {
        let Batch {
            words,
            ids,
            counts,
            titles,
            touched,
            ..
        } = self;
        // Counts `w` in the body, or marks it as in the title.
        let mut count = |w: &'a str, in_title: bool| {
            let id = *ids.entry(w).or_insert_with(|| {
                words.push(w);
                counts.push(0);
                titles.push(false);
                words.len() as u32 - 1
            }) as usize;
            if counts[id] == 0 && !titles[id] {
                touched.push(id as u32);
            }
            if in_title {
                titles[id] = true;
            } else {
                counts[id] += 1;
            }
        };
        let mut len = 0u32;
        for_each_word(&d.body, |w| {
            len += 1;
            count(w, false);
        });
        for_each_word(&d.title, |w| count(w, true));
        let start = self.terms.len();
        for id in self.touched.drain(..) {
            let i = id as usize;
            self.terms.push((id, self.counts[i], self.titles[i]));
            self.counts[i] = 0;
            self.titles[i] = false;
        }
        self.docs.push((doc, len, start, self.terms.len()));
    }
}

/// Posting weight: BM25 term-frequency part of the body, quantized, times 2, plus 1 if the
/// word is in the title. The script adds the IDF, which depends on the query.
fn weight(tf: u32, in_title: bool, len: u32, avg_len: f32) -> u8 {
    let q = if tf == 0 {
        0
    } else {
        let tf = tf as f32;
        let norm = K1 * (1.0 - B + B * len as f32 / avg_len);
        let s = tf / (tf + norm);
        (s * Q_MAX).ceil().clamp(1.0, Q_MAX) as u8
    };
    q * 2 + u8::from(in_title)
}

/// `"fold":{"exact":[doc,w,delta,w,...],...}` for one folded word.
fn term_json(group: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + group.iter().map(|g| g.2.len() * 6).sum::<usize>());
    push_str(&mut out, &group[0].0);
    out.extend_from_slice(b":{");
    for (i, (_, exact, list)) in group.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(&mut out, exact);
        out.extend_from_slice(b":[");
        let mut prev = 0;
        for (k, (doc, w)) in list.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_num(&mut out, doc - prev);
            out.push(b',');
            push_num(&mut out, u32::from(*w));
            prev = *doc;
        }
        out.push(b']');
    }
    out.push(b'}');
    out
}

fn close_term_shard(dir: &str, files: &mut Vec<(String, Vec<u8>)>, shard: &mut Vec<u8>) {
    shard.extend_from_slice(b"}\n");
    let i = files.len();
    let name = shard_name(dir, "t", i, shard);
    files.push((name, std::mem::take(shard)));
}

/// `<dir><kind>-<i>-<hash>.json`: the number keeps names unique, the content hash makes a
/// changed shard a new file, so a browser cache or a half-finished upload never pairs a
/// `meta.json` with shards of another build.
fn shard_name(dir: &str, kind: &str, i: usize, bytes: &[u8]) -> String {
    format!("{dir}{kind}-{i}-{}.json", short_hash(bytes))
}

fn short_hash(bytes: &[u8]) -> String {
    let mut h = Fx::default();
    h.write(bytes);
    format!("{:08x}", h.finish() >> 32)
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
    push_text(out, &nfc(&d.body), cap);
    out.push(b']');
}

/// Appends the first `cap` bytes (whole words) of `text` as a JSON string, each run of
/// whitespace as one space: smaller, and snippets read better.
fn push_text(out: &mut Vec<u8>, text: &str, cap: usize) {
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
                if clean_block(block) {
                    i += 32;
                    continue;
                }
            }
            slow_until = i + 32;
        }
        let b = bytes[i];
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
}

/// Whether the first 32 bytes of `b` (33 long: one byte of lookahead) can be copied as
/// they are: no control character, quote or backslash, no space followed by whitespace.
fn clean_block(b: &[u8; 33]) -> bool {
    // Bitwise, not short-circuit, so that the loop vectorizes.
    let mut bad = false;
    for k in 0..32 {
        let c = b[k];
        bad |= (c < 0x20) | (c == b'"') | (c == b'\\') | ((c == b' ') & (b[k + 1] <= b' '));
    }
    !bad
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

    fn doc(url: &str, title: &str, body: &str) -> Doc {
        Doc {
            url: url.into(),
            title: title.into(),
            date: Some("ngày 16 tháng 01 năm 2024".into()),
            section: "Biển đảo".into(),
            body: body.into(),
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
        assert_eq!(meta["v"], 1);
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
        assert_eq!(bien["biển"][0], 0);
        assert_eq!(bien["biển"][2], 1);
        assert_eq!(
            bien["biển"][1].as_u64().unwrap() % 2,
            1,
            "in the title of doc 0"
        );
        assert_eq!(
            bien["biển"][3].as_u64().unwrap() % 2,
            0,
            "body only in doc 1"
        );
        assert_eq!(bien["biến"][0], 1);
        assert!(t["hoang"]["hoàng"].is_array());
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
        changed[1].body.push_str(" sáu");
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
            push_text(&mut out, &text, usize::MAX);
            let words: Vec<&str> = text.split_ascii_whitespace().collect();
            let want = serde_json::to_string(&words.join(" ")).expect("json");
            assert_eq!(String::from_utf8(out).expect("utf-8"), want, "{text:?}");
        }
    }

    #[test]
    fn weights_grow_with_frequency_and_mark_titles() {
        assert!(weight(5, false, 100, 100.0) > weight(1, false, 100, 100.0));
        assert!(weight(1, false, 10, 100.0) > weight(1, false, 1000, 100.0));
        assert_eq!(weight(0, true, 10, 100.0), 1);
        assert_eq!(weight(3, true, 10, 100.0) % 2, 1);
    }
}
