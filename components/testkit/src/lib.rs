//! Helpers shared by the workspace's tests (a dev-dependency only): the loopback FTP test
//! server started by `.ci/deploy-servers.sh`, skipping loudly outside CI when something is
//! missing, and JPEG photos like a phone's (with a GPS position in their EXIF block).

use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable's value, or `default` when unset or empty.
pub fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.into())
}

/// Whether the tests run in CI (`CI=true` or `CI=1`), where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Says loudly that a test is skipped because of `why`; in CI, fails instead.
pub fn skip(why: &str) {
    assert!(!in_ci(), "needed in CI: {why}");
    eprintln!("\n*** SKIPPED: {why} ***\n");
}

/// The FTP test server's address and the test user's home folder (where uploads land), or
/// why they are not available.
pub fn ftp_server_or_why() -> Result<(String, PathBuf), String> {
    let addr = env_or("BANGTIN_TEST_FTP", "127.0.0.1:2121");
    let home = PathBuf::from(env_or("BANGTIN_TEST_DEPLOY_HOME", "/srv/bangtin-test"));
    let up = addr
        .parse()
        .ok()
        .and_then(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).ok())
        .is_some();
    if up && home.is_dir() {
        Ok((addr, home))
    } else {
        Err(format!(
            "the FTP test server {addr} is not running; start it with `sudo bash .ci/deploy-servers.sh`"
        ))
    }
}

/// The FTP test server, or `None` (skipped loudly; a failure in CI) when it is not running.
pub fn ftp_server() -> Option<(String, PathBuf)> {
    match ftp_server_or_why() {
        Ok(s) => Some(s),
        Err(why) => {
            skip(&why);
            None
        }
    }
}

/// The test account's user name.
pub fn deploy_user() -> String {
    env_or("BANGTIN_TEST_DEPLOY_USER", "bangtin-test")
}

/// The test account's password.
pub fn deploy_password() -> String {
    env_or("BANGTIN_TEST_DEPLOY_PASSWORD", "bangtin-test-pw")
}

/// A JPEG photo of `w`x`h` with detail everywhere (like a real photo, it does not compress
/// to nothing), at `quality`.
pub fn jpeg(w: u32, h: u32, quality: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img)
        .expect("encoding a JPEG in memory");
    out
}

/// `jpeg` with an EXIF block holding a GPS position inserted after its start, as a phone
/// writes it.
pub fn with_gps(jpeg: &[u8]) -> Vec<u8> {
    // TIFF header, IFD0 with one entry (GPSInfo -> 26), GPS IFD with GPSLatitudeRef = "N".
    let mut t: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    t.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&t);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Deterministic incompressible bytes (a seeded xorshift), for files of a given size.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}
