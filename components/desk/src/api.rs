//! Routing of the desk's port: the protections every request passes first (Host, then Origin and
//! token for anything but GET/HEAD), the shell page and its assets, and the JSON API.

use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::web::{self, Reply};
use crate::{assets, guard, photos, posts, preview, publish, site_info, trash, versions, word};
use i18n::{tr, Lang};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use tiny_http::{Method, Request};

/// The prefix of everything the desk serves.
pub const PREFIX: &str = "/_bangtin/";
/// The prefix of the JSON API.
pub const API: &str = "/_bangtin/api/";
/// Text requests (posts) up to this size.
const TEXT_LIMIT: usize = 8_000_000;

/// Answers one request of the desk's port.
pub fn handle(ctx: &Arc<Context>, mut req: Request) {
    let (path, query) = web::target(req.url());
    let lang = match query.get("lang").map(String::as_str) {
        Some(l) => Lang::parse(l).unwrap_or(ctx.lang),
        None => ctx.lang,
    };
    let reply = match route(ctx, &mut req, &path, &query, lang) {
        Ok(Answer::Reply(r)) => r,
        Ok(Answer::Events(job)) => {
            // A thread per stream: it ends when the job ends or the browser goes away.
            let _ = std::thread::Builder::new()
                .name("bangtin-desk-events".into())
                .spawn(move || {
                    let _ = publish::stream(&job, req.into_writer());
                });
            return;
        }
        Err(e) => Reply::error(&e),
    };
    web::send(req, reply, &ctx.csp());
}

/// What a route gives: an answer, or a publishing job's event stream.
enum Answer {
    Reply(Reply),
    Events(Arc<publish::Job>),
}

impl From<Reply> for Answer {
    fn from(r: Reply) -> Answer {
        Answer::Reply(r)
    }
}

fn forbidden(lang: Lang, what: &str) -> ApiError {
    ApiError::new(
        403,
        tr!(
            lang,
            "yêu cầu bị từ chối: {what}",
            "request refused: {what}"
        ),
        tr!(
            lang,
            "hãy mở bàn soạn bài từ địa chỉ mà bangtin in ra khi khởi động, rồi tải lại trang",
            "open the desk at the address bangtin printed when it started, then reload the page"
        ),
    )
}

/// Refuses a request whose Host is not the desk's, or that changes something without the
/// desk's Origin and this run's token.
fn guard_request(ctx: &Context, req: &Request, lang: Lang) -> ApiResult<()> {
    let host = web::header_value(req, "Host");
    if !guard::host_ok(host.as_deref(), ctx.port) {
        let what = tr!(lang, "địa chỉ máy chủ lạ", "unknown host name");
        return Err(forbidden(lang, &what));
    }
    if matches!(req.method(), Method::Get | Method::Head) {
        return Ok(());
    }
    let origin = web::header_value(req, "Origin");
    if !guard::origin_ok(origin.as_deref(), ctx.port) {
        let what = tr!(lang, "gửi từ trang khác", "sent from another site");
        return Err(forbidden(lang, &what));
    }
    let token = web::header_value(req, "X-Bangtin-Token");
    if !guard::token_ok(token.as_deref(), &ctx.token) {
        let what = tr!(lang, "thiếu mã bảo vệ", "missing or wrong token");
        return Err(forbidden(lang, &what));
    }
    Ok(())
}

fn route(
    ctx: &Arc<Context>,
    req: &mut Request,
    path: &str,
    query: &HashMap<String, String>,
    lang: Lang,
) -> ApiResult<Answer> {
    guard_request(ctx, req, lang)?;
    let reads = matches!(req.method(), Method::Get | Method::Head);
    if path == PREFIX && reads {
        let page = assets::shell(&ctx.token, lang.code(), &ctx.site_origin);
        return Ok(Reply::bytes(200, "text/html; charset=utf-8", page.into_bytes()).into());
    }
    if let Some(name) = path.strip_prefix("/_bangtin/assets/") {
        return match assets::file(name) {
            Some((bytes, ct)) if reads => Ok(Reply::bytes(200, ct, bytes.to_vec()).into()),
            _ => Err(not_found(lang)),
        };
    }
    let Some(api) = path.strip_prefix(API) else {
        return Ok(Reply::redirect(PREFIX).into());
    };
    let method = req.method().clone();
    match method {
        Method::Get | Method::Head => read(ctx, api, query, lang),
        Method::Post if matches!(api, "photo" | "import") => upload(ctx, req, api, query, lang),
        Method::Post if matches!(api, "preview" | "publish") => run(ctx, req, api, lang),
        _ => write(ctx, req, &method, api, query, lang),
    }
}

fn ok(v: Value) -> ApiResult<Answer> {
    Ok(Reply::json(200, &v).into())
}

