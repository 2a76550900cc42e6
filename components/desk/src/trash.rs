//! The trash: a deleted post (its bundle folder, or its single file) is moved, not erased, to
//! `.bangtin/desk/trash/<UTC time>-<slug>/` with `origin.txt` naming where it came from, and
//! can be put back as long as nothing took its place meanwhile.

use crate::error::{ApiError, ApiResult};
use crate::files::{desk_dir, io_error, rel_of, stamp, stamp_time};
use crate::{front, guard, posts};
use i18n::{tr, Lang};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const ORIGIN: &str = "origin.txt";

fn trash_dir(root: &Path) -> PathBuf {
    desk_dir(root).join("trash")
}

/// Whether a post file is the only Markdown of its bundle folder (then the folder goes).
fn whole_bundle(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if !(name == "index.md" || (name.starts_with("index.") && name.ends_with(".md"))) {
        return false;
    }
    let Some(dir) = path.parent() else {
        return false;
    };
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten().all(|e| {
                let p = e.path();
                p == path || p.extension().is_none_or(|x| x != "md")
            })
        })
        .unwrap_or(false)
}

/// Moves a post to the trash → `{trash_id}`.
pub fn delete(root: &Path, rel: &str, lang: Lang) -> ApiResult<Value> {
    let (path, _) = posts::read_text(root, rel, lang)?;
    let item = if whole_bundle(&path) {
        path.parent().map(Path::to_path_buf).unwrap_or(path.clone())
    } else {
        path.clone()
    };
    let name = item
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = vi::slugify(name.trim_end_matches(".md"));
    let id = format!("{}-{slug}", stamp());
    let dest = trash_dir(root).join(&id);
    std::fs::create_dir_all(&dest).map_err(|e| io_error(root, &dest, &e, lang))?;
    let origin = rel_of(root, &item);
    std::fs::write(dest.join(ORIGIN), format!("{origin}\n"))
        .map_err(|e| io_error(root, &dest, &e, lang))?;
    std::fs::rename(&item, dest.join(&name)).map_err(|e| io_error(root, &item, &e, lang))?;
    Ok(json!({"trash_id": id}))
}

/// What a trash entry holds: its id, where it came from and the moved item.
struct Entry {
    id: String,
    origin: String,
    item: PathBuf,
}

fn entry(root: &Path, id: &str) -> Option<Entry> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return None;
    }
    let dir = trash_dir(root).join(id);
    let origin = std::fs::read_to_string(dir.join(ORIGIN))
        .ok()?
        .trim()
        .to_string();
    let name = origin.rsplit('/').next()?.to_string();
    Some(Entry {
        id: id.to_string(),
        item: dir.join(name),
        origin,
    })
}

/// The post file of an entry: the item itself, or the index of the moved bundle.
fn post_of(e: &Entry) -> Option<(String, PathBuf)> {
    if e.item.is_file() {
        return Some((e.origin.clone(), e.item.clone()));
    }
    let mut names: Vec<String> = std::fs::read_dir(&e.item)
        .ok()?
        .flatten()
        .map(|x| x.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("index") && n.ends_with(".md"))
        .collect();
    names.sort();
    let n = names.into_iter().next()?;
    Some((format!("{}/{n}", e.origin), e.item.join(n)))
}

/// The trash, newest first: `[{id, path, title, time}]`.
pub fn list(root: &Path, lang: Lang) -> ApiResult<Value> {
    let mut ids: Vec<String> = std::fs::read_dir(trash_dir(root))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    ids.sort_by(|a, b| b.cmp(a));
    let out: Vec<Value> = ids
        .iter()
        .filter_map(|id| entry(root, id))
        .filter_map(|e| {
            let (path, file) = post_of(&e)?;
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let title = front::parse(&path, &text, lang)
                .map(|p| p.front["title"].clone())
                .unwrap_or(Value::Null);
            Some(json!({"id": e.id, "path": path, "title": title, "time": stamp_time(&e.id)}))
        })
        .collect();
    Ok(Value::Array(out))
}

/// Puts a trashed post back → `{path}`; refuses when its place is taken.
pub fn restore(root: &Path, id: &str, lang: Lang) -> ApiResult<Value> {
    let e = entry(root, id).ok_or_else(|| {
        ApiError::new(
            404,
            tr!(
                lang,
                "thùng rác không có mục {id}",
                "the trash has no entry {id}"
            ),
            tr!(lang, "hãy tải lại thùng rác", "reload the trash"),
        )
    })?;
    let back = guard::site_path(root, &e.origin, lang)?;
    if back.exists() {
        let origin = &e.origin;
        return Err(ApiError::new(
            409,
            tr!(
                lang,
                "đã có bài khác ở {origin} nên không khôi phục được",
                "another post is now at {origin}, so this one cannot be put back"
            ),
            tr!(
                lang,
                "hãy đổi tên hoặc xóa bài đang ở chỗ đó rồi khôi phục lại",
                "rename or delete the post that is there now, then restore again"
            ),
        ));
    }
    let (path, _) = post_of(&e).unwrap_or((e.origin.clone(), e.item.clone()));
    if let Some(parent) = back.parent() {
        std::fs::create_dir_all(parent).map_err(|err| io_error(root, parent, &err, lang))?;
    }
    std::fs::rename(&e.item, &back).map_err(|err| io_error(root, &back, &err, lang))?;
    let dir = trash_dir(root).join(&e.id);
    let _ = std::fs::remove_file(dir.join(ORIGIN));
    let _ = std::fs::remove_dir(dir);
    Ok(json!({"path": path}))
}
