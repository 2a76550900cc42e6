//! Loads `content/`: sections, pages, translations, bundles and their assets, each page placed
//! in its section (listings are ordered in `model::sort`).

use super::files::list_files;
use super::frontmatter::{self, PageFront, SectionFront};
use super::read::{read_front, tidy_terms, ReadFront};
pub use super::read::{read_text, read_text_hashed};
use crate::config::Config;
use crate::diag::{display_path, line_col, Diagnostic};
use crate::util::hash::Key;
use crate::util::paths::slash_path;
use crate::util::{lock, PAR_CHUNK};
use chrono::NaiveDate;
use i18n::{tr, Lang};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One Markdown page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path of the file relative to the site root (for messages).
    pub file: PathBuf,
    /// Path relative to `content/` with `/`, e.g. `bien-dao/hoang-sa.en.md`.
    pub relative_path: String,
    /// Same for every translation of the page, e.g. `bien-dao/hoang-sa.md`.
    pub key: String,
    /// Language code.
    pub lang: String,
    /// Front matter as written.
    pub front: PageFront,
    /// Title (NFC).
    pub title: String,
    /// Description (NFC), may be empty.
    pub description: String,
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// Last update.
    pub updated: Option<NaiveDate>,
    /// Last URL segment.
    pub slug: String,
    /// URL path, e.g. `/bien-dao/hoang-sa/`.
    pub path: String,
    /// Whole file text (NFC), kept for error positions.
    pub raw: String,
    /// Byte offset of the Markdown body in `raw`.
    pub body_offset: usize,
    /// Index of the section that lists it.
    pub section: usize,
    /// Files of a page bundle (relative to the site root), copied beside the page.
    pub assets: Vec<PathBuf>,
    /// Folder of the page bundle, relative to the site root.
    pub bundle_dir: Option<PathBuf>,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.raw[self.body_offset..]
    }
}

/// One section (`_index.md`).
#[derive(Debug, Clone)]
pub struct Section {
    /// Path of the file relative to the site root (may not exist for an implied home).
    pub file: PathBuf,
    /// Path relative to `content/`, e.g. `bien-dao/_index.md`.
    pub relative_path: String,
    /// Same for every translation, e.g. `bien-dao/_index.md`.
    pub key: String,
    /// Language code.
    pub lang: String,
    /// Front matter.
    pub front: SectionFront,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// URL path, e.g. `/en/bien-dao/`.
    pub path: String,
    /// Whole text.
    pub raw: String,
    /// Byte offset of the body.
    pub body_offset: usize,
    /// Folder relative to `content/` (`""` for the home).
    pub dir: String,
    /// Parent section.
    pub parent: Option<usize>,
    /// Pages listed here, in the section's order.
    pub pages: Vec<usize>,
    /// Child sections, by weight then title.
    pub subsections: Vec<usize>,
    /// Non-Markdown files of the section folder.
    pub assets: Vec<PathBuf>,
}

impl Section {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.raw[self.body_offset..]
    }
}

/// What the build includes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Include `draft = true` pages.
    pub drafts: bool,
    /// Include pages dated after today.
    pub future: bool,
    /// Today, for scheduled publishing.
    pub today: Option<NaiveDate>,
}

/// Everything under `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// All pages that are part of the build.
    pub pages: Vec<Page>,
    /// All sections.
    pub sections: Vec<Section>,
    /// Pages left out because they are drafts or scheduled (relative paths), for `check`.
    pub skipped: Vec<(String, Skipped)>,
    /// Non-fatal findings.
    pub warnings: Vec<Diagnostic>,
    /// Every Markdown file read (path relative to the site folder) with the hash of its bytes
    /// as read, for the no-change key (see `fresh`).
    pub read: Vec<(PathBuf, Key)>,
}

/// Why a page was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// `draft = true`.
    Draft,
    /// Dated in the future.
    Future,
}

