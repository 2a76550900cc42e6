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
    let per_doc: Vec<DocTerms> = docs.par_iter().map(doc_terms).collect();

    let total_len: u64 = per_doc.iter().map(|d| u64::from(d.len)).sum();
    let avg_len = (total_len as f32 / per_doc.len().max(1) as f32).max(1.0);

    // Postings are appended in document order, so each list comes out sorted.
    let mut postings: FastMap<String, Vec<(u32, u8)>> = FastMap::default();
    for (id, d) in per_doc.into_iter().enumerate() {
        let id = id as u32;
        for (word, tf, in_title) in d.terms {
            let w = weight(tf, in_title, d.len, avg_len);
            postings.entry(word).or_default().push((id, w));
        }
    }

    // Group the exact forms under their folded form, in the order the script searches.
    let mut entries: Vec<Entry> = postings
        .into_par_iter()
        .map(|(exact, list)| (fold(&exact), exact, list))
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
    let records: Vec<Vec<u8>> = docs
        .par_iter()
        .zip(section_of.par_iter())
        .map(|(d, s)| doc_json(d, *s, opts.snippet_chars))
        .collect();
    let avg_record = records.iter().map(Vec::len).sum::<usize>() / records.len().max(1);
    let per = (opts.doc_shard_bytes / avg_record.max(1)).max(1);
    let doc_shards: Vec<Vec<u8>> = records
        .par_chunks(per)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.iter().map(|r| r.len() + 1).sum::<usize>() + 2);
            out.push(b'[');
            for (i, r) in chunk.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(r);
            }
            out.extend_from_slice(b"]\n");
            out
        })
        .collect();
    for (j, bytes) in doc_shards.into_iter().enumerate() {
        files.push((format!("{dir}d-{j}.json"), bytes));
    }

    // The hash lets the script ask for `?v=<hash>` so caches never mix two builds.
    let mut h = Fnv::default();
    for (path, bytes) in &files {
        h.write(path.as_bytes());
        h.write(bytes);
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
    meta.push_str("}\n");
    files.insert(0, (format!("{dir}meta.json"), meta.into_bytes()));
    files
}

/// A posting: (document id, weight).
type Posting = (u32, u8);
/// One exact form: (folded form, exact form, postings in document order).
type Entry = (String, String, Vec<Posting>);

/// The distinct words of one page.
struct DocTerms {
    /// (exact form, count in the body, appears in the title).
    terms: Vec<(String, u32, bool)>,
    /// Number of words in the body.
    len: u32,
}

fn doc_terms(doc: &Doc) -> DocTerms {
    // Count the words as written first: most repeat, so each is normalized only once.
    let mut raw: FastMap<&str, (u32, bool)> = FastMap::default();
    let mut len = 0u32;
    for_each_word(&doc.body, |w| {
        len += 1;
        raw.entry(w).or_default().0 += 1;
    });
    for_each_word(&doc.title, |w| raw.entry(w).or_default().1 = true);
    let mut exact: FastMap<String, (u32, bool)> = FastMap::default();
    for (w, (tf, t)) in raw {
        let e = if w.is_ascii() {
            w.to_ascii_lowercase()
        } else {
            lower(w)
        };
        let slot = exact.entry(e).or_default();
        slot.0 += tf;
        slot.1 |= t;
    }
    DocTerms {
        terms: exact.into_iter().map(|(w, (tf, t))| (w, tf, t)).collect(),
        len,
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
    out.extend_from_slice(json_str(&group[0].0).as_bytes());
    out.extend_from_slice(b":{");
    for (i, (_, exact, list)) in group.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(json_str(exact).as_bytes());
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
    files.push((format!("{dir}t-{i}.json"), std::mem::take(shard)));
}

/// `[url,title,date|null,section,text]` of one document.
fn doc_json(d: &Doc, section: usize, snippet_chars: usize) -> Vec<u8> {
    // Whitespace runs collapse to one space: smaller, and snippets read better.
    let mut text = String::with_capacity(d.body.len().min(snippet_chars * 2));
    let mut n = 0;
    for w in d.body.split_whitespace() {
        if n >= snippet_chars {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(w);
        n += w.chars().count() + 1;
    }
    let text = nfc(&text);
    let mut out = Vec::with_capacity(text.len() + d.title.len() + d.url.len() + 64);
    out.push(b'[');
    out.extend_from_slice(json_str(&d.url).as_bytes());
    out.push(b',');
    out.extend_from_slice(json_str(&nfc(&d.title)).as_bytes());
    out.push(b',');
    match &d.date {
        Some(date) => out.extend_from_slice(json_str(date).as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    push_num(&mut out, section as u32);
    out.push(b',');
    out.extend_from_slice(json_str(&text).as_bytes());
    out.push(b']');
    out
}

fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.into()
    } else {
        s.nfc().collect::<String>().into()
    }
}

fn json_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
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

/// FNV-1a: a small, stable hash for the cache-busting content hash and the hot word maps.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

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

    fn json(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
        let (_, bytes) = files.iter().find(|(p, _)| p == path).expect(path);
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
    fn weights_grow_with_frequency_and_mark_titles() {
        assert!(weight(5, false, 100, 100.0) > weight(1, false, 100, 100.0));
        assert!(weight(1, false, 10, 100.0) > weight(1, false, 1000, 100.0));
        assert_eq!(weight(0, true, 10, 100.0), 1);
        assert_eq!(weight(3, true, 10, 100.0) % 2, 1);
    }
}
