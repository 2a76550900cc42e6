//! Diagnostics: errors and warnings that name the file, the line and the column.

use i18n::Lang;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Reported, the build goes on.
    Warning,
}

/// One problem found in the user's files, already worded in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site folder where possible.
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column (in characters), 0 when unknown.
    pub col: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Diagnostic {
    /// An error at a file position.
    pub fn error(file: impl Into<PathBuf>, line: usize, col: usize, message: String) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            col,
            message,
        }
    }

    /// A warning at a file position.
    pub fn warning(file: impl Into<PathBuf>, line: usize, col: usize, message: String) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, col, message)
        }
    }

    /// Renders as `file:line:col: kind: message`, with the kind in the chosen language.
    pub fn render(&self, lang: Lang) -> String {
        let kind = match self.severity {
            Severity::Error => lang.pick("lỗi", "error"),
            Severity::Warning => lang.pick("cảnh báo", "warning"),
        };
        format!("{}: {}: {}", self.location(), kind, self.message)
    }

    /// `file:line:col` (or less when unknown), with forward slashes on every platform.
    pub fn location(&self) -> String {
        let file = display_path(&self.file);
        match (self.line, self.col) {
            (0, _) => file,
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// A path as the user wrote it, always with `/` so messages look the same on Windows.
pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut off = offset;
    while off > 0 && !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The build failed: every problem found, not just the first.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s)", .0.len())]
pub struct Failed(pub Vec<Diagnostic>);

/// The full message of an error (of Tera, say), causes included.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src: Option<&dyn std::error::Error> = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\nđườ x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        let x = t.find('x').unwrap();
        assert_eq!(line_col(t, x), (2, 5));
    }

    #[test]
    fn renders_in_both_languages() {
        let d = Diagnostic::error("content\\a.md", 3, 7, "x".into());
        assert_eq!(d.render(Lang::Vi), "content/a.md:3:7: lỗi: x");
        assert_eq!(d.render(Lang::En), "content/a.md:3:7: error: x");
    }
}