/// Splits `name.en.md` into (`name`, Some("en")) when `en` is a language of the site.
fn lang_of_file<'a>(stem: &'a str, config: &Config) -> Result<(&'a str, Option<&'a str>), &'a str> {
    if let Some((base, code)) = stem.rsplit_once('.') {
        if config.has_language(code) {
            return Ok((base, Some(code)));
        }
        if code.len() == 2 && code.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(code);
        }
    }
    Ok((stem, None))
}

/// URL path of a folder relative to `content/`: every component slugified.
pub fn dir_url(config: &Config, lang: &str, dir: &str) -> String {
    let mut out = config.lang_prefix(lang);
    out.push('/');
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        out.push_str(&vi::slugify(part));
        out.push('/');
    }
    out
}

/// Normalizes a user-given `path` front matter value to `/a/b/`.
fn user_path(config: &Config, lang: &str, p: &str) -> String {
    let trimmed = p.trim_matches('/');
    let mut out = config.lang_prefix(lang);
    out.push('/');
    if !trimmed.is_empty() {
        out.push_str(trimmed);
        out.push('/');
    }
    out
}

/// Loads `content/` of a site folder. Returns what could be loaded and every error found, so
/// one run reports all problems.
///
/// Files are read and parsed in parallel; the model is then put together in file order, so
/// the result, the errors and the warnings come out the same, in the same order, every run.
/// Sections' listings (`Section::pages`) and subsections are left in file order: the model
/// step orders them (`model::sort::list_sections`).
pub fn load(
    root: &Path,
    config: &Config,
    filter: Filter,
    lang: Lang,
) -> (Content, Vec<Diagnostic>) {
    let content_dir = root.join("content");
    let mut errors = Vec::new();
    let mut content = Content::default();

    // First pass: list files, folders that are sections, folders that are bundles.
    let (md_files, other_files) = list_files(root, &content_dir, lang, &mut errors);
    let bundles = bundle_dirs(&md_files);
    let read_log = Mutex::new(Vec::with_capacity(md_files.len()));
    let (section_files, page_files): (Vec<&PathBuf>, Vec<&PathBuf>) = md_files
        .iter()
        .partition(|f| is_section_file(f.file_stem().and_then(|s| s.to_str()).unwrap_or("")));

    let loaded: Vec<FileLoad<Section>> = section_files
        .par_iter()
        .map(|f| load_section(root, &content_dir, f, config, lang, &read_log))
        .collect();
    let sections = place_sections(loaded, config, &mut content, &mut errors);
    let place = Place {
        root,
        content_dir: &content_dir,
        config,
        filter,
        lang,
        sections: &sections,
        read_log: &read_log,
    };
    place.load_pages(&page_files, &mut content, &mut errors);
    place.attach_assets(other_files, &bundles, &mut content);
    check_addresses(&content, lang, &mut errors);
    content.read = crate::util::into_inner(read_log);
    (content, errors)
}

/// Bundles: folders holding index.md (or index.<lang>.md).
fn bundle_dirs(md_files: &[PathBuf]) -> HashSet<PathBuf> {
    let mut bundle_dirs = HashSet::new();
    for f in md_files {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem == "index" || stem.starts_with("index.") {
            if let Some(d) = f.parent() {
                bundle_dirs.insert(d.to_path_buf());
            }
        }
    }
    bundle_dirs
}

/// Puts the loaded sections in (their errors and warnings noted), a home section for every
/// language that has none written, and each section under its parent: the nearest folder
/// above it with a section of the same language. The sections by (language, folder).
fn place_sections(
    loaded: Vec<FileLoad<Section>>,
    config: &Config,
    content: &mut Content,
    errors: &mut Vec<Diagnostic>,
) -> SectionIndex {
    let mut section_index: HashMap<(String, String), usize> = HashMap::new();
    for l in loaded {
        errors.extend(l.errors);
        content.warnings.extend(l.warning);
        if let Some(s) = l.item {
            section_index.insert((s.lang.clone(), s.dir.clone()), content.sections.len());
            content.sections.push(s);
        }
    }
    // Every language has a home section, written or implied.
    for code in config.all_languages() {
        if let std::collections::hash_map::Entry::Vacant(e) =
            section_index.entry((code.clone(), String::new()))
        {
            e.insert(content.sections.len());
            content.sections.push(implied_home(config, code));
        }
    }
    let sections = SectionIndex(section_index);
    for i in 0..content.sections.len() {
        let s = &content.sections[i];
        let parent = sections.nearest(&s.lang, &s.dir, false);
        content.sections[i].parent = parent;
        if let Some(p) = parent {
            content.sections[p].subsections.push(i);
        }
    }
    sections
}

