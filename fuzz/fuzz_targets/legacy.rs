//! The legacy-font converter (TCVN3 and VNI-Windows to Unicode): detection, both converters
//! and the font-named conversion on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vi::legacy::{self, Encoding};

fuzz_target!(|text: &str| {
    let (fixed, enc) = legacy::fix(text);
    if enc.is_none() {
        assert_eq!(fixed, text);
    }
    for enc in [Encoding::Tcvn3, Encoding::Vni] {
        let _ = legacy::to_unicode(text, enc);
    }
    for name in [".VnTime", ".VnTimeH", "VNI-Times", "Times New Roman"] {
        if let Some(font) = legacy::font(name) {
            let _ = legacy::from_font(text, font);
        }
    }
});
