//! The report as Markdown: for reading in any editor, pasting into a message, or keeping in
//! version control beside the site.

use crate::model::{short_date, Report, QUOC_HIEU, TIEU_NGU};
use std::fmt::Write;

/// Escapes characters that Markdown would read as markup in a title.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '[' | ']' | '*' | '_' | '`' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Renders the whole report.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "**{}**  \n**{}**  \n{}\n",
        esc(&r.issuer),
        esc(&r.school),
        r.number
    );
    let _ = writeln!(
        o,
        "**{QUOC_HIEU}**  \n**{TIEU_NGU}**  \n*{}*\n",
        esc(&r.place_date)
    );
    let _ = writeln!(
        o,
        "# BÁO CÁO\n\n**{}**\n\n{}\n",
        esc(&r.subject),
        esc(&r.intro)
    );
    part_one(&mut o, r);
    let _ = writeln!(o, "## II. HẠN CHẾ, TỒN TẠI\n");
    notes(&mut o, r.notes.limitations.as_deref(), r);
    let _ = writeln!(o, "## {}\n", r.plans_heading);
    notes(&mut o, r.notes.plans.as_deref(), r);
    let _ = writeln!(o, "{}\n", esc(&r.closing));
    let _ = writeln!(o, "***Nơi nhận:***\n");
    for line in &r.recipients {
        let _ = writeln!(o, "- {}", esc(line));
    }
    let _ = writeln!(
        o,
        "\n**{}**\n\n\n\n**{}**",
        esc(&r.signer_title),
        esc(&r.signer)
    );
    o
}

fn part_one(o: &mut String, r: &Report) {
    let _ = writeln!(
        o,
        "## I. KẾT QUẢ THỰC HIỆN\n\n### 1. Tổng quan\n\n{}\n",
        esc(&r.summary())
    );
    let _ = writeln!(o, "### 2. Số bài theo chuyên mục\n");
    let _ = writeln!(
        o,
        "| Chuyên mục | Số bài | Số ảnh | Có bản tiếng Anh |\n|---|---:|---:|---:|"
    );
    for s in &r.sections {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            esc(&s.name),
            s.posts,
            s.photos,
            s.english
        );
    }
    let _ = writeln!(o, "\n### 3. Kết quả theo từng nhiệm vụ của kế hoạch\n");
    for t in &r.tasks {
        let _ = writeln!(o, "**Nhiệm vụ {}.** {}  ", t.task.stt, esc(&t.task.ten));
        let _ = writeln!(o, "{}\n", esc(&task_facts(t)));
        if t.posts.is_empty() {
            let _ = writeln!(o, "*Chưa có bài viết nào trong kỳ.*\n");
            continue;
        }
        let _ = writeln!(o, "Bài đã đăng ({}):\n", t.posts.len());
        for &k in &t.posts {
            let p = &r.posts[k];
            let _ = write!(
                o,
                "- [{}]({}) ({})",
                esc(&p.title),
                p.url,
                short_date(p.date)
            );
            if let Some(en) = &p.english {
                let _ = write!(o, "; bản tiếng Anh: <{en}>");
            }
            let _ = writeln!(o);
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "### 4. Nhiệm vụ chưa có bài viết trong kỳ\n");
    let mut any = false;
    for t in r.gaps() {
        any = true;
        let _ = writeln!(o, "- Nhiệm vụ {}: {}", t.task.stt, esc(&t.task.ten));
    }
    if !any {
        let _ = writeln!(o, "Không có: nhiệm vụ nào cũng có bài viết trong kỳ.");
    }
    let _ = writeln!(
        o,
        "\n### 5. Số liệu nhà trường tự tổng hợp (không do phần mềm đếm)\n"
    );
    if r.extra.is_empty() {
        let _ = writeln!(o, "{}\n", EXTRA_NONE);
    }
    for (k, v) in &r.extra {
        let _ = writeln!(o, "- {}: {}", esc(k), esc(v));
    }
    if !r.extra.is_empty() {
        let _ = writeln!(o);
    }
}

/// Shown when the school typed no figures.
pub const EXTRA_NONE: &str =
    "(Chưa có. Nhà trường ghi các số liệu tự tổng hợp, ví dụ số buổi tuyên truyền, số người tham gia, vào config.toml, mục [report.extra].)";

/// "Chủ trì: ...; thời gian: ...; chuyên mục: ...", leaving out what the table leaves empty.
pub fn task_facts(t: &crate::model::TaskResult) -> String {
    let mut parts = Vec::new();
    if !t.task.chu_tri.is_empty() {
        parts.push(format!("Chủ trì: {}", t.task.chu_tri));
    }
    if !t.task.thoi_gian.is_empty() {
        parts.push(format!("thời gian: {}", t.task.thoi_gian));
    }
    parts.push(format!("chuyên mục: {}", t.section_name));
    let mut s = parts.join("; ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s + "."
}

/// The text a part shows when the school has not written it yet.
pub fn skeleton_hint(r: &Report) -> String {
    format!(
        "(Nhà trường viết phần này vào tệp {}, dưới tiêu đề tương ứng, rồi lập lại báo cáo.)",
        r.notes_file
    )
}

fn notes(o: &mut String, text: Option<&str>, r: &Report) {
    match text {
        Some(t) => {
            let _ = writeln!(o, "{t}\n");
        }
        None => {
            let _ = writeln!(
                o,
                "{}\n\n- ......................................................\n",
                esc(&skeleton_hint(r))
            );
        }
    }
}