/// The home section of language `code` when `content/` has no `_index` file for it.
fn implied_home(config: &Config, code: String) -> Section {
    let rel = if code == config.default_language {
        "_index.md".to_string()
    } else {
        format!("_index.{code}.md")
    };
    Section {
        file: PathBuf::from("content").join(&rel),
        relative_path: rel,
        key: "_index.md".into(),
        lang: code.clone(),
        front: SectionFront {
            render: true,
            ..SectionFront::default()
        },
        title: config.title_in(&code).to_string(),
        description: config.description_in(&code).to_string(),
        path: dir_url(config, &code, ""),
        raw: String::new(),
        body_offset: 0,
        dir: String::new(),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        assets: Vec::new(),
    }
}

/// Two files may not claim the same URL, and an alias (a redirect page at an old address) is
/// never at a page's or section's address, nor at another alias's (one of the two files would
/// silently replace the other).
fn check_addresses(content: &Content, lang: Lang, errors: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Path> = HashMap::with_capacity(content.pages.len());
    for p in &content.pages {
        if let Some(other) = seen.insert(&p.path, &p.file) {
            errors.push(Diagnostic::error(
                &p.file,
                0,
                0,
                tr!(
                    lang,
                    "trang này có cùng địa chỉ {} với {}; đổi tên tệp hoặc đặt slug khác",
                    "this page has the same URL {} as {}; rename the file or set another slug",
                    p.path,
                    display_path(other)
                ),
            ));
        }
    }
    for s in &content.sections {
        if let Some(other) = seen.get(s.path.as_str()) {
            errors.push(Diagnostic::error(
                &s.file,
                0,
                0,
                tr!(
                    lang,
                    "chuyên mục này có cùng địa chỉ {} với {}",
                    "this section has the same URL {} as {}",
                    s.path,
                    display_path(other)
                ),
            ));
        }
    }
    let mut aliases: HashMap<String, &Path> = HashMap::new();
    for p in &content.pages {
        for a in &p.front.aliases {
            let at = format!("/{}/", a.trim_matches('/'));
            let taken = seen
                .get(at.as_str())
                .copied()
                .or_else(|| {
                    let s = content.sections.iter().find(|s| s.path == at);
                    s.map(|s| s.file.as_path())
                })
                .or_else(|| aliases.get(&at).copied());
            match taken {
                Some(other) => errors.push(Diagnostic::error(
                    &p.file,
                    0,
                    0,
                    tr!(
                        lang,
                        "bí danh (aliases) {at} trùng địa chỉ của {}; bỏ bí danh này hoặc đổi địa chỉ kia",
                        "the alias {at} is the address of {}; remove the alias or change the other address",
                        display_path(other)
                    ),
                )),
                None => {
                    aliases.insert(at, &p.file);
                }
            }
        }
    }
}

