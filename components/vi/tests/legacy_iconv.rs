//! The TCVN3 table checked against an independent one: glibc iconv's TCVN5712-1, which agrees
//! with TCVN3 (VN3) on the small letters (it places capitals elsewhere, so only those count).

use std::io::Write;
use std::process::{Command, Stdio};
use vi::legacy::{font, from_font};

/// Decodes each byte 0xA1..=0xFE alone with iconv; `None` when iconv is not there.
fn iconv_tcvn5712() -> Option<Vec<(u8, String)>> {
    let mut out = Vec::new();
    for b in 0xA1u8..=0xFE {
        let mut child = Command::new("iconv")
            .args(["-f", "TCVN5712-1", "-t", "UTF-8"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(&[b]).ok()?;
        let done = child.wait_with_output().ok()?;
        if done.status.success() {
            out.push((b, String::from_utf8(done.stdout).ok()?));
        }
    }
    Some(out)
}

#[test]
fn small_letters_agree_with_glibc_iconv() {
    let Some(table) = iconv_tcvn5712() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "iconv (glibc) is needed in CI"
        );
        eprintln!("SKIPPED: iconv with TCVN5712-1 is not available here");
        return;
    };
    let vn_time = font(".VnTime").expect(".VnTime is a legacy font");
    let mut compared = 0;
    for (b, unicode) in table {
        let mut chars = unicode.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            continue;
        };
        if !c.is_lowercase() || c.is_ascii() {
            continue;
        }
        let ours = from_font(&char::from(b).to_string(), vn_time);
        assert_eq!(ours, unicode, "byte {b:#04X}");
        compared += 1;
    }
    // ă â ê ô ơ ư đ and the 5 toned forms of the 12 vowels: 7 + 60 = 67 small letters.
    assert!(compared >= 60, "only {compared} letters compared");
}
