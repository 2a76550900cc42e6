//! `bangtin check`: builds the site in memory and finds problems before publishing.
//!
//! | kind (JSON)         | severity | what                                                        |
//! |---------------------|----------|-------------------------------------------------------------|
//! | `build`             | as built | the build's own errors and warnings                          |
//! | `broken_link`       | error    | an href/src inside the site that leads to no output file    |
//! | `broken_anchor`     | error    | a `#fragment` naming no id on its page                       |
//! | `external_link`     | error for 404/410, else warning | `--external` only                 |
//! | `missing_alt`       | warning  | an image without alt text (Markdown, raw HTML, theme)        |
//! | `file_name_alt`     | warning  | alt text that is a file name ("IMG_2034.jpg", "anh1")        |
//! | `page_weight`       | warning  | HTML+CSS+JS or that plus the first image over budget         |
//! | `missing_title`     | error    | a page or section file without a title                       |
//! | `missing_date`      | warning  | a page listed by date without a date                         |
//! | `future_date`       | warning  | a date in the future hides the page                          |
//! | `similar_tag`       | warning  | a term differing from another only by accents or case        |
//! | `orphan`            | warning  | no other page links to the page                              |
//! | `duplicate_title`   | warning  | two pages of one language share a title                      |
//! | `empty_description` | warning  | no description for sharing cards                             |
//! | `removed_html`      | warning  | raw HTML the sanitizer dropped                               |
//! | `site_size`         | warning  | the whole site over `[check] max_site_mb` (default 500 MB)   |
//!
//! The text report also gives the site's total size and its ten heaviest files.
//! The page-weight budget defaults to 50 KB (HTML+CSS+JS) and 300 KB (with the first image);
//! a site changes it in `config.toml` with `[extra.check] budget_kb = 60` and
//! `total_budget_kb = 400`. Good external-link answers are cached for a day in
//! `.bangtin-cache/links.json`.

pub mod external;
mod front;
pub mod html;
mod links;
mod site_map;
pub mod size;
mod weight;

use i18n::{tr, Lang};
use serde::Serialize;
use site::{Diagnostic, Severity};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// Limits and knobs that have sensible defaults (tests and `config.toml` change them).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Page-weight budget.
    pub budget: Budget,
    /// How external links are checked.
    pub external: external::Settings,
    /// "Today" for scheduled pages (`None`: the computer's date).
    pub today: Option<chrono::NaiveDate>,
}

/// Page-weight budget in bytes. `config.toml` may set `[extra.check] budget_kb` and
/// `total_budget_kb` (kilobytes of 1024 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// HTML + CSS + JS a page loads.
    pub html_css_js: u64,
    /// The same plus the first image (above the fold).
    pub total: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            html_css_js: 50 * 1024,
            total: 300 * 1024,
        }
    }
}

/// Which check found a problem; its name is stable (used in `--format json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The build itself failed or warned.
    Build,
    /// A link or file address inside the site that leads nowhere.
    BrokenLink,
    /// A `#fragment` naming no id on its page.
    BrokenAnchor,
    /// A link to another website that does not answer well.
    ExternalLink,
    /// An image without alt text.
    MissingAlt,
    /// An image whose alt text is a file name.
    FileNameAlt,
    /// A page heavier than the budget.
    PageWeight,
    /// A page without a title.
    MissingTitle,
    /// A dated listing's page without a date.
    MissingDate,
    /// A date in the future hides the page.
    FutureDate,
    /// A tag spelled like another one except for accents or case.
    SimilarTag,
    /// No other page links to this page.
    Orphan,
    /// Two pages share a title.
    DuplicateTitle,
    /// A page without a description for sharing cards.
    EmptyDescription,
    /// Raw HTML the sanitizer dropped.
    RemovedHtml,
    /// The whole site is heavier than its budget.
    SiteSize,
}

