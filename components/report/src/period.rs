//! Reporting periods: `2024-H1`, `2024`, `2024-01-01..2024-06-09`, and which one is due next.
//!
//! The plan asks for a report every 6 months (before 10 June) and every year (before
//! 10 November). A period runs from the start of the reporting year to the day before its
//! deadline, so a post of 9 June counts for the first half and one of 10 June does not.

use chrono::{Datelike, NaiveDate};
use i18n::{tr, Lang};

/// A day of the year as `[report]` writes it: month and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
}

impl MonthDay {
    /// Parses `"06-10"` or `"10/6"` (day first, as Vietnamese write it).
    pub fn parse(s: &str) -> Option<MonthDay> {
        let s = s.trim();
        let (month, day) = if let Some((m, d)) = s.split_once('-') {
            (m.parse().ok()?, d.parse().ok()?)
        } else {
            let (d, m) = s.split_once('/')?;
            (m.parse().ok()?, d.parse().ok()?)
        };
        // 2024 is a leap year: 29 February is accepted, and moved to 28 in other years.
        NaiveDate::from_ymd_opt(2024, month, day)?;
        Some(MonthDay { month, day })
    }

    /// This day in `year` (29 February becomes 28 in a common year).
    pub fn in_year(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, self.day - 1))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// When the reporting year starts and when each report is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// First day counted (default 1 January).
    pub start: MonthDay,
    /// The 6-monthly report is due before this day (default 10 June).
    pub half_deadline: MonthDay,
    /// The yearly report is due before this day (default 10 November).
    pub year_deadline: MonthDay,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            start: MonthDay { month: 1, day: 1 },
            half_deadline: MonthDay { month: 6, day: 10 },
            year_deadline: MonthDay { month: 11, day: 10 },
        }
    }
}

/// What a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The first 6 months of a year (`2024-H1`).
    Half(i32),
    /// A whole year (`2024`).
    Year(i32),
    /// Any range of days written by hand.
    Range,
}

/// A reporting period: days `start..=end`, both counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// What kind of report.
    pub kind: Kind,
    /// First day counted.
    pub start: NaiveDate,
    /// Last day counted.
    pub end: NaiveDate,
    /// The report is due before this day (none for a range).
    pub deadline: Option<NaiveDate>,
}

impl Period {
    /// The first-half report of `year`.
    pub fn half(year: i32, cal: &Calendar) -> Period {
        let deadline = cal.half_deadline.in_year(year);
        Period {
            kind: Kind::Half(year),
            start: cal.start.in_year(year),
            end: deadline.pred_opt().unwrap_or(deadline),
            deadline: Some(deadline),
        }
    }

    /// The yearly report of `year`.
    pub fn year(year: i32, cal: &Calendar) -> Period {
        let deadline = cal.year_deadline.in_year(year);
        Period {
            kind: Kind::Year(year),
            start: cal.start.in_year(year),
            end: deadline.pred_opt().unwrap_or(deadline),
            deadline: Some(deadline),
        }
    }

    /// Parses `2024-H1` (or `2024-h1`), `2024` or `2024-01-01..2024-06-09`.
    pub fn parse(s: &str, cal: &Calendar, lang: Lang) -> Result<Period, String> {
        let s = s.trim();
        let bad = || {
            tr!(
                lang,
                "kỳ báo cáo \"{s}\" không hợp lệ: viết 2024-H1 (6 tháng đầu năm), 2024 (cả năm) hoặc 2024-01-01..2024-06-09 (từ ngày đến ngày)",
                "the period \"{s}\" is not valid: write 2024-H1 (first six months), 2024 (the year) or 2024-01-01..2024-06-09 (from a day to a day)"
            )
        };
        if let Some((a, b)) = s.split_once("..") {
            let start = vi::date::parse(a).ok_or_else(bad)?;
            let end = vi::date::parse(b).ok_or_else(bad)?;
            if end < start {
                return Err(tr!(
                    lang,
                    "kỳ báo cáo \"{s}\": ngày cuối đứng trước ngày đầu; viết ngày đầu trước, ví dụ 2024-01-01..2024-06-09",
                    "the period \"{s}\" ends before it starts; write the first day first, e.g. 2024-01-01..2024-06-09"
                ));
            }
            return Ok(Period {
                kind: Kind::Range,
                start,
                end,
                deadline: None,
            });
        }
        let upper = s.to_ascii_uppercase();
        if let Some(y) = upper.strip_suffix("-H1") {
            return parse_year(y).map(|y| Period::half(y, cal)).ok_or_else(bad);
        }
        parse_year(&upper)
            .map(|y| Period::year(y, cal))
            .ok_or_else(bad)
    }

