//! Low helpers every stage of the build shares: the ones loading needs too are in
//! `content::util` (re-exported here); the parallel folder walker and the timings are the
//! build's own.

pub use ::content::util::*;

pub use bytes::Bytes;

pub mod bytes;
pub mod timings;
pub mod tree;
