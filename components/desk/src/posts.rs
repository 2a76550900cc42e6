//! Posts: the list, one post with its version and autosave, a new post (a bundle, a draft),
//! saving with a version check (never overwriting a change made meanwhile on disk), and
//! autosave beside the site (never into the post).

use crate::error::{ApiError, ApiResult};
use crate::files::{self, desk_dir, io_error, rel_of, version_of, write_atomic};
use crate::front;
use crate::guard;
use crate::versions;
use i18n::{tr, Lang};
use rayon::prelude::*;
use serde_json::{json, Value};
use site::Config;
use std::path::{Path, PathBuf};

/// Loads the site's config.toml, or says what is wrong with it.
pub fn config(root: &Path, lang: Lang) -> ApiResult<Config> {
    Config::load(root, lang).map_err(|d| {
        ApiError::new(
            422,
            d.message.clone(),
            tr!(
                lang,
                "hãy sửa tệp config.toml ở vị trí này",
                "fix config.toml at this place"
            ),
        )
        .at(rel_of(root, &d.file), d.line, d.col)
    })
}

/// The URL path of a post from its file name (as the site makes it; `slug`/`path` honoured).
pub fn url_of(
    config: &Config,
    rel: &str,
    (slug, path): &(Option<String>, Option<String>),
) -> String {
    let inner = rel.strip_prefix("content/").unwrap_or(rel);
    let (dir, name) = inner.rsplit_once('/').unwrap_or(("", inner));
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let (base, lang) = match stem.rsplit_once('.') {
        Some((b, l)) if config.has_language(l) => (b, l.to_string()),
        _ => (stem, config.default_language.clone()),
    };
    let (section_dir, name) = if base == "index" {
        dir.rsplit_once('/').unwrap_or(("", dir))
    } else {
        (dir, base)
    };
    if let Some(p) = path.as_deref().filter(|p| !p.is_empty()) {
        let p = p.trim_matches('/');
        return format!("{}/{p}/", config.lang_prefix(&lang));
    }
    let slug = vi::slugify(slug.as_deref().filter(|s| !s.is_empty()).unwrap_or(name));
    format!(
        "{}{slug}/",
        site::content::dir_url(config, &lang, section_dir)
    )
}

/// `draft`, `scheduled` (dated after today) or `published`.
fn state_of(fm: &Value, today: &str) -> &'static str {
    if fm["draft"].as_bool().unwrap_or(false) {
        "draft"
    } else if fm["date"].as_str().is_some_and(|d| d > today) {
        "scheduled"
    } else {
        "published"
    }
}

/// Every post file under `content/` (not section pages) with its front matter, read in
/// parallel; a post whose front matter does not parse is still there (titled by its file
/// name), so the teacher can open it and see the error. Bodies are let go as soon as each file
/// is parsed: lists need none, and 10,000 of them would be 50 MB held at once.
pub fn scan(root: &Path, lang: Lang) -> Vec<(String, front::Parsed)> {
    let files: Vec<PathBuf> = walkdir(&root.join("content"))
        .into_iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".md") && !name.starts_with("_index")
        })
        .collect();
    files
        .par_iter()
        .filter_map(|f| {
            let rel = rel_of(root, f);
            let text = std::fs::read_to_string(f).ok()?;
            let mut parsed = front::parse(&rel, &text, lang).unwrap_or_else(|_| {
                let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
                front::Parsed {
                    front: json!({"title": name, "draft": false}),
                    body: String::new(),
                    url: (None, None),
                }
            });
            parsed.body = String::new();
            Some((rel, parsed))
        })
        .collect()
}

/// Every post, newest first: `[{path, section, title, date, state, url, draft}]`.
pub fn list(root: &Path, lang: Lang) -> ApiResult<Value> {
    let config = config(root, lang)?;
    Ok(list_of(&config, &scan(root, lang)))
}

/// The list of [`list`] from scanned posts.
pub fn list_of(config: &Config, posts: &[(String, front::Parsed)]) -> Value {
    let today = site::options::today().format("%Y-%m-%d").to_string();
    let mut out: Vec<Value> = posts
        .iter()
        .map(|(rel, p)| {
            let fm = &p.front;
            let section = rel
                .strip_prefix("content/")
                .and_then(|r| r.split_once('/'))
                .map(|(s, _)| s.to_string())
                .unwrap_or_default();
            json!({
                "path": rel,
                "section": section,
                "title": fm["title"],
                "date": fm["date"],
                "state": state_of(fm, &today),
                "url": url_of(config, rel, &p.url),
                "draft": fm["draft"],
            })
        })
        .collect();
    out.sort_by(|a, b| {
        let d = |v: &Value| v["date"].as_str().unwrap_or("").to_string();
        d(b).cmp(&d(a)).then_with(|| {
            vi::compare(
                a["title"].as_str().unwrap_or(""),
                b["title"].as_str().unwrap_or(""),
            )
        })
    });
    Value::Array(out)
}

/// Files under a folder, in name order, not following symlinks (an escape is never listed).
fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

fn not_found(rel: &str, lang: Lang) -> ApiError {
    ApiError::new(
        404,
        tr!(lang, "không có bài {rel}", "there is no post {rel}"),
        tr!(
            lang,
            "bài có thể đã bị xóa hoặc đổi tên: hãy tải lại danh sách bài viết (bài đã xóa nằm trong thùng rác)",
            "the post may have been deleted or renamed: reload the list of posts (deleted posts are in the trash)"
        ),
    )
}

