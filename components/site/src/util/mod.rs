//! Low helpers every stage of the build shares: the ones loading needs too are in
//! `content::util` (re-exported here); the parallel folder walker and the timings are the
//! build's own.

pub use ::content::util::*;

/// The bytes of an output file kept in memory, shared: a preview session's memo of rendered
/// outputs (render) and the map of served files (write) hold the same bytes, not a copy each.
pub type Bytes = std::sync::Arc<Vec<u8>>;

pub mod timings;
pub mod tree;
