//! `bangtin report`: the 6-monthly and yearly report on the school's foreign-information work,
//! counted from the site (posts, sections, topics, photos, English versions) against the plan's
//! task table, in the administrative form of Nghị định 30/2020, as DOCX, HTML or Markdown.

pub mod collect;
pub mod docx;
pub mod html;
pub mod markdown;
pub mod model;
pub mod notes;
pub mod period;
pub mod plan;
pub mod settings;

use chrono::{Datelike, NaiveDate};
use i18n::{tr, Lang};
pub use model::Report;
pub use period::{Calendar, Period};
use settings::Settings;
use std::path::{Path, PathBuf};

/// The file a report is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Word document, for the principal to edit and sign.
    Docx,
    /// One printable HTML page.
    Html,
    /// Markdown text.
    Md,
}

impl Format {
    /// Parses `docx`, `html` or `md`.
    pub fn parse(s: &str, lang: Lang) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "docx" | "word" => Ok(Format::Docx),
            "html" | "htm" => Ok(Format::Html),
            "md" | "markdown" => Ok(Format::Md),
            other => Err(tr!(
                lang,
                "định dạng báo cáo \"{other}\" không có: dùng docx (Word), html (in từ trình duyệt) hoặc md (Markdown)",
                "there is no report format \"{other}\": use docx (Word), html (print from a browser) or md (Markdown)"
            )),
        }
    }

    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Md => "md",
        }
    }
}

/// Reads `[report]` from the site's `config.toml`.
pub fn load_settings(root: &Path, lang: Lang) -> Result<Settings, String> {
    let text =
        std::fs::read_to_string(root.join("config.toml")).map_err(|_| match site::Config::load(
            root, lang,
        ) {
            Err(d) => d.render(lang),
            Ok(_) => tr!(
                lang,
                "không đọc được config.toml",
                "cannot read config.toml"
            ),
        })?;
    settings::parse(&vi::nfc(&text), lang).map_err(|d| d.render(lang))
}

/// The period named by `--period`, or the one due next on `today`.
pub fn pick_period(
    arg: Option<&str>,
    today: NaiveDate,
    cal: &Calendar,
    lang: Lang,
) -> Result<Period, String> {
    match arg {
        Some(p) => Period::parse(p, cal, lang),
        None => Ok(Period::due(today, cal)[0]),
    }
}

/// Makes the report of `period` for the site in `root`, dated `today`.
pub fn make(root: &Path, period: Period, today: NaiveDate, lang: Lang) -> Result<Report, String> {
    let settings = load_settings(root, lang)?;
    let evidence = collect::load(root, today, lang).map_err(|e| collect::describe(&e, lang))?;
    let year = match period.kind {
        period::Kind::Half(y) | period::Kind::Year(y) => y,
        period::Kind::Range => period.end.year(),
    };
    let plan_file = settings.plan.replace("{year}", &year.to_string());
    let plan = plan::Plan::load(root, &plan_file, lang).map_err(|d| d.render(lang))?;
    let notes_file = settings
        .notes
        .replace("{period}", &period.id().replace("..", "_"));
    let notes = notes::load(root, &notes_file, lang).map_err(|d| d.render(lang))?;
    Ok(model::make(model::Inputs {
        period,
        today,
        settings: &settings,
        plan: &plan,
        evidence: &evidence,
        notes,
        notes_file,
    }))
}

/// The report as the bytes of a file.
pub fn render(report: &Report, format: Format) -> Vec<u8> {
    match format {
        Format::Docx => docx::render(report),
        Format::Html => html::render(report).into_bytes(),
        Format::Md => markdown::render(report).into_bytes(),
    }
}

/// Where a report goes when `--output` is not given: `bao-cao/bao-cao-2024-H1.docx`.
pub fn default_output(root: &Path, period: &Period, format: Format) -> PathBuf {
    root.join("bao-cao").join(format!(
        "bao-cao-{}.{}",
        period.id().replace("..", "_"),
        format.extension()
    ))
}

/// Writes `bytes` to `path` atomically; an existing file is replaced only with `force`, since
/// the principal may have edited it.
pub fn write_file(path: &Path, bytes: &[u8], force: bool, lang: Lang) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let fail = |e: std::io::Error| {
        tr!(
            lang,
            "không ghi được {} ({e})",
            "cannot write {} ({e})",
            path.display()
        )
    };
    std::fs::create_dir_all(&dir).map_err(fail)?;
    let exists = || {
        tr!(
            lang,
            "{} đã có (có thể thầy cô đã sửa tệp này): chọn tên khác bằng --output, hoặc thêm --force để ghi đè",
            "{} already exists (it may hold your edits): pick another name with --output, or add --force to replace it",
            path.display()
        )
    };
    if path.exists() && !force {
        return Err(exists());
    }
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    let done = if force {
        tmp.persist(path).map(|_| ())
    } else {
        tmp.persist_noclobber(path).map(|_| ())
    };
    done.map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => exists(),
        _ => fail(e.error),
    })
}

