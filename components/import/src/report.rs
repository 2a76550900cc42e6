//! What an import did and what it could not carry over, as data (the browser desk shows it)
//! with messages in the teacher's language.

use i18n::{tr, Lang};
use serde::Serialize;
use std::path::PathBuf;

/// Something the teacher should know about an imported page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// A picture came over without alt text: the teacher must write one.
    ImageWithoutAlt { file: String },
    /// A picture in a format the site cannot show (EMF, WMF, TIFF...).
    ImageNotCarried { name: String, format: String },
    /// Pictures only linked from the document, not inside it.
    LinkedImages { count: usize },
    /// Comments were dropped.
    Comments { count: usize },
    /// Tracked changes were accepted.
    TrackedChanges { insertions: usize, deletions: usize },
    /// Text of text boxes was placed after their paragraph.
    TextBoxes { count: usize },
    /// Charts, SmartArt, equations, embedded objects: not carried over.
    Objects { count: usize },
    /// A table of contents was left out.
    TableOfContents,
    /// Text in a legacy font was converted to Unicode.
    LegacyFont { font: String, runs: usize },
    /// Recognised as an administrative document.
    Administrative,
    /// The wanted name was taken; another was used.
    SlugTaken { wanted: String, used: String },
}

impl Note {
    /// Whether the teacher has to act (rather than just be told).
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Note::ImageWithoutAlt { .. }
                | Note::ImageNotCarried { .. }
                | Note::LinkedImages { .. }
                | Note::Objects { .. }
        )
    }

    /// The note in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Note::ImageWithoutAlt { file } => tr!(lang, "ảnh {file} chưa có mô tả (alt) cho người khiếm thị: hãy viết mô tả vào giữa ![ và ] trong index.md (hoặc trong Word: chuột phải vào ảnh > Sửa văn bản thay thế).", "picture {file} has no description (alt text) for blind readers: write one between ![ and ] in index.md (or in Word: right-click the picture > Edit Alt Text)."),
            Note::ImageNotCarried { name, format } => tr!(lang, "ảnh \"{name}\" ở định dạng {format} không hiển thị được trên web nên không được chép; hãy lưu ảnh thành JPG hoặc PNG rồi chép vào thư mục bài.", "picture \"{name}\" is in {format} format, which web pages cannot show, so it was not carried over; save it as JPG or PNG and copy it into the page folder."),
            Note::LinkedImages { count } => tr!(lang, "{count} ảnh chỉ được liên kết (không nằm trong tệp Word) nên không được chép.", "{count} picture(s) are only linked (not inside the Word file) and were not carried over."),
            Note::Comments { count } => tr!(lang, "đã bỏ {count} nhận xét (comment) của Word.", "dropped {count} Word comment(s)."),
            Note::TrackedChanges { insertions, deletions } => tr!(lang, "đã chấp nhận các thay đổi được theo dõi ({insertions} chỗ thêm, {deletions} chỗ xóa).", "accepted the tracked changes ({insertions} insertion(s), {deletions} deletion(s))."),
            Note::TextBoxes { count } => tr!(lang, "chữ trong {count} hộp văn bản (text box) được đặt sau đoạn chứa nó; hãy xem lại vị trí.", "the text of {count} text box(es) was placed after its paragraph; check where it belongs."),
            Note::Objects { count } => tr!(lang, "{count} biểu đồ, SmartArt, công thức hoặc đối tượng nhúng không chép được; hãy chụp ảnh chúng và thêm vào bài nếu cần.", "{count} chart(s), SmartArt, equation(s) or embedded object(s) could not be carried over; add a picture of them if needed."),
            Note::TableOfContents => tr!(lang, "đã bỏ mục lục của Word (trang web tự tạo mục lục từ các đề mục).", "left out Word's table of contents (the site makes its own from the headings)."),
            Note::LegacyFont { font, runs } => tr!(lang, "đã chuyển {runs} đoạn chữ gõ bằng phông cũ {font} sang Unicode.", "converted {runs} run(s) typed in the legacy font {font} to Unicode."),
            Note::Administrative => tr!(lang, "nhận ra văn bản hành chính (Nghị định 30/2020): phần đầu, số ký hiệu, nơi nhận và chữ ký được đưa vào [extra], trang dùng mẫu van-ban.html.", "recognised an administrative document (Decree 30/2020): its header, number, recipients and signature went to [extra]; the page uses the van-ban.html template."),
            Note::SlugTaken { wanted, used } => tr!(lang, "đã có bài tên {wanted}, nên bài mới có tên {used}.", "a page named {wanted} already exists, so the new page is named {used}."),
        }
    }
}

/// The outcome of one import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The .docx file imported.
    pub source: PathBuf,
    /// The page written: `content/SECTION/<slug>/index.md`.
    pub page: PathBuf,
    /// The page's folder name.
    pub slug: String,
    /// The page title.
    pub title: String,
    /// Blocks carried over: paragraphs, headings, list items, tables.
    pub paragraphs: usize,
    pub headings: usize,
    pub list_items: usize,
    pub tables: usize,
    /// Footnotes and endnotes.
    pub notes: usize,
    /// Picture files written beside index.md.
    pub images: Vec<String>,
    /// Whether the page uses the administrative document template.
    pub administrative: bool,
    /// What the teacher should know, warnings first.
    pub remarks: Vec<Note>,
}

impl Report {
    /// A few lines for the terminal: what was written, then the remarks.
    pub fn render(&self, lang: Lang) -> String {
        let mut s = tr!(
            lang,
            "{}: đã tạo {} ({} đoạn, {} đề mục, {} mục danh sách, {} bảng, {} ảnh, {} chú thích)",
            "{}: created {} ({} paragraphs, {} headings, {} list items, {} tables, {} pictures, {} notes)",
            self.source.display(),
            self.page.display(),
            self.paragraphs,
            self.headings,
            self.list_items,
            self.tables,
            self.images.len(),
            self.notes
        );
        for r in &self.remarks {
            let label = if r.is_warning() {
                lang.pick("cảnh báo", "warning")
            } else {
                lang.pick("ghi chú", "note")
            };
            s.push_str(&format!("\n  {label}: {}", r.message(lang)));
        }
        s
    }
}
