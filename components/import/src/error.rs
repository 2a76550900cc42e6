//! Why an import stopped, as data; [`ImportError::message`] says it in the user's language,
//! naming the file (and the part, line and column inside it) and what to do.

use i18n::{tr, Lang};
use std::path::PathBuf;

/// An import that could not be done. Nothing was written when one of these is returned.
#[derive(Debug)]
pub enum ImportError {
    /// The file is not a zip archive, so not a .docx (maybe an old .doc, or damaged).
    NotDocx { file: PathBuf, detail: String },
    /// A zip archive without `word/document.xml`.
    NoDocument { file: PathBuf },
    /// An entry whose name could write outside a folder (`../`, absolute paths).
    UnsafeEntry { file: PathBuf, entry: String },
    /// An entry larger than an import accepts.
    EntryTooLarge {
        file: PathBuf,
        entry: String,
        limit: u64,
    },
    /// The entries together unpack to more than an import accepts.
    TooLargeInTotal { file: PathBuf, limit: u64 },
    /// An entry that unpacks to far more than it takes: a zip bomb.
    ZipBomb { file: PathBuf, entry: String },
    /// An entry that could not be unpacked (damaged, encrypted, unknown compression).
    BadEntry {
        file: PathBuf,
        entry: String,
        detail: String,
    },
    /// A part that is not well-formed XML.
    Xml {
        file: PathBuf,
        part: String,
        line: u32,
        column: u32,
        detail: String,
    },
    /// `content/SECTION/_index.md` does not exist.
    NoSection { section: String, known: Vec<String> },
    /// A section or slug that is not a plain name.
    BadName { name: String },
    /// The page asked for (with `--slug`) already exists.
    PageExists { path: PathBuf },
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl ImportError {
    /// The message for the user, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use ImportError::*;
        match self {
            NotDocx { file, detail } => tr!(
                lang,
                "{}: không phải tệp Word .docx ({detail}). Nếu là tệp .doc cũ, hãy mở bằng Word hoặc LibreOffice rồi \"Lưu thành\" .docx.",
                "{}: not a Word .docx file ({detail}). If it is an old .doc file, open it in Word or LibreOffice and \"Save as\" .docx.",
                file.display()
            ),
            NoDocument { file } => tr!(
                lang,
                "{}: tệp zip này không chứa văn bản Word (thiếu word/document.xml). Hãy mở bằng Word rồi lưu lại thành .docx.",
                "{}: this zip file holds no Word document (no word/document.xml). Open it in Word and save it again as .docx.",
                file.display()
            ),
            UnsafeEntry { file, entry } => tr!(
                lang,
                "{}: tệp chứa mục có tên nguy hiểm \"{entry}\" (trỏ ra ngoài thư mục); không nhập tệp này. Hãy lưu lại văn bản bằng Word.",
                "{}: the file holds an entry with an unsafe name \"{entry}\" (it points outside the folder); not importing it. Save the document again from Word.",
                file.display()
            ),
            EntryTooLarge { file, entry, limit } => tr!(
                lang,
                "{}: mục \"{entry}\" lớn hơn {} MB, quá lớn để nhập. Hãy giảm kích thước ảnh trong Word (Nén ảnh) rồi thử lại.",
                "{}: the entry \"{entry}\" is larger than {} MB, too large to import. Compress the pictures in Word and try again.",
                file.display(),
                limit >> 20
            ),
            TooLargeInTotal { file, limit } => tr!(
                lang,
                "{}: văn bản giải nén ra hơn {} MB, quá lớn để nhập. Hãy chia nhỏ văn bản hoặc nén ảnh trong Word.",
                "{}: the document unpacks to more than {} MB, too large to import. Split it or compress its pictures in Word.",
                file.display(),
                limit >> 20
            ),
            ZipBomb { file, entry } => tr!(
                lang,
                "{}: mục \"{entry}\" giải nén ra lớn bất thường so với kích thước nén (tệp nén độc hại?); không nhập tệp này.",
                "{}: the entry \"{entry}\" unpacks to far more than its packed size (a zip bomb?); not importing this file.",
                file.display()
            ),
            BadEntry { file, entry, detail } => tr!(
                lang,
                "{}: không đọc được mục \"{entry}\" ({detail}); tệp có thể bị hỏng hoặc có mật khẩu. Hãy mở bằng Word, bỏ mật khẩu và lưu lại.",
                "{}: cannot read the entry \"{entry}\" ({detail}); the file may be damaged or password-protected. Open it in Word, remove the password and save it again.",
                file.display()
            ),
            Xml { file, part, line, column, detail } => tr!(
                lang,
                "{}: {part}:{line}:{column}: XML hỏng ({detail}). Hãy mở bằng Word rồi lưu lại thành .docx.",
                "{}: {part}:{line}:{column}: broken XML ({detail}). Open the file in Word and save it again as .docx.",
                file.display()
            ),
            NoSection { section, known } => tr!(
                lang,
                "không có chuyên mục content/{section}/ (thiếu _index.md). Các chuyên mục hiện có: {}",
                "there is no section content/{section}/ (no _index.md). Existing sections: {}",
                known.join(", ")
            ),
            BadName { name } => tr!(
                lang,
                "tên không hợp lệ: \"{name}\" (chỉ dùng chữ thường không dấu, số và dấu -, ví dụ ke-hoach-2024)",
                "invalid name: \"{name}\" (use lower-case letters without accents, digits and -, e.g. ke-hoach-2024)"
            ),
            PageExists { path } => tr!(
                lang,
                "{} đã có; bangtin không ghi đè. Hãy chọn tên khác với --slug, hoặc bỏ --slug để bangtin tự thêm số vào tên.",
                "{} already exists; bangtin does not overwrite it. Choose another name with --slug, or leave --slug out and bangtin adds a number to the name.",
                path.display()
            ),
            Io { path, error } => tr!(
                lang,
                "{}: lỗi đọc/ghi: {error}",
                "{}: read/write error: {error}",
                path.display()
            ),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ImportError {}
