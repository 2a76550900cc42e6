//! Earlier versions of a post: the text on disk before each Save, kept under
//! `.bangtin/desk/versions/<post path>/<UTC time>.md`, listed newest first and readable back.

use crate::error::{ApiError, ApiResult};
use crate::files::{desk_dir, stamp, stamp_time, write_atomic};
use crate::front;
use crate::guard;
use i18n::{tr, Lang};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn dir_of(root: &Path, rel: &str) -> PathBuf {
    desk_dir(root).join("versions").join(rel)
}

/// Keeps the text a Save is about to replace.
pub fn keep(root: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<String> {
    let id = stamp();
    write_atomic(&dir_of(root, rel).join(format!("{id}.md")), bytes)?;
    Ok(id)
}

/// The kept versions of a post, newest first: `[{id, time, size}]`.
pub fn list(root: &Path, rel: &str, lang: Lang) -> ApiResult<Value> {
    guard::post_path(root, rel, lang)?;
    let mut out: Vec<(String, u64)> = std::fs::read_dir(dir_of(root, rel))
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let id = name.strip_suffix(".md")?.to_string();
                    let size = e.metadata().ok()?.len();
                    Some((id, size))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(Value::Array(
        out.into_iter()
            .map(|(id, size)| json!({"time": stamp_time(&id), "id": id, "size": size}))
            .collect(),
    ))
}

/// One kept version: `{front, body}`.
pub fn read(root: &Path, rel: &str, id: &str, lang: Lang) -> ApiResult<Value> {
    guard::post_path(root, rel, lang)?;
    let ok_id = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    let text = ok_id
        .then(|| std::fs::read_to_string(dir_of(root, rel).join(format!("{id}.md"))).ok())
        .flatten()
        .ok_or_else(|| {
            ApiError::new(
                404,
                tr!(
                    lang,
                    "không có phiên bản {id} của bài {rel}",
                    "there is no version {id} of {rel}"
                ),
                tr!(
                    lang,
                    "hãy tải lại danh sách phiên bản",
                    "reload the list of versions"
                ),
            )
        })?;
    let p = front::parse(rel, &text, lang)?;
    Ok(json!({"front": p.front, "body": p.body}))
}
