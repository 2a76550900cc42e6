//! What a deploy did, said in the user's language.

use i18n::{tr, Lang};
use indicatif::HumanBytes;

/// What a deploy did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files uploaded, in upload order.
    pub uploaded: Vec<String>,
    /// Files deleted from the server.
    pub deleted: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Bytes uploaded.
    pub bytes: u64,
    /// True for a dry run: nothing was changed.
    pub dry_run: bool,
    /// A dry run that compared with the local copy of the manifest instead of the server's
    /// (the server could not be reached, or no password was given).
    pub offline: bool,
    /// The server's files were listed and compared with the manifest.
    pub checked: bool,
    /// The server's manifest was the one this computer wrote last (else it was checked).
    pub trusted: bool,
    /// Files the manifest claimed that were missing or different on the server (sent again).
    pub repaired: Vec<String>,
    /// Files bangtin never uploaded that the site does not have, left on the server.
    pub foreign: Vec<String>,
}

impl Summary {
    /// A human summary in the chosen language (a dry run lists the files).
    pub fn message(&self, lang: Lang) -> String {
        let mut out = if self.dry_run {
            self.dry_run_message(lang)
        } else {
            self.done_message(lang)
        };
        if self.checked {
            out.push('\n');
            out.push_str(&self.check_message(lang));
        }
        if !self.foreign.is_empty() {
            let n = self.foreign.len();
            out.push('\n');
            out.push_str(&tr!(
                lang,
                "{n} tệp trên máy chủ không do bangtin tải lên và không có trong trang; chúng được giữ nguyên (xoá bằng --delete, sau khi xác nhận).",
                "{n} files on the server were not uploaded by bangtin and are not in the site; they were left alone (remove them with --delete, after a confirmation).",
            ));
        }
        out
    }

    fn dry_run_message(&self, lang: Lang) -> String {
        let (up, del, same) = (self.uploaded.len(), self.deleted.len(), self.unchanged);
        let size = HumanBytes(self.bytes);
        let mut s = tr!(
            lang,
            "Chạy thử, máy chủ không bị thay đổi: sẽ tải lên {up} tệp ({size}), sẽ xoá {del} tệp, {same} tệp không đổi.",
            "Dry run, the server was not changed: would upload {up} files ({size}), delete {del} files; {same} files unchanged.",
        );
        if self.offline {
            s.push(' ');
            s.push_str(&tr!(
                lang,
                "(Không hỏi máy chủ: đã so với bản sao danh sách tệp của lần triển khai trước, lưu trên máy này.)",
                "(The server was not asked: compared with this computer's copy of the file list from the last deploy.)",
            ));
        }
        for p in &self.uploaded {
            s.push_str(&format!("\n  + {p}"));
        }
        for p in &self.deleted {
            s.push_str(&format!("\n  - {p}"));
        }
        s
    }

    fn done_message(&self, lang: Lang) -> String {
        let (up, del, same) = (self.uploaded.len(), self.deleted.len(), self.unchanged);
        let size = HumanBytes(self.bytes);
        if up == 0 && del == 0 {
            tr!(
                lang,
                "Máy chủ đã có bản mới nhất ({same} tệp), không cần tải gì lên.",
                "The server is already up to date ({same} files); nothing to upload.",
            )
        } else {
            tr!(
                lang,
                "Đã tải lên {up} tệp ({size}), xoá {del} tệp cũ; {same} tệp không đổi.",
                "Uploaded {up} files ({size}), deleted {del} old files; {same} files unchanged.",
            )
        }
    }

    fn check_message(&self, lang: Lang) -> String {
        let n = self.repaired.len();
        let why = if self.trusted {
            String::new()
        } else {
            tr!(
                lang,
                "Danh sách tệp trên máy chủ không phải do máy này ghi lần cuối (máy khác đã triển khai, hoặc danh sách cũ hơn), nên ",
                "The file list on the server was not the one this computer wrote last (another computer deployed, or it is older), so ",
            )
        };
        if n == 0 {
            tr!(
                lang,
                "{why}đã đối chiếu với các tệp trên máy chủ: khớp.",
                "{why}the server's files were checked: they match.",
            )
        } else {
            let first = self.repaired.iter().take(5).cloned().collect::<Vec<_>>();
            let first = first.join(", ");
            tr!(
                lang,
                "{why}đã đối chiếu với các tệp trên máy chủ: {n} tệp bị thiếu hoặc khác ({first}...), đã tải lại.",
                "{why}the server's files were checked: {n} were missing or different ({first}...) and were sent again.",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_messages_in_both_languages() {
        let s = Summary {
            uploaded: vec!["css/a.css".into(), "index.html".into()],
            deleted: vec!["old.html".into()],
            unchanged: 7,
            bytes: 2048,
            ..Summary::default()
        };
        assert_eq!(
            s.message(Lang::En),
            "Uploaded 2 files (2.00 KiB), deleted 1 old files; 7 files unchanged."
        );
        assert!(s.message(Lang::Vi).starts_with("Đã tải lên 2 tệp"));
        let dry = Summary {
            dry_run: true,
            foreign: vec!["x.html".into()],
            ..s.clone()
        };
        let m = dry.message(Lang::En);
        assert!(m.contains("would upload 2 files"), "{m}");
        assert!(
            m.contains("\n  + index.html") && m.contains("\n  - old.html"),
            "{m}"
        );
        assert!(m.contains("--delete"), "{m}");
        let none = Summary::default();
        assert!(none.message(Lang::Vi).contains("bản mới nhất"));
        let checked = Summary {
            checked: true,
            repaired: vec!["a.html".into()],
            ..Summary::default()
        };
        assert!(checked.message(Lang::En).contains("another computer"));
        assert!(checked.message(Lang::Vi).contains("máy khác"));
    }
}
