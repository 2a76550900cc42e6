//! A Word file brought to the desk: checked by its bytes (a .docx is a zip), written to a
//! private temporary folder under its own name, and imported by the Word import as a new draft
//! of the chosen section, with the import's report.

use crate::error::{ApiError, ApiResult};
use crate::files::{desk_dir, io_error, rel_of};
use i18n::{tr, Lang};
use serde_json::{json, Value};
use std::path::Path;

/// The largest Word file the desk takes.
pub const LIMIT: usize = 100_000_000;

/// Imports the uploaded .docx into `section` → `{path, report}`.
pub fn import(
    root: &Path,
    section: &str,
    name: &str,
    bytes: &[u8],
    lang: Lang,
) -> ApiResult<Value> {
    let shown = if name.is_empty() {
        "tai-lieu.docx"
    } else {
        name
    };
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(ApiError::new(
            415,
            tr!(
                lang,
                "\"{shown}\" không phải tệp Word .docx",
                "\"{shown}\" is not a Word .docx file"
            ),
            tr!(
                lang,
                "tệp .doc cũ hoặc .pdf thì hãy mở bằng Word và chọn Lưu thành > Tài liệu Word (.docx)",
                "for an old .doc or a .pdf, open it in Word and choose Save as > Word Document (.docx)"
            ),
        ));
    }
    let tmp_root = desk_dir(root).join("tmp");
    std::fs::create_dir_all(&tmp_root).map_err(|e| io_error(root, &tmp_root, &e, lang))?;
    let tmp = tempfile::tempdir_in(&tmp_root).map_err(|e| io_error(root, &tmp_root, &e, lang))?;
    let file_name = if shown.to_ascii_lowercase().ends_with(".docx") {
        shown.to_string()
    } else {
        format!("{shown}.docx")
    };
    let docx = tmp.path().join(&file_name);
    std::fs::write(&docx, bytes).map_err(|e| io_error(root, &docx, &e, lang))?;
    let opts = import::Options {
        section: (!section.is_empty()).then(|| section.to_string()),
        slug: None,
        draft: true,
    };
    let report = import::import_docx(root, &docx, &opts).map_err(|e| {
        ApiError::new(
            422,
            e.message(lang),
            tr!(
                lang,
                "hãy mở tệp bằng Word, lưu lại rồi thử lại",
                "open the file in Word, save it again, then try again"
            ),
        )
    })?;
    let warnings: Vec<String> = report.remarks.iter().map(|n| n.message(lang)).collect();
    Ok(json!({
        "path": rel_of(root, &root.join(&report.page)),
        "report": {
            "title": report.title,
            "warnings": warnings,
            "pictures": report.images.len(),
            "tables": report.tables,
            "paragraphs": report.paragraphs,
            "headings": report.headings,
            "list_items": report.list_items,
            "notes": report.notes,
            "administrative": report.administrative,
        },
    }))
}
