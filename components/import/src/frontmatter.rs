//! The page's front matter, in the project's format (TOML between `+++`, as `bangtin new`
//! writes it), commented for teachers.

use crate::admin::Admin;
use chrono::NaiveDate;

/// What goes into the front matter.
pub struct Front<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub date: NaiveDate,
    pub draft: bool,
    pub source: &'a str,
    pub admin: Option<&'a Admin>,
    /// The first picture with alt text, for sharing.
    pub image: Option<(&'a str, &'a str)>,
}

/// A TOML basic string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Renders the front matter block, ending with the closing `+++` and a blank line.
pub fn render(f: &Front) -> String {
    let mut s = String::from("+++\n");
    s.push_str(&format!("title = {}\n", q(f.title)));
    s.push_str("# Một câu tóm tắt, hiện khi chia sẻ lên Zalo/Facebook (A one-sentence summary for sharing):\n");
    s.push_str(&format!("description = {}\n", q(f.description)));
    s.push_str(&format!("date = {}\n", f.date.format("%Y-%m-%d")));
    if f.admin.is_some() {
        s.push_str("template = \"van-ban.html\"\n");
    }
    if f.draft {
        s.push_str("# Bỏ dòng dưới (hoặc đặt false) khi bài đã sẵn sàng đăng (remove when ready to publish):\n");
        s.push_str("draft = true\n");
    }
    s.push_str("\n[extra]\n");
    s.push_str(&format!(
        "# Nhập từ tệp Word {} (imported from a Word file).\n",
        q(f.source)
    ));
    if let Some((file, alt)) = f.image {
        s.push_str(&format!("image = {}\nimage_alt = {}\n", q(file), q(alt)));
    }
    if let Some(a) = f.admin {
        s.push_str("# Phần đầu văn bản (thể thức theo Nghị định 30/2020/NĐ-CP).\n");
        for (k, v) in [
            ("co_quan_chu_quan", &a.co_quan_chu_quan),
            ("co_quan", &a.co_quan),
            ("so_ky_hieu", &a.so_ky_hieu),
            ("quoc_hieu", &a.quoc_hieu),
            ("tieu_ngu", &a.tieu_ngu),
            ("dia_danh_ngay", &a.dia_danh_ngay),
            ("loai_van_ban", &a.loai_van_ban),
            ("trich_yeu", &a.trich_yeu),
        ] {
            if !v.is_empty() {
                s.push_str(&format!("{k} = {}\n", q(v)));
            }
        }
        if !a.nguoi_ky.is_empty() {
            s.push_str("# Phần cuối văn bản.\n");
            let list: Vec<String> = a.noi_nhan.iter().map(|r| q(r)).collect();
            s.push_str(&format!("noi_nhan = [{}]\n", list.join(", ")));
            s.push_str(&format!("chuc_vu = {}\n", q(&a.chuc_vu)));
            s.push_str(&format!("nguoi_ky = {}\n", q(&a.nguoi_ky)));
        }
    }
    s.push_str("+++\n\n");
    s
}
