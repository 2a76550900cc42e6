//! Front matter: `split` then `parse` as a page and as a section, and the error's position.
#![no_main]

use i18n::Lang;
use libfuzzer_sys::fuzz_target;
use site::frontmatter::{parse, position, split, PageFront, SectionFront};

fuzz_target!(|text: &str| {
    let s = match split(text, Lang::En) {
        Ok(s) => s,
        Err(e) => {
            let _ = position(text, 0, &e);
            return;
        }
    };
    assert_eq!(&text[s.body_offset..], s.body, "body offset");
    assert_eq!(
        &text[s.front_offset..s.front_offset + s.front.len()],
        s.front
    );
    if let Err(e) = parse::<PageFront>(&s, Lang::Vi) {
        let (line, col) = position(text, s.front_offset, &e);
        assert!(line >= 1 && col >= 1);
    }
    if let Err(e) = parse::<SectionFront>(&s, Lang::En) {
        let _ = position(text, s.front_offset, &e);
    }
});
