//! The site's content: `config.toml`, the `content/` folder, the theme and the data files read
//! into data (`load`), and what is derived from them before any Markdown is rendered (`model`).
//!
//! The lowest stages of a build, in a crate of their own so that nothing here can import from
//! rendering, writing or the preview session (the `site` crate, above): data flows one way
//! (docs/ARCHITECTURE.md; tests/layers.rs checks the order of the files inside).
//! `util` -> `diag` -> `config` -> `load` -> `model`.

pub mod config;
pub mod diag;
pub mod load;
pub mod model;
pub mod util;
