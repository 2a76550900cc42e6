//! The school's own text for Part II (limitations) and Part III (plans), from a Markdown file
//! such as `bao-cao/2024-H1.md` with one `##` heading per part.

use i18n::{tr, Lang};
use site::Diagnostic;
use std::path::Path;

/// Parts II and III as the school wrote them (`None`: not written, an empty skeleton is shown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// Part II, limitations.
    pub limitations: Option<String>,
    /// Part III, plans for the next period.
    pub plans: Option<String>,
    /// Whether the file exists.
    pub found: bool,
}

/// A skeleton for the school to copy into the notes file.
pub const SKELETON: &str =
    "## II. Hạn chế, tồn tại\n\n- \n\n## III. Phương hướng, nhiệm vụ kỳ tới\n\n- \n";

/// Reads the notes file `rel` (relative to the site folder); a missing file is no error.
pub fn load(root: &Path, rel: &str, lang: Lang) -> Result<Notes, Diagnostic> {
    let text = match std::fs::read_to_string(root.join(rel)) {
        Ok(t) => vi::nfc_owned(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Notes::default()),
        Err(e) => {
            return Err(Diagnostic::error(
                rel,
                0,
                0,
                tr!(
                    lang,
                    "không đọc được tệp ({e})",
                    "cannot read the file ({e})"
                ),
            ))
        }
    };
    parse(&text).map_err(|line| {
        Diagnostic::error(
            rel,
            line,
            1,
            tr!(
                lang,
                "không nhận ra phần này: mỗi phần bắt đầu bằng một dòng tiêu đề “## II. Hạn chế, tồn tại” hoặc “## III. Phương hướng, nhiệm vụ kỳ tới”",
                "this part is not recognised: each part starts with a heading line “## II. Hạn chế, tồn tại” (limitations) or “## III. Phương hướng, nhiệm vụ kỳ tới” (plans)"
            ),
        )
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Limitations,
    Plans,
}

fn part_of(heading: &str) -> Option<Part> {
    let h = vi::lower(heading.trim_start_matches('#').trim());
    if h.starts_with("iii")
        || ["phương hướng", "kế hoạch", "nhiệm vụ", "plan"]
            .iter()
            .any(|k| h.contains(k))
    {
        Some(Part::Plans)
    } else if h.starts_with("ii")
        || ["hạn chế", "tồn tại", "limitation"]
            .iter()
            .any(|k| h.contains(k))
    {
        Some(Part::Limitations)
    } else {
        None
    }
}

/// Splits the text at its `#`/`##` headings; `Err(line)` names the first unknown heading (or
/// text before any heading).
pub fn parse(text: &str) -> Result<Notes, usize> {
    let mut notes = Notes {
        found: true,
        ..Notes::default()
    };
    let mut current: Option<(Part, Vec<&str>)> = None;
    let flush = |cur: Option<(Part, Vec<&str>)>, notes: &mut Notes| {
        if let Some((part, lines)) = cur {
            let body = lines.join("\n").trim().to_string();
            let slot = match part {
                Part::Limitations => &mut notes.limitations,
                Part::Plans => &mut notes.plans,
            };
            *slot = Some(body).filter(|b| !b.is_empty());
        }
    };
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            let part = part_of(line).ok_or(i + 1)?;
            flush(current.take(), &mut notes);
            current = Some((part, Vec::new()));
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
        } else if !line.trim().is_empty() {
            return Err(i + 1);
        }
    }
    flush(current, &mut notes);
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_parts() {
        let n =
            parse("## II. Hạn chế\n\n- Ít bài tiếng Anh.\n\n## III. Phương hướng\n- Thêm ảnh.\n")
                .unwrap();
        assert_eq!(n.limitations.as_deref(), Some("- Ít bài tiếng Anh."));
        assert_eq!(n.plans.as_deref(), Some("- Thêm ảnh."));
        assert_eq!(parse(SKELETON).unwrap().limitations.as_deref(), Some("-"));
    }

    #[test]
    fn unknown_heading_names_its_line() {
        assert_eq!(parse("## II. Hạn chế\nx\n## Ghi chú\n"), Err(3));
        assert_eq!(parse("văn bản\n## II\n"), Err(1));
    }
}
