//! The model stage: what the build derives from the loaded content before any Markdown is
//! rendered: each section's ordered listing and subsections, and the taxonomies.

pub mod sort;
pub mod taxonomy;
