//! The report itself, written once and rendered by every writer: the header of Nghị định
//! 30/2020, Part I counted from the site, Parts II and III from the school, and the footer.

use crate::collect::{Evidence, Post};
use crate::notes::Notes;
use crate::period::{day_text, Kind, Period};
use crate::plan::{Plan, Task};
use crate::settings::Settings;
use chrono::{Datelike, NaiveDate};
use i18n::Lang;

/// The national name, top right.
pub const QUOC_HIEU: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// The motto under it.
pub const TIEU_NGU: &str = "Độc lập - Tự do - Hạnh phúc";

/// One task of the plan and the posts of the period that serve it.
#[derive(Debug, Clone)]
pub struct TaskResult {
    /// The row of the task table.
    pub task: Task,
    /// Name of the section the task is served by.
    pub section_name: String,
    /// Indexes into [`Report::posts`].
    pub posts: Vec<usize>,
}

/// Counts for one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRow {
    /// Folder under `content/`.
    pub dir: String,
    /// Its title.
    pub name: String,
    /// Posts in the period.
    pub posts: usize,
    /// Photos those posts publish.
    pub photos: usize,
    /// Those of them with an English version.
    pub english: usize,
}

/// The report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The period reported on.
    pub period: Period,
    /// Date written on the report.
    pub date: NaiveDate,
    /// Governing body (capitals).
    pub issuer: String,
    /// The school (capitals).
    pub school: String,
    /// "Số:      /BC-THBA".
    pub number: String,
    /// "Bình An, ngày 05 tháng 7 năm 2024".
    pub place_date: String,
    /// "Kết quả thực hiện hoạt động thông tin đối ngoại 6 tháng đầu năm 2024".
    pub subject: String,
    /// Opening paragraph.
    pub intro: String,
    /// The site's address.
    pub site_url: String,
    /// Posts of the period that the report counts, oldest first.
    pub posts: Vec<Post>,
    /// Results per task, in the plan's order.
    pub tasks: Vec<TaskResult>,
    /// Counts per section; the last row is the total.
    pub sections: Vec<SectionRow>,
    /// Figures typed by the school: label, value.
    pub extra: Vec<(String, String)>,
    /// Parts II and III.
    pub notes: Notes,
    /// The notes file (relative to the site folder), named in the skeleton.
    pub notes_file: String,
    /// Heading of Part III.
    pub plans_heading: String,
    /// Closing sentence.
    pub closing: String,
    /// "Nơi nhận".
    pub recipients: Vec<String>,
    /// Signer's position.
    pub signer_title: String,
    /// Signer's name.
    pub signer: String,
}

/// Everything the report is made of.
pub struct Inputs<'a> {
    /// The period.
    pub period: Period,
    /// Today.
    pub today: NaiveDate,
    /// `[report]`.
    pub settings: &'a Settings,
    /// The task table.
    pub plan: &'a Plan,
    /// The site's posts.
    pub evidence: &'a Evidence,
    /// Parts II and III.
    pub notes: Notes,
    /// Path of the notes file.
    pub notes_file: String,
}

/// Puts the report together.
pub fn make(i: Inputs<'_>) -> Report {
    let (s, plan, ev, period) = (i.settings, i.plan, i.evidence, i.period);
    let relevant = |p: &Post| {
        ev.theme_sections.contains(&p.section)
            || plan.has_section(&p.section)
            || plan
                .nhiem_vu
                .iter()
                .any(|t| plan.serves(t, &p.section, &p.topics))
    };
    let posts: Vec<Post> = ev
        .posts
        .iter()
        .filter(|p| period.contains(p.date) && relevant(p))
        .cloned()
        .collect();
    let section_name = |dir: &str| -> String {
        ev.section_titles
            .get(dir)
            .cloned()
            .or_else(|| plan.section_name(dir, Lang::Vi).map(str::to_string))
            .unwrap_or_else(|| dir.to_string())
    };
    let tasks = task_results(plan, &posts, &section_name);
    let sections = section_rows(&posts, ev, plan, &section_name);
    let year = match period.kind {
        Kind::Half(y) | Kind::Year(y) => y,
        Kind::Range => period.end.year(),
    };
    let title = period.title(Lang::Vi);
    let subject = format!("Kết quả thực hiện hoạt động thông tin đối ngoại {title}");
    let basis = if s.basis.is_empty() {
        format!(
            "Thực hiện kế hoạch triển khai hoạt động thông tin đối ngoại năm {year} của nhà trường"
        )
    } else {
        s.basis.trim_end_matches(['.', ';', ',']).to_string()
    };
    let intro = format!(
        "{basis}, {} báo cáo kết quả thực hiện hoạt động thông tin đối ngoại {title} ({}) như sau:",
        s.school_name,
        period.span(Lang::Vi)
    );
    Report {
        period,
        date: i.today,
        issuer: s.issuer.clone(),
        school: s.school.clone(),
        // An empty number leaves room for the clerk to write it by hand when the report is sent.
        number: if s.number.trim().is_empty() {
            format!("Số:      /BC-{}", s.short_name)
        } else {
            format!("Số: {}/BC-{}", s.number.trim(), s.short_name)
        },
        place_date: format!("{}, {}", s.place, day_text(i.today, Lang::Vi)),
        subject,
        intro,
        site_url: ev.base_url.clone(),
        tasks,
        sections,
        extra: extra_figures(&s.extra, &period.id()),
        notes: i.notes,
        notes_file: i.notes_file,
        plans_heading: format!(
            "III. PHƯƠNG HƯỚNG, NHIỆM VỤ {}",
            vi::nfc_owned(period.next_title(&s.calendar, Lang::Vi).to_uppercase())
        ),
        closing: format!(
            "Trên đây là báo cáo kết quả thực hiện hoạt động thông tin đối ngoại {title} của {}./.",
            s.school_name
        ),
        recipients: s.recipients.clone(),
        signer_title: s.signer_title.clone(),
        signer: s.signer.clone(),
        posts,
    }
}

