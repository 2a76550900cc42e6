//! Errors found while rendering one page, each tied to a byte offset in the source.

use i18n::{tr, Lang};

/// A problem in a page's Markdown, at a byte offset of the page source.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind} (byte {offset})")]
pub struct MdError {
    /// Byte offset in the Markdown source given to [`crate::render`].
    pub offset: usize,
    /// What went wrong.
    pub kind: MdErrorKind,
}

/// What went wrong in a page's Markdown.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MdErrorKind {
    /// An internal link `@/...` points to a file that is not in content/.
    #[error("internal link @/{target} points to a page that does not exist")]
    BrokenLink {
        /// The part after `@/`, without the `#anchor`.
        target: String,
    },
    /// `{% name(...) %}` has no matching `{% end %}`.
    #[error("shortcode {name} is opened but never closed with {{% end %}}")]
    UnclosedShortcode {
        /// The shortcode's name.
        name: String,
    },
    /// `{% end %}` with no open block shortcode before it.
    #[error("{{% end %}} without an opening block shortcode")]
    StrayEnd,
    /// The text of a shortcode call cannot be read.
    #[error("shortcode {name}: {problem}")]
    ShortcodeSyntax {
        /// The shortcode's name (empty when the name itself is missing).
        name: String,
        /// What the reader expected.
        problem: SyntaxProblem,
    },
    /// The site could not render the shortcode (unknown name, template error...).
    #[error("shortcode {name} failed: {message}")]
    ShortcodeFailed {
        /// The shortcode's name.
        name: String,
        /// The site's explanation.
        message: String,
    },
    /// The site could not process an image.
    #[error("image {src} failed: {message}")]
    ImageFailed {
        /// The image address as written (after `@/` resolution).
        src: String,
        /// The site's explanation.
        message: String,
    },
    /// Lists, quotes or other blocks nested deeper than any page needs (browsers and screen
    /// readers choke on them).
    #[error("blocks nested more than {limit} deep")]
    TooDeep {
        /// The deepest nesting accepted.
        limit: usize,
    },
}

/// What the shortcode reader expected but did not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxProblem {
    /// An argument name such as `id` was expected.
    #[error("expected an argument name")]
    ArgumentName,
    /// `=` after an argument name was expected.
    #[error("expected = after the argument name")]
    Equals,
    /// A value (string, number, true/false, list) was expected.
    #[error("expected a value: \"text\", a number, true, false or [a list]")]
    Value,
    /// A string was not closed by its quote.
    #[error("a quoted text is not closed")]
    UnterminatedString,
    /// `,` or `)` was expected after an argument.
    #[error("expected , or ) after an argument")]
    CommaOrParen,
    /// `,` or `]` was expected in a list.
    #[error("expected , or ] in a list")]
    CommaOrBracket,
    /// The same argument name is given twice.
    #[error("the same argument is given twice")]
    DuplicateArgument,
    /// `}}` was expected after the arguments of an inline shortcode.
    #[error("expected }}}} to close the shortcode")]
    CloseInline,
    /// `%}` was expected after the arguments of a block shortcode.
    #[error("expected %}} to close the shortcode")]
    CloseBlock,
}

impl SyntaxProblem {
    fn message(self, lang: Lang) -> String {
        match self {
            SyntaxProblem::ArgumentName => tr!(
                lang,
                "cần tên tham số (ví dụ id=\"...\")",
                "an argument name was expected (for example id=\"...\")"
            ),
            SyntaxProblem::Equals => tr!(
                lang,
                "cần dấu = sau tên tham số",
                "= was expected after the argument name"
            ),
            SyntaxProblem::Value => tr!(
                lang,
                "cần một giá trị: \"chữ\" trong ngoặc kép, một số, true, false hoặc [danh sách]",
                "a value was expected: \"text\" in quotes, a number, true, false or [a list]"
            ),
            SyntaxProblem::UnterminatedString => tr!(
                lang,
                "thiếu dấu ngoặc kép đóng",
                "a quoted text is missing its closing quote"
            ),
            SyntaxProblem::CommaOrParen => tr!(
                lang,
                "cần dấu , giữa các tham số hoặc ) để kết thúc",
                ", between arguments or ) at the end was expected"
            ),
            SyntaxProblem::CommaOrBracket => tr!(
                lang,
                "cần dấu , giữa các phần tử hoặc ] để đóng danh sách",
                ", between items or ] to close the list was expected"
            ),
            SyntaxProblem::DuplicateArgument => tr!(
                lang,
                "một tham số được ghi hai lần; hãy xóa một lần",
                "an argument is given twice; remove one"
            ),
            SyntaxProblem::CloseInline => tr!(
                lang,
                "cần }}}} để đóng shortcode",
                "}}}} was expected to close the shortcode"
            ),
            SyntaxProblem::CloseBlock => tr!(
                lang,
                "cần %}} để đóng shortcode",
                "%}} was expected to close the shortcode"
            ),
        }
    }
}