impl Place<'_> {
    /// Loads the pages in parallel, then puts them in in file order (drafts and scheduled
    /// pages noted as skipped).
    fn load_pages(
        &self,
        page_files: &[&PathBuf],
        content: &mut Content,
        errors: &mut Vec<Diagnostic>,
    ) {
        let loaded: Vec<FileLoad<Loaded>> = page_files
            .par_iter()
            .with_max_len(PAR_CHUNK)
            .map(|f| self.load_page(f))
            .collect();
        content.pages.reserve(loaded.len());
        for l in loaded {
            errors.extend(l.errors);
            content.warnings.extend(l.warning);
            match l.item {
                Some(Loaded::Page(p)) => content.pages.push(*p),
                Some(Loaded::Skipped(rel, why)) => content.skipped.push((rel, why)),
                None => {}
            }
        }
    }

    /// Non-Markdown files: each goes to the page bundle it is in, else to the section of its
    /// folder (or the nearest above it).
    fn attach_assets(
        &self,
        other_files: Vec<PathBuf>,
        bundle_dirs: &HashSet<PathBuf>,
        content: &mut Content,
    ) {
        let (root, content_dir) = (self.root, self.content_dir);
        let bundle_page: HashMap<PathBuf, Vec<usize>> = {
            let mut m: HashMap<PathBuf, Vec<usize>> = HashMap::new();
            for (i, p) in content.pages.iter().enumerate() {
                if let Some(d) = &p.bundle_dir {
                    m.entry(root.join(d)).or_default().push(i);
                }
            }
            m
        };
        for f in other_files {
            let rel = f.strip_prefix(root).unwrap_or(&f).to_path_buf();
            let parent = f.parent().map(Path::to_path_buf).unwrap_or_default();
            // The nearest bundle folder above the file, if any (bundles may have sub-folders).
            let mut dir = parent.clone();
            let mut owner = None;
            while dir.starts_with(content_dir) {
                if bundle_dirs.contains(&dir) {
                    owner = Some(dir.clone());
                    break;
                }
                if !dir.pop() {
                    break;
                }
            }
            match owner {
                Some(b) => {
                    if let Some(ids) = bundle_page.get(&b) {
                        for &i in ids {
                            content.pages[i].assets.push(rel.clone());
                        }
                    }
                }
                None => {
                    let rel_dir = parent
                        .strip_prefix(content_dir)
                        .map(slash_path)
                        .unwrap_or_default();
                    if let Some(s) =
                        self.sections
                            .nearest(&self.config.default_language, &rel_dir, true)
                    {
                        content.sections[s].assets.push(rel);
                    }
                }
            }
        }
    }
}

/// What loading one content file gave: its errors (in the order they were found), the
/// warning about a legacy encoding, and the result when there is one.
struct FileLoad<T> {
    errors: Vec<Diagnostic>,
    warning: Option<Diagnostic>,
    item: Option<T>,
}

impl<T> FileLoad<T> {
    fn failed(error: Diagnostic, warning: Option<Diagnostic>) -> Self {
        FileLoad {
            errors: vec![error],
            warning,
            item: None,
        }
    }
}

/// A page file: part of the build, or left out (draft or scheduled).
enum Loaded {
    Page(Box<Page>),
    Skipped(String, Skipped),
}

/// Sections by (language, folder relative to `content/`).
struct SectionIndex(HashMap<(String, String), usize>);

impl SectionIndex {
    fn get(&self, lang: &str, dir: &str) -> Option<usize> {
        self.0.get(&(lang.to_string(), dir.to_string())).copied()
    }

    /// The section of `dir` (when `include_self`) or of the nearest folder above it.
    fn nearest(&self, lang: &str, mut dir: &str, include_self: bool) -> Option<usize> {
        if include_self {
            if let Some(i) = self.get(lang, dir) {
                return Some(i);
            }
        }
        loop {
            if dir.is_empty() {
                return None;
            }
            dir = dir.rsplit_once('/').map(|(a, _)| a).unwrap_or("");
            if let Some(i) = self.get(lang, dir) {
                return Some(i);
            }
        }
    }
}

