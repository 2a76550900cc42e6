//! Writing the index's JSON by hand, fast: numbers in base 32 characters, strings escaped as
//! JSON, document entries with their snippet text, shard names with a content hash.

use crate::Doc;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// The characters of the postings' numbers: URL-safe base 64, nothing JSON escapes.
pub(super) const B64: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `n` as groups of 5 bits, lowest first, each a character of [`B64`] with 32 added
/// when another group follows: one character below 32 (every weight, most deltas), where the
/// decimal form took up to three with its comma, and no digit loop.
pub(super) fn push_b32(out: &mut Vec<u8>, mut n: u32) {
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
pub(super) fn shard_name(dir: &str, kind: &str, i: usize, bytes: &[u8]) -> String {
    format!("{dir}{kind}-{i}-{}.json", short_hash(bytes))
}

/// 8 hex digits of the file's XXH3 hash: a new name when the content changes, for caches.
pub(super) fn short_hash(bytes: &[u8]) -> String {
    format!("{:08x}", xxhash_rust::xxh3::xxh3_64(bytes) >> 32)
}

/// `[url,title,date|null,section,text]` of one document.
pub(super) fn push_doc(out: &mut Vec<u8>, d: &Doc, section: usize, cap: usize) {
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
pub(super) fn push_text(out: &mut Vec<u8>, text: &str, cap: usize) -> bool {
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
pub(super) fn clean_block(b: &[u8; 33]) -> (bool, bool) {
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

pub(super) fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
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

pub(super) fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Appends `s` as a JSON string.
pub(super) fn push_str(out: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail, and a &str always serializes.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Appends `n` in decimal.
pub(super) fn push_num(out: &mut Vec<u8>, n: u32) {
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
pub(super) fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}
