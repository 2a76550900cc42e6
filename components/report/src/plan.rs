//! The plan's task table (`data/ke-hoach-<year>.toml`): which tasks there are and which posts
//! serve each of them.
//!
//! A post serves a task when it sits in the task's section (`chuyen_muc`), or when one of its
//! `chuyen_de` topics is the name of that section or is listed in the task's own `chuyen_de`.
//! The school edits the table, not the program, to change the mapping.

use i18n::{tr, Lang};
use serde::Deserialize;
use site::diag::line_col;
use site::Diagnostic;
use std::collections::BTreeMap;
use std::path::Path;

/// One row of the task table.
#[derive(Debug, Clone, Deserialize)]
pub struct Task {
    /// Number in the plan.
    pub stt: u32,
    /// What is to be done.
    pub ten: String,
    /// Lead unit.
    #[serde(default)]
    pub chu_tri: String,
    /// Partner units.
    #[serde(default)]
    pub phoi_hop: String,
    /// When.
    #[serde(default)]
    pub thoi_gian: String,
    /// Section folder the task is served by (`chung`: the plan's general part).
    #[serde(default)]
    pub chuyen_muc: String,
    /// Extra `chuyen_de` topics whose posts serve the task.
    #[serde(default)]
    pub chuyen_de: Vec<String>,
}

/// Names of a section in each language.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Names {
    /// Vietnamese.
    #[serde(default)]
    pub vi: String,
    /// English.
    #[serde(default)]
    pub en: String,
}

/// The whole table file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Plan {
    /// The tasks, in the plan's order.
    #[serde(default)]
    pub nhiem_vu: Vec<Task>,
    /// Section names by folder.
    #[serde(default)]
    pub chuyen_muc: BTreeMap<String, Names>,
}

impl Plan {
    /// Reads the table at `rel` (relative to the site folder).
    pub fn load(root: &Path, rel: &str, lang: Lang) -> Result<Plan, Diagnostic> {
        let text = std::fs::read_to_string(root.join(rel)).map_err(|e| {
            Diagnostic::error(
                rel,
                0,
                0,
                tr!(
                    lang,
                    "không đọc được bảng nhiệm vụ của kế hoạch ({e}). Đặt bảng ở {rel}, hoặc ghi đường dẫn của nó vào config.toml: [report] plan = \"data/ten-tep.toml\"",
                    "cannot read the plan's task table ({e}). Put it at {rel}, or give its path in config.toml: [report] plan = \"data/file.toml\""
                ),
            )
        })?;
        let text = vi::nfc_owned(text);
        let plan: Plan = toml::from_str(&text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((0, 0));
            Diagnostic::error(
                rel,
                line,
                col,
                tr!(
                    lang,
                    "bảng nhiệm vụ không hợp lệ: {}",
                    "the task table is not valid: {}",
                    e.message().trim()
                ),
            )
        })?;
        if plan.nhiem_vu.is_empty() {
            return Err(Diagnostic::error(
                rel,
                0,
                0,
                tr!(
                    lang,
                    "bảng nhiệm vụ chưa có nhiệm vụ nào: thêm các mục [[nhiem_vu]] (stt, ten, chuyen_muc)",
                    "the task table has no task: add [[nhiem_vu]] entries (stt, ten, chuyen_muc)"
                ),
            ));
        }
        Ok(plan)
    }

    /// Whether a post in section `dir` with topics `topics` serves `task`.
    pub fn serves(&self, task: &Task, dir: &str, topics: &[String]) -> bool {
        if !task.chuyen_muc.is_empty() && task.chuyen_muc == dir {
            return true;
        }
        let names = self.chuyen_muc.get(&task.chuyen_muc);
        topics.iter().any(|t| {
            let t = vi::slugify(t);
            let same = |n: &str| !n.is_empty() && vi::slugify(n) == t;
            task.chuyen_de.iter().any(|c| same(c))
                || names.is_some_and(|n| same(&n.vi) || same(&n.en))
        })
    }

    /// Whether some task is served by the section `dir`.
    pub fn has_section(&self, dir: &str) -> bool {
        self.nhiem_vu.iter().any(|t| t.chuyen_muc == dir)
    }

    /// The section's name in the plan, if it gives one.
    pub fn section_name(&self, dir: &str, lang: Lang) -> Option<&str> {
        let n = self.chuyen_muc.get(dir)?;
        let name = match lang {
            Lang::Vi => &n.vi,
            Lang::En => &n.en,
        };
        Some(name.as_str()).filter(|s| !s.is_empty())
    }
}
