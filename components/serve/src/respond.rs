//! Answers one request of the preview from the in-memory site: pages, the live-reload event
//! stream, the error overlay; only for this computer's own names when on loopback.

use crate::http::{self, Files, Target};
use crate::live;
use crate::shared::Shared;
use i18n::{tr, Lang};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use tiny_http::{Header, Method, Request, Response};

fn header(name: &str, value: &str) -> Header {
    // Names and values here are ASCII built by this module, so this cannot fail; fall back to
    // a harmless header rather than panic.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Bangtin"[..], &b"1"[..]).expect("ascii"))
}

fn respond_bytes(req: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let resp = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = req.respond(resp);
}

fn respond_text(req: Request, status: u16, text: String) {
    respond_bytes(req, status, "text/plain; charset=utf-8", text.into_bytes());
}

/// Answers one request from the in-memory site.
pub(crate) fn handle(shared: &Arc<Shared>, req: Request) {
    let lang = shared.lang;
    let method = req.method().clone();
    if method != Method::Get && method != Method::Head {
        return refuse_method(req, lang);
    }
    if shared.loopback && !http::host_is_local(&host_of(&req)) {
        return respond_text(
            req,
            400,
            tr!(
                lang,
                "máy chủ xem trước chỉ trả lời địa chỉ 127.0.0.1 hoặc localhost",
                "the preview server only answers to 127.0.0.1 or localhost"
            ),
        );
    }
    let url = req.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path == live::EVENTS_PATH && method == Method::Get {
        return open_events(shared, req);
    }
    if path.starts_with("/_bangtin/api/") {
        // The desk's API lives on the desk's own port only: pages of the preview (which may
        // hold anyone's scripts) must never reach it (docs/DESK.md).
        return respond_text(
            req,
            404,
            tr!(
                lang,
                "trang xem trước không có địa chỉ này; bàn soạn bài ở cổng riêng của nó",
                "the preview has no such address; the desk has its own port"
            ),
        );
    }
    if path == live::SCRIPT_PATH {
        respond_bytes(
            req,
            200,
            http::content_type("live.js"),
            live::SCRIPT.as_bytes().to_vec(),
        );
        return;
    }
    serve_site(shared, req, &url);
}

/// Answers 405 to a method other than GET and HEAD.
fn refuse_method(req: Request, lang: Lang) {
    let resp = Response::from_string(tr!(
        lang,
        "máy chủ xem trước chỉ nhận GET và HEAD",
        "the preview server only answers GET and HEAD"
    ))
    .with_status_code(405)
    .with_header(header("Allow", "GET, HEAD"));
    let _ = req.respond(resp);
}

/// The request's Host header, empty when it has none.
fn host_of(req: &Request) -> String {
    req.headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string())
        .unwrap_or_default()
}

/// Opens a live-reload event stream on a thread of its own.
fn open_events(shared: &Arc<Shared>, req: Request) {
    let shared = shared.clone();
    // One thread per open tab; it ends when the tab closes or the server stops.
    let _ = std::thread::Builder::new()
        .name("bangtin-events".into())
        .spawn(move || {
            let (rx, first) = first_events(&shared);
            let _ = live::stream(req.into_writer(), first, rx);
        });
}

/// Subscribes to the hub and makes the first frames: the version, and the errors if any.
fn first_events(shared: &Shared) -> (Receiver<String>, Vec<String>) {
    let st = shared.read();
    let rx = shared.hub.subscribe();
    let mut first = vec![live::frame(
        "hello",
        &serde_json::json!({ "version": shared.version_tag(st.version) }),
    )];
    if !st.errors.is_empty() {
        first.push(live::frame(
            "build-error",
            &live::error_data(&st.errors, shared.lang),
        ));
    }
    (rx, first)
}

/// Answers from the latest good build, or with the error page when there is none yet.
fn serve_site(shared: &Shared, req: Request, url: &str) {
    let lang = shared.lang;
    let (files, errors) = {
        let st = shared.read();
        (st.files.clone(), st.errors.clone())
    };
    let Some(files) = files else {
        // No good build yet: every page is the error list, which reloads when fixed.
        respond_bytes(
            req,
            503,
            http::content_type("x.html"),
            live::error_page(&errors, lang).into_bytes(),
        );
        return;
    };
    let target = http::resolve(&files, url);
    if let Target::NotFound(_) = &target {
        if let Some(bytes) = desk_photo(shared, url) {
            return respond_bytes(req, 200, http::content_type(url), bytes);
        }
    }
    answer_target(req, &files, target, lang);
}

/// Answers with what the path resolved to: a file, a redirect, the 404 page or an error.
fn answer_target(req: Request, files: &Files, target: Target, lang: Lang) {
    match target {
        Target::File(key) => {
            let body = files.get(&key).map(|b| b.to_vec()).unwrap_or_default();
            respond_bytes(req, 200, http::content_type(&key), body);
        }
        Target::Redirect(location) => {
            let resp = Response::empty(301)
                .with_header(header("Location", &location))
                .with_header(header("Cache-Control", "no-store"));
            let _ = req.respond(resp);
        }
        Target::NotFound(Some(page)) => {
            let body = files.get(&page).map(|b| b.to_vec()).unwrap_or_default();
            respond_bytes(req, 404, http::content_type(&page), body);
        }
        Target::NotFound(None) => respond_text(
            req,
            404,
            tr!(
                lang,
                "không có trang này (trang web chưa có 404.html)",
                "no such page (and the site has no 404.html)"
            ),
        ),
        Target::Bad => respond_text(
            req,
            400,
            tr!(lang, "đường dẫn không hợp lệ", "this path is not allowed"),
        ),
    }
}

/// A draft's processed photo the desk's preview showed, if `url` names one.
fn desk_photo(shared: &Shared, url: &str) -> Option<Vec<u8>> {
    let raw_path = url.split(['?', '#']).next().unwrap_or_default();
    let key = http::clean_path(raw_path)?;
    let extras = shared.extras.read().unwrap_or_else(|e| e.into_inner());
    extras.get(&key).map(|b| b.to_vec())
}
