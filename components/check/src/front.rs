//! Checks of what authors write: front matter (title, date, tags, description), duplicate
//! titles, images' alt text, and raw HTML the sanitizer removed.

use crate::html::fragment_images;
use crate::{Finding, Kind};
use chrono::NaiveDate;
use i18n::{tr, Lang};
use pulldown_cmark::{Event, Options as MdOptions, Parser, Tag, TagEnd};
use site::diag::{display_path, line_col};
use site::load::content::{Content, Skipped};
use site::load::frontmatter::{self, PageFront, SortBy};
use site::Built;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Runs every author-facing check.
pub fn check(built: &Built, root: &Path, today: NaiveDate, lang: Lang) -> Vec<Finding> {
    let content = &built.content;
    let mut out = Vec::new();
    titles(content, lang, &mut out);
    descriptions(content, lang, &mut out);
    dates(content, root, today, lang, &mut out);
    tags(built, lang, &mut out);
    for (p, body) in content.pages.iter().zip(&built.page_bodies) {
        for r in &body.removed_html {
            out.push(Finding::warning(
                Kind::RemovedHtml,
                &p.file,
                line_col(&p.raw, p.body_offset + r.offset),
                r.message(lang),
            ));
        }
    }
    let sources = content
        .pages
        .iter()
        .map(|p| (&p.file, &p.raw, p.body_offset))
        .chain(
            content
                .sections
                .iter()
                .map(|s| (&s.file, &s.raw, s.body_offset)),
        );
    for (file, raw, off) in sources {
        alt_text(file, raw, off, lang, &mut out);
    }
    out
}

/// Position of a front matter field (`title = ...` or `title: ...`), or line 1 when absent.
fn field_pos(raw: &str, body_offset: usize, field: &str) -> (usize, usize) {
    let front = raw.get(..body_offset).unwrap_or("");
    let mut start = 0;
    for line in front.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(field) {
            if rest.trim_start().starts_with(['=', ':']) {
                return line_col(raw, start + (line.len() - t.len()));
            }
        }
        start += line.len();
    }
    (1, 0)
}

/// Lower case with single spaces: how two titles or tags are compared.
fn normal(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn titles(content: &Content, lang: Lang, out: &mut Vec<Finding>) {
    let mut by_title: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, p) in content.pages.iter().enumerate() {
        if p.title.trim().is_empty() {
            out.push(Finding::error(
                Kind::MissingTitle,
                &p.file,
                field_pos(&p.raw, p.body_offset, "title"),
                tr!(
                    lang,
                    "trang chưa có tiêu đề (title). Thêm dòng title = \"...\" vào phần đầu bài (giữa hai dòng +++): tiêu đề hiện trên thẻ trình duyệt, trong danh sách bài và khi chia sẻ lên Zalo, Facebook.",
                    "the page has no title. Add a line title = \"...\" to the front matter (between the +++ lines): the title shows in the browser tab, in listings and when shared on Zalo or Facebook."
                ),
            ));
            continue;
        }
        by_title
            .entry((p.lang.clone(), normal(&p.title)))
            .or_default()
            .push(i);
    }
    // A section written as a file (not the implied home) shows its title as a heading and in menus.
    for s in &content.sections {
        if s.raw.is_empty() || !s.front.render || !s.title.trim().is_empty() {
            continue;
        }
        out.push(Finding::error(
            Kind::MissingTitle,
            &s.file,
            field_pos(&s.raw, s.body_offset, "title"),
            tr!(
                lang,
                "chuyên mục chưa có tiêu đề (title). Thêm dòng title = \"...\" vào phần đầu của tệp _index.md: tiêu đề hiện trên trình đơn và đầu trang chuyên mục.",
                "the section has no title. Add a line title = \"...\" to the front matter of _index.md: the title shows in menus and at the top of the section's page."
            ),
        ));
    }
    for list in by_title.values().filter(|l| l.len() > 1) {
        for &i in list {
            let p = &content.pages[i];
            let others: Vec<String> = list
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| display_path(&content.pages[j].file))
                .collect();
            let (title, others) = (&p.title, others.join(", "));
            out.push(Finding::warning(
                Kind::DuplicateTitle,
                &p.file,
                field_pos(&p.raw, p.body_offset, "title"),
                tr!(
                    lang,
                    "tiêu đề \"{title}\" trùng với trang {others}. Đặt tiêu đề khác nhau để người đọc, kết quả tìm kiếm và thẻ chia sẻ phân biệt được các trang.",
                    "the title \"{title}\" is the same as on {others}. Give the pages different titles so readers, search results and sharing cards can tell them apart."
                ),
            ));
        }
    }
}

