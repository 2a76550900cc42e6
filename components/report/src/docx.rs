//! The report as a Word document (docx-rs) with real styles, so the principal can edit it:
//! A4 portrait, margins 20 mm top and bottom, 30 mm left, 15 mm right, Times New Roman 13 pt,
//! the page number centred in the top margin from page 2 on (Nghị định 30/2020, Phụ lục I).

use crate::markdown::{skeleton_hint, task_facts, EXTRA_NONE};
use crate::model::{short_date, Report, QUOC_HIEU, TIEU_NGU};
use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Header, Hyperlink, HyperlinkType, InstrPAGE,
    InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Style, StyleType,
    Table, TableCell, TableRow, WidthType,
};

/// Twips in a millimetre (1 inch = 1440 twips = 25.4 mm).
const MM: f64 = 1440.0 / 25.4;
/// A4 in twips.
const A4: (u32, u32) = (11906, 16838);
/// Margins in millimetres: top, bottom, left, right.
pub const MARGINS_MM: (f64, f64, f64, f64) = (20.0, 20.0, 30.0, 15.0);
/// Body text size in half-points (13 pt).
const BODY: usize = 26;
const FONT: &str = "Times New Roman";

fn tw(mm: f64) -> i32 {
    (mm * MM).round() as i32
}

/// Width of the text between the margins, in twips.
fn text_width() -> i32 {
    tw(210.0 - MARGINS_MM.2 - MARGINS_MM.3)
}

/// Renders the report as the bytes of a `.docx` file.
pub fn render(r: &Report) -> Vec<u8> {
    let mut doc = styles(Docx::new())
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(tw(MARGINS_MM.0))
                .bottom(tw(MARGINS_MM.1))
                .left(tw(MARGINS_MM.2))
                .right(tw(MARGINS_MM.3))
                .header(tw(10.0))
                .footer(tw(10.0)),
        )
        .header(page_number_header())
        // The first page has its own, empty header: no number on page 1.
        .first_header(Header::new())
        .title_pg()
        .add_table(head_table(r))
        .add_paragraph(p("Title", "BÁO CÁO"))
        .add_paragraph(p("Subtitle", &r.subject))
        .add_paragraph(p("Normal", &r.intro));
    doc = part_one(doc, r);
    doc = doc.add_paragraph(p("Heading1", "II. HẠN CHẾ, TỒN TẠI"));
    doc = notes(doc, r.notes.limitations.as_deref(), r);
    doc = doc.add_paragraph(p("Heading1", &r.plans_heading));
    doc = notes(doc, r.notes.plans.as_deref(), r);
    doc = doc
        .add_paragraph(p("Normal", &r.closing).keep_next(true))
        .add_table(foot_table(r));
    let mut out = std::io::Cursor::new(Vec::new());
    // Packing into memory only fails on a bug in the writer, never on the report's text.
    doc.build()
        .pack(&mut out)
        .expect("a docx packs into memory");
    out.into_inner()
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new()
        .before(before)
        .after(after)
        .line(240)
        .line_rule(LineSpacingType::Auto)
}

fn para_style(id: &str, name: &str) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
}

/// The named styles the document uses; every paragraph refers to one of them.
fn styles(doc: Docx) -> Docx {
    let first_line = Some(SpecialIndentType::FirstLine(tw(10.0)));
    doc.default_fonts(fonts())
        .default_size(BODY)
        .add_style(
            Style::new("Normal", StyleType::Paragraph)
                .name("Normal")
                .q_format(true)
                .fonts(fonts())
                .size(BODY)
                .align(AlignmentType::Both)
                .indent(None, first_line, None, None)
                .line_spacing(spacing(0, 120)),
        )
        .add_style(
            para_style("Title", "Title")
                .bold()
                .size(28)
                .align(AlignmentType::Center)
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .line_spacing(spacing(360, 0)),
        )
        .add_style(
            para_style("Subtitle", "Subtitle")
                .bold()
                .size(28)
                .align(AlignmentType::Center)
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .line_spacing(spacing(0, 240)),
        )
        .add_style(
            para_style("Heading1", "heading 1")
                .bold()
                .outline_lvl(0)
                .line_spacing(spacing(120, 60)),
        )
        .add_style(
            para_style("Heading2", "heading 2")
                .bold()
                .italic()
                .outline_lvl(1)
                .line_spacing(spacing(120, 60)),
        )
        .add_style(
            para_style("ListParagraph", "List Paragraph")
                .indent(
                    Some(tw(10.0)),
                    Some(SpecialIndentType::Hanging(tw(4.0))),
                    None,
                    None,
                )
                .line_spacing(spacing(0, 60)),
        )
        .add_style(
            para_style("HeadBlock", "Thể thức văn bản")
                .align(AlignmentType::Center)
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .line_spacing(spacing(0, 0)),
        )
        .add_style(
            para_style("TableText", "Table Text")
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .line_spacing(spacing(0, 0)),
        )
        .add_style(
            Style::new("Hyperlink", StyleType::Character)
                .name("Hyperlink")
                .color("0563C1")
                .underline("single"),
        )
}

