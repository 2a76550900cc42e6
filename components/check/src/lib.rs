//! `bangtin check`: finds problems before publishing.

use i18n::Lang;
use std::path::PathBuf;

/// What to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site folder.
    pub root: PathBuf,
    /// Message language.
    pub lang: Lang,
    /// Also check external links.
    pub external: bool,
    /// Include drafts.
    pub drafts: bool,
}

/// All findings.
#[derive(Debug, Default)]
pub struct Report {
    /// Errors and warnings.
    pub findings: Vec<site::Diagnostic>,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == site::Severity::Error)
    }
    /// Human-readable report.
    pub fn render_text(&self, lang: Lang) -> String {
        self.findings
            .iter()
            .map(|f| f.render(lang) + "\n")
            .collect()
    }
    /// JSON report for tools.
    pub fn render_json(&self) -> String {
        String::from("[]")
    }
}

/// Runs every check.
pub fn run(_opts: &Options) -> Report {
    Report::default()
}
