//! The live preview of unsaved text: the post's front matter and body put together as its file
//! would be, rendered by the preview's session with the site's theme, with a `<base href>` so
//! the page's links, styles and photos load from the preview's origin.

use crate::context::Preview;
use crate::error::{ApiError, ApiResult};
use crate::files::rel_of;
use crate::{front, guard, posts};
use i18n::{tr, Lang};
use serde_json::{json, Value};
use std::path::Path;

/// The themed page for `{path, front, body}`.
pub fn render(
    root: &Path,
    preview: Option<&dyn Preview>,
    site_origin: &str,
    req: &Value,
    lang: Lang,
) -> ApiResult<String> {
    let rel = crate::web::field(req, "path", lang)?;
    let path = guard::post_path(root, rel, lang)?;
    let Some(preview) = preview else {
        return Err(ApiError::new(
            503,
            tr!(
                lang,
                "trang xem trước không chạy",
                "the preview is not running"
            ),
            tr!(lang, "hãy khởi động lại bangtin", "restart bangtin"),
        ));
    };
    // The file's own front matter is the base, so keys the desk does not show still count.
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "+++\n+++\n".to_string());
    let fm = front::from_request(req);
    let body = req.get("body").and_then(Value::as_str).unwrap_or("");
    let text = front::compose(rel, &old, &fm, body, lang)?;
    let html = preview.render(Path::new(rel), &text).map_err(|errors| {
        let list: Vec<Value> = errors
            .iter()
            .map(|d| {
                json!({"file": rel_of(root, &d.file), "line": d.line, "column": d.col,
                       "message": d.message, "hint": ""})
            })
            .collect();
        let first = errors.first();
        let msg = first.map(|d| d.message.clone()).unwrap_or_default();
        let mut e = ApiError::new(
            422,
            msg,
            tr!(
                lang,
                "trang chưa xem trước được: hãy sửa chỗ được chỉ ra",
                "the page cannot be previewed yet: fix the place shown"
            ),
        )
        .with("errors", Value::Array(list));
        if let Some(d) = first {
            e = e.at(rel_of(root, &d.file), d.line, d.col);
        }
        e
    })?;
    let config = posts::config(root, lang)?;
    let parsed = front::parse(rel, &text, lang)?;
    let url = posts::url_of(&config, rel, &parsed.url);
    Ok(with_base(&html, &format!("{site_origin}{url}")))
}

/// Puts `<base href>` first in `<head>` (or first in the page when it has no head).
fn with_base(html: &str, href: &str) -> String {
    let href = href.replace('&', "&amp;").replace('"', "&quot;");
    let tag = format!("<base href=\"{href}\">");
    let lower = html.to_ascii_lowercase();
    match lower.find("<head") {
        Some(at) => match html[at..].find('>') {
            Some(end) => {
                let cut = at + end + 1;
                format!("{}{tag}{}", &html[..cut], &html[cut..])
            }
            None => format!("{tag}{html}"),
        },
        None => format!("{tag}{html}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_goes_first_in_head() {
        let h = with_base(
            "<html><head lang=\"vi\"><title>x</title></head></html>",
            "http://127.0.0.1:1/a/",
        );
        assert!(h.contains("<head lang=\"vi\"><base href=\"http://127.0.0.1:1/a/\"><title>"));
        assert!(with_base("<p>x</p>", "h").starts_with("<base href=\"h\">"));
    }
}