/// A body paragraph in italics: what the school has still to fill in, or a gap.
fn italic(text: &str) -> Paragraph {
    Paragraph::new()
        .style("Normal")
        .add_run(Run::new().add_text(text).italic())
}

/// A paragraph of one style holding one run of text.
fn p(style: &str, text: &str) -> Paragraph {
    Paragraph::new()
        .style(style)
        .add_run(Run::new().add_text(text))
}

fn page_number_header() -> Header {
    let field = Paragraph::new()
        .style("HeadBlock")
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())))
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(Run::new().add_text("2"))
        .add_run(Run::new().add_field_char(FieldCharType::End, false));
    Header::new().add_paragraph(field)
}

/// An empty paragraph one point high whose bottom border draws a centred rule `len_mm` long in
/// a cell `cell` twips wide: the line under the school name and under the motto.
fn rule(cell: i32, len_mm: f64) -> Paragraph {
    let side = ((cell - tw(len_mm)) / 2).max(0);
    let mut para = Paragraph::new()
        .style("HeadBlock")
        .indent(Some(side), None, Some(side), None)
        // The paragraph mark's size sets the height of the empty line.
        .size(2);
    para.property = para.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(6)
                .space(0)
                .color("000000"),
        ),
    );
    para
}

/// A run of text, `half_points` high, bold or not.
fn text(t: &str, half_points: usize, bold: bool) -> Run {
    let r = Run::new().add_text(t).size(half_points);
    if bold {
        r.bold()
    } else {
        r
    }
}

/// A centred header-block line.
fn line(r: Run) -> Paragraph {
    Paragraph::new().style("HeadBlock").add_run(r)
}

fn cell(width: i32) -> TableCell {
    TableCell::new().width(width as usize, WidthType::Dxa)
}

/// The two header blocks: issuing body, school and number on the left; national name, motto,
/// place and date on the right.
fn head_table(r: &Report) -> Table {
    // The national name (12 pt, bold) must fit on one line in the right block.
    let (w, left) = (text_width(), text_width() * 9 / 25);
    let right = w - left;
    let left_cell = cell(left)
        .add_paragraph(line(text(&r.issuer, 24, false)))
        .add_paragraph(line(text(&r.school, 24, true)))
        .add_paragraph(rule(left, 20.0))
        .add_paragraph(line(text(&r.number, BODY, false)).line_spacing(spacing(120, 0)));
    let right_cell = cell(right)
        .add_paragraph(line(text(QUOC_HIEU, 24, true)))
        .add_paragraph(line(text(TIEU_NGU, BODY, true)))
        .add_paragraph(rule(right, 58.0))
        .add_paragraph(
            line(text(&r.place_date, BODY, false).italic()).line_spacing(spacing(120, 0)),
        );
    Table::without_borders(vec![TableRow::new(vec![left_cell, right_cell])])
        .set_grid(vec![left as usize, right as usize])
        .width(w as usize, WidthType::Dxa)
}

/// "Nơi nhận" on the left, the signer on the right.
fn foot_table(r: &Report) -> Table {
    let half = text_width() / 2;
    let mut to = cell(half).add_paragraph(
        Paragraph::new()
            .style("TableText")
            .line_spacing(spacing(240, 0))
            .add_run(Run::new().add_text("Nơi nhận:").bold().italic().size(24)),
    );
    for line in &r.recipients {
        to = to.add_paragraph(Paragraph::new().style("TableText").add_run(text(
            &format!("- {line}"),
            22,
            false,
        )));
    }
    let sign = cell(half)
        .add_paragraph(line(text(&r.signer_title, BODY, true)).line_spacing(spacing(240, 0)))
        .add_paragraph(line(text(&r.signer, BODY, true)).line_spacing(spacing(1500, 0)));
    // One row that never splits: the signer's name stays on the page of "Nơi nhận".
    Table::without_borders(vec![TableRow::new(vec![to, sign]).cant_split()])
        .set_grid(vec![half as usize, half as usize])
        .width(text_width() as usize, WidthType::Dxa)
}

