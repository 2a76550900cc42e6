//! The Word reader on arbitrary bytes: a .docx, a broken zip or anything else gives Markdown
//! or an ImportError, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = import::preview(Path::new("fuzz.docx"), data.to_vec()) {
        let _ = e.to_string();
    }
});
