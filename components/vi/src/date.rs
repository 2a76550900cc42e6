//! Dates in Vietnamese administrative style (Nghị định 30/2020/NĐ-CP) and in English.
//!
//! The decree writes a leading zero only for days below 10 and for months 1 and 2, so that
//! "tháng 01" cannot be altered into "tháng 11" by hand: "ngày 05 tháng 7 năm 2023".

use chrono::{Datelike, Weekday};

/// Re-exported so callers need no direct chrono dependency.
pub use chrono::NaiveDate;

/// Vietnamese weekday names, Monday first.
const WEEKDAYS_VI: [&str; 7] = [
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ nhật",
];

/// English weekday names, Monday first.
const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// English month names, January first.
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Month as the decree writes it after "tháng": "01", "02", then "3" .. "12".
fn month_vi(m: u32) -> String {
    if m <= 2 {
        format!("{m:02}")
    } else {
        m.to_string()
    }
}

fn weekday_index(w: Weekday) -> usize {
    w.num_days_from_monday() as usize
}

/// "ngày 16 tháng 01 năm 2024", "ngày 05 tháng 7 năm 2023".
pub fn long_vi(d: NaiveDate) -> String {
    format!(
        "ngày {:02} tháng {} năm {}",
        d.day(),
        month_vi(d.month()),
        d.year()
    )
}

/// "Thứ Ba, 16/01/2024" (Chủ nhật for Sunday).
pub fn weekday_vi(d: NaiveDate) -> String {
    format!(
        "{}, {}",
        WEEKDAYS_VI[weekday_index(d.weekday())],
        short_vi(d)
    )
}

/// "16/01/2024".
pub fn short_vi(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// "16 January 2024".
pub fn long_en(d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS_EN[d.month0() as usize],
        d.year()
    )
}

/// "Tuesday, 16 January 2024".
pub fn weekday_en(d: NaiveDate) -> String {
    format!(
        "{}, {}",
        WEEKDAYS_EN[weekday_index(d.weekday())],
        long_en(d)
    )
}

/// `lang` "vi" or "en" (a region like "vi-VN" is fine), `style` "long", "weekday" or "short";
/// `None` for an unknown language or style.
pub fn format(d: NaiveDate, lang: &str, style: &str) -> Option<String> {
    let primary = lang.split(['-', '_']).next().unwrap_or_default();
    let vi = if primary.eq_ignore_ascii_case("vi") {
        true
    } else if primary.eq_ignore_ascii_case("en") {
        false
    } else {
        return None;
    };
    Some(match (style, vi) {
        ("long", true) => long_vi(d),
        ("long", false) => long_en(d),
        ("weekday", true) => weekday_vi(d),
        ("weekday", false) => weekday_en(d),
        // Short dates are day first in both languages: the readers are in Vietnam.
        ("short", _) => short_vi(d),
        _ => return None,
    })
}

/// The date part of "2024-01-16", "2024-01-16T08:00:00", "2024-01-16T08:00:00+07:00",
/// "2024-01-16 08:00" (the date as written, no time-zone shift), or of "16/01/2024".
pub fn parse(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(date) = s.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-')) {
        let rest = &s[10..];
        if !rest.is_empty() && !valid_time_suffix(rest) {
            return None;
        }
        return NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
    }
    // Day first, as Vietnamese write it by hand.
    let mut parts = s.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// "T08:00:00", " 08:00", "T08:00:00.5+07:00", "T08:00:00Z": a time after the date.
