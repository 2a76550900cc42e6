//! The whole Markdown pipeline with sanitising: shortcodes, links, images, tables, footnotes,
//! raw HTML cleaned by ammonia, code highlighted by syntect. The first byte picks the options.
#![no_main]

use bangtin_fuzz::{check_rendered, FuzzHost};
use i18n::Lang;
use libfuzzer_sys::fuzz_target;
use markdown::Options;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(src) = std::str::from_utf8(rest) else {
        return;
    };
    let opts = Options {
        unsafe_html: false,
        highlight: flags & 1 != 0,
        lang: if flags & 2 != 0 { Lang::En } else { Lang::Vi },
        smart_punctuation: flags & 4 != 0,
        plain_text: flags & 8 != 0,
    };
    let host = FuzzHost { opts: opts.clone() };
    match markdown::render(src, &opts, &host) {
        Ok(r) => {
            check_rendered(&r, &opts);
            for removed in &r.removed_html {
                assert!(removed.offset <= src.len(), "removed at {}", removed.offset);
            }
            for link in &r.links {
                assert!(link.offset <= src.len(), "link at {}", link.offset);
            }
        }
        Err(errors) => {
            for e in errors {
                assert!(src.is_char_boundary(e.offset), "error offset {}", e.offset);
                let _ = e.message(opts.lang);
            }
        }
    }
});
