//! The site: load a site folder, build its model, render it with Tera and write the output.
//!
//! Data flows one way, and imports point down only (docs/ARCHITECTURE.md; checked by
//! tests/layers.rs):
//! `util` -> `load` -> `model` -> `render` -> `write` -> `pipeline`, then [`fresh`] (the
//! no-change check before a build) and [`session`] (a preview's incremental rebuilds) on top.
//! `diag` and `config` sit beside `util` at the bottom; `options` just below `pipeline`.
//! `config`, `diag`, `load`, `model` and part of `util` are the `content` crate's, re-exported
//! here: what they hold cannot import from the stages above.

pub use ::content::{config, diag, load, model};
pub mod fresh;
pub mod options;
pub mod pipeline;
pub mod render;
pub mod session;
pub mod util;
pub mod write;

pub use config::Config;
pub use diag::{Diagnostic, Failed, Severity};
pub use load::{content, frontmatter};
pub use options::Options;
pub use pipeline::Built;
pub use render::memo::Cache;
pub use session::{Delta, Output, Session, Update};
pub use write::sink as output;
pub use write::staging::{clear_dead, Cleared};

/// The theme's templates, i18n strings and static files (`templates::BUNDLED_THEME`...).
pub mod templates {
    pub use crate::load::theme::*;
}

use pipeline::Purpose;
use std::time::Instant;
use write::marker::Recorder;

/// Builds a site. Nothing to do when the output folder already holds a build of the same
/// inputs ([`fresh::check`]); on error nothing in the output folder changes.
pub fn build(opts: &Options, progress: &(dyn Fn(&str) + Sync)) -> Result<Built, Failed> {
    let started = Instant::now();
    let config = pipeline::config(opts)?;
    if !opts.memory {
        // Even when nothing needs building, what killed builds left beside the output goes.
        let out = opts.output.clone();
        let _ = clear_dead(&out.unwrap_or_else(|| opts.root.join("public")));
    }
    let pending = match fresh::check(opts, &config, started) {
        fresh::Check::UpToDate(built) => return Ok(*built),
        fresh::Check::Stale(pending) => pending,
    };
    let recorder = pending.as_ref().map(|p| p as &dyn Recorder);
    pipeline::run(opts, config, progress, recorder, started, Purpose::Once).map(|(b, _)| b)
}
