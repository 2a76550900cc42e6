//! The site: load a site folder, build its model, render it with Tera and write the output.

pub mod build;
pub mod cache;
pub mod config;
pub mod content;
pub mod diag;
pub mod feeds;
pub mod fresh;
pub mod frontmatter;
pub mod functions;
pub mod output;
pub mod render;
pub mod session;
pub mod taxonomy;
pub mod templates;

pub use build::{build, Built, Options};
pub use cache::Cache;
pub use config::Config;
pub use diag::{Diagnostic, Failed, Severity};
pub use session::{Delta, Output, Session, Update};