/// `bangtin report --due`: which report is due next, by when, how many days are left.
pub fn due(today: NaiveDate, cal: &Calendar, lang: Lang) -> String {
    let [next, after] = Period::due(today, cal);
    let line = |p: &Period| {
        let deadline = p.deadline.unwrap_or(p.end);
        let left = (deadline - today).num_days();
        tr!(
            lang,
            "Báo cáo kết quả thông tin đối ngoại {} (kỳ {}, tính {}): gửi trước {}, còn {left} ngày.",
            "Report on foreign information for {} (period {}, counting {}): due before {}, {left} days left.",
            p.title(lang),
            p.id(),
            p.span(lang),
            period::day_text(deadline, lang)
        )
    };
    let mut out = vec![
        tr!(
            lang,
            "Hôm nay: {}.",
            "Today: {}.",
            period::day_text(today, lang)
        ),
        line(&next),
    ];
    if next.deadline.is_some_and(|d| (d - today).num_days() <= 1) {
        out.push(tr!(
            lang,
            "Hôm nay là ngày cuối để gửi báo cáo này.",
            "Today is the last day to send this report."
        ));
    }
    out.push(tr!(
        lang,
        "Lập báo cáo: bangtin report --period {}",
        "Make it: bangtin report --period {}",
        next.id()
    ));
    out.push(tr!(lang, "Kỳ sau: {}", "After that: {}", line(&after)));
    out.join("\n")
}

/// What `bangtin report` was asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site folder.
    pub root: PathBuf,
    /// `--period`.
    pub period: Option<String>,
    /// `--format`.
    pub format: String,
    /// `--output` (`-` for standard output).
    pub output: Option<PathBuf>,
    /// `--force`: replace an existing file.
    pub force: bool,
    /// `--due`: only say what is due.
    pub due: bool,
    /// Language of messages.
    pub lang: Lang,
}

/// Runs `bangtin report`; returns what to tell the user (standard error) and what to print
/// on standard output.
pub fn run(o: &Options) -> Result<(String, Vec<u8>), String> {
    let lang = o.lang;
    let today = site::options::today();
    let settings = load_settings(&o.root, lang)?;
    if o.due {
        return Ok((
            String::new(),
            (due(today, &settings.calendar, lang) + "\n").into_bytes(),
        ));
    }
    let format = Format::parse(&o.format, lang)?;
    let period = pick_period(o.period.as_deref(), today, &settings.calendar, lang)?;
    let report = make(&o.root, period, today, lang)?;
    let bytes = render(&report, format);
    if o.output.as_deref() == Some(Path::new("-")) {
        return Ok((String::new(), bytes));
    }
    let path = o
        .output
        .clone()
        .unwrap_or_else(|| default_output(&o.root, &period, format));
    write_file(&path, &bytes, o.force, lang)?;
    let gaps = report.gaps().count();
    let mut msg = tr!(
        lang,
        "Đã ghi báo cáo {} vào {}: {} bài viết, {} ảnh, {} bài có bản tiếng Anh; {}/{} nhiệm vụ có bài, {gaps} nhiệm vụ chưa có bài (mục I.4 của báo cáo).",
        "Wrote the report for {} to {}: {} posts, {} photos, {} with an English version; {}/{} tasks served, {gaps} with no post (section I.4 of the report).",
        period.title(lang),
        path.display(),
        report.total().posts,
        report.total().photos,
        report.total().english,
        report.tasks.len() - gaps,
        report.tasks.len()
    );
    if !report.notes.found {
        msg.push('\n');
        msg.push_str(&tr!(
            lang,
            "Phần II (hạn chế) và III (phương hướng) đang để trống: viết chúng vào {} theo mẫu dưới đây rồi chạy lại lệnh (thêm --force để ghi đè báo cáo vừa lập).\n{}",
            "Parts II (limitations) and III (plans) are empty: write them in {} as below, then run the command again (add --force to replace this report).\n{}",
            report.notes_file,
            notes::SKELETON
        ));
    }
    Ok((msg, Vec::new()))
}