impl Kind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Build => "build",
            Kind::BrokenLink => "broken_link",
            Kind::BrokenAnchor => "broken_anchor",
            Kind::ExternalLink => "external_link",
            Kind::MissingAlt => "missing_alt",
            Kind::FileNameAlt => "file_name_alt",
            Kind::PageWeight => "page_weight",
            Kind::MissingTitle => "missing_title",
            Kind::MissingDate => "missing_date",
            Kind::FutureDate => "future_date",
            Kind::SimilarTag => "similar_tag",
            Kind::Orphan => "orphan",
            Kind::DuplicateTitle => "duplicate_title",
            Kind::EmptyDescription => "empty_description",
            Kind::RemovedHtml => "removed_html",
            Kind::SiteSize => "site_size",
        }
    }
}

/// One problem: where, how serious, which check, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error (exit code 1) or warning.
    pub severity: Severity,
    /// Which check.
    pub kind: Kind,
    /// The file, relative to the site folder (`public/...` for outputs with no source file).
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column in characters, 0 when unknown.
    pub column: usize,
    /// What is wrong and how to fix it, in the user's language.
    pub message: String,
}

impl Finding {
    /// An error.
    pub fn error(
        kind: Kind,
        file: impl Into<PathBuf>,
        pos: (usize, usize),
        message: String,
    ) -> Self {
        Finding {
            severity: Severity::Error,
            kind,
            file: file.into(),
            line: pos.0,
            column: pos.1,
            message,
        }
    }

    /// A warning.
    pub fn warning(
        kind: Kind,
        file: impl Into<PathBuf>,
        pos: (usize, usize),
        message: String,
    ) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(kind, file, pos, message)
        }
    }

    /// From a build diagnostic.
    pub fn from_build(d: Diagnostic) -> Self {
        Finding {
            severity: d.severity,
            kind: Kind::Build,
            file: d.file,
            line: d.line,
            column: d.col,
            message: d.message,
        }
    }

    /// As a build-style diagnostic (`file:line:col: kind: message`).
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            file: self.file.clone(),
            line: self.line,
            col: self.column,
            message: self.message.clone(),
        }
    }
}

/// All findings, sorted by file, line and column.
#[derive(Debug, Default)]
pub struct Report {
    /// Errors and warnings.
    pub findings: Vec<Finding>,
    /// What the site takes on the host (when it was built).
    pub size: Option<size::SiteSize>,
}

/// One finding as JSON: field names and order are part of the `--format json` contract.
#[derive(Serialize)]
struct JsonFinding<'a> {
    severity: &'static str,
    file: String,
    line: usize,
    column: usize,
    kind: &'static str,
    message: &'a str,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Number of errors and of warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        (errors, self.findings.len() - errors)
    }

    /// Findings of one kind (handy for tools and tests).
    pub fn of_kind(&self, kind: Kind) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.kind == kind).collect()
    }

    /// Human-readable report: findings grouped under their file, then a summary line.
    pub fn render_text(&self, lang: Lang) -> String {
        let mut by_file: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
        for f in &self.findings {
            by_file
                .entry(site::diag::display_path(&f.file))
                .or_default()
                .push(f);
        }
        let mut out = String::new();
        for (file, list) in by_file {
            out.push_str(&file);
            out.push('\n');
            for f in list {
                let severity = match f.severity {
                    Severity::Error => lang.pick("lỗi", "error"),
                    Severity::Warning => lang.pick("cảnh báo", "warning"),
                };
                let pos = match (f.line, f.column) {
                    (0, _) => String::new(),
                    (l, 0) => format!("{} {l}: ", lang.pick("dòng", "line")),
                    (l, c) => format!("{} {l}:{c}: ", lang.pick("dòng", "line")),
                };
                out.push_str(&format!("  {pos}{severity}: {}\n", f.message));
            }
            out.push('\n');
        }
        if let Some(size) = &self.size {
            out.push_str(&size.render(lang));
        }
        let (errors, warnings) = self.counts();
        out.push_str(&if errors + warnings == 0 {
            tr!(
                lang,
                "Không tìm thấy vấn đề nào. Trang web sẵn sàng để đăng.\n",
                "No problems found. The site is ready to publish.\n"
            )
        } else if errors > 0 {
            tr!(
                lang,
                "Tổng cộng: {errors} lỗi, {warnings} cảnh báo. Hãy sửa các lỗi trước khi đăng trang; cảnh báo nên xem lại.\n",
                "Total: {errors} error(s), {warnings} warning(s). Fix the errors before publishing; the warnings are worth a look.\n"
            )
        } else {
            tr!(
                lang,
                "Tổng cộng: {warnings} cảnh báo, không có lỗi. Có thể đăng trang, nhưng nên xem lại các cảnh báo.\n",
                "Total: {warnings} warning(s), no errors. The site can be published; the warnings are worth a look.\n"
            )
        });
        out
    }

    /// JSON report for tools: an array of `{severity, file, line, column, kind, message}`.
    pub fn render_json(&self) -> String {
        let list: Vec<JsonFinding<'_>> = self
            .findings
            .iter()
            .map(|f| JsonFinding {
                severity: match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                file: site::diag::display_path(&f.file),
                line: f.line,
                column: f.column,
                kind: f.kind.as_str(),
                message: &f.message,
            })
            .collect();
        serde_json::to_string_pretty(&list).unwrap_or_else(|_| String::from("[]"))
    }
}

