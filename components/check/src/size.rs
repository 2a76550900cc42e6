//! How much the site takes on the web host: its total size, the ten heaviest files, and the
//! `[check] max_site_mb` budget (shared hosts for schools are sold with 1-5 GB).

use crate::{Finding, Kind};
use i18n::{tr, Lang};

/// The published site's size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteSize {
    /// Bytes of every published file.
    pub total: u64,
    /// Number of published files.
    pub files: usize,
    /// The heaviest files (output path, bytes), heaviest first; at most ten.
    pub heaviest: Vec<(String, u64)>,
    /// The budget in bytes.
    pub budget: u64,
}

/// Measures the built files (bangtin's own marker and manifest are not published).
pub fn measure(files: &site::write::sink::Files, budget_mb: u64) -> SiteSize {
    let mut all: Vec<(String, u64)> = files
        .iter()
        .filter(|(rel, _)| !rel.starts_with(".bangtin"))
        .map(|(rel, bytes)| (rel.clone(), bytes.len() as u64))
        .collect();
    let total = all.iter().map(|(_, n)| n).sum();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let files = all.len();
    all.truncate(10);
    SiteSize {
        total,
        files,
        heaviest: all,
        budget: budget_mb * 1_000_000,
    }
}

/// "12,4 MB" / "12.4 MB".
fn mb(bytes: u64, lang: Lang) -> String {
    let text = format!("{:.1} MB", bytes as f64 / 1_000_000.0);
    match lang {
        Lang::Vi => text.replace('.', ","),
        _ => text,
    }
}

impl SiteSize {
    /// A warning when the site is over its budget.
    pub fn finding(&self, lang: Lang) -> Option<Finding> {
        if self.total <= self.budget {
            return None;
        }
        let (total, budget) = (mb(self.total, lang), mb(self.budget, lang));
        Some(Finding::warning(
            Kind::SiteSize,
            "config.toml",
            (0, 0),
            tr!(
                lang,
                "trang web nặng {total}, quá giới hạn {budget} ([check] max_site_mb): xem các tệp nặng nhất bên dưới; đưa video lên YouTube, bỏ ảnh trùng, hoặc tăng giới hạn nếu gói hosting đủ chỗ",
                "the site weighs {total}, over its budget of {budget} ([check] max_site_mb): see the heaviest files below; put videos on YouTube, remove duplicate photos, or raise the budget if the hosting plan has room"
            ),
        ))
    }

    /// The size block of the text report.
    pub fn render(&self, lang: Lang) -> String {
        let (total, budget, n) = (mb(self.total, lang), mb(self.budget, lang), self.files);
        let mut out = tr!(
            lang,
            "Dung lượng trang web: {total} ({n} tệp; giới hạn {budget}). Các tệp nặng nhất:\n",
            "Site size: {total} ({n} files; budget {budget}). Heaviest files:\n"
        );
        for (rel, bytes) in &self.heaviest {
            out.push_str(&format!("  {:>9}  {rel}\n", mb(*bytes, lang)));
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_heaviest_and_budget() {
        let mut files = std::collections::BTreeMap::new();
        for i in 0..12u8 {
            files.insert(
                format!("f{i:02}.jpg"),
                site::util::Bytes::from(vec![0u8; 100_000 * (usize::from(i) + 1)]),
            );
        }
        files.insert(
            ".bangtin-build".into(),
            site::util::Bytes::from(vec![0u8; 50_000_000]),
        );
        let s = measure(&files, 7);
        assert_eq!(s.files, 12);
        assert_eq!(s.total, 7_800_000);
        assert_eq!(s.heaviest.len(), 10);
        assert_eq!(s.heaviest[0], ("f11.jpg".to_string(), 1_200_000));
        assert!(s.finding(Lang::En).unwrap().message.contains("7.8 MB"));
        assert!(measure(&files, 8).finding(Lang::En).is_none());
        assert!(s.render(Lang::Vi).contains("Dung lượng trang web: 7,8 MB"));
    }
}