impl MdError {
    /// The problem in plain words, with how to fix it, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match &self.kind {
            MdErrorKind::BrokenLink { target } => tr!(
                lang,
                "liên kết nội bộ @/{target} trỏ tới một trang không có trong content/. Hãy kiểm tra tên tệp (ví dụ @/bien-dao/hoang-sa.md) hoặc tạo trang đó.",
                "internal link @/{target} points to a page that is not in content/. Check the file name (for example @/bien-dao/hoang-sa.md) or create that page."
            ),
            MdErrorKind::UnclosedShortcode { name } => tr!(
                lang,
                "shortcode {{% {name}(...) %}} được mở nhưng không đóng. Hãy thêm {{% end %}} sau phần nội dung của nó.",
                "shortcode {{% {name}(...) %}} is opened but never closed. Add {{% end %}} after its content."
            ),
            MdErrorKind::StrayEnd => tr!(
                lang,
                "{{% end %}} không đóng shortcode nào. Hãy xóa nó hoặc thêm {{% ten(...) %}} mở ở phía trước.",
                "{{% end %}} closes no shortcode. Remove it or add an opening {{% name(...) %}} before it."
            ),
            MdErrorKind::ShortcodeSyntax { name, problem } => {
                let what = problem.message(lang);
                if name.is_empty() {
                    tr!(lang, "shortcode viết sai: {what}.", "malformed shortcode: {what}.")
                } else {
                    tr!(
                        lang,
                        "shortcode {name} viết sai: {what}. Cách viết đúng: {{{{ {name}(ten=\"gia tri\", so=3) }}}}.",
                        "malformed shortcode {name}: {what}. The expected form is {{{{ {name}(key=\"value\", n=3) }}}}."
                    )
                }
            }
            MdErrorKind::ShortcodeFailed { name, message } => tr!(
                lang,
                "không dựng được shortcode {name}: {message}",
                "shortcode {name} could not be rendered: {message}"
            ),
            MdErrorKind::TooDeep { limit } => tr!(
                lang,
                "danh sách, trích dẫn hoặc khối lồng nhau quá {limit} tầng từ đây: trình duyệt và phần mềm đọc màn hình không hiển thị được. Hãy bớt các tầng lồng nhau (ví dụ bớt dấu - hoặc > ở đầu dòng).",
                "lists, quotes or blocks nested more than {limit} deep from here: browsers and screen readers cannot show that. Nest fewer levels (for example fewer - or > at the start of the line)."
            ),
            MdErrorKind::ImageFailed { src, message } => tr!(
                lang,
                "ảnh {src}: {message}",
                "image {src}: {message}"
            ),
        }
    }
}

/// 1-based line and column (counted in characters) of a byte offset in `source`.
///
/// An offset past the end points just after the last character; an offset inside a
/// multi-byte character counts as that character.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let s = "một\nhai ba\nđ";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, "một".len()), (1, 4));
        assert_eq!(line_col(s, "một\nhai ".len()), (2, 5));
        assert_eq!(line_col(s, s.len()), (3, 2));
        assert_eq!(line_col(s, 999), (3, 2));
        // Inside the two-byte "đ": the character itself.
        assert_eq!(line_col(s, s.len() - 1), (3, 1));
    }

    #[test]
    fn messages_exist_in_both_languages() {
        let e = MdError {
            offset: 0,
            kind: MdErrorKind::BrokenLink {
                target: "bien-dao/x.md".into(),
            },
        };
        assert!(e.message(Lang::Vi).contains("không có trong content/"));
        assert!(e.message(Lang::En).contains("is not in content/"));
        let s = MdError {
            offset: 0,
            kind: MdErrorKind::ShortcodeSyntax {
                name: "youtube".into(),
                problem: SyntaxProblem::Equals,
            },
        };
        assert!(s
            .message(Lang::En)
            .contains("{{ youtube(key=\"value\", n=3) }}"));
        assert!(MdErrorKind::StrayEnd.to_string().contains("{% end %}"));
    }
}
