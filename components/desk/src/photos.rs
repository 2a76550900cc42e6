//! Photos added to a post: told apart by their bytes (not their name), iPhone HEIC/HEIF (and
//! AVIF) converted to JPEG, named from the Vietnamese file name in URL-safe words, placed in the
//! post's bundle (a single-file post becomes a bundle first), never replacing a file.

use crate::error::{ApiError, ApiResult};
use crate::files::{create_new, io_error, rel_of};
use crate::posts;
use i18n::{tr, Lang};
use images::Format;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The largest photo the desk takes.
pub const LIMIT: usize = 40_000_000;

/// What the browser sent: the post, the file's name and bytes.
pub struct Upload<'a> {
    /// The post's path (`content/...md`).
    pub post: &'a str,
    /// The file's name on the teacher's computer (decoded from `X-File-Name`).
    pub name: &'a str,
    /// The file.
    pub bytes: &'a [u8],
}

/// 415 for a file that is not a photo the site can show.
fn not_a_photo(name: &str, lang: Lang) -> ApiError {
    ApiError::new(
        415,
        tr!(
            lang,
            "\"{name}\" không phải là ảnh mà trang web dùng được (JPG, PNG, WebP, GIF, HEIC, HEIF, AVIF)",
            "\"{name}\" is not a photo the site can use (JPG, PNG, WebP, GIF, HEIC, HEIF, AVIF)"
        ),
        tr!(
            lang,
            "hãy chọn một tệp ảnh; tài liệu Word thì dùng nút nhập tệp Word",
            "choose a photo file; for a Word document use the Word import button"
        ),
    )
}

/// Makes a single-file post (`x.md`) a bundle (`x/index.md`) so photos can sit beside it;
/// gives the post's path after.
fn ensure_bundle(root: &Path, post: &Path, lang: Lang) -> ApiResult<PathBuf> {
    let name = post
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name == "index.md" || (name.starts_with("index.") && name.ends_with(".md")) {
        return Ok(post.to_path_buf());
    }
    let stem = name.trim_end_matches(".md");
    let (base, suffix) = match stem.rsplit_once('.') {
        Some((b, l)) if l.len() == 2 => (b, format!("index.{l}.md")),
        _ => (stem, "index.md".to_string()),
    };
    let dir = post.with_file_name(base);
    let target = dir.join(suffix);
    if target.exists() {
        let shown = rel_of(root, &target);
        return Err(ApiError::new(
            409,
            tr!(
                lang,
                "đã có {shown}, không chuyển bài thành thư mục được",
                "{shown} already exists, so the post cannot become a folder"
            ),
            tr!(
                lang,
                "hãy đổi tên một trong hai bài",
                "rename one of the two posts"
            ),
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| io_error(root, &dir, &e, lang))?;
    std::fs::rename(post, &target).map_err(|e| io_error(root, post, &e, lang))?;
    Ok(target)
}

/// A photo ready to be placed: the bytes to write, their extension, what to tell the teacher.
pub struct Ready {
    bytes: Vec<u8>,
    ext: &'static str,
    warnings: Vec<String>,
}

/// Tells the photo by its bytes and converts a HEIC/HEIF/AVIF to JPEG (seconds for a 12 MP
/// photo: done before the write lock is taken, so saves are not held up).
pub fn prepare(up: &Upload<'_>, lang: Lang) -> ApiResult<Ready> {
    let format = match Format::sniff(up.bytes) {
        Some(f) => f,
        None => return Err(not_a_photo(up.name, lang)),
    };
    if format != Format::Heif {
        return Ok(Ready {
            bytes: up.bytes.to_vec(),
            ext: format.extension(),
            warnings: Vec::new(),
        });
    }
    let (jpeg, _, _) = images::to_jpeg(Path::new(up.name), up.bytes).map_err(|e| {
        let hint = tr!(
            lang,
            "hãy thử xuất ảnh ra JPG trên điện thoại rồi tải lên lại",
            "export the photo as JPG on the phone and upload it again"
        );
        ApiError::new(415, e.message(lang), hint)
    })?;
    let note = tr!(
        lang,
        "ảnh HEIC của iPhone đã được chuyển sang JPG để mọi trình duyệt xem được",
        "the iPhone HEIC photo was converted to JPG so every browser can show it"
    );
    Ok(Ready {
        bytes: jpeg,
        ext: "jpg",
        warnings: vec![note],
    })
}

/// Saves a prepared photo into the post's bundle →
/// `{name, width, height, markdown, warnings, path}`.
pub fn add(root: &Path, up: &Upload<'_>, ready: Ready, lang: Lang) -> ApiResult<Value> {
    let (post, _) = posts::read_text(root, up.post, lang)?;
    let Ready {
        bytes,
        ext,
        warnings,
    } = ready;
    let shown_name = Path::new(up.name);
    let post = ensure_bundle(root, &post, lang)?;
    let dir = post.parent().unwrap_or(root).to_path_buf();
    let stem = vi::safe_file_stem(
        shown_name
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()
            .as_ref(),
    );
    let mut name = String::new();
    for n in 1..10_000 {
        name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(&name);
        match create_new(&path, &bytes) {
            Ok(true) => break,
            Ok(false) => continue,
            Err(e) => return Err(io_error(root, &path, &e, lang)),
        }
    }
    let saved = dir.join(&name);
    let meta = images::image_meta(&saved).map_err(|e| {
        let _ = std::fs::remove_file(&saved);
        ApiError::new(
            415,
            e.message(lang),
            tr!(
                lang,
                "tệp ảnh có thể bị hỏng khi chép: hãy chép lại từ điện thoại",
                "the photo may have been damaged when copied: copy it again from the phone"
            ),
        )
    })?;
    Ok(json!({
        "name": name,
        "width": meta.width,
        "height": meta.height,
        "markdown": format!("![]({name})"),
        "warnings": warnings,
        "path": rel_of(root, &post),
    }))
}
