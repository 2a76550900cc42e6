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
    /// Files of earlier deploys the site no longer has, left on the server (no `--delete`).
    pub stale: Vec<String>,
    /// A dry run that compared with the local copy of the manifest instead of the server's
    /// (the server could not be reached, or no password was given).
    pub offline: bool,
}

impl Summary {
    /// A human summary in the chosen language (a dry run lists the files).
    pub fn message(&self, lang: Lang) -> String {
        let (up, del, same) = (self.uploaded.len(), self.deleted.len(), self.unchanged);
        let size = HumanBytes(self.bytes);
        let mut out = if self.dry_run {
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
        } else if up == 0 && del == 0 {
            tr!(
                lang,
                "Máy chủ đã có bản mới nhất ({same} tệp), không cần tải gì lên.",
                "The server is already up to date ({same} files); nothing to upload.",
            )
        } else {
            tr!(
                lang,
                "Đã tải lên {up} tệp ({size}), xoá {del} tệp; {same} tệp không đổi.",
                "Uploaded {up} files ({size}), deleted {del} files; {same} files unchanged.",
            )
        };
        if !self.stale.is_empty() {
            let n = self.stale.len();
            out.push('\n');
            out.push_str(&tr!(
                lang,
                "{n} tệp cũ không còn trong trang vẫn nằm trên máy chủ; chạy lại với --delete để xoá chúng.",
                "{n} old files that the site no longer has are still on the server; run again with --delete to remove them.",
            ));
        }
        out
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
            dry_run: false,
            stale: vec![],
            offline: false,
        };
        assert_eq!(
            s.message(Lang::En),
            "Uploaded 2 files (2.00 KiB), deleted 1 files; 7 files unchanged."
        );
        assert!(s.message(Lang::Vi).starts_with("Đã tải lên 2 tệp"));
        let dry = Summary {
            dry_run: true,
            stale: vec!["x.html".into()],
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
    }
}
