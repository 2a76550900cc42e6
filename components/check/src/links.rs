//! Links in the built pages: broken internal links and anchors, orphan pages, and the list of
//! external links for `--external`.

use crate::external::{self, Outcome};
use crate::site_map::{SiteMap, Spot, Target};
use crate::{Finding, Kind};
use i18n::{tr, Lang};
use site::Severity;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Where a link was seen: (output file, address as written).
pub type Seen = (String, String);

/// What the link pass found.
pub struct LinkOutcome {
    /// Broken links and anchors, orphans.
    pub findings: Vec<Finding>,
    /// External URLs (without fragment) and where they were seen.
    pub external: BTreeMap<String, Vec<Seen>>,
}

/// What is wrong with an internal address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Problem {
    /// Nothing at that path.
    Missing(String),
    /// The page has no such id.
    Anchor(String, String),
    /// Not a valid address at all.
    Malformed,
}

/// What the broken address is, in the words of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Noun {
    Link,
    Image,
    File,
    Address,
}

impl Noun {
    fn of(tag: &str) -> Noun {
        match tag {
            "a" | "area" => Noun::Link,
            "img" | "picture" | "source" | "meta" => Noun::Image,
            "link" | "script" => Noun::File,
            _ => Noun::Address,
        }
    }

    fn words(self) -> (&'static str, &'static str) {
        match self {
            Noun::Link => ("liên kết", "link"),
            Noun::Image => ("ảnh", "image"),
            Noun::File => ("tệp", "file"),
            Noun::Address => ("địa chỉ", "address"),
        }
    }
}

/// Elements a reader follows: only these make a page "linked" for the orphan check.
const FOLLOWED: &[&str] = &["a", "area"];

/// A broken address: what is wrong, what kind of address, as written.
type Broken = (Problem, Noun, String);

/// Checks every address in every built HTML file.
pub fn check(map: &SiteMap<'_>, lang: Lang) -> LinkOutcome {
    let Walked {
        broken,
        incoming,
        external,
    } = walk(map);
    let mut findings = broken_findings(map, broken, lang);
    findings.extend(theme_alt_findings(map, lang));
    findings.extend(orphan_findings(map, &incoming, lang));
    LinkOutcome { findings, external }
}

/// What one pass over every address of every page gathers.
struct Walked<'m> {
    /// Each broken address, with the outputs it is in.
    broken: BTreeMap<Broken, Vec<String>>,
    /// Each output, with the outputs that a reader follows to it.
    incoming: HashMap<String, BTreeSet<&'m str>>,
    /// External URLs (without fragment) and where they were seen.
    external: BTreeMap<String, Vec<Seen>>,
}

/// Resolves every address of every built page: broken ones, links between pages, external
/// URLs.
fn walk<'m>(map: &'m SiteMap<'_>) -> Walked<'m> {
    let mut broken: BTreeMap<Broken, Vec<String>> = BTreeMap::new();
    let mut incoming: HashMap<String, BTreeSet<&str>> = HashMap::new();
    let mut external: BTreeMap<String, Vec<Seen>> = BTreeMap::new();
    for (&from, doc) in &map.docs {
        for r in &doc.refs {
            match map.resolve(from, &r.value) {
                Target::Skip => {}
                Target::Malformed => broken
                    .entry((Problem::Malformed, Noun::of(&r.tag), r.value.clone()))
                    .or_default()
                    .push(from.to_string()),
                Target::External(url) => {
                    if !doc.redirect {
                        external
                            .entry(url)
                            .or_default()
                            .push((from.to_string(), r.value.clone()));
                    }
                }
                Target::Internal {
                    rel: None, path, ..
                } => broken
                    .entry((Problem::Missing(path), Noun::of(&r.tag), r.value.clone()))
                    .or_default()
                    .push(from.to_string()),
                Target::Internal {
                    rel: Some(to),
                    path: _,
                    fragment,
                } => {
                    if !doc.redirect && to != from && FOLLOWED.contains(&r.tag.as_str()) {
                        incoming.entry(to.clone()).or_default().insert(from);
                    }
                    let Some(fragment) = fragment else { continue };
                    // `#top` scrolls to the top in every browser, id or not.
                    if fragment == "top" {
                        continue;
                    }
                    if let Some(target_doc) = map.docs.get(to.as_str()) {
                        if !target_doc.ids.contains(&fragment) {
                            broken
                                .entry((
                                    Problem::Anchor(map.url_of(&to), fragment),
                                    Noun::of(&r.tag),
                                    r.value.clone(),
                                ))
                                .or_default()
                                .push(from.to_string());
                        }
                    }
                }
            }
        }
    }
    Walked {
        broken,
        incoming,
        external,
    }
}

