//! Front matter: split `+++` TOML or `---` YAML from the body, parse it strictly, keep positions.

use crate::diag::line_col;
use i18n::{tr, Lang};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Front matter fields of a page.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    /// Page title.
    pub title: Option<String>,
    /// Description for listings and sharing cards.
    pub description: Option<String>,
    /// Publication date.
    pub date: Option<toml::Value>,
    /// Last update.
    pub updated: Option<toml::Value>,
    /// Left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Last URL segment instead of the file name.
    pub slug: Option<String>,
    /// Whole URL path instead of section + slug.
    pub path: Option<String>,
    /// Position when the section sorts by weight.
    pub weight: Option<i64>,
    /// Template instead of `page.html`.
    pub template: Option<String>,
    /// Old URLs that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Who wrote it.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Terms per taxonomy, e.g. `tags = ["biển đảo"]`.
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    Date,
    /// Smallest weight first.
    Weight,
    /// Vietnamese alphabetical order.
    Title,
    /// File order.
    #[default]
    None,
}

/// Front matter fields of a section (`_index.md`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFront {
    /// Section title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Page order.
    #[serde(default)]
    pub sort_by: SortBy,
    /// Pages per listing page (0 = all on one).
    #[serde(default)]
    pub paginate_by: usize,
    /// Template instead of `section.html`.
    pub template: Option<String>,
    /// Template for the pages of this section.
    pub page_template: Option<String>,
    /// Pages belong to the parent section's listing.
    #[serde(default)]
    pub transparent: bool,
    /// Position among sibling sections.
    pub weight: Option<i64>,
    /// Write a feed of this section's pages.
    #[serde(default)]
    pub generate_feeds: bool,
    /// Whether the section itself gets a page (false: only its pages are rendered).
    #[serde(default = "yes")]
    pub render: bool,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn yes() -> bool {
    true
}

/// A front matter problem with its byte offset in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontError {
    /// Byte offset in the whole file.
    pub offset: usize,
    /// Line and column when the parser gave them directly (YAML).
    pub line_col: Option<(usize, usize)>,
    /// Plain-words message.
    pub message: String,
}

/// A file cut in two.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// TOML or YAML (`None` when the file has no front matter).
    pub format: Option<Format>,
    /// The front matter text.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Front matter syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `+++` lines.
    Toml,
    /// Between `---` lines.
    Yaml,
}

/// Cuts a file into front matter and body.
pub fn split(text: &str, lang: Lang) -> Result<Split<'_>, FrontError> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let (fence, format) = if rest.starts_with("+++") {
        ("+++", Format::Toml)
    } else if rest.starts_with("---") {
        ("---", Format::Yaml)
    } else {
        return Ok(Split {
            format: None,
            front: "",
            front_offset: bom,
            body: rest,
            body_offset: bom,
        });
    };
    let first_nl = match rest.find('\n') {
        Some(i) if rest[..i].trim_end() == fence => i + 1,
        _ => {
            return Err(FrontError {
                offset: bom,
                line_col: None,
                message: tr!(
                    lang,
                    "dòng mở đầu phần thông tin (front matter) phải chỉ có `{fence}`",
                    "the opening front matter line must hold only `{fence}`"
                ),
            })
        }
    };
    let mut pos = first_nl;
    while pos <= rest.len() {
        let end = rest[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(rest.len());
        if rest[pos..end].trim_end() == fence {
            let body_start = (end + 1).min(rest.len());
            return Ok(Split {
                format: Some(format),
                front: &rest[first_nl..pos],
                front_offset: bom + first_nl,
                body: &rest[body_start..],
                body_offset: bom + body_start,
            });
        }
        if end == rest.len() {
            break;
        }
        pos = end + 1;
    }
    Err(FrontError {
        offset: bom,
        line_col: None,
        message: tr!(
            lang,
            "phần thông tin đầu bài (front matter) mở bằng `{fence}` nhưng không có dòng `{fence}` đóng lại; thêm một dòng `{fence}` sau dòng thông tin cuối cùng",
            "the front matter opened with `{fence}` is never closed; add a `{fence}` line after its last line"
        ),
    })
}