/// Runs every check with the default settings (and the budget from `config.toml`).
pub fn run(opts: &Options) -> Report {
    run_with(opts, &Settings::default())
}

/// Runs every check with explicit settings.
pub fn run_with(opts: &Options, settings: &Settings) -> Report {
    let mut o = site::Options::new(&opts.root, opts.lang);
    o.memory = true;
    o.drafts = opts.drafts;
    let mut findings = Vec::new();
    let mut site_size = None;
    match site::build(&o, &|_| {}) {
        Err(site::Failed(diags)) => findings.extend(diags.into_iter().map(Finding::from_build)),
        Ok(built) => {
            findings.extend(built.warnings.iter().cloned().map(Finding::from_build));
            let today = settings
                .today
                .unwrap_or_else(|| chrono::Local::now().date_naive());
            let budget = budget_from_config(&built.config, settings.budget);
            let empty = BTreeMap::new();
            let files = built.memory.as_ref().unwrap_or(&empty);
            let map = site_map::SiteMap::new(&built, files);
            let lang = opts.lang;
            let measured = size::measure(files, built.config.check.max_site_mb);
            findings.extend(measured.finding(lang));
            site_size = Some(measured);
            let outcome = links::check(&map, lang);
            findings.extend(outcome.findings);
            if opts.external {
                findings.extend(links::check_external(
                    &map,
                    &outcome.external,
                    &settings.external,
                    &opts.root.join(".bangtin-cache").join("links.json"),
                    lang,
                ));
            }
            findings.extend(weight::check(&map, budget, lang));
            findings.extend(front::check(&built, &opts.root, today, lang));
        }
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.kind, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.kind, &b.message))
    });
    findings.dedup();
    Report {
        findings,
        size: site_size,
    }
}

/// `[extra.check] budget_kb / total_budget_kb` override the defaults.
fn budget_from_config(config: &site::Config, default: Budget) -> Budget {
    let table = config.extra.get("check").and_then(|v| v.as_table());
    let kb = |key: &str| {
        table
            .and_then(|t| t.get(key))
            .and_then(|v| v.as_integer())
            .filter(|&v| v > 0)
            .map(|v| v as u64 * 1024)
    };
    Budget {
        html_css_js: kb("budget_kb").unwrap_or(default.html_css_js),
        total: kb("total_budget_kb").unwrap_or(default.total),
    }
}

/// A path under the output folder, for outputs that have no source file (taxonomy pages...).
fn output_file(rel: &str) -> PathBuf {
    Path::new("public").join(rel)
}