/// An error for each broken address, where it was written.
fn broken_findings(
    map: &SiteMap<'_>,
    broken: BTreeMap<Broken, Vec<String>>,
    lang: Lang,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for ((problem, noun, value), froms) in broken {
        let seen: Vec<Seen> = froms.into_iter().map(|f| (f, value.clone())).collect();
        let kind = match problem {
            Problem::Anchor(..) => Kind::BrokenAnchor,
            _ => Kind::BrokenLink,
        };
        for place in place(map, &seen) {
            let what = broken_message(&problem, noun, &value, lang);
            let hint = case_hint(map, &problem, lang);
            findings.push(Finding::error(
                kind,
                place.file.clone(),
                place.pos,
                what + &hint + &place.suffix(lang),
            ));
        }
    }
    findings
}

/// What is wrong with a broken address, and how to fix it.
fn broken_message(problem: &Problem, noun: Noun, value: &str, lang: Lang) -> String {
    let (noun_vi, noun_en) = noun.words();
    match problem {
        Problem::Missing(path) => {
            let what = tr!(
                lang,
                "{noun_vi} \"{value}\" trỏ tới {path}, nhưng trang web không có trang hay tệp nào ở địa chỉ đó.",
                "{noun_en} \"{value}\" points to {path}, but the site has no page or file at that address."
            );
            let fix = match noun {
                Noun::Link => tr!(
                    lang,
                    " Sửa lại địa chỉ (trang trong nội dung nên viết dạng @/thu-muc/bai.md để bangtin tự kiểm tra) hoặc bỏ liên kết.",
                    " Fix the address (for pages of the site write @/folder/page.md so bangtin checks it) or remove the link."
                ),
                Noun::Image => tr!(
                    lang,
                    " Kiểm tra tên tệp ảnh, và đặt ảnh cùng thư mục với bài (thư mục có index.md) hoặc trong static/.",
                    " Check the image's file name, and put the image in the page's folder (the one with index.md) or in static/."
                ),
                Noun::File | Noun::Address => tr!(
                    lang,
                    " Sửa lại địa chỉ hoặc bỏ nó đi.",
                    " Fix the address or remove it."
                ),
            };
            what + &fix
        }
        Problem::Anchor(path, frag) => tr!(
            lang,
            "{noun_vi} \"{value}\": trang {path} không có mục nào mang mã #{frag}. Sửa phần sau dấu # cho khớp với mã một tiêu đề của trang đó (chữ thường, không dấu, nối bằng gạch ngang, ví dụ #muc-tieu).",
            "{noun_en} \"{value}\": page {path} has no element with the id #{frag}. Change the part after # to the id of a heading on that page (lower case, no accents, words joined by hyphens, e.g. #goals)."
        ),
        Problem::Malformed => tr!(
            lang,
            "{noun_vi} \"{value}\" không phải địa chỉ hợp lệ nên trình duyệt không mở được. Viết lại địa chỉ cho đúng.",
            "{noun_en} \"{value}\" is not a valid address, so no browser can follow it. Write the address correctly."
        ),
    }
}