    /// The report due next on `today`, then the one after it.
    pub fn due(today: NaiveDate, cal: &Calendar) -> [Period; 2] {
        let y = today.year();
        let mut upcoming = [
            Period::half(y, cal),
            Period::year(y, cal),
            Period::half(y + 1, cal),
            Period::year(y + 1, cal),
        ]
        .into_iter()
        .filter(|p| p.deadline.is_some_and(|d| d > today));
        let first = upcoming.next().unwrap_or_else(|| Period::half(y + 1, cal));
        let second = upcoming.next().unwrap_or_else(|| Period::year(y + 1, cal));
        [first, second]
    }

    /// Whether `d` is counted in this period.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// Short name for files and messages: `2024-H1`, `2024`, `2024-01-01..2024-06-09`.
    pub fn id(&self) -> String {
        match self.kind {
            Kind::Half(y) => format!("{y}-H1"),
            Kind::Year(y) => y.to_string(),
            Kind::Range => format!("{}..{}", self.start, self.end),
        }
    }

    /// How the title names the period: "6 tháng đầu năm 2024", "năm 2024", or the two days.
    pub fn title(&self, lang: Lang) -> String {
        match self.kind {
            Kind::Half(y) => tr!(lang, "6 tháng đầu năm {y}", "the first six months of {y}"),
            Kind::Year(y) => tr!(lang, "năm {y}", "the year {y}"),
            Kind::Range => tr!(
                lang,
                "từ {} đến {}",
                "from {} to {}",
                day_text(self.start, lang),
                day_text(self.end, lang)
            ),
        }
    }

    /// "từ ngày 01 tháng 01 năm 2024 đến ngày 09 tháng 6 năm 2024": the days counted.
    pub fn span(&self, lang: Lang) -> String {
        tr!(
            lang,
            "từ {} đến {}",
            "from {} to {}",
            day_text(self.start, lang),
            day_text(self.end, lang)
        )
    }

    /// The next period's name, for the heading of Part III.
    pub fn next_title(&self, cal: &Calendar, lang: Lang) -> String {
        match self.kind {
            Kind::Half(y) => tr!(lang, "6 tháng cuối năm {y}", "the second half of {y}"),
            Kind::Year(y) => Period::year(y + 1, cal).title(lang),
            Kind::Range => tr!(lang, "thời gian tới", "the coming period"),
        }
    }
}

/// A day in the decree's form ("ngày 05 tháng 7 năm 2024") or in English ("5 July 2024").
pub fn day_text(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => vi::date::long_vi(d),
        Lang::En => vi::date::long_en(d),
    }
}

fn parse_year(s: &str) -> Option<i32> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|y| (1900..=9999).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn half_ends_the_day_before_the_deadline() {
        let p = Period::parse("2024-H1", &Calendar::default(), Lang::Vi).unwrap();
        assert_eq!((p.start, p.end), (d(2024, 1, 1), d(2024, 6, 9)));
        assert!(p.contains(d(2024, 6, 9)));
        assert!(!p.contains(d(2024, 6, 10)));
        let y = Period::parse("2024", &Calendar::default(), Lang::Vi).unwrap();
        assert_eq!((y.start, y.end), (d(2024, 1, 1), d(2024, 11, 9)));
    }

    #[test]
    fn ranges_and_errors() {
        let cal = Calendar::default();
        let p = Period::parse("2024-03-01..2024-03-31", &cal, Lang::Vi).unwrap();
        assert_eq!(p.kind, Kind::Range);
        assert_eq!(p.id(), "2024-03-01..2024-03-31");
        assert!(Period::parse("2024-03-31..2024-03-01", &cal, Lang::Vi).is_err());
        let e = Period::parse("H1-2024", &cal, Lang::En).unwrap_err();
        assert!(e.contains("2024-H1"), "{e}");
        assert!(Period::parse("24", &cal, Lang::Vi).is_err());
    }

    #[test]
    fn due_moves_on_at_the_deadline() {
        let cal = Calendar::default();
        assert_eq!(Period::due(d(2024, 6, 9), &cal)[0].id(), "2024-H1");
        assert_eq!(Period::due(d(2024, 6, 10), &cal)[0].id(), "2024");
        let [a, b] = Period::due(d(2024, 11, 10), &cal);
        assert_eq!((a.id(), b.id()), ("2025-H1".into(), "2025".into()));
    }

    #[test]
    fn month_days() {
        assert_eq!(
            MonthDay::parse("10/6"),
            Some(MonthDay { month: 6, day: 10 })
        );
        assert_eq!(
            MonthDay::parse("06-10"),
            Some(MonthDay { month: 6, day: 10 })
        );
        assert_eq!(MonthDay::parse("31/2"), None);
        assert_eq!(MonthDay { month: 2, day: 29 }.in_year(2025), d(2025, 2, 28));
    }
}
