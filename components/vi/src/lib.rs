//! Vietnamese text done right: NFC, one canonical tone placement, accent folding, slugs,
//! Vietnamese alphabetical order, administrative date formats and conversion of text typed
//! in the legacy TCVN3 (.VnTime) and VNI encodings.
//!
//! Every function gives the same answer for NFC and NFD input:
//!
//! ```
//! use std::cmp::Ordering;
//! let nfc = "Biển đảo Hoàng Sa";
//! let nfd = "Bie\u{302}\u{309}n đa\u{309}o Hoa\u{300}ng Sa";
//! assert_ne!(nfc, nfd);
//! assert_eq!(vi::slugify(nfd), vi::slugify(nfc));
//! assert_eq!(vi::fold(nfd), vi::fold(nfc));
//! assert_eq!(vi::canonical(nfd), vi::canonical(nfc));
//! assert_eq!(vi::compare(nfd, nfc), Ordering::Equal);
//! ```

mod collate;
pub mod date;
mod file_name;
mod folding;
mod html;
pub mod legacy;
mod normalize;
mod slug;
mod syllable;
mod tone;
mod vowel;

pub use collate::{compare, sort_key, sort_vi};
pub use file_name::{safe_file_name, safe_file_stem};
pub use folding::fold;
pub use html::escape_html;
pub use normalize::{nfc, nfc_owned};
pub use slug::{slugify, unique_slug};
pub use tone::{canonical, lower};

#[cfg(test)]
mod tests;
