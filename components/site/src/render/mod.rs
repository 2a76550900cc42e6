//! The render stage: Markdown bodies ([`markdown`]), the values and contexts templates see
//! ([`values`], [`contexts`], [`lookup`], [`functions`]), Tera ([`tera`]), each output
//! ([`jobs`]), and the session memo with its keys ([`memo`], [`keys`]).

pub mod anchors;
pub mod bodies;
pub mod contexts;
pub mod functions;
pub mod jobs;
pub mod keys;
pub mod lookup;
pub mod markdown;
pub mod memo;
pub mod tera;
pub mod values;

pub use contexts::{file_for, pager_path};
