//! What every request to the desk must pass: its Host is the desk's own (DNS rebinding), a
//! state-changing request comes from the desk's own origin with this run's token (CSRF), and a
//! path it names stays under `content/` or `static/` of the site (no traversal, no symlink
//! escape).

use crate::error::ApiError;
use i18n::{tr, Lang};
use std::path::{Path, PathBuf};

/// The names the desk answers to on its port.
fn own_hosts(port: u16) -> [String; 3] {
    [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
}

/// Whether the Host header is the desk's own address.
pub fn host_ok(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return false };
    let host = host.trim().to_ascii_lowercase();
    own_hosts(port).contains(&host)
}

/// Whether an Origin header, when present, is the desk's own origin.
pub fn origin_ok(origin: Option<&str>, port: u16) -> bool {
    match origin {
        None => true,
        Some(o) => {
            let o = o.trim().to_ascii_lowercase();
            own_hosts(port).iter().any(|h| o == format!("http://{h}"))
        }
    }
}

/// Whether the given token equals this run's, compared in constant time.
pub fn token_ok(given: Option<&str>, token: &str) -> bool {
    let Some(given) = given else { return false };
    let (a, b) = (given.as_bytes(), token.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new token: 32 random bytes from the system, as hex.
pub fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The folders of the site the desk may write into.
const WRITABLE: [&str; 2] = ["content", "static"];

fn bad_path(rel: &str, lang: Lang) -> ApiError {
    ApiError::new(
        400,
        tr!(
            lang,
            "đường dẫn \"{rel}\" không được phép: bàn soạn bài chỉ ghi vào thư mục content/ và static/ của trang",
            "the path \"{rel}\" is not allowed: the desk only writes inside the site's content/ and static/ folders"
        ),
        tr!(
            lang,
            "hãy mở bài từ danh sách bài viết của bàn soạn bài",
            "open the post from the desk's list of posts"
        ),
    )
}

/// Checks a path the browser sent (relative, `/` separated) and gives the file it names in the
/// site folder. Refuses `..`, `.`, empty parts, absolute and drive paths, backslashes, NUL, and
/// anything outside `content/` and `static/`, also through a symlink.
pub fn site_path(root: &Path, rel: &str, lang: Lang) -> Result<PathBuf, ApiError> {
    let rel_nfc = vi::nfc(rel).into_owned();
    let clean = !rel_nfc.is_empty()
        && !rel_nfc.contains(['\\', '\0', ':'])
        && !rel_nfc.starts_with('/')
        && rel_nfc
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && !s.starts_with("~"));
    let first = rel_nfc.split('/').next().unwrap_or_default();
    if !clean || !WRITABLE.contains(&first) || !rel_nfc.contains('/') {
        return Err(bad_path(rel, lang));
    }
    let root = root.canonicalize().map_err(|_| bad_path(rel, lang))?;
    let allowed = root.join(first);
    let path = root.join(&rel_nfc);
    // The nearest part that exists, resolved: a symlink anywhere on the way shows here.
    let mut existing = path.as_path();
    while !existing.exists() {
        match existing.parent() {
            Some(p) => existing = p,
            None => return Err(bad_path(rel, lang)),
        }
    }
    let real = existing.canonicalize().map_err(|_| bad_path(rel, lang))?;
    let allowed_real = allowed.canonicalize().unwrap_or(allowed);
    if !real.starts_with(&allowed_real) && real != root {
        return Err(bad_path(rel, lang));
    }
    if real == root && existing != root {
        return Err(bad_path(rel, lang));
    }
    Ok(path)
}

/// Like [`site_path`], for a post: a `.md` file under `content/`.
pub fn post_path(root: &Path, rel: &str, lang: Lang) -> Result<PathBuf, ApiError> {
    if !rel.starts_with("content/") || !rel.ends_with(".md") {
        return Err(bad_path(rel, lang));
    }
    site_path(root, rel, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_origins() {
        assert!(host_ok(Some("127.0.0.1:4000"), 4000));
        assert!(host_ok(Some("LOCALHOST:4000"), 4000));
        assert!(host_ok(Some("[::1]:4000"), 4000));
        for bad in ["127.0.0.1:4001", "evil.example:4000", "127.0.0.1", ""] {
            assert!(!host_ok(Some(bad), 4000), "{bad}");
        }
        assert!(!host_ok(None, 4000));
        assert!(origin_ok(None, 4000));
        assert!(origin_ok(Some("http://localhost:4000"), 4000));
        assert!(!origin_ok(Some("http://127.0.0.1:3999"), 4000));
        assert!(!origin_ok(Some("null"), 4000));
    }

    #[test]
    fn tokens() {
        let t = new_token().unwrap();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token().unwrap());
        assert!(token_ok(Some(&t), &t));
        assert!(!token_ok(Some(&t[1..]), &t));
        assert!(!token_ok(None, &t));
    }

    #[test]
    fn paths_stay_in_content_and_static() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/tin-tuc")).unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        assert!(post_path(root, "content/tin-tuc/a/index.md", Lang::En).is_ok());
        assert!(site_path(root, "static/a.pdf", Lang::En).is_ok());
        for bad in [
            "../x.md",
            "content/../config.toml",
            "/etc/passwd",
            "C:\\x.md",
            "C:/x.md",
            "content\\a.md",
            "config.toml",
            "themes/a.md",
            "content//a.md",
            "content/./a.md",
            "content",
            "",
        ] {
            assert_eq!(
                site_path(root, bad, Lang::En).unwrap_err().status,
                400,
                "{bad}"
            );
        }
        assert!(post_path(root, "static/a.md", Lang::En).is_err());
        assert!(post_path(root, "content/a.txt", Lang::En).is_err());
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("content/tron")).unwrap();
            let e = post_path(root, "content/tron/a.md", Lang::En).unwrap_err();
            assert_eq!(e.status, 400);
            assert!(e.error.contains("content/tron/a.md"));
        }
    }
}
