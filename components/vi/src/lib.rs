//! vi