fn part_one(mut doc: Docx, r: &Report) -> Docx {
    doc = doc
        .add_paragraph(p("Heading1", "I. KẾT QUẢ THỰC HIỆN"))
        .add_paragraph(p("Heading2", "1. Tổng quan"))
        .add_paragraph(p("Normal", &r.summary()))
        .add_paragraph(p("Heading2", "2. Số bài theo chuyên mục"))
        .add_table(count_table(r))
        .add_paragraph(p("Heading2", "3. Kết quả theo từng nhiệm vụ của kế hoạch"));
    for t in &r.tasks {
        doc = doc
            .add_paragraph(
                Paragraph::new()
                    .style("Normal")
                    .keep_next(true)
                    .add_run(
                        Run::new()
                            .add_text(format!("Nhiệm vụ {}. ", t.task.stt))
                            .bold(),
                    )
                    .add_run(Run::new().add_text(&t.task.ten)),
            )
            .add_paragraph(p("Normal", &task_facts(t)).keep_next(true));
        if t.posts.is_empty() {
            doc = doc.add_paragraph(italic("Chưa có bài viết nào trong kỳ."));
            continue;
        }
        doc = doc.add_paragraph(
            p("Normal", &format!("Bài đã đăng ({}):", t.posts.len())).keep_next(true),
        );
        for &k in &t.posts {
            doc = doc.add_paragraph(post_item(r, k));
        }
    }
    doc = doc.add_paragraph(p("Heading2", "4. Nhiệm vụ chưa có bài viết trong kỳ"));
    let gaps: Vec<_> = r.gaps().collect();
    if gaps.is_empty() {
        doc = doc.add_paragraph(p(
            "Normal",
            "Không có: nhiệm vụ nào cũng có bài viết trong kỳ.",
        ));
    }
    for t in gaps {
        doc = doc.add_paragraph(p(
            "ListParagraph",
            &format!("- Nhiệm vụ {}: {}", t.task.stt, t.task.ten),
        ));
    }
    doc = doc.add_paragraph(p(
        "Heading2",
        "5. Số liệu nhà trường tự tổng hợp (không do phần mềm đếm)",
    ));
    if r.extra.is_empty() {
        doc = doc.add_paragraph(italic(EXTRA_NONE));
    }
    for (k, v) in &r.extra {
        doc = doc.add_paragraph(p("ListParagraph", &format!("- {k}: {v}")));
    }
    doc
}

/// "- Title (09/6/2024), https://...; bản tiếng Anh: https://..." with live links.
fn post_item(r: &Report, k: usize) -> Paragraph {
    let post = &r.posts[k];
    let link = |url: &str| {
        Hyperlink::new(url, HyperlinkType::External)
            .add_run(Run::new().add_text(url).style("Hyperlink"))
    };
    let mut para = Paragraph::new()
        .style("ListParagraph")
        .add_run(Run::new().add_text(format!("- {} ({}), ", post.title, short_date(post.date))))
        .add_hyperlink(link(&post.url));
    if let Some(en) = &post.english {
        para = para
            .add_run(Run::new().add_text("; bản tiếng Anh: "))
            .add_hyperlink(link(en));
    }
    para
}

fn count_table(r: &Report) -> Table {
    let w = text_width();
    let n = w * 3 / 20;
    let first = w - 3 * n;
    let text = |t: &str, bold: bool, align: AlignmentType| {
        let run = Run::new().add_text(t);
        Paragraph::new()
            .style("TableText")
            .align(align)
            .add_run(if bold { run.bold() } else { run })
    };
    let row = |cells: [String; 4], bold: bool| {
        let mut out = vec![cell(first).add_paragraph(text(&cells[0], bold, AlignmentType::Left))];
        for c in &cells[1..] {
            out.push(cell(n).add_paragraph(text(c, bold, AlignmentType::Right)));
        }
        TableRow::new(out)
    };
    let mut rows = vec![row(
        ["Chuyên mục", "Số bài", "Số ảnh", "Có bản tiếng Anh"].map(String::from),
        true,
    )];
    for s in &r.sections {
        let cells = [
            s.name.clone(),
            s.posts.to_string(),
            s.photos.to_string(),
            s.english.to_string(),
        ];
        rows.push(row(cells, s.dir.is_empty()));
    }
    Table::new(rows)
        .set_grid(vec![first as usize, n as usize, n as usize, n as usize])
        .width(w as usize, WidthType::Dxa)
}

fn notes(mut doc: Docx, text: Option<&str>, r: &Report) -> Docx {
    let Some(t) = text else {
        return doc
            .add_paragraph(italic(&skeleton_hint(r)))
            .add_paragraph(p(
                "Normal",
                "- ......................................................",
            ));
    };
    for line in t.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let style = if line.starts_with("- ") || line.starts_with("* ") {
            "ListParagraph"
        } else {
            "Normal"
        };
        doc = doc.add_paragraph(p(style, line));
    }
    doc
}