/// Reads one `_index.md`.
fn load_section(
    root: &Path,
    content_dir: &Path,
    f: &Path,
    config: &Config,
    lang: Lang,
    read_log: &Mutex<Vec<(PathBuf, Key)>>,
) -> FileLoad<Section> {
    let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let rel_file = f.strip_prefix(root).unwrap_or(f).to_path_buf();
    let page_lang = match name_and_lang(stem, config, &rel_file, lang) {
        Ok((_, l)) => l,
        Err(e) => return FileLoad::failed(e, None),
    };
    let rel_content = f.strip_prefix(content_dir).unwrap_or(f);
    let dir = rel_content.parent().map(slash_path).unwrap_or_default();
    let (warning, read) = read_front::<SectionFront>(root, f, &rel_file, lang);
    let ReadFront {
        raw,
        front,
        body_offset,
        hash,
        ..
    } = match read {
        Ok(r) => r,
        Err(e) => return FileLoad::failed(e, warning),
    };
    lock(read_log).push((rel_file.clone(), hash));
    let key = if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    };
    let title = front.title.clone().unwrap_or_default();
    let description = front.description.clone().unwrap_or_default();
    let path = dir_url(config, &page_lang, &dir);
    FileLoad {
        errors: Vec::new(),
        warning,
        item: Some(Section {
            file: rel_file,
            relative_path: slash_path(rel_content),
            key,
            lang: page_lang,
            front,
            title,
            description,
            path,
            raw,
            body_offset,
            dir,
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            assets: Vec::new(),
        }),
    }
}

/// What placing a page needs: the site, the build's filter and the sections.
struct Place<'a> {
    root: &'a Path,
    content_dir: &'a Path,
    config: &'a Config,
    filter: Filter,
    lang: Lang,
    sections: &'a SectionIndex,
    /// The files read, with their hashes.
    read_log: &'a Mutex<Vec<(PathBuf, Key)>>,
}

