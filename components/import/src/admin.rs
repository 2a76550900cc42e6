//! Administrative documents laid out as Nghị định 30/2020/NĐ-CP asks: the issuing body and
//! "Số: 31/KH-THBA" on the left, the Quốc hiệu, Tiêu ngữ and "Bình An, ngày 16 tháng 01 năm
//! 2024" on the right (usually a borderless table), the kind of document ("KẾ HOẠCH") and its
//! subject, then at the end "Nơi nhận" and the signature. Recognised, these parts leave the
//! body and become the `[extra]` fields the site's `van-ban.html` template reads.

use crate::model::{Block, Kind, Para};
use chrono::NaiveDate;

/// The fields of an administrative document, named as van-ban.html reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admin {
    pub co_quan_chu_quan: String,
    pub co_quan: String,
    pub so_ky_hieu: String,
    pub quoc_hieu: String,
    pub tieu_ngu: String,
    pub dia_danh_ngay: String,
    pub date: Option<NaiveDate>,
    pub loai_van_ban: String,
    pub trich_yeu: String,
    pub noi_nhan: Vec<String>,
    pub chuc_vu: String,
    pub nguoi_ky: String,
}

impl Admin {
    /// The page title: "Kế hoạch triển khai ..." from "KẾ HOẠCH" and the subject.
    pub fn title(&self) -> String {
        let kind = sentence_case(&self.loai_van_ban);
        match (kind.is_empty(), self.trich_yeu.is_empty()) {
            (true, _) => self.trich_yeu.clone(),
            (false, true) => kind,
            (false, false) => format!("{kind} {}", lower_first(&self.trich_yeu)),
        }
    }

    /// A one-sentence description: kind, number, date and subject.
    pub fn description(&self) -> String {
        let mut s = sentence_case(&self.loai_van_ban);
        let number = self.so_ky_hieu.trim_start_matches(['S', 'ố', ':', ' ']);
        if !number.is_empty() {
            s.push_str(&format!(" số {number}"));
        }
        if let Some(d) = self.date {
            s.push_str(&d.format(" ngày %d/%m/%Y").to_string());
        }
        if !self.trich_yeu.is_empty() {
            s.push_str(&format!(": {}", lower_first(&self.trich_yeu)));
        }
        format!("{}.", s.trim())
    }
}

/// Plain lines of a block: a paragraph's lines (and tab-separated parts), a table's cells.
fn lines(b: &Block) -> Vec<String> {
    let mut out = Vec::new();
    match b {
        Block::Para(p) => {
            let mut ls = para_lines(p);
            // A list item's bullet is part of its line, as when typed.
            if let (Kind::Item { .. }, Some(first)) = (p.kind, ls.first_mut()) {
                first.insert_str(0, "- ");
            }
            out.extend(ls);
        }
        Block::Table(rows) => {
            for r in rows {
                for c in &r.cells {
                    for inner in &c.blocks {
                        out.extend(lines(inner));
                    }
                }
            }
        }
    }
    out
}

fn para_lines(p: &Para) -> Vec<String> {
    p.text()
        .split(['\n', '\t'])
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn folded(s: &str) -> String {
    vi::fold(s)
}

fn is_national(l: &str) -> bool {
    folded(l).contains("cong hoa xa hoi chu nghia viet nam")
}

fn is_motto(l: &str) -> bool {
    let f = folded(l);
    f.contains("doc lap") && f.contains("tu do") && f.contains("hanh phuc")
}

fn is_number(l: &str) -> bool {
    let f = folded(l);
    f.strip_prefix("so")
        .is_some_and(|r| r.trim_start().starts_with(':'))
}

/// A separator drawn with characters ("_______", "-----").
fn is_rule(l: &str) -> bool {
    l.chars()
        .all(|c| matches!(c, '_' | '-' | '—' | '–' | ' ' | '.' | '*'))
}

/// "Số:    31/KH -THBA" -> "Số: 31/KH-THBA".
fn tidy_number(l: &str) -> String {
    let (_, rest) = l.split_once(':').unwrap_or(("", l));
    let compact: String = rest
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" -", "-")
        .replace("- ", "-")
        .replace(" /", "/")
        .replace("/ ", "/");
    format!("Số: {}", compact.trim())
}

