//! Fuzzes the whole reader: any bytes as a .docx must give Markdown or an error, never a
//! panic, a hang or unbounded memory. Run: `cargo fuzz run read_docx corpus/read_docx`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = import::preview(std::path::Path::new("fuzz.docx"), data.to_vec());
});