fn valid_time_suffix(rest: &str) -> bool {
    let mut chars = rest.chars();
    let sep_ok = matches!(chars.next(), Some('T' | 't' | ' '));
    let time = chars.as_str();
    sep_ok
        && time.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && time
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '+' | '-' | 'Z' | 'z' | ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn long_vi_follows_the_decree() {
        let table = [
            (d(2024, 1, 16), "ngày 16 tháng 01 năm 2024"),
            (d(2023, 7, 5), "ngày 05 tháng 7 năm 2023"),
            (d(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
            (d(2024, 3, 1), "ngày 01 tháng 3 năm 2024"),
            (d(2024, 10, 9), "ngày 09 tháng 10 năm 2024"),
            (d(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
            (d(2024, 11, 20), "ngày 20 tháng 11 năm 2024"),
        ];
        for (date, want) in table {
            assert_eq!(long_vi(date), want);
            assert_eq!(format(date, "vi", "long").as_deref(), Some(want));
        }
    }

    #[test]
    fn every_weekday() {
        // 15..21 January 2024 is Monday..Sunday.
        let table = [
            (15, "Thứ Hai, 15/01/2024", "Monday, 15 January 2024"),
            (16, "Thứ Ba, 16/01/2024", "Tuesday, 16 January 2024"),
            (17, "Thứ Tư, 17/01/2024", "Wednesday, 17 January 2024"),
            (18, "Thứ Năm, 18/01/2024", "Thursday, 18 January 2024"),
            (19, "Thứ Sáu, 19/01/2024", "Friday, 19 January 2024"),
            (20, "Thứ Bảy, 20/01/2024", "Saturday, 20 January 2024"),
            (21, "Chủ nhật, 21/01/2024", "Sunday, 21 January 2024"),
        ];
        for (day, vi, en) in table {
            let date = d(2024, 1, day);
            assert_eq!(weekday_vi(date), vi);
            assert_eq!(weekday_en(date), en);
            assert_eq!(format(date, "vi", "weekday").as_deref(), Some(vi));
            assert_eq!(format(date, "en", "weekday").as_deref(), Some(en));
        }
    }

    #[test]
    fn numeric_part_is_always_two_digits() {
        let table = [
            (d(2024, 1, 16), "16/01/2024", "16 January 2024"),
            (d(2024, 2, 3), "03/02/2024", "3 February 2024"),
            (d(2024, 3, 8), "08/03/2024", "8 March 2024"),
            (d(2023, 7, 5), "05/07/2023", "5 July 2023"),
            (d(2024, 10, 20), "20/10/2024", "20 October 2024"),
            (d(2024, 12, 25), "25/12/2024", "25 December 2024"),
        ];
        for (date, short, en) in table {
            assert_eq!(short_vi(date), short);
            assert_eq!(long_en(date), en);
            assert_eq!(format(date, "vi", "short").as_deref(), Some(short));
            assert_eq!(format(date, "en", "short").as_deref(), Some(short));
            assert_eq!(format(date, "en", "long").as_deref(), Some(en));
        }
        assert_eq!(weekday_vi(d(2023, 7, 5)), "Thứ Tư, 05/07/2023");
    }

    #[test]
    fn format_rejects_unknown_style_and_language() {
        let date = d(2024, 1, 16);
        assert_eq!(format(date, "vi", "full"), None);
        assert_eq!(format(date, "en", ""), None);
        assert_eq!(format(date, "fr", "long"), None);
        assert_eq!(
            format(date, "vi-VN", "long").as_deref(),
            Some("ngày 16 tháng 01 năm 2024")
        );
        assert_eq!(
            format(date, "en-GB", "long").as_deref(),
            Some("16 January 2024")
        );
    }

    #[test]
    fn parse_accepts_dates_and_datetimes() {
        let want = Some(d(2024, 1, 16));
        for s in [
            "2024-01-16",
            "2024-01-16T08:00:00",
            "2024-01-16T08:00:00+07:00",
            "2024-01-16T23:30:00-05:00",
            "2024-01-16T08:00:00Z",
            "2024-01-16T08:00:00.123Z",
            "2024-01-16 08:00",
            "2024-01-16 08:00:00",
            "  2024-01-16  ",
            "16/01/2024",
        ] {
            assert_eq!(parse(s), want, "parse({s:?})");
        }
    }

    #[test]
    fn parse_rejects_garbage() {
        for s in [
            "",
            "2024",
            "2024-13-01",
            "2024-02-30",
            "2024-01-16x",
            "2024-01-16Tnoon",
            "16 tháng 01",
            "ngày 16 tháng 01 năm 2024",
            "32/01/2024",
            "16/01/24",
            "Thứ Ba",
            "đ0đ4-01-16",
        ] {
            assert_eq!(parse(s), None, "parse({s:?})");
        }
    }
}