/// "Bình An, ngày  16  tháng 01  năm 2024" -> the date, and the line with single spaces.
pub fn place_date(l: &str) -> Option<(NaiveDate, String)> {
    let tidy = l.split_whitespace().collect::<Vec<_>>().join(" ");
    let f = folded(&tidy);
    let at = f.find("ngay ")?;
    let words: Vec<&str> = f[at..]
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let num = |key: &str| -> Option<u32> {
        let k = words.iter().position(|w| *w == key)?;
        words.get(k + 1)?.trim_end_matches(['.', ',']).parse().ok()
    };
    let (d, m, y) = (num("ngay")?, num("thang")?, num("nam")?);
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some((date, tidy))
}

/// Recognises an administrative document at the start and end of `blocks`, taking its
/// header and signature parts out of them.
pub fn recognise(blocks: &mut Vec<Block>) -> Option<Admin> {
    // The header is within the first blocks, and holds the Quốc hiệu.
    let window = blocks.len().min(8);
    let national_at = blocks[..window]
        .iter()
        .position(|b| lines(b).iter().any(|l| is_national(l)))?;
    let mut a = Admin::default();
    let mut header_end = national_at;
    let mut issuer = Vec::new();
    for (k, b) in blocks[..window].iter().enumerate() {
        let mut used = false;
        for l in lines(b) {
            if is_national(&l) {
                a.quoc_hieu = l.to_uppercase();
            } else if is_motto(&l) {
                a.tieu_ngu = l;
            } else if is_number(&l) {
                a.so_ky_hieu = tidy_number(&l);
            } else if let Some((date, line)) = place_date(&l).filter(|_| a.date.is_none()) {
                a.date = Some(date);
                a.dia_danh_ngay = line;
            } else if is_rule(&l) {
            } else if k <= national_at || matches!(b, Block::Table(_)) {
                issuer.push(l);
            } else {
                continue;
            }
            used = true;
        }
        if used {
            header_end = k;
        } else if k > national_at {
            break;
        }
    }
    blocks.drain(..=header_end);
    match issuer.len() {
        0 => {}
        1 => a.co_quan = issuer.remove(0),
        _ => {
            a.co_quan_chu_quan = issuer.remove(0);
            a.co_quan = issuer.join(" ");
        }
    }
    title_block(blocks, &mut a);
    signature(blocks, &mut a);
    Some(a)
}

/// "KẾ HOẠCH" then the subject lines, right after the header.
fn title_block(blocks: &mut Vec<Block>, a: &mut Admin) {
    let para = |b: &Block| match b {
        Block::Para(p) => Some(p.clone()),
        _ => None,
    };
    let Some(first) = blocks.first().and_then(para) else {
        return;
    };
    let t = first
        .text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let caps = t.chars().any(char::is_alphabetic) && t == t.to_uppercase();
    if !caps || t.split(' ').count() > 6 || matches!(first.kind, Kind::Item { .. }) {
        return;
    }
    a.loai_van_ban = t;
    let mut taken = 1;
    let mut subject: Vec<String> = Vec::new();
    for b in blocks.iter().skip(1).take(4) {
        let Some(p) = para(b) else { break };
        let line = p.text().split_whitespace().collect::<Vec<_>>().join(" ");
        if is_rule(&line) {
            taken += 1;
            continue;
        }
        let subject_like = (p.centered || matches!(p.kind, Kind::Title | Kind::Heading(_)))
            && line.chars().count() < 200;
        if !subject_like {
            break;
        }
        subject.push(line);
        taken += 1;
    }
    blocks.drain(..taken);
    // Word capitalises each new line; a subject broken over lines is one phrase.
    let mut s = String::new();
    for (k, line) in subject.iter().enumerate() {
        if k > 0 {
            s.push(' ');
            s.push_str(&continuation(line));
        } else {
            s.push_str(line);
        }
    }
    a.trich_yeu = s;
}

