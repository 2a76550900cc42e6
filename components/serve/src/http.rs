//! Mapping a request target to a file of the in-memory site, and content types.
//!
//! Files come only from the map of rendered outputs, so nothing outside the output can be
//! served by construction; the checks below refuse odd targets early and explicitly anyway.

use unicode_normalization::UnicodeNormalization;

/// The rendered site: relative path (with `/`) to bytes (shared with the session's memo).
pub type Files = site::write::sink::Files;

/// What a request target resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of the site (its key in the map).
    File(String),
    /// `/a` when `/a/index.html` exists: redirect to this location.
    Redirect(String),
    /// No such file: serve the 404 page (its key, if the site has one).
    NotFound(Option<String>),
    /// A target that is not a plain path inside the site (`..`, backslash, NUL, bad escapes).
    Bad,
}

/// Splits `/path?query#frag` into the path and the `?query` (kept for redirects).
fn split_query(raw: &str) -> (&str, &str) {
    let end = raw.find(['?', '#']).unwrap_or(raw.len());
    let path = &raw[..end];
    let query = raw[end..].split('#').next().unwrap_or("");
    (path, query)
}

/// Percent-decodes a path; `None` for a malformed escape.
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The decoded, checked path of a request target, without the leading `/` (`""` for the root).
pub fn clean_path(raw_path: &str) -> Option<String> {
    // Only origin-form targets: "http://host/x", "*" and "C:/x" are refused.
    let rest = raw_path.strip_prefix('/')?;
    if raw_path.contains('\\') {
        return None;
    }
    let bytes = percent_decode(rest)?;
    let text = String::from_utf8(bytes).ok()?;
    if text.contains(['\0', '\\']) || text.starts_with('/') {
        return None;
    }
    let segments: Vec<&str> = text.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        // An empty segment is only allowed at the end ("/a/"); "." and ".." never.
        if (seg.is_empty() && !last) || *seg == "." || *seg == ".." || seg.contains(':') {
            return None;
        }
    }
    Some(text)
}

/// Resolves a raw request target (as sent on the request line) against the site's files.
pub fn resolve(files: &Files, raw: &str) -> Target {
    let (raw_path, query) = split_query(raw);
    let Some(path) = clean_path(raw_path) else {
        return Target::Bad;
    };
    // Browsers send what was typed; the site's names are NFC, so try the NFC form too.
    let nfc: String = path.nfc().collect();
    for candidate in [&path, &nfc] {
        let key = if candidate.is_empty() || candidate.ends_with('/') {
            format!("{candidate}index.html")
        } else {
            candidate.to_string()
        };
        if files.contains_key(&key) {
            return Target::File(key);
        }
        if !candidate.is_empty()
            && !candidate.ends_with('/')
            && files.contains_key(&format!("{candidate}/index.html"))
        {
            return Target::Redirect(format!("{raw_path}/{query}"));
        }
    }
    Target::NotFound(not_found_page(files, &nfc))
}

/// The 404 page for a path: the one of the path's language folder (`en/404.html`) if any.
fn not_found_page(files: &Files, path: &str) -> Option<String> {
    if let Some((first, _)) = path.split_once('/') {
        let key = format!("{first}/404.html");
        if files.contains_key(&key) {
            return Some(key);
        }
    }
    files
        .contains_key("404.html")
        .then(|| "404.html".to_string())
}

/// Whether a Host header names this computer. A loopback server refuses other names so that a
/// web page elsewhere cannot read the preview (drafts included) by re-pointing its own domain
/// name at 127.0.0.1 (DNS rebinding).
pub fn host_is_local(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || port.starts_with(':') => ip.to_string(),
            _ => return false,
        }
    } else {
        host.split(':').next().unwrap_or_default().to_string()
    };
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// The Content-Type of a file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        let mut f = Files::new();
        for k in [
            "index.html",
            "404.html",
            "en/404.html",
            "a/index.html",
            "css/site.css",
            "tệp/biển đảo.pdf",
        ] {
            f.insert(k.to_string(), k.as_bytes().to_vec().into());
        }
        f
    }

    #[test]
    fn resolves_files_dirs_and_redirects() {
        let f = files();
        assert_eq!(resolve(&f, "/"), Target::File("index.html".into()));
        assert_eq!(resolve(&f, "/?x=1"), Target::File("index.html".into()));
        assert_eq!(resolve(&f, "/a/"), Target::File("a/index.html".into()));
        assert_eq!(resolve(&f, "/a"), Target::Redirect("/a/".into()));
        assert_eq!(resolve(&f, "/a?q=1"), Target::Redirect("/a/?q=1".into()));
        assert_eq!(
            resolve(&f, "/css/site.css?h=abc"),
            Target::File("css/site.css".into())
        );
        assert_eq!(
            resolve(&f, "/nope"),
            Target::NotFound(Some("404.html".into()))
        );
        assert_eq!(
            resolve(&f, "/en/nope/"),
            Target::NotFound(Some("en/404.html".into()))
        );
        assert_eq!(resolve(&Files::new(), "/x"), Target::NotFound(None));
    }

    #[test]
    fn decodes_vietnamese_names_in_nfc_and_nfd() {
        let f = files();
        let nfc = "/t%E1%BB%87p/bi%E1%BB%83n%20%C4%91%E1%BA%A3o.pdf";
        assert_eq!(resolve(&f, nfc), Target::File("tệp/biển đảo.pdf".into()));
        // "ệ" written as e + circumflex + dot below (NFD), as macOS may send it.
        let nfd: String = "/tệp/biển đảo.pdf".nfd().collect();
        let encoded: String = nfd
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'/' || b == b'.' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        assert_eq!(
            resolve(&f, &encoded),
            Target::File("tệp/biển đảo.pdf".into())
        );
    }

    #[test]
    fn refuses_traversal_and_odd_targets() {
        let f = files();
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2fetc%2fpasswd",
            "/a/%2e%2e/index.html",
            "/..%5cwindows",
            "/a\\..\\b",
            "/%5c",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/a/./index.html",
            "/x%00.html",
            "/%zz",
            "/%e1",
            "/%ff%fe",
            "http://evil/etc/passwd",
            "*",
            "",
            "/C:/Windows/win.ini",
            "/c%3a/x",
        ] {
            assert_eq!(resolve(&f, bad), Target::Bad, "{bad}");
        }
    }

    #[test]
    fn only_local_host_names() {
        for ok in [
            "127.0.0.1:1111",
            "localhost:1111",
            "localhost",
            "[::1]:8080",
            "127.0.0.2",
            "LOCALHOST",
        ] {
            assert!(host_is_local(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "192.168.1.5:1111",
            "",
            "[::1]x",
            "127.0.0.1.evil.example",
        ] {
            assert!(!host_is_local(bad), "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/b.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.svg"), "image/svg+xml");
        assert_eq!(content_type("x.webp"), "image/webp");
        assert_eq!(content_type("x.pdf"), "application/pdf");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
