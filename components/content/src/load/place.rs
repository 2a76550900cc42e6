//! Reading one content file and placing it: its language, its section, its URL, its
//! front matter checked ([`Place::load_page`] in named steps; [`load_section`]).

use super::frontmatter::{self, PageFront, SectionFront};
use super::page::{dir_url, lang_of_file, user_path, Filter, Page, Section, Skipped};
use super::read::{read_front, tidy_terms, ReadFront};
use crate::config::Config;
use crate::diag::{line_col, Diagnostic};
use crate::util::hash::Key;
use crate::util::lock;
use crate::util::paths::slash_path;
use chrono::NaiveDate;
use i18n::{tr, Lang};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What loading one content file gave: its errors (in the order they were found), the
/// warning about a legacy encoding, and the result when there is one.
pub(super) struct FileLoad<T> {
    pub(super) errors: Vec<Diagnostic>,
    pub(super) warning: Option<Diagnostic>,
    pub(super) item: Option<T>,
}

impl<T> FileLoad<T> {
    pub(super) fn failed(error: Diagnostic, warning: Option<Diagnostic>) -> Self {
        FileLoad {
            errors: vec![error],
            warning,
            item: None,
        }
    }
}

/// A page file: part of the build, or left out (draft or scheduled).
pub(super) enum Loaded {
    Page(Box<Page>),
    Skipped(String, Skipped),
}

/// Sections by (language, folder relative to `content/`).
pub(super) struct SectionIndex(pub(super) HashMap<(String, String), usize>);

impl SectionIndex {
    pub(super) fn get(&self, lang: &str, dir: &str) -> Option<usize> {
        self.0.get(&(lang.to_string(), dir.to_string())).copied()
    }