/// Reads a post's text, or 404.
pub fn read_text(root: &Path, rel: &str, lang: Lang) -> ApiResult<(PathBuf, Vec<u8>)> {
    let path = guard::post_path(root, rel, lang)?;
    match std::fs::read(&path) {
        Ok(b) => Ok((path, b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(not_found(rel, lang)),
        Err(e) => Err(io_error(root, &path, &e, lang)),
    }
}

fn autosave_path(root: &Path, rel: &str) -> PathBuf {
    desk_dir(root).join("autosave").join(rel)
}

/// One post: its front matter, body, version and the autosave newer than it, if any.
pub fn read(root: &Path, rel: &str, lang: Lang) -> ApiResult<Value> {
    let (_, bytes) = read_text(root, rel, lang)?;
    let text = String::from_utf8_lossy(&bytes);
    let parsed = front::parse(rel, &text, lang)?;
    let mut v = json!({
        "path": rel,
        "front": parsed.front,
        "body": parsed.body,
        "version": version_of(&bytes),
    });
    let auto = autosave_path(root, rel);
    if let (Ok(text), Ok(meta)) = (std::fs::read_to_string(&auto), std::fs::metadata(&auto)) {
        let time = meta
            .modified()
            .map(|t| {
                chrono::DateTime::<chrono::Utc>::from(t)
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            })
            .unwrap_or_default();
        v["autosave"] = json!({"text": text, "time": time});
    }
    Ok(v)
}

/// A new post `content/<section>/<slug>/index.md`: a draft dated today, never overwriting.
pub fn create(root: &Path, section: &str, title: &str, lang: Lang) -> ApiResult<Value> {
    let title = title.trim();
    if title.is_empty() {
        return Err(ApiError::new(
            400,
            tr!(lang, "bài viết cần có tiêu đề", "a post needs a title"),
            tr!(
                lang,
                "hãy gõ tiêu đề bài rồi bấm lại",
                "type the post's title and try again"
            ),
        ));
    }
    let dir = guard::site_path(root, &format!("content/{section}"), lang)?;
    if section.is_empty() || !dir.join("_index.md").is_file() {
        return Err(ApiError::new(
            400,
            tr!(
                lang,
                "không có chuyên mục \"{section}\"",
                "there is no section \"{section}\""
            ),
            tr!(
                lang,
                "hãy chọn một chuyên mục trong danh sách",
                "choose a section from the list"
            ),
        ));
    }
    let base = match vi::slugify(title) {
        s if s.is_empty() => "bai-viet".to_string(),
        s => s,
    };
    let date = site::options::today().format("%Y-%m-%d").to_string();
    let text = front::new_post(title, &date);
    for n in 1..1000 {
        let slug = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let rel = format!("content/{section}/{slug}/index.md");
        let folder = dir.join(&slug);
        // A folder or a single-file post of that name: try the next name.
        if folder.exists() || dir.join(format!("{slug}.md")).exists() {
            continue;
        }
        let path = guard::post_path(root, &rel, lang)?;
        match files::create_new(&path, text.as_bytes()) {
            Ok(true) => return Ok(json!({"path": rel, "version": version_of(text.as_bytes())})),
            Ok(false) => continue,
            Err(e) => return Err(io_error(root, &path, &e, lang)),
        }
    }
    Err(ApiError::new(
        409,
        tr!(
            lang,
            "đã có quá nhiều bài cùng tên",
            "too many posts have this name"
        ),
        tr!(lang, "hãy đặt tiêu đề khác", "choose another title"),
    ))
}

/// Saves a post: 409 with the disk's text when it changed since `version` (unless `force`);
/// the old text is kept in `versions/` first, and the file is written atomically.
pub fn save(root: &Path, req: &Value, lang: Lang) -> ApiResult<Value> {
    let rel = crate::web::field(req, "path", lang)?;
    let version = req.get("version").and_then(Value::as_str).unwrap_or("");
    let force = req.get("force").and_then(Value::as_bool).unwrap_or(false);
    let body = req.get("body").and_then(Value::as_str).unwrap_or("");
    let (path, old) = read_text(root, rel, lang)?;
    let now = version_of(&old);
    let old_text = String::from_utf8_lossy(&old).into_owned();
    if now != version && !force {
        let disk = front::parse(rel, &old_text, lang)
            .map(|p| json!({"front": p.front, "body": p.body, "version": now}))
            .unwrap_or_else(|_| json!({"front": {}, "body": old_text, "version": now}));
        return Err(ApiError::new(
            409,
            tr!(
                lang,
                "bài {rel} đã được sửa ở nơi khác từ khi bạn mở nó",
                "the post {rel} was changed elsewhere since you opened it"
            ),
            tr!(
                lang,
                "hãy xem hai bản và chọn bản giữ lại; bản kia vẫn được giữ trong các phiên bản cũ",
                "compare the two texts and choose which to keep; the other one is kept in the earlier versions"
            ),
        )
        .with("disk", disk));
    }
    let text = front::compose(rel, &old_text, &front::from_request(req), body, lang)?;
    if text.as_bytes() == old.as_slice() {
        return Ok(json!({"version": now}));
    }
    versions::keep(root, rel, &old).map_err(|e| io_error(root, &path, &e, lang))?;
    write_atomic(&path, text.as_bytes()).map_err(|e| io_error(root, &path, &e, lang))?;
    let _ = std::fs::remove_file(autosave_path(root, rel));
    Ok(json!({"version": version_of(text.as_bytes())}))
}

/// Stores the open post's text in `autosave/`; the post itself is not touched.
pub fn autosave(root: &Path, rel: &str, text: &str, lang: Lang) -> ApiResult<Value> {
    guard::post_path(root, rel, lang)?;
    let path = autosave_path(root, rel);
    write_atomic(&path, text.as_bytes()).map_err(|e| io_error(root, &path, &e, lang))?;
    Ok(json!({"time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)}))
}
