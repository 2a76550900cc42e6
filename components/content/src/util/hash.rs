//! Hashes the build keys are made of: [`Key`], the hash of a file's bytes, of a JSON value,
//! and of a field that cannot run into the next one.

/// A 32-byte hash: BLAKE3 for keys of several parts, XXH3 for a file's bytes.
pub type Key = [u8; 32];

/// The hash of a file's bytes in the no-change key; the content loader takes it of what it
/// reads.
///
/// XXH3-128, as rsync uses to tell changed files: it only has to tell an edit from the
/// unchanged text, and it hashes the 50 MB of a 10,000-page site ten times faster than BLAKE3
/// (on 5 KB pages), which counted for 4 % of a build.
pub fn file_hash(bytes: &[u8]) -> Key {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(&xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes());
    key[16..24].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    key
}

/// Feeds a JSON value into a hasher without building the text in memory.
pub fn hash_json(h: &mut blake3::Hasher, v: &impl serde::Serialize) {
    let _ = serde_json::to_writer(h, v);
}

/// A length-prefixed field, so that two fields can never read as other two.
pub fn field(h: &mut blake3::Hasher, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// A key as 64 hexadecimal digits.
pub fn hex(k: &Key) -> String {
    blake3::Hash::from(*k).to_hex().to_string()
}
