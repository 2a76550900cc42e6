//! The shortcode parser: `{{ name(args) }}` and `{% name(args) %}body{% end %}` anywhere in a
//! page, with bodies rendered again as Markdown. The seeds are shortcode-heavy; the check is
//! that the page renders or fails with located errors, never panics.
#![no_main]

use bangtin_fuzz::{check_rendered, FuzzHost};
use libfuzzer_sys::fuzz_target;
use markdown::Options;

fuzz_target!(|src: &str| {
    let opts = Options {
        highlight: false,
        ..Options::default()
    };
    let host = FuzzHost { opts: opts.clone() };
    match markdown::render(src, &opts, &host) {
        Ok(r) => check_rendered(&r, &opts),
        Err(errors) => {
            for e in errors {
                assert!(
                    src.is_char_boundary(e.offset),
                    "error offset {} in {src:?}",
                    e.offset
                );
                let _ = markdown::line_col(src, e.offset);
                let _ = e.message(opts.lang);
            }
        }
    }
});