/// The API's GET routes: nothing is changed.
fn read(
    ctx: &Context,
    api: &str,
    query: &HashMap<String, String>,
    lang: Lang,
) -> ApiResult<Answer> {
    let root = ctx.root.as_path();
    let path = || web::param(query, "path", lang);
    match api {
        "site" => ok(site_info::info(root, lang, &ctx.site_origin)?),
        "posts" => ok(posts::list(root, lang)?),
        "post" => ok(posts::read(root, path()?, lang)?),
        "versions" => ok(versions::list(root, path()?, lang)?),
        "version" => ok(versions::read(
            root,
            path()?,
            web::param(query, "id", lang)?,
            lang,
        )?),
        "trash" => ok(trash::list(root, lang)?),
        "publish/events" => match ctx.jobs.get(web::param(query, "job", lang)?) {
            Some(job) => Ok(Answer::Events(job)),
            None => Err(not_found(lang)),
        },
        _ => Err(not_found(lang)),
    }
}

/// The API's routes that write text into the site folder, one at a time.
fn write(
    ctx: &Context,
    req: &mut Request,
    method: &Method,
    api: &str,
    query: &HashMap<String, String>,
    lang: Lang,
) -> ApiResult<Answer> {
    let root = ctx.root.as_path();
    let v = match method {
        Method::Delete => Value::Null,
        _ => body_json(req, lang)?,
    };
    let field = |k: &str| web::field(&v, k, lang);
    let _w = ctx.write_lock();
    match (method, api) {
        (Method::Post, "post") => {
            let r = posts::create(root, field("section")?, field("title")?, lang)?;
            Ok(Reply::json(201, &r).into())
        }
        (Method::Put, "post") => ok(posts::save(root, &v, lang)?),
        (Method::Post, "autosave") => {
            ok(posts::autosave(root, field("path")?, field("text")?, lang)?)
        }
        (Method::Delete, "post") => {
            ok(trash::delete(root, web::param(query, "path", lang)?, lang)?)
        }
        (Method::Post, "trash/restore") => ok(trash::restore(root, field("id")?, lang)?),
        _ => Err(not_found(lang)),
    }
}

/// Photos and Word files: checked paths first, then the bytes up to their limit.
fn upload(
    ctx: &Context,
    req: &mut Request,
    api: &str,
    query: &HashMap<String, String>,
    lang: Lang,
) -> ApiResult<Answer> {
    let root = ctx.root.as_path();
    let name = file_name(req);
    if api == "photo" {
        let post = web::param(query, "path", lang)?.to_string();
        guard::post_path(root, &post, lang)?;
        let bytes = web::read_body(req, photos::LIMIT, lang)?;
        let up = photos::Upload {
            post: &post,
            name: &name,
            bytes: &bytes,
        };
        let ready = photos::prepare(&up, lang)?;
        let _w = ctx.write_lock();
        return ok(photos::add(root, &up, ready, lang)?);
    }
    let section = query.get("section").cloned().unwrap_or_default();
    if !section.is_empty() {
        guard::site_path(root, &format!("content/{section}"), lang)?;
    }
    let bytes = web::read_body(req, word::LIMIT, lang)?;
    let _w = ctx.write_lock();
    let r = word::import(root, &section, &name, &bytes, lang)?;
    Ok(Reply::json(201, &r).into())
}

/// The preview of unsaved text, and starting to publish.
fn run(ctx: &Context, req: &mut Request, api: &str, lang: Lang) -> ApiResult<Answer> {
    let v = body_json(req, lang)?;
    if api == "preview" {
        let root = ctx.root.as_path();
        let html = preview::render(root, ctx.preview.as_deref(), &ctx.site_origin, &v, lang)?;
        return Ok(Reply::bytes(200, "text/html; charset=utf-8", html.into_bytes()).into());
    }
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let job = publish::start(
        &ctx.jobs,
        publish::Request {
            root: ctx.root.clone(),
            lang,
            password: text("password"),
            user: text("user"),
        },
    )?;
    Ok(Reply::json(202, &serde_json::json!({ "job": job })).into())
}

/// The uploaded file's name from `X-File-Name` (percent-encoded UTF-8).
fn file_name(req: &Request) -> String {
    let raw = web::header_value(req, "X-File-Name").unwrap_or_default();
    let name = percent_encoding::percent_decode_str(&raw).decode_utf8_lossy();
    // Only the last part: a browser may send a path.
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    vi::nfc(last.trim()).into_owned()
}

fn body_json(req: &mut Request, lang: Lang) -> ApiResult<Value> {
    let body = web::read_body(req, TEXT_LIMIT, lang)?;
    web::json_body(&body, lang)
}

fn not_found(lang: Lang) -> ApiError {
    ApiError::new(
        404,
        tr!(
            lang,
            "bàn soạn bài không có địa chỉ này",
            "the desk has no such address"
        ),
        tr!(lang, "hãy tải lại bàn soạn bài", "reload the desk"),
    )
}