/// For a missing file, the file that differs from it only in case, if there is one.
fn case_hint(map: &SiteMap<'_>, problem: &Problem, lang: Lang) -> String {
    match problem {
        Problem::Missing(path) => map
            .case_variant(path)
            .map(|actual| {
                tr!(
                    lang,
                    " Có {actual} chỉ khác chữ hoa, chữ thường: máy chủ web phân biệt chữ hoa và chữ thường, hãy viết đúng như tên tệp.",
                    " There is {actual}, which differs only in upper/lower case: web servers tell them apart, so write the name exactly as the file's."
                )
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A warning for each image the theme writes (logos, banners) without alt text: Markdown
/// images are checked in their source.
fn theme_alt_findings(map: &SiteMap<'_>, lang: Lang) -> Vec<Finding> {
    let mut theme_images: BTreeMap<&str, Vec<Seen>> = BTreeMap::new();
    let mut in_markdown: HashMap<&str, bool> = HashMap::new();
    for (&from, doc) in &map.docs {
        for src in &doc.images_without_alt {
            let found = *in_markdown
                .entry(src)
                .or_insert_with(|| map.locate_anywhere(src).is_some());
            if !found {
                theme_images
                    .entry(src)
                    .or_default()
                    .push((from.to_string(), src.clone()));
            }
        }
    }
    let mut findings = Vec::new();
    for (src, seen) in theme_images {
        let n = seen.len();
        let example = seen.first().map(|(f, _)| map.url_of(f)).unwrap_or_default();
        findings.push(Finding::warning(
            Kind::MissingAlt,
            "templates",
            (0, 0),
            tr!(
                lang,
                "ảnh \"{src}\" trong giao diện (trên {n} trang, ví dụ {example}) không có thuộc tính alt. Thêm alt=\"mô tả ảnh\" vào thẻ <img> trong thư mục templates/ hoặc themes/; ảnh chỉ để trang trí thì ghi alt=\"\".",
                "image \"{src}\" in the theme (on {n} page(s), e.g. {example}) has no alt attribute. Add alt=\"what it shows\" to the <img> tag in templates/ or themes/; for a purely decorative image write alt=\"\"."
            ),
        ));
    }
    findings
}

/// A warning for each page no other page links to.
fn orphan_findings(
    map: &SiteMap<'_>,
    incoming: &HashMap<String, BTreeSet<&str>>,
    lang: Lang,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rel in &map.page_outputs {
        let Some(doc) = map.docs.get(rel.as_str()) else {
            continue;
        };
        if doc.redirect || incoming.get(rel).is_some_and(|s| !s.is_empty()) {
            continue;
        }
        let url = map.url_of(rel);
        let file = map
            .sources
            .get(rel)
            .map(|s| s.file.to_path_buf())
            .unwrap_or_else(|| crate::output_file(rel));
        findings.push(Finding::warning(
            Kind::Orphan,
            file,
            (0, 0),
            tr!(
                lang,
                "không trang nào khác liên kết tới trang này ({url}) nên người đọc khó tìm thấy. Thêm liên kết tới nó từ một bài khác hoặc từ trình đơn, hoặc để trang trong một chuyên mục có danh sách bài.",
                "no other page links to this page ({url}), so readers will hardly find it. Link to it from another page or the menu, or put it in a section that lists its pages."
            ),
        ));
    }
    findings
}

/// Where to report a problem seen in some outputs.
struct Place {
    file: PathBuf,
    pos: (usize, usize),
    /// Pages (URLs) the problem shows on.
    pages: Vec<String>,
    /// Found in the Markdown of the page it shows on.
    own: bool,
    /// Not found in any Markdown: the theme's templates wrote it.
    template: bool,
}

impl Place {
    /// Words that say where the problem shows, when the file alone does not tell.
    fn suffix(&self, lang: Lang) -> String {
        let n = self.pages.len();
        let example = self.pages.first().cloned().unwrap_or_default();
        if self.template {
            tr!(
                lang,
                " Địa chỉ này có trên {n} trang (ví dụ {example}) nhưng không có trong tệp Markdown nào, nên có lẽ nằm trong giao diện (thư mục templates/ hoặc themes/).",
                " It is on {n} page(s) (e.g. {example}) but in no Markdown file, so it likely comes from the theme (the templates/ or themes/ folder)."
            )
        } else if !self.own {
            tr!(
                lang,
                " (lỗi hiện ra trên trang {example}, ví dụ trong phần tóm tắt ở danh sách bài.)",
                " (broken on page {example}, e.g. in the summary shown in a listing.)"
            )
        } else {
            String::new()
        }
    }
}

/// Groups the outputs where something was seen by the place in the sources it was written:
/// the output's own Markdown first, else any Markdown file (a summary in a listing), else
/// the theme.
fn place(map: &SiteMap<'_>, seen: &[Seen]) -> Vec<Place> {
    let mut places: BTreeMap<(PathBuf, (usize, usize), bool), Vec<String>> = BTreeMap::new();
    let mut unplaced: Vec<String> = Vec::new();
    // Searching every source is the slow part: once per address, not once per page.
    let mut anywhere: HashMap<&str, Option<Spot<'_>>> = HashMap::new();
    for (from, value) in seen {
        let found = match map.locate_own(from, value) {
            Some((file, pos)) => Some((file, pos, true)),
            None => anywhere
                .entry(value)
                .or_insert_with(|| map.locate_anywhere(value))
                .map(|(file, pos)| (file, pos, false)),
        };
        match found {
            Some((file, pos, own)) => places
                .entry((file.to_path_buf(), pos, own))
                .or_default()
                .push(map.url_of(from)),
            None => unplaced.push(map.url_of(from)),
        }
    }
    let mut out: Vec<Place> = places
        .into_iter()
        .map(|((file, pos, own), pages)| Place {
            file,
            pos,
            pages,
            own,
            template: false,
        })
        .collect();
    if !unplaced.is_empty() {
        out.push(Place {
            file: PathBuf::from("templates"),
            pos: (0, 0),
            pages: unplaced,
            own: false,
            template: true,
        });
    }
    out
}

/// Checks the external links over HTTP (with the cache) and reports the ones that fail.
pub fn check_external(
    map: &SiteMap<'_>,
    links: &BTreeMap<String, Vec<Seen>>,
    settings: &external::Settings,
    cache_path: &Path,
    lang: Lang,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut cache = external::Cache::load(cache_path);
    let urls: Vec<String> = links.keys().cloned().collect();
    let results = external::check_urls(&urls, settings, Some(&mut cache));
    if let Err(e) = cache.save() {
        findings.push(Finding::warning(
            Kind::ExternalLink,
            Path::new(".bangtin-cache").join("links.json"),
            (0, 0),
            e.message(lang),
        ));
    }
    for (url, checked) in results {
        let severity = match checked.outcome {
            Outcome::Ok { .. } => continue,
            Outcome::NotFound { .. } => Severity::Error,
            Outcome::Status { .. } | Outcome::Failed { .. } => Severity::Warning,
        };
        let what = checked.outcome.message(&url, lang);
        let seen = links.get(&url).map(Vec::as_slice).unwrap_or(&[]);
        for p in place(map, seen) {
            let mut f = Finding::warning(
                Kind::ExternalLink,
                p.file.clone(),
                p.pos,
                what.clone() + &p.suffix(lang),
            );
            f.severity = severity;
            findings.push(f);
        }
    }
    findings
}
