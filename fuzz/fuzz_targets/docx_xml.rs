//! The Word reader on a well-formed package whose XML is fuzzed: the input, cut at NUL bytes,
//! is word/document.xml, then styles.xml, numbering.xml, the document's relationships and
//! footnotes.xml (missing parts are left out). A small picture is always in word/media, so
//! fuzzed relationships can point at it.
#![no_main]

use std::io::{Cursor, Write};
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;

const PARTS: [&str; 5] = [
    "word/document.xml",
    "word/styles.xml",
    "word/numbering.xml",
    "word/_rels/document.xml.rels",
    "word/footnotes.xml",
];

/// A 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0, 0x05, 0, 0x01, 0xff, 0x56, 0x2c, 0x57, 0x3c,
    0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn package(data: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in PARTS.iter().zip(data.split(|&b| b == 0)) {
        zip.start_file(*name, stored).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.start_file("word/media/image1.png", stored)
        .expect("zip entry");
    zip.write_all(PNG).expect("zip write");
    zip.finish().expect("zip finish").into_inner()
}

fuzz_target!(|data: &[u8]| {
    if let Err(e) = import::preview(Path::new("fuzz.docx"), package(data)) {
        let _ = e.to_string();
    }
});
