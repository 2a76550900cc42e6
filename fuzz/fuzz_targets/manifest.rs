//! The deploy manifest parser: any bytes from the server give a manifest or `None`, and a
//! manifest read back from its own bytes is the same manifest.
#![no_main]

use deploy::Manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(m) = Manifest::parse(data) {
        let bytes = m.to_bytes();
        let again = Manifest::parse(&bytes).expect("a manifest's own bytes parse");
        assert_eq!(again, m);
        let _ = m.known_dirs();
        for path in m.files.keys() {
            let _ = deploy::manifest::is_internal(path);
        }
    }
});