/// Each task of the plan with the posts that serve it.
fn task_results(
    plan: &Plan,
    posts: &[Post],
    section_name: &dyn Fn(&str) -> String,
) -> Vec<TaskResult> {
    plan.nhiem_vu
        .iter()
        .map(|t| TaskResult {
            task: t.clone(),
            section_name: plan
                .section_name(&t.chuyen_muc, Lang::Vi)
                .map(str::to_string)
                .unwrap_or_else(|| section_name(&t.chuyen_muc)),
            posts: (0..posts.len())
                .filter(|&k| plan.serves(t, &posts[k].section, &posts[k].topics))
                .collect(),
        })
        .collect()
}

/// One row per plan section (menu order first), then any other section with posts, then the
/// total.
fn section_rows(
    posts: &[Post],
    ev: &Evidence,
    plan: &Plan,
    name: &dyn Fn(&str) -> String,
) -> Vec<SectionRow> {
    let mut dirs: Vec<String> = ev.theme_sections.clone();
    let more = plan
        .nhiem_vu
        .iter()
        .map(|t| t.chuyen_muc.clone())
        .filter(|d| d != "chung" && !d.is_empty() && ev.section_titles.contains_key(d))
        .chain(posts.iter().map(|p| p.section.clone()));
    for d in more {
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    let row = |dir: String, name: String, f: &dyn Fn(&Post) -> bool| SectionRow {
        posts: posts.iter().filter(|p| f(p)).count(),
        photos: posts.iter().filter(|p| f(p)).map(|p| p.photos).sum(),
        english: posts.iter().filter(|p| f(p) && p.english.is_some()).count(),
        dir,
        name,
    };
    let mut rows: Vec<SectionRow> = dirs
        .into_iter()
        .map(|d| {
            let n = name(&d);
            row(d.clone(), n, &|p: &Post| p.section == d)
        })
        .collect();
    rows.push(row(String::new(), "Tổng cộng".into(), &|_| true));
    rows
}

/// `[report.extra]`: plain values for every report, a table named after the period for that
/// period only (it wins over a plain value of the same label).
fn extra_figures(extra: &toml::Table, period_id: &str) -> Vec<(String, String)> {
    let text = |v: &toml::Value| match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out: Vec<(String, String)> = extra
        .iter()
        .filter(|(_, v)| !v.is_table())
        .map(|(k, v)| (k.clone(), text(v)))
        .collect();
    if let Some(t) = extra.get(period_id).and_then(|v| v.as_table()) {
        for (k, v) in t {
            out.retain(|(label, _)| label != k);
            out.push((k.clone(), text(v)));
        }
    }
    out
}

impl Report {
    /// Tasks with no post in the period.
    pub fn gaps(&self) -> impl Iterator<Item = &TaskResult> {
        self.tasks.iter().filter(|t| t.posts.is_empty())
    }

    /// The total row of [`Report::sections`].
    pub fn total(&self) -> &SectionRow {
        self.sections.last().expect("the total row is always there")
    }

    /// "Trong kỳ, trang ... đã đăng N bài ..." : the summary sentence of Part I.
    pub fn summary(&self) -> String {
        let t = self.total();
        let served = self.tasks.len() - self.gaps().count();
        format!(
            "Trong kỳ báo cáo, trang thông tin đối ngoại của nhà trường ({}) đã đăng {} bài viết với {} ảnh; {} bài có bản tiếng Anh. {}/{} nhiệm vụ của kế hoạch có bài viết; {} nhiệm vụ chưa có bài viết nào trong kỳ.",
            self.site_url,
            t.posts,
            t.photos,
            t.english,
            served,
            self.tasks.len(),
            self.tasks.len() - served
        )
    }

    /// "Lê Văn A (09/6/2024)": how a post is cited.
    pub fn post_line(p: &Post) -> String {
        format!("{} ({})", p.title, short_date(p.date))
    }
}

/// "09/6/2024", "16/01/2024": the decree's rule for months in a short date.
pub fn short_date(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("{:02}/{month}/{}", d.day(), d.year())
}