    /// The section of `dir` (when `include_self`) or of the nearest folder above it.
    pub(super) fn nearest(&self, lang: &str, mut dir: &str, include_self: bool) -> Option<usize> {
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
pub(super) fn load_section(
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
pub(super) struct Place<'a> {
    pub(super) root: &'a Path,
    pub(super) content_dir: &'a Path,
    pub(super) config: &'a Config,
    pub(super) filter: Filter,
    pub(super) lang: Lang,
    pub(super) sections: &'a SectionIndex,
    /// The files read, with their hashes.
    pub(super) read_log: &'a Mutex<Vec<(PathBuf, Key)>>,
}

impl Place<'_> {
    /// Reads one page file and works out its URL and section: [`Place::locate`], the file
    /// read, [`Place::check_front`], [`Place::skipped`], [`Place::address`], then the page.
    pub(super) fn load_page(&self, f: &Path) -> FileLoad<Loaded> {
        let at = match self.locate(f) {
            Ok(at) => at,
            Err(e) => return FileLoad::failed(e, None),
        };
        let (warning, read) = read_front::<PageFront>(self.root, f, &at.rel_file, self.lang);
        let read = match read {
            Ok(r) => r,
            Err(e) => return FileLoad::failed(e, warning),
        };
        lock(self.read_log).push((at.rel_file.clone(), read.hash));
        let mut errors = Vec::new();
        let (date, updated) = self.check_front(&at.rel_file, &read, &mut errors);
        let ReadFront {
            raw,
            mut front,
            body_offset,
            ..
        } = read;
        tidy_terms(&mut front);
        if let Some(why) = self.skipped(&front, date) {
            let item = Some(Loaded::Skipped(at.relative_path, why));
            return FileLoad {
                errors,
                warning,
                item,
            };
        }
        let (slug, path) = self.address(&front, &at);
        let Some(section) = self.sections.nearest(&at.lang, &at.dir, true) else {
            errors.push(no_section(&at.rel_file, self.lang));
            return FileLoad {
                errors,
                warning,
                item: None,
            };
        };
        let page = Page {
            file: at.rel_file,
            relative_path: at.relative_path,
            key: at.key,
            lang: at.lang,
            title: front.title.clone().unwrap_or_default(),
            description: front.description.clone().unwrap_or_default(),
            front,
            date,
            updated,
            slug,
            path,
            raw,
            body_offset,
            section,
            assets: Vec::new(),
            bundle_dir: at.bundle_dir,
        };
        FileLoad {
            errors,
            warning,
            item: Some(Loaded::Page(Box::new(page))),
        }
    }

    /// Where page file `f` is: its names, language, folder and key (a bundle's page lives in
    /// its folder's parent and takes the folder's name).
    fn locate(&self, f: &Path) -> Result<Located, Diagnostic> {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let rel_file = f.strip_prefix(self.root).unwrap_or(f).to_path_buf();
        let (base, lang) = name_and_lang(stem, self.config, &rel_file, self.lang)?;
        let rel_content = f.strip_prefix(self.content_dir).unwrap_or(f);
        let is_bundle = base == "index";
        let file_dir = rel_content.parent().map(slash_path).unwrap_or_default();
        let (dir, name) = if is_bundle {
            match file_dir.rsplit_once('/') {
                Some((d, n)) => (d.to_string(), n.to_string()),
                None => (String::new(), file_dir.clone()),
            }
        } else {
            (file_dir.clone(), base.to_string())
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
        let bundle_dir = if is_bundle {
            f.parent()
                .map(|p| p.strip_prefix(self.root).unwrap_or(p).to_path_buf())
        } else {
            None
        };
        Ok(Located {
            relative_path: slash_path(rel_content),
            rel_file,
            lang,
            dir,
            name,
            key,
            bundle_dir,
        })
    }

    /// The page's dates, and errors for a date that does not parse or a taxonomy the config
    /// does not declare, at the line of the field.
    fn check_front(
        &self,
        rel_file: &Path,
        read: &ReadFront<PageFront>,
        errors: &mut Vec<Diagnostic>,
    ) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let (config, lang, front) = (self.config, self.lang, &read.front);
        let field_pos = |field: &str| field_pos(read, field);
        let mut date_of = |field: &str, v: &Option<toml::Value>| -> Option<NaiveDate> {
            let v = v.as_ref()?;
            let d = frontmatter::date_of(v);
            if d.is_none() {
                let (l, c) = field_pos(field);
                errors.push(Diagnostic::error(
                    rel_file,
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
        let dates = (
            date_of("date", &front.date),
            date_of("updated", &front.updated),
        );
        // Taxonomy names must be configured.
        for name in front.taxonomies.keys() {
            if config.taxonomy(name).is_none() {
                let (l, c) = field_pos(name);
                let known: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
                errors.push(Diagnostic::error(
                    rel_file,
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
        dates
    }

    /// Why the build leaves the page out: a draft, or dated after today.
    fn skipped(&self, front: &PageFront, date: Option<NaiveDate>) -> Option<Skipped> {
        if front.draft && !self.filter.drafts {
            return Some(Skipped::Draft);
        }
        match (date, self.filter.today, self.filter.future) {
            (Some(d), Some(today), false) if d > today => Some(Skipped::Future),
            _ => None,
        }
    }

    /// The page's slug and URL path: its own `path`, else its folder's URL and its slug.
    fn address(&self, front: &PageFront, at: &Located) -> (String, String) {
        let slug = vi::slugify(front.slug.as_deref().unwrap_or(&at.name));
        let path = match &front.path {
            Some(p) => user_path(self.config, &at.lang, p),
            None => {
                let mut p = dir_url(self.config, &at.lang, &at.dir);
                if !slug.is_empty() {
                    p.push_str(&slug);
                    p.push('/');
                }
                p
            }
        };
        (slug, path)
    }
}

/// Where a page file is (see [`Place::locate`]).
struct Located {
    /// Path relative to the site folder.
    rel_file: PathBuf,
    /// Path relative to `content/`, with `/`.
    relative_path: String,
    /// The page's language.
    lang: String,
    /// The folder the page lives in (a bundle's parent), relative to `content/`.
    dir: String,
    /// The name its slug comes from (a bundle's folder name).
    name: String,
    /// The same for every translation.
    key: String,
    /// A bundle's folder, relative to the site folder.
    bundle_dir: Option<PathBuf>,
}

/// Line and column of a front matter field, for messages (the front matter's start when the
/// field is not found).
fn field_pos<T>(read: &ReadFront<T>, field: &str) -> (usize, usize) {
    let front_text = &read.raw[read.front_offset..read.front_offset + read.front_len];
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
    line_col(&read.raw, read.front_offset + off)
}

/// A page in no section (no `_index.md` above it, not even the home's).
fn no_section(file: &Path, lang: Lang) -> Diagnostic {
    Diagnostic::error(
        file,
        0,
        0,
        tr!(
            lang,
            "không tìm thấy chuyên mục cho trang này",
            "no section found for this page"
        ),
    )
}

/// `_index.md` or `_index.<lang>.md`: the file of a section.
pub(super) fn is_section_file(stem: &str) -> bool {
    stem == "_index" || stem.starts_with("_index.")
}

/// The name without its language suffix and the file's language; an unknown suffix is an error.
pub(super) fn name_and_lang<'a>(
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

pub(super) fn unknown_lang(file: &Path, code: &str, lang: Lang) -> Diagnostic {
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
