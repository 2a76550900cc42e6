//! The small HTTP layer of the desk over `tiny_http`: the asked path and query, headers, request
//! bodies read up to a limit, and answers with the desk's security headers.

use crate::error::ApiError;
use i18n::{tr, Lang};
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use tiny_http::{Header, Request, Response};

/// An answer, before it is sent.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, v: &Value) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8".into(),
            body: v.to_string().into_bytes(),
            headers: Vec::new(),
        }
    }

    /// An answer of any type.
    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type: content_type.into(),
            body,
            headers: Vec::new(),
        }
    }

    /// A redirect to `location`.
    pub fn redirect(location: &str) -> Reply {
        let mut r = Reply::bytes(302, "text/plain; charset=utf-8", Vec::new());
        r.headers.push(("Location".into(), location.into()));
        r
    }

    /// An error answer.
    pub fn error(e: &ApiError) -> Reply {
        Reply::json(e.status, &e.to_json())
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// Sends an answer with the headers every desk answer carries.
pub(crate) fn send(req: Request, reply: Reply, csp: &str) {
    let mut resp = Response::from_data(reply.body).with_status_code(reply.status);
    let fixed = [
        ("Content-Type", reply.content_type.as_str()),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", csp),
    ];
    for (k, v) in fixed {
        if let Some(h) = header(k, v) {
            resp.add_header(h);
        }
    }
    for (k, v) in &reply.headers {
        if let Some(h) = header(k, v) {
            resp.add_header(h);
        }
    }
    let _ = req.respond(resp);
}

/// A header's value (first one), if present.
pub(crate) fn header_value(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_string())
}

/// The path of the request target (not decoded) and its decoded query parameters.
pub(crate) fn target(url: &str) -> (String, HashMap<String, String>) {
    let url = url.split('#').next().unwrap_or_default();
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params = HashMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let dec = |s: &str| {
            let s = s.replace('+', " ");
            percent_decode_str(&s).decode_utf8_lossy().into_owned()
        };
        params.insert(dec(k), dec(v));
    }
    (path.to_string(), params)
}

/// Reads the request body, refusing more than `limit` bytes with 413.
pub(crate) fn read_body(req: &mut Request, limit: usize, lang: Lang) -> Result<Vec<u8>, ApiError> {
    let too_big = || {
        let mb = limit / 1_000_000;
        ApiError::new(
            413,
            tr!(
                lang,
                "tệp quá lớn: bàn soạn bài nhận tối đa {mb} MB",
                "the file is too large: the desk accepts at most {mb} MB"
            ),
            tr!(
                lang,
                "hãy chọn tệp nhỏ hơn (ảnh chụp điện thoại thường dưới 10 MB)",
                "choose a smaller file (phone photos are usually under 10 MB)"
            ),
        )
    };
    if req.body_length().is_some_and(|n| n > limit) {
        return Err(too_big());
    }
    let mut body = Vec::new();
    let read = req
        .as_reader()
        .take(limit as u64 + 1)
        .read_to_end(&mut body);
    if read.is_err() {
        return Err(ApiError::new(
            400,
            tr!(
                lang,
                "không đọc được dữ liệu gửi lên",
                "could not read the uploaded data"
            ),
            tr!(lang, "hãy thử lại", "try again"),
        ));
    }
    if body.len() > limit {
        return Err(too_big());
    }
    Ok(body)
}

/// Parses a JSON request body.
pub(crate) fn json_body(body: &[u8], lang: Lang) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            400,
            tr!(
                lang,
                "dữ liệu gửi lên không phải JSON hợp lệ: {e}",
                "the request is not valid JSON: {e}"
            ),
            tr!(lang, "hãy tải lại bàn soạn bài", "reload the desk"),
        )
    })
}

/// A string field of a JSON object, or 400 naming it.
pub(crate) fn field<'a>(v: &'a Value, name: &str, lang: Lang) -> Result<&'a str, ApiError> {
    v.get(name).and_then(Value::as_str).ok_or_else(|| {
        ApiError::new(
            400,
            tr!(
                lang,
                "thiếu trường \"{name}\"",
                "the field \"{name}\" is missing"
            ),
            tr!(lang, "hãy tải lại bàn soạn bài", "reload the desk"),
        )
    })
}

/// A query parameter, or 400 naming it.
pub(crate) fn param<'a>(
    q: &'a HashMap<String, String>,
    name: &str,
    lang: Lang,
) -> Result<&'a str, ApiError> {
    q.get(name).map(String::as_str).ok_or_else(|| {
        ApiError::new(
            400,
            tr!(
                lang,
                "thiếu tham số \"{name}\"",
                "the parameter \"{name}\" is missing"
            ),
            tr!(lang, "hãy tải lại bàn soạn bài", "reload the desk"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_path_and_decodes_query() {
        let (p, q) = target("/_bangtin/api/post?path=content%2Ftin-tuc%2Fb%C3%A0i.md&lang=en#x");
        assert_eq!(p, "/_bangtin/api/post");
        assert_eq!(q["path"], "content/tin-tuc/bài.md");
        assert_eq!(q["lang"], "en");
    }
}
