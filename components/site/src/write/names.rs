//! Names that some computer on the way cannot take: a page file with a control character in
//! its name (invisible, and refused by Windows and most FTP servers), or a page published
//! under a Windows device name (`con`, `aux`, `nul`, `com1`...: a Windows computer cannot
//! make that folder, so the site cannot be built there or copied to a Windows host). Each is a
//! warning naming the file, with what to rename it to.

use crate::diag::Diagnostic;
use crate::load::content::Content;
use i18n::{tr, Lang};
use std::path::Path;

/// Device names Windows reserves, whatever the case and extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Whether a file or folder name is a Windows device name (`CON`, `aux.md`, `Nul.txt`).
pub fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
}

/// Warnings for the pages and sections whose file or address has such a name.
pub(crate) fn awkward_names(content: &Content, lang: Lang) -> Vec<Diagnostic> {
    let pages = content.pages.iter().map(|p| (&p.file, &p.path));
    let sections = content.sections.iter().map(|s| (&s.file, &s.path));
    pages
        .chain(sections)
        .filter_map(|(file, url)| warning(file, url, lang))
        .collect()
}

fn warning(file: &Path, url: &str, lang: Lang) -> Option<Diagnostic> {
    let name = file.to_string_lossy();
    let message = if name.chars().any(char::is_control) {
        tr!(
            lang,
            "tên tệp có ký tự điều khiển (không nhìn thấy được; Windows và nhiều máy chủ FTP không nhận): hãy đổi tên tệp, chỉ dùng chữ, số và dấu -",
            "the file name holds a control character (invisible; Windows and many FTP servers refuse it): rename the file using letters, digits and - only"
        )
    } else if let Some(seg) = url.split('/').find(|s| is_reserved(s)) {
        tr!(
            lang,
            "trang được đăng ở địa chỉ có `{seg}`, một tên dành riêng của Windows: máy Windows không tạo được thư mục này nên không dựng hay tải trang lên được từ đó. Hãy đổi tên tệp (hoặc đặt slug khác, ví dụ slug = \"{seg}-1\")",
            "the page is published at an address with `{seg}`, a name Windows reserves: a Windows computer cannot make that folder, so the site cannot be built or uploaded from one. Rename the file (or set another slug, for example slug = \"{seg}-1\")"
        )
    } else {
        return None;
    };
    Some(Diagnostic::warning(file, 0, 0, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_device_names_in_any_case() {
        for name in ["CON", "con", "aux.md", "Nul.txt", "COM1", "lpt9.html"] {
            assert!(is_reserved(name), "{name}");
        }
        for name in ["console", "auxiliary.md", "com10", "bien-dao", ""] {
            assert!(!is_reserved(name), "{name}");
        }
    }
}
