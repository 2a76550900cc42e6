//! `[report]` in `config.toml`: who issues the report, to whom, its number, place and signer,
//! the reporting calendar, and the figures the school types in itself.
//!
//! The site's own config parser keeps `[report]` as a plain table; this module reads it again
//! from the file text so an error names the line and column of the wrong value.

use crate::period::{Calendar, MonthDay};
use i18n::{tr, Lang};
use serde::Deserialize;
use site::config::key_position;
use site::diag::line_col;
use site::Diagnostic;

/// `[report]` as written; every key may be left out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Written {
    /// Governing body, top left (capitals).
    pub issuer: Option<String>,
    /// The school, under the governing body (capitals).
    pub school: Option<String>,
    /// Short name in the document symbol: "BC-THBA".
    pub short_name: Option<String>,
    /// The number given by the clerk ("" leaves room to write it by hand).
    pub number: Option<String>,
    /// Place name before the date.
    pub place: Option<String>,
    /// The opening sentence's basis, e.g. "Thực hiện Kế hoạch số 31/KH-THBA ngày 16/01/2024 ...".
    pub basis: Option<String>,
    /// Signer's position, e.g. "HIỆU TRƯỞNG".
    pub signer_title: Option<String>,
    /// Signer's name.
    pub signer: Option<String>,
    /// Recipients ("Nơi nhận"), one per line.
    pub recipients: Option<Vec<String>>,
    /// The plan's task table, relative to the site folder; `{year}` is the period's year.
    pub plan: Option<String>,
    /// The school's text for Parts II and III; `{period}` is the period (2024-H1, 2024).
    pub notes: Option<String>,
    /// First day of the reporting year, "01-01".
    pub year_start: Option<String>,
    /// The 6-monthly report is due before this day, "06-10".
    pub half_deadline: Option<String>,
    /// The yearly report is due before this day, "11-10".
    pub year_deadline: Option<String>,
    /// Figures the school counted itself: `label = value`, or a table per period id.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    report: Written,
    #[serde(default)]
    extra: toml::Table,
}

/// `[report]` with every default filled in.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Governing body (capitals).
    pub issuer: String,
    /// The school (capitals).
    pub school: String,
    /// Short name for the symbol.
    pub short_name: String,
    /// Number, may be empty.
    pub number: String,
    /// Place name.
    pub place: String,
    /// What the report is made under (may be empty).
    pub basis: String,
    /// Signer's position.
    pub signer_title: String,
    /// Signer's name.
    pub signer: String,
    /// Recipients.
    pub recipients: Vec<String>,
    /// Plan file pattern.
    pub plan: String,
    /// Notes file pattern.
    pub notes: String,
    /// Reporting calendar.
    pub calendar: Calendar,
    /// School-typed figures.
    pub extra: toml::Table,
    /// School name as written in `[extra]` (not in capitals), for sentences.
    pub school_name: String,
}

/// Reads `[report]` (and the school's identity in `[extra]`) from the text of `config.toml`.
pub fn parse(text: &str, lang: Lang) -> Result<Settings, Diagnostic> {
    let file: File = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        Diagnostic::error(
            "config.toml",
            line,
            col,
            tr!(
                lang,
                "mục [report] không hợp lệ: {}. Xem mẫu trong README, phần “Báo cáo định kỳ”.",
                "[report] is not valid: {}. See the example in the README, “Periodic report”.",
                e.message().trim()
            ),
        )
    })?;
    let w = file.report;
    let extra = |k: &str| {
        file.extra
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let school_name = extra("school_name").unwrap_or_else(|| "(cập nhật tên trường)".into());
    let calendar = Calendar {
        start: month_day(text, "year_start", w.year_start.as_deref(), "01-01", lang)?,
        half_deadline: month_day(
            text,
            "half_deadline",
            w.half_deadline.as_deref(),
            "06-10",
            lang,
        )?,
        year_deadline: month_day(
            text,
            "year_deadline",
            w.year_deadline.as_deref(),
            "11-10",
            lang,
        )?,
    };
    let reports_to = extra("reports_to").unwrap_or_else(|| "(cơ quan nhận báo cáo)".into());
    Ok(Settings {
        issuer: vi::nfc_owned(w.issuer.unwrap_or_else(|| {
            extra("parent_agency")
                .map(|a| upper(&a))
                .unwrap_or_else(|| "(CƠ QUAN CHỦ QUẢN)".into())
        })),
        school: vi::nfc_owned(w.school.unwrap_or_else(|| upper(&school_name))),
        short_name: w.short_name.unwrap_or_else(|| "(ký hiệu)".into()),
        number: w.number.unwrap_or_default(),
        place: w.place.unwrap_or_else(|| "(cập nhật địa danh)".into()),
        basis: vi::nfc_owned(w.basis.unwrap_or_default()),
        signer_title: w.signer_title.unwrap_or_else(|| "HIỆU TRƯỞNG".into()),
        signer: w
            .signer
            .or_else(|| extra("principal"))
            .unwrap_or_else(|| "(họ tên người ký)".into()),
        recipients: w
            .recipients
            .unwrap_or_else(|| vec![format!("{reports_to} (để báo cáo);"), "Lưu: VT.".into()]),
        plan: w.plan.unwrap_or_else(|| "data/ke-hoach-{year}.toml".into()),
        notes: w.notes.unwrap_or_else(|| "bao-cao/{period}.md".into()),
        calendar,
        extra: w.extra,
        school_name,
    })
}

/// Vietnamese capitals, NFC (the school writes names in mixed case in `[extra]`).
fn upper(s: &str) -> String {
    vi::nfc_owned(s.to_uppercase())
}

fn month_day(
    text: &str,
    key: &str,
    value: Option<&str>,
    default: &str,
    lang: Lang,
) -> Result<MonthDay, Diagnostic> {
    let v = value.unwrap_or(default);
    MonthDay::parse(v).ok_or_else(|| {
        let (line, col) = key_position(text, &["report", key]);
        Diagnostic::error(
            "config.toml",
            line,
            col,
            tr!(
                lang,
                "[report] {key} = \"{v}\" không phải một ngày trong năm; viết tháng-ngày như \"{default}\"",
                "[report] {key} = \"{v}\" is not a day of the year; write month-day like \"{default}\""
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_extra() {
        let s = parse(
            "title = \"x\"\n[extra]\nschool_name = \"Trường Tiểu học Bình An\"\nprincipal = \"(cập nhật)\"\n",
            Lang::Vi,
        )
        .unwrap();
        assert_eq!(s.school, "TRƯỜNG TIỂU HỌC BÌNH AN");
        assert_eq!(s.signer, "(cập nhật)");
        assert_eq!(s.calendar, Calendar::default());
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse(
            "[report]\nsigner = \"A\"\nhalf_deadline = \"31/6\"\n",
            Lang::En,
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        assert!(e.message.contains("month-day"), "{}", e.message);
        // The key of [report], not the same word earlier in the file.
        let e = parse(
            "# year_deadline = \"11-10\" is the default\n[report]\n  year_deadline = \"sau Tết\"\n",
            Lang::En,
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (3, 3), "{e:?}");
        let e = parse("[report]\nsinger = \"A\"\n", Lang::Vi).unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
    }
}