/// "Năm 2024" continuing a subject -> "năm 2024"; a name ("Bình An") stays.
fn continuation(line: &str) -> String {
    let mut words = line.split(' ');
    let first = words.next().unwrap_or("");
    let second = words.next();
    let title_case = first.chars().next().is_some_and(char::is_uppercase)
        && first.chars().skip(1).all(|c| !c.is_uppercase());
    let next_plain = second.is_none_or(|w| !w.chars().next().is_some_and(char::is_uppercase));
    if title_case && next_plain {
        lower_first(line)
    } else {
        line.to_string()
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if c.clone().next().is_some_and(|n| !n.is_uppercase()) => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}

fn sentence_case(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// "Nơi nhận:" with its list, then the signer's title and name, near the end; in a table
/// (recipients left, signer right) or in paragraphs.
fn signature(blocks: &mut Vec<Block>, a: &mut Admin) {
    let is_recipients = |l: &str| folded(l).starts_with("noi nhan");
    let Some(at) = blocks
        .iter()
        .rposition(|b| lines(b).iter().any(|l| is_recipients(l)))
    else {
        return;
    };
    let (mut recipients, mut title, mut name) = (Vec::new(), Vec::new(), None);
    let mut seen_head = false;
    'blocks: for (k, b) in blocks.iter().enumerate().skip(at).take(16) {
        for l in lines(b) {
            if !seen_head {
                if is_recipients(&l) {
                    seen_head = true;
                    // "Nơi nhận: - Như trên;" on one line.
                    let tail = l
                        .split_once(':')
                        .map(|(_, t)| bullet(t).1)
                        .unwrap_or_default();
                    if !tail.is_empty() {
                        recipients.push(tail);
                    }
                }
                continue;
            }
            let (is_bullet, item) = bullet(&l);
            let upper = l.chars().any(char::is_alphabetic) && l == l.to_uppercase();
            let aside = l.starts_with('(') && l.ends_with(')');
            if title.is_empty() && (is_bullet || (!upper && !aside)) {
                recipients.push(item);
            } else if upper && !is_bullet {
                title.push(l);
            } else if !title.is_empty() && is_name(&l) {
                name = Some((k, l));
                break 'blocks;
            }
        }
    }
    let Some((end, name)) = name else { return };
    a.noi_nhan = recipients;
    a.chuc_vu = title.join(" ");
    a.nguoi_ky = name;
    blocks.drain(at..=end);
}

/// A line without its bullet ("- Lưu: VT." -> "Lưu: VT."), and whether it had one.
fn bullet(l: &str) -> (bool, String) {
    let t = l.trim();
    let rest = t.trim_start_matches(['-', '+', '•', '–', '*']);
    (rest.len() != t.len(), rest.trim().to_string())
}

/// A person's name: two to six words, each a capital then small letters.
fn is_name(l: &str) -> bool {
    let words: Vec<&str> = l.split(' ').collect();
    (2..=6).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().skip(1).all(char::is_lowercase)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_and_date() {
        let (d, line) = place_date("Bình An, ngày  16  tháng 01  năm 2024").unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2024, 1, 16).unwrap());
        assert_eq!(line, "Bình An, ngày 16 tháng 01 năm 2024");
        assert!(place_date("ngày 31 tháng 02 năm 2024").is_none());
        assert!(place_date("Hôm nay trời đẹp").is_none());
    }

    #[test]
    fn header_lines() {
        assert_eq!(tidy_number("Số:    31/KH -THBA"), "Số: 31/KH-THBA");
        assert!(is_national("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        assert!(is_motto("Độc lập - Tự do - Hạnh phúc"));
        assert!(is_number("Số: 12/TB-THBA"));
        assert!(!is_number("Số học sinh: 12"));
        assert_eq!(continuation("Năm 2024"), "năm 2024");
        assert_eq!(continuation("Bình An"), "Bình An");
    }
}