/// Parses the front matter of a split file into `T`, strictly (unknown fields are errors).
pub fn parse<T: for<'de> Deserialize<'de> + Default>(
    split: &Split<'_>,
    lang: Lang,
) -> Result<T, FrontError> {
    match split.format {
        None => Ok(T::default()),
        Some(Format::Toml) => toml::from_str(split.front).map_err(|e| FrontError {
            offset: split.front_offset + e.span().map(|s| s.start).unwrap_or(0),
            line_col: None,
            message: explain(e.message(), lang),
        }),
        Some(Format::Yaml) => {
            if split.front.trim().is_empty() {
                return Ok(T::default());
            }
            serde_yaml_ng::from_str(split.front).map_err(|e| {
                let (l, c) = e
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((1, 1));
                FrontError {
                    offset: split.front_offset,
                    line_col: Some((l, c)),
                    message: explain(&e.to_string(), lang),
                }
            })
        }
    }
}

/// Turns a serde message into plain words, with a hint for the common cases.
fn explain(msg: &str, lang: Lang) -> String {
    let msg = msg.trim();
    if msg.starts_with("unknown field") {
        tr!(
            lang,
            "trường không được hỗ trợ: {msg}. Kiểm tra lỗi chính tả; giá trị tự do đặt dưới [extra]",
            "unsupported field: {msg}. Check the spelling; free-form values go under [extra]"
        )
    } else {
        tr!(
            lang,
            "thông tin đầu bài không hợp lệ: {msg}",
            "invalid front matter: {msg}"
        )
    }
}

/// Line and column of a front matter error in the whole file.
pub fn position(text: &str, split_front_offset: usize, err: &FrontError) -> (usize, usize) {
    match err.line_col {
        Some((l, c)) => {
            let (fl, _) = line_col(text, split_front_offset);
            (fl + l - 1, c)
        }
        None => line_col(text, err.offset),
    }
}

/// Reads a date field (TOML date/datetime or a string) as a calendar date.
pub fn date_of(v: &toml::Value) -> Option<chrono::NaiveDate> {
    match v {
        toml::Value::Datetime(d) => vi::date::parse(&d.to_string()),
        toml::Value::String(s) => vi::date::parse(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml_and_yaml() {
        let t = "+++\ntitle = \"A\"\n+++\nbody\n";
        let s = split(t, Lang::En).unwrap();
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(s.front, "title = \"A\"\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(&t[s.body_offset..], "body\n");
        let y = "---\ntitle: B\n---\nx";
        let s = split(y, Lang::En).unwrap();
        let p: PageFront = parse(&s, Lang::En).unwrap();
        assert_eq!(p.title.as_deref(), Some("B"));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(split("+++\ntitle = \"A\"\nbody", Lang::En).is_err());
    }

    #[test]
    fn unknown_field_names_the_line() {
        let t = "+++\ntitle = \"A\"\ntilte = \"B\"\n+++\n";
        let s = split(t, Lang::En).unwrap();
        let e = parse::<PageFront>(&s, Lang::En).unwrap_err();
        assert_eq!(position(t, s.front_offset, &e).0, 3);
        assert!(e.message.contains("tilte"));
        assert!(
            e.message.contains("title"),
            "lists known fields: {}",
            e.message
        );
    }

    #[test]
    fn yaml_error_position_is_in_file_lines() {
        let t = "---\ntitle: A\ndraft: maybe\n---\n";
        let s = split(t, Lang::En).unwrap();
        let e = parse::<PageFront>(&s, Lang::En).unwrap_err();
        assert_eq!(position(t, s.front_offset, &e).0, 3);
    }

    #[test]
    fn dates_from_toml_and_strings() {
        let v: toml::Table =
            toml::from_str("d = 2024-01-16\ns = \"2024-01-16T08:00:00+07:00\"").unwrap();
        let want = chrono::NaiveDate::from_ymd_opt(2024, 1, 16);
        assert_eq!(date_of(&v["d"]), want);
        assert_eq!(date_of(&v["s"]), want);
    }
}