fn descriptions(content: &Content, lang: Lang, out: &mut Vec<Finding>) {
    for p in &content.pages {
        if !p.description.trim().is_empty() {
            continue;
        }
        out.push(Finding::warning(
            Kind::EmptyDescription,
            &p.file,
            field_pos(&p.raw, p.body_offset, "description"),
            tr!(
                lang,
                "trang chưa có mô tả (description). Thêm description = \"một hai câu tóm tắt bài\" vào phần đầu bài: Zalo và Facebook hiện dòng này khi trang được chia sẻ.",
                "the page has no description. Add description = \"a sentence or two summing up the page\" to the front matter: Zalo and Facebook show it when the page is shared."
            ),
        ));
    }
}

fn show_date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => vi::date::short_vi(d),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

fn dates(content: &Content, root: &Path, today: NaiveDate, lang: Lang, out: &mut Vec<Finding>) {
    // Pages listed by a section that sorts by date need one, or they sink to the bottom.
    let mut dated_listing: HashMap<usize, &str> = HashMap::new();
    for s in &content.sections {
        if s.front.sort_by == SortBy::Date {
            for &i in &s.pages {
                dated_listing.entry(i).or_insert(&s.title);
            }
        }
    }
    let now = show_date(today, lang);
    for (i, p) in content.pages.iter().enumerate() {
        match p.date {
            None => {
                if let Some(section) = dated_listing.get(&i) {
                    out.push(Finding::warning(
                        Kind::MissingDate,
                        &p.file,
                        field_pos(&p.raw, p.body_offset, "date"),
                        tr!(
                            lang,
                            "trang chưa có ngày đăng (date) mà chuyên mục \"{section}\" xếp bài theo ngày, nên bài sẽ nằm cuối danh sách. Thêm dòng date = {} vào phần đầu bài.",
                            "the page has no date, but the section \"{section}\" lists pages by date, so it will sink to the bottom. Add a line date = {} to the front matter.",
                            today.format("%Y-%m-%d")
                        ),
                    ));
                }
            }
            Some(d) if d > today => {
                let date = show_date(d, lang);
                out.push(Finding::warning(
                    Kind::FutureDate,
                    &p.file,
                    field_pos(&p.raw, p.body_offset, "date"),
                    tr!(
                        lang,
                        "ngày đăng {date} còn ở tương lai: khi dựng trang bình thường, bài này bị ẩn cho tới ngày đó. Nếu muốn đăng ngay, sửa date thành hôm nay ({now}) hoặc sớm hơn.",
                        "the date {date} is in the future: a normal build hides this page until then. To publish it now, set date to today ({now}) or earlier."
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    for (rel, why) in &content.skipped {
        if *why != Skipped::Future {
            continue;
        }
        let file: PathBuf = Path::new("content").join(rel.split('/').collect::<PathBuf>());
        let Ok(raw) = site::load::read::read_text(root, &root.join(&file), lang) else {
            continue;
        };
        let Ok(split) = frontmatter::split(&raw, lang) else {
            continue;
        };
        let date = frontmatter::parse::<PageFront>(&split, lang)
            .ok()
            .and_then(|f| f.date.as_ref().and_then(frontmatter::date_of));
        let date = date.map(|d| show_date(d, lang)).unwrap_or_default();
        out.push(Finding::warning(
            Kind::FutureDate,
            &file,
            field_pos(&raw, split.body_offset, "date"),
            tr!(
                lang,
                "ngày đăng {date} còn ở tương lai nên bài này bị ẩn: bangtin chưa đưa nó lên trang cho tới ngày đó (và chỉ khi dựng lại). Nếu muốn đăng ngay, sửa date thành hôm nay ({now}) hoặc sớm hơn.",
                "the date {date} is in the future, so this page is hidden: bangtin leaves it out until then (and only when the site is built again). To publish it now, set date to today ({now}) or earlier."
            ),
        ));
    }
}

/// How many letters carry a Vietnamese mark: the accented spelling is the likely intended one.
fn marks(s: &str) -> usize {
    s.chars().filter(|c| !c.is_ascii()).count()
}

fn tags(built: &Built, lang: Lang, out: &mut Vec<Finding>) {
    let content = &built.content;
    for tc in &built.config.taxonomies {
        // (page language, folded term) -> spelling -> pages using it, in page order.
        let mut groups: BTreeMap<(String, String), BTreeMap<String, Vec<usize>>> = BTreeMap::new();
        for (i, p) in content.pages.iter().enumerate() {
            let Some(terms) = p.front.taxonomies.get(&tc.name) else {
                continue;
            };
            for t in terms {
                let key = (p.lang.clone(), normal(&vi::fold(t)));
                let pages = groups.entry(key).or_default().entry(t.clone()).or_default();
                if pages.last() != Some(&i) {
                    pages.push(i);
                }
            }
        }
        for spellings in groups.values().filter(|s| s.len() > 1) {
            // The spelling most pages use wins; on a tie, the one with the marks, then the
            // one seen first.
            let Some((canon, canon_pages)) = spellings.iter().max_by(|a, b| {
                (a.1.len(), marks(a.0))
                    .cmp(&(b.1.len(), marks(b.0)))
                    .then_with(|| b.1[0].cmp(&a.1[0]))
            }) else {
                continue;
            };
            let n = canon_pages.len();
            for (spelling, pages) in spellings.iter().filter(|(s, _)| *s != canon) {
                for &i in pages {
                    let p = &content.pages[i];
                    let pos = term_pos(&p.raw, p.body_offset, spelling);
                    let tax = &tc.name;
                    out.push(Finding::warning(
                        Kind::SimilarTag,
                        &p.file,
                        pos,
                        tr!(
                            lang,
                            "\"{spelling}\" trong {tax} chỉ khác \"{canon}\" (đã dùng ở {n} trang) về dấu hoặc chữ hoa, chữ thường. Hãy viết giống hệt \"{canon}\" để các bài cùng chủ đề hiện chung một chỗ với cùng một tên.",
                            "\"{spelling}\" in {tax} differs from \"{canon}\" (used on {n} page(s)) only by accents or case. Write it exactly as \"{canon}\" so pages on the same topic are listed together under one name."
                        ),
                    ));
                }
            }
        }
    }
}

/// Position of a term in the front matter (quoted if possible).
fn term_pos(raw: &str, body_offset: usize, term: &str) -> (usize, usize) {
    let front = raw.get(..body_offset).unwrap_or("");
    [format!("\"{term}\""), format!("'{term}'"), term.to_string()]
        .iter()
        .find_map(|n| front.find(n.as_str()))
        .map(|at| line_col(raw, at))
        .unwrap_or((1, 0))
}

/// Image file extensions, for alt text that is just a file name.
const IMAGE_EXT: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff", "svg", "avif",
];

/// Names cameras, phones and people give photo files: "IMG_2034", "DSC0012", "anh1".
const CAMERA_PREFIXES: &[&str] = &[
    "img",
    "dsc",
    "dscn",
    "dscf",
    "dcim",
    "pxl",
    "mvimg",
    "photo",
    "image",
    "screenshot",
    "anh",
    "hinh",
    "picture",
    "pic",
    "zalo",
    "received",
    "z",
];

/// Whether alt text is a file name rather than a description.
pub fn looks_like_file_name(alt: &str, src: &str) -> bool {
    let alt = alt.trim();
    if alt.is_empty() {
        return false;
    }
    let lower = vi::fold(alt);
    if let Some((stem, ext)) = lower.rsplit_once('.') {
        if !stem.is_empty() && IMAGE_EXT.contains(&ext) {
            return true;
        }
    }
    let src_name = src
        .rsplit('/')
        .next()
        .unwrap_or("")
        .split(['?', '#'])
        .next()
        .unwrap_or("");
    let src_name = vi::fold(&crate::site_map::decode(src_name));
    let src_stem = src_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(&src_name);
    if !src_stem.is_empty() && (lower == src_name || lower == src_stem) {
        return true;
    }
    if lower.contains(char::is_whitespace) {
        return false;
    }
    CAMERA_PREFIXES.iter().any(|p| {
        lower.strip_prefix(p).is_some_and(|rest| {
            rest.chars().any(|c| c.is_ascii_digit())
                && rest
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '_' || c == '-')
        })
    })
}

/// Images in the Markdown (and raw HTML) of one file without useful alt text.
fn alt_text(file: &Path, raw: &str, body_offset: usize, lang: Lang, out: &mut Vec<Finding>) {
    let Some(body) = raw.get(body_offset..) else {
        return;
    };
    // The same extensions the markdown crate renders with, so images are found where it finds them.
    let opts = MdOptions::ENABLE_TABLES
        | MdOptions::ENABLE_FOOTNOTES
        | MdOptions::ENABLE_STRIKETHROUGH
        | MdOptions::ENABLE_TASKLISTS
        | MdOptions::ENABLE_HEADING_ATTRIBUTES;
    let mut current: Option<(String, usize, String)> = None;
    let mut report = |src: &str, at: usize, alt: Option<&str>| {
        let pos = line_col(raw, body_offset + at);
        let alt_text = alt.unwrap_or("").trim();
        if alt_text.is_empty() {
            out.push(Finding::warning(
                Kind::MissingAlt,
                file,
                pos,
                tr!(
                    lang,
                    "ảnh \"{src}\" chưa có mô tả (alt). Viết một câu ngắn nói ảnh cho thấy gì, ví dụ ![Học sinh lớp 5 chào cờ sáng thứ Hai]({src}): người khiếm thị nghe được mô tả, và khi ảnh không tải được người đọc vẫn hiểu.",
                    "image \"{src}\" has no alt text. Write a short sentence saying what the photo shows, e.g. ![Grade 5 pupils at the Monday flag ceremony]({src}): blind readers hear it, and it shows when the image does not load."
                ),
            ));
        } else if looks_like_file_name(alt_text, src) {
            out.push(Finding::warning(
                Kind::FileNameAlt,
                file,
                pos,
                tr!(
                    lang,
                    "ảnh \"{src}\" có mô tả (alt) là tên tệp \"{alt_text}\", không giúp gì cho người đọc. Thay bằng một câu nói ảnh cho thấy gì, ví dụ \"Học sinh trồng cây trong sân trường\".",
                    "image \"{src}\" has a file name \"{alt_text}\" as its alt text, which tells readers nothing. Replace it with a sentence saying what the photo shows, e.g. \"Pupils planting trees in the schoolyard\"."
                ),
            ));
        }
    };
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                current = Some((dest_url.to_string(), range.start, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, alt)) = current.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((src, at, alt)) = current.take() {
                    report(&src, at, Some(&alt));
                }
            }
            Event::Html(h) | Event::InlineHtml(h)
                if current.is_none() && h.to_ascii_lowercase().contains("<img") =>
            {
                for (at, src, alt) in fragment_images(&h) {
                    report(&src, range.start + at, alt.as_deref());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_alt_text() {
        for alt in [
            "IMG_2034.jpg",
            "anh1.png",
            "IMG_2034",
            "DSC0012",
            "anh1",
            "ảnh 3.JPG",
        ] {
            assert!(looks_like_file_name(alt, "x/y.jpg"), "{alt}");
        }
        assert!(looks_like_file_name("le-chao-co", "anh/le-chao-co.jpg"));
        for alt in [
            "Học sinh chào cờ",
            "Ảnh 1: học sinh trồng cây",
            "2024",
            "Lễ khai giảng năm học 2024-2025",
        ] {
            assert!(!looks_like_file_name(alt, "x/anh1.jpg"), "{alt}");
        }
    }

    #[test]
    fn field_positions() {
        let raw = "+++\ntitle = \"A\"\n  date = 2024-01-01\n+++\nbody";
        let off = raw.find("body").unwrap_or(0);
        assert_eq!(field_pos(raw, off, "title"), (2, 1));
        assert_eq!(field_pos(raw, off, "date"), (3, 3));
        assert_eq!(field_pos(raw, off, "description"), (1, 0));
    }

    #[test]
    fn images_in_markdown_and_html() {
        let raw = "+++\n+++\nA ![](a.jpg)\n\n![IMG_1.jpg](b.png \"t\")\n\n<img src=\"c.png\">\n\n![Học sinh](d.jpg)\n";
        let mut out = Vec::new();
        alt_text(Path::new("p.md"), raw, 8, Lang::En, &mut out);
        let got: Vec<(Kind, usize, usize)> =
            out.iter().map(|f| (f.kind, f.line, f.column)).collect();
        assert_eq!(
            got,
            [
                (Kind::MissingAlt, 3, 3),
                (Kind::FileNameAlt, 5, 1),
                (Kind::MissingAlt, 7, 1)
            ]
        );
    }
}