impl Place<'_> {
    /// Reads one page file and works out its URL and section.
    fn load_page(&self, f: &Path) -> FileLoad<Loaded> {
        let (root, config, lang) = (self.root, self.config, self.lang);
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let rel_file = f.strip_prefix(root).unwrap_or(f).to_path_buf();
        let (base, page_lang) = match name_and_lang(stem, config, &rel_file, lang) {
            Ok(r) => r,
            Err(e) => return FileLoad::failed(e, None),
        };
        let rel_content = f.strip_prefix(self.content_dir).unwrap_or(f);
        let is_bundle = base == "index";
        let file_dir = rel_content.parent().map(slash_path).unwrap_or_default();
        // A bundle's page lives in its folder's parent; its slug is the folder name.
        let (dir, name) = if is_bundle {
            match file_dir.rsplit_once('/') {
                Some((d, n)) => (d.to_string(), n.to_string()),
                None => (String::new(), file_dir.clone()),
            }
        } else {
            (file_dir.clone(), base.to_string())
        };
        let (warning, read) = read_front::<PageFront>(root, f, &rel_file, lang);
        let ReadFront {
            raw,
            mut front,
            front_offset,
            front_len,
            body_offset,
            hash,
        } = match read {
            Ok(r) => r,
            Err(e) => return FileLoad::failed(e, warning),
        };
        lock(self.read_log).push((rel_file.clone(), hash));
        let mut errors = Vec::new();
        let field_pos = |field: &str| -> (usize, usize) {
            let front_text = &raw[front_offset..front_offset + front_len];
            let off = front_text
                .lines()
                .scan(0usize, |acc, l| {
                    let start = *acc;
                    *acc += l.len() + 1;
                    Some((start, l))
                })
                .find(|(_, l)| l.trim_start().starts_with(field))
                .map(|(s, _)| s)
                .unwrap_or(0);
            line_col(&raw, front_offset + off)
        };
        let mut bad_date = |field: &str, v: &Option<toml::Value>| -> Option<NaiveDate> {
            let v = v.as_ref()?;
            let d = frontmatter::date_of(v);
            if d.is_none() {
                let (l, c) = field_pos(field);
                errors.push(Diagnostic::error(
                    &rel_file,
                    l,
                    c,
                    tr!(
                        lang,
                        "{field} = {v} không phải ngày hợp lệ; viết theo dạng năm-tháng-ngày, ví dụ {field} = 2024-01-16",
                        "{field} = {v} is not a valid date; write it as year-month-day, for example {field} = 2024-01-16"
                    ),
                ));
            }
            d
        };
        let date = bad_date("date", &front.date);
        let updated = bad_date("updated", &front.updated);
        // Taxonomy names must be configured.
        for name in front.taxonomies.keys() {
            if config.taxonomy(name).is_none() {
                let (l, c) = field_pos(name);
                let known: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
                errors.push(Diagnostic::error(
                    &rel_file,
                    l,
                    c,
                    tr!(
                        lang,
                        "phân loại \"{name}\" chưa khai báo trong config.toml; thêm [[taxonomies]] name = \"{name}\" hoặc dùng một trong: {}",
                        "taxonomy \"{name}\" is not declared in config.toml; add [[taxonomies]] name = \"{name}\" or use one of: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        tidy_terms(&mut front);
        let skipped = if front.draft && !self.filter.drafts {
            Some(Skipped::Draft)
        } else {
            match (date, self.filter.today, self.filter.future) {
                (Some(d), Some(today), false) if d > today => Some(Skipped::Future),
                _ => None,
            }
        };
        if let Some(why) = skipped {
            return FileLoad {
                errors,
                warning,
                item: Some(Loaded::Skipped(slash_path(rel_content), why)),
            };
        }
        let slug = match &front.slug {
            Some(s) => vi::slugify(s),
            None => vi::slugify(&name),
        };
        let path = match &front.path {
            Some(p) => user_path(config, &page_lang, p),
            None => {
                let mut p = dir_url(config, &page_lang, &dir);
                if !slug.is_empty() {
                    p.push_str(&slug);
                    p.push('/');
                }
                p
            }
        };
        let Some(section) = self.sections.nearest(&page_lang, &dir, true) else {
            errors.push(Diagnostic::error(
                &rel_file,
                0,
                0,
                tr!(
                    lang,
                    "không tìm thấy chuyên mục cho trang này",
                    "no section found for this page"
                ),
            ));
            return FileLoad {
                errors,
                warning,
                item: None,
            };
        };
        let key_file = if is_bundle {
            "index.md".to_string()
        } else {
            format!("{base}.md")
        };
        let key = if file_dir.is_empty() {
            key_file
        } else {
            format!("{file_dir}/{key_file}")
        };
        let title = front.title.clone().unwrap_or_default();
        let description = front.description.clone().unwrap_or_default();
        let bundle_dir = if is_bundle {
            f.parent()
                .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
        } else {
            None
        };
        let page = Page {
            file: rel_file,
            relative_path: slash_path(rel_content),
            key,
            lang: page_lang,
            front,
            title,
            description,
            date,
            updated,
            slug,
            path,
            raw,
            body_offset,
            section,
            assets: Vec::new(),
            bundle_dir,
        };
        FileLoad {
            errors,
            warning,
            item: Some(Loaded::Page(Box::new(page))),
        }
    }
}

/// `_index.md` or `_index.<lang>.md`: the file of a section.
fn is_section_file(stem: &str) -> bool {
    stem == "_index" || stem.starts_with("_index.")
}

/// The name without its language suffix and the file's language; an unknown suffix is an error.
fn name_and_lang<'a>(
    stem: &'a str,
    config: &Config,
    rel_file: &Path,
    lang: Lang,
) -> Result<(&'a str, String), Diagnostic> {
    match lang_of_file(stem, config) {
        Ok((base, code)) => Ok((base, code.unwrap_or(&config.default_language).to_string())),
        Err(code) => Err(unknown_lang(rel_file, code, lang)),
    }
}

fn unknown_lang(file: &Path, code: &str, lang: Lang) -> Diagnostic {
    Diagnostic::error(
        file,
        0,
        0,
        tr!(
            lang,
            "tên tệp có đuôi ngôn ngữ \"{code}\" nhưng config.toml không có [languages.{code}]; thêm ngôn ngữ đó hoặc đổi tên tệp",
            "the file name has the language suffix \"{code}\" but config.toml has no [languages.{code}]; add that language or rename the file"
        ),
    )
}
