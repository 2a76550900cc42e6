//! The report as one printable HTML page: A4 portrait, the margins and font of Nghị định
//! 30/2020, page numbers centred in the top margin from page 2 on, as the decree places them
//! (Chromium prints `@page` margin boxes).

use crate::markdown::{skeleton_hint, task_facts, EXTRA_NONE};
use crate::model::{short_date, Report, TaskResult, QUOC_HIEU, TIEU_NGU};
use std::fmt::Write;
use vi::escape_html as esc;

const CSS: &str = r#"
@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm; }
@page { @top-center { content: counter(page); font: 13pt "Times New Roman", "Liberation Serif", serif; } }
@page :first { @top-center { content: none; } }
html { background: #eee; }
body { font: 13pt/1.35 "Times New Roman", "Liberation Serif", serif; color: #000; margin: 0; }
.sheet { background: #fff; width: 210mm; box-sizing: border-box; margin: 0 auto;
  padding: 20mm 15mm 20mm 30mm; }
@media print { html { background: none; } .sheet { width: auto; padding: 0; } }
.head { width: 100%; border-collapse: collapse; margin-bottom: 12pt; }
.head td { vertical-align: top; text-align: center; padding: 0; }
.head .left { width: 40%; font-size: 12.5pt; }
.head .right { width: 60%; }
.rule { display: inline-block; border-bottom: 1px solid #000; line-height: 1.2; }
.up { text-transform: none; font-weight: bold; }
.place { font-style: italic; margin-top: 6pt; }
.number { white-space: pre; margin-top: 4pt; }
h1 { font-size: 14pt; text-align: center; margin: 18pt 0 0; }
.subject { text-align: center; font-weight: bold; margin: 0 0 12pt; }
h2 { font-size: 13pt; margin: 12pt 0 6pt; }
h3 { font-size: 13pt; margin: 10pt 0 4pt; font-style: italic; }
p { text-align: justify; text-indent: 1cm; margin: 0 0 6pt; }
p.flat { text-indent: 0; }
ul { margin: 0 0 6pt; padding-left: 1.6cm; }
table.count { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }
table.count th, table.count td { border: 1px solid #000; padding: 2pt 4pt; }
table.count td.n { text-align: right; width: 16%; }
table.count tr.total td { font-weight: bold; }
.gap { font-style: italic; }
a { color: inherit; }
.foot { width: 100%; border-collapse: collapse; margin-top: 12pt; page-break-inside: avoid; }
.foot td { vertical-align: top; padding: 0; }
.foot .to { width: 50%; font-size: 12pt; }
.foot .to b { font-style: italic; }
.foot .sign { width: 50%; text-align: center; font-weight: bold; }
.foot .name { margin-top: 60pt; }
"#;

/// Renders the whole report as a standalone page.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>BÁO CÁO {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<div class=\"sheet\">\n",
        esc(&r.subject)
    );
    let _ = writeln!(
        o,
        "<table class=\"head\"><tr><td class=\"left\"><div>{}</div><div class=\"up\"><span class=\"rule\">{}</span></div><div class=\"number\">{}</div></td>\
<td class=\"right\"><div class=\"up\">{QUOC_HIEU}</div><div class=\"up\"><span class=\"rule\">{TIEU_NGU}</span></div><div class=\"place\">{}</div></td></tr></table>",
        esc(&r.issuer),
        esc(&r.school),
        esc(&r.number),
        esc(&r.place_date)
    );
    let _ = write!(
        o,
        "<h1>BÁO CÁO</h1>\n<div class=\"subject\">{}</div>\n<p>{}</p>\n",
        esc(&r.subject),
        esc(&r.intro)
    );
    part_one(&mut o, r);
    let _ = writeln!(o, "<h2>II. HẠN CHẾ, TỒN TẠI</h2>");
    notes(&mut o, r.notes.limitations.as_deref(), r);
    let _ = writeln!(o, "<h2>{}</h2>", esc(&r.plans_heading));
    notes(&mut o, r.notes.plans.as_deref(), r);
    let _ = writeln!(o, "<p>{}</p>", esc(&r.closing));
    let _ = write!(
        o,
        "<table class=\"foot\"><tr><td class=\"to\"><b>Nơi nhận:</b><br>"
    );
    for line in &r.recipients {
        let _ = write!(o, "- {}<br>", esc(line));
    }
    let _ = write!(
        o,
        "</td><td class=\"sign\"><div>{}</div><div class=\"name\">{}</div></td></tr></table>\n</div>\n</body>\n</html>\n",
        esc(&r.signer_title),
        esc(&r.signer)
    );
    o
}

/// Part I, the results, in its five numbered steps.
fn part_one(o: &mut String, r: &Report) {
    let _ = write!(
        o,
        "<h2>I. KẾT QUẢ THỰC HIỆN</h2>\n<h3>1. Tổng quan</h3>\n<p>{}</p>\n",
        esc(&r.summary())
    );
    section_counts(o, r);
    let _ = writeln!(o, "<h3>3. Kết quả theo từng nhiệm vụ của kế hoạch</h3>");
    for t in &r.tasks {
        task_result(o, r, t);
    }
    task_gaps(o, r);
    extra_figures(o, r);
}

/// I.2: the table of posts, photos and English versions per section (the total row last).
fn section_counts(o: &mut String, r: &Report) {
    let _ = write!(o, "<h3>2. Số bài theo chuyên mục</h3>\n<table class=\"count\"><tr><th>Chuyên mục</th><th>Số bài</th><th>Số ảnh</th><th>Có bản tiếng Anh</th></tr>\n");
    for s in &r.sections {
        let class = if s.dir.is_empty() {
            " class=\"total\""
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "<tr{class}><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&s.name),
            s.posts,
            s.photos,
            s.english
        );
    }
    let _ = writeln!(o, "</table>");
}

/// I.3, one task of the plan: its facts and the posts published for it.
fn task_result(o: &mut String, r: &Report, t: &TaskResult) {
    let _ = write!(
        o,
        "<p><b>Nhiệm vụ {}.</b> {}</p>\n<p class=\"flat\">{}</p>\n",
        t.task.stt,
        esc(&t.task.ten),
        esc(&task_facts(t))
    );
    if t.posts.is_empty() {
        let _ = writeln!(o, "<p class=\"gap\">Chưa có bài viết nào trong kỳ.</p>");
        return;
    }
    let _ = write!(
        o,
        "<p class=\"flat\">Bài đã đăng ({}):</p>\n<ul>\n",
        t.posts.len()
    );
    for &k in &t.posts {
        let p = &r.posts[k];
        let _ = write!(
            o,
            "<li><a href=\"{0}\">{1}</a> ({2}), {0}",
            esc(&p.url),
            esc(&p.title),
            short_date(p.date)
        );
        if let Some(en) = &p.english {
            let _ = write!(o, "; bản tiếng Anh: <a href=\"{0}\">{0}</a>", esc(en));
        }
        let _ = writeln!(o, "</li>");
    }
    let _ = writeln!(o, "</ul>");
}

/// I.4: the tasks without a post in the period.
fn task_gaps(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<h3>4. Nhiệm vụ chưa có bài viết trong kỳ</h3>");
    let gaps: Vec<_> = r.gaps().collect();
    if gaps.is_empty() {
        let _ = writeln!(
            o,
            "<p>Không có: nhiệm vụ nào cũng có bài viết trong kỳ.</p>"
        );
    } else {
        let _ = writeln!(o, "<ul>");
        for t in gaps {
            let _ = writeln!(o, "<li>Nhiệm vụ {}: {}</li>", t.task.stt, esc(&t.task.ten));
        }
        let _ = writeln!(o, "</ul>");
    }
}

/// I.5: the figures the school adds itself.
fn extra_figures(o: &mut String, r: &Report) {
    let _ = writeln!(
        o,
        "<h3>5. Số liệu nhà trường tự tổng hợp (không do phần mềm đếm)</h3>"
    );
    if r.extra.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(EXTRA_NONE));
    } else {
        let _ = writeln!(o, "<ul>");
        for (k, v) in &r.extra {
            let _ = writeln!(o, "<li>{}: {}</li>", esc(k), esc(v));
        }
        let _ = writeln!(o, "</ul>");
    }
}

/// The notes of part II or of the plans part: the school's own notes, one paragraph a line, or a blank to fill in.
fn notes(o: &mut String, text: Option<&str>, r: &Report) {
    let Some(t) = text else {
        let _ = write!(o, "<p class=\"gap\">{}</p>\n<p>- ......................................................</p>\n", esc(&skeleton_hint(r)));
        return;
    };
    for line in t.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let _ = writeln!(o, "<p>{}</p>", esc(line));
    }
}
