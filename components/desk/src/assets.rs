//! The desk's browser side, embedded at compile time from `components/desk/assets/`: the shell
//! page (with this run's token, the language and the preview's origin filled in) and the files
//! it loads, each with its content type.

use include_dir::{include_dir, Dir};

static ASSETS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// Escapes text for an HTML attribute or element.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The shell page with `{{token}}`, `{{lang}}` and `{{site_origin}}` filled in.
pub fn shell(token: &str, lang: &str, site_origin: &str) -> String {
    let page = ASSETS
        .get_file("index.html")
        .and_then(|f| f.contents_utf8())
        .unwrap_or("<!doctype html><title>bangtin</title>");
    page.replace("{{token}}", &escape(token))
        .replace("{{lang}}", &escape(lang))
        .replace("{{site_origin}}", &escape(site_origin))
}

/// An embedded file by its name under `assets/` (`None` for the shell or an unknown name).
pub fn file(name: &str) -> Option<(&'static [u8], &'static str)> {
    if name == "index.html" || name.contains("..") {
        return None;
    }
    let f = ASSETS.get_file(name)?;
    Some((f.contents(), content_type(name)))
}

/// The content type of an asset, from its extension.
fn content_type(name: &str) -> &'static str {
    match name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_has_the_token_and_names() {
        let page = shell("abc\"", "vi", "http://127.0.0.1:1111");
        assert!(page.contains("content=\"abc&quot;\""));
        assert!(page.contains("http://127.0.0.1:1111"));
        assert!(!page.contains("{{"));
        for name in ["Viết bài mới", "Tiêu đề", "Lưu", "Đăng lên mạng"] {
            assert!(page.contains(name), "{name}");
        }
        assert!(file("index.html").is_none());
    }
}
