//! A fuzzer that runs on the stable toolchain in every `cargo test`: real .docx files, mutated
//! at random (bytes of the zip, and the XML inside with Word elements spliced in, cut or
//! repeated), must give Markdown or an error, never a panic, and quickly. The seed of a
//! failing case is printed; `IMPORT_MUTATIONS=N` runs more cases (default 400).
//! (cargo-fuzz drives the same `import::preview` from fuzz/, targets docx_bytes and docx_xml.)

mod common;

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// xorshift64*: small, deterministic, enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Word elements that stress the reader when put in the wrong place.
const SPLICES: &[&str] = &[
    "<w:p>",
    "</w:p>",
    "</w:r>",
    "<w:tbl><w:tr><w:tc>",
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
    "<w:r><w:instrText> TOC \\o </w:instrText></w:r>",
    "<w:numPr><w:ilvl w:val=\"255\"/><w:numId w:val=\"4294967295\"/></w:numPr>",
    "<w:tcPr><w:gridSpan w:val=\"4294967295\"/><w:vMerge/></w:tcPr>",
    "<w:r><w:footnoteReference w:id=\"1\"/></w:r>",
    "<w:r><w:sym w:font=\".VnTime\" w:char=\"F0AD\"/><w:softHyphen/></w:r>",
    "<w:rPr><w:rFonts w:ascii=\".VnTimeH\" w:hAnsi=\"VNI-Times\"/><w:caps/></w:rPr>",
    "<w:t>ÒÕÖ\u{ad}</w:t>",
    "<w:hyperlink r:id=\"rId9999\">",
    "<w:ins><w:del>",
    "<w:txbxContent><w:p><w:r><w:t>x</w:t></w:r></w:p></w:txbxContent>",
    "<a:blip r:embed=\"rId1\"/>",
    "&amp;&lt;{{ x() }}{%",
];

fn entries(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("fixture is a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).expect("read entry");
            (f.name().to_string(), bytes)
        })
        .collect()
}

fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in entries {
        w.start_file(name.as_str(), opts).expect("start entry");
        w.write_all(bytes).expect("write entry");
    }
    w.finish().expect("finish zip").into_inner()
}

/// One mutation of `docx`.
fn mutate(docx: &[u8], rng: &mut Rng) -> Vec<u8> {
    match rng.below(4) {
        0 => {
            let mut b = docx.to_vec();
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            b
        }
        1 => docx[..rng.below(docx.len())].to_vec(),
        _ => {
            let mut es = entries(docx);
            let xml: Vec<usize> = (0..es.len())
                .filter(|&i| es[i].0.ends_with(".xml"))
                .collect();
            // Mostly the main document.
            let k = es
                .iter()
                .position(|e| e.0 == "word/document.xml")
                .filter(|_| rng.below(3) > 0)
                .unwrap_or_else(|| xml[rng.below(xml.len())]);
            let text = &mut es[k].1;
            for _ in 0..1 + rng.below(4) {
                let (a, b) = (rng.below(text.len()), rng.below(text.len()));
                let (a, b) = (a.min(b), a.max(b).min(a + 400));
                match rng.below(3) {
                    0 => {
                        text.drain(a..b);
                    }
                    1 => {
                        let piece = text[a..b].to_vec();
                        text.splice(a..a, piece);
                    }
                    _ => {
                        let s = SPLICES[rng.below(SPLICES.len())].as_bytes().to_vec();
                        text.splice(a..a, s);
                    }
                }
            }
            rezip(&es)
        }
    }
}

#[test]
fn mutated_documents_never_panic() {
    let Some(fx) = common::fixtures("import-mutate") else {
        return;
    };
    let inputs: Vec<Vec<u8>> = ["basic.docx", "seed-tcvn3.docx", "mixed.docx"]
        .iter()
        .map(|n| std::fs::read(fx.join(n)).expect("fixture"))
        .collect();
    let cases: u64 = std::env::var("IMPORT_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let (mut ok, mut refused) = (0, 0);
    for seed in 1..=cases {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let input = &inputs[rng.below(inputs.len())];
        let bytes = mutate(input, &mut rng);
        let start = Instant::now();
        let result = std::panic::catch_unwind(|| import::preview(Path::new("m.docx"), bytes));
        let took = start.elapsed();
        match result {
            Ok(Ok(md)) => {
                assert!(md.ends_with('\n'), "seed {seed}");
                ok += 1;
            }
            Ok(Err(e)) => {
                assert!(!e.message(i18n::Lang::Vi).is_empty());
                refused += 1;
            }
            Err(_) => panic!("seed {seed}: the reader panicked"),
        }
        assert!(took < Duration::from_secs(5), "seed {seed}: {took:?}");
    }
    eprintln!("{cases} mutated documents: {ok} read, {refused} refused with an error");
    assert!(ok > 0 && refused > 0, "the mutations reach both outcomes");
}
