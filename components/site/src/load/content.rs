//! Walks `content/` and builds the model: sections, pages, translations, bundles.

use crate::cache::Key;
use crate::config::Config;
use crate::diag::{line_col, Diagnostic};
use crate::frontmatter::{self, PageFront, SectionFront, SortBy};
use chrono::NaiveDate;
use i18n::{tr, Lang};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
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
    /// as read, for the no-change key (see [`crate::fresh`]).
    pub read: Vec<(PathBuf, crate::cache::Key)>,
}

/// Why a page was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// `draft = true`.
    Draft,
    /// Dated in the future.
    Future,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Files an editor leaves behind; never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// Reads a user file as NFC text; non-UTF-8 is an error with the position of the bad byte.
pub fn read_text(root: &Path, path: &Path, lang: Lang) -> Result<String, Diagnostic> {
    read_text_hashed(root, path, lang).map(|(text, _)| text)
}

/// The same, with the hash of the bytes read ([`crate::fresh::file_hash`]): the no-change key
/// takes it instead of reading the file a second time.
pub fn read_text_hashed(
    root: &Path,
    path: &Path,
    lang: Lang,
) -> Result<(String, crate::cache::Key), Diagnostic> {
    read_text_utf16(root, path, lang).map(|(text, hash, _)| (text, hash))
}

/// UTF-16 text with its byte-order mark (Notepad's "Unicode" and "Unicode big endian"): the
/// mark says exactly what the file is, so it is converted rather than refused.
fn from_utf16(bytes: &[u8]) -> Option<String> {
    let big = match bytes {
        [0xFF, 0xFE, ..] => false,
        [0xFE, 0xFF, ..] => true,
        _ => return None,
    };
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|p| {
            if big {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            }
        })
        .collect();
    bytes
        .len()
        .is_multiple_of(2)
        .then(|| String::from_utf16(&units).ok())
        .flatten()
}

/// [`read_text_hashed`], and whether the file was UTF-16 (converted; worth a warning).
pub(crate) fn read_text_utf16(
    root: &Path,
    path: &Path,
    lang: Lang,
) -> Result<(String, crate::cache::Key, bool), Diagnostic> {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            &rel,
            0,
            0,
            tr!(lang, "không đọc được tệp: {e}", "cannot read the file: {e}"),
        )
    })?;
    let hash = crate::fresh::file_hash(&bytes);
    if let Some(text) = from_utf16(&bytes) {
        return Ok((vi::nfc_owned(text), hash, true));
    }
    // Content is mostly Vietnamese, where std's check slows down on every other letter; the
    // SIMD check is several times faster. The error, rare, comes from std as before.
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: the bytes were just checked to be valid UTF-8.
        let s = unsafe { String::from_utf8_unchecked(bytes) };
        return Ok((vi::nfc_owned(s), hash, false));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((vi::nfc_owned(s), hash, false)),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
            let (l, c) = line_col(&prefix, prefix.len());
            Err(Diagnostic::error(
                rel,
                l,
                c,
                tr!(
                    lang,
                    "tệp không phải văn bản UTF-8. Mở tệp và lưu lại với bảng mã UTF-8 (trong Notepad: Lưu thành... > Mã hóa: UTF-8)",
                    "the file is not UTF-8 text. Open it and save it again as UTF-8 (Notepad: Save as... > Encoding: UTF-8)"
                ),
            ))
        }
    }
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

/// Relative path with `/` separators.
pub(crate) fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
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

    // Bundles: folders holding index.md (or index.<lang>.md).
    let mut bundle_dirs: HashMap<PathBuf, ()> = HashMap::new();
    for f in &md_files {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem == "index" || stem.starts_with("index.") {
            if let Some(d) = f.parent() {
                bundle_dirs.insert(d.to_path_buf(), ());
            }
        }
    }

    let read_log = Mutex::new(Vec::with_capacity(md_files.len()));
    let (section_files, page_files): (Vec<&PathBuf>, Vec<&PathBuf>) = md_files
        .iter()
        .partition(|f| is_section_file(f.file_stem().and_then(|s| s.to_str()).unwrap_or("")));

    // Sections per (lang, dir).
    let loaded: Vec<FileLoad<Section>> = section_files
        .par_iter()
        .map(|f| load_section(root, &content_dir, f, config, lang, &read_log))
        .collect();
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
            let rel = if code == config.default_language {
                "_index.md".to_string()
            } else {
                format!("_index.{code}.md")
            };
            content.sections.push(Section {
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
            });
        }
    }
    // Parents of sections: nearest ancestor folder with a section of the same language.
    let sections = SectionIndex(section_index);
    for i in 0..content.sections.len() {
        let s = &content.sections[i];
        let parent = sections.nearest(&s.lang, &s.dir, false);
        content.sections[i].parent = parent;
        if let Some(p) = parent {
            content.sections[p].subsections.push(i);
        }
    }

    // Pages.
    let place = Place {
        root,
        content_dir: &content_dir,
        config,
        filter,
        lang,
        sections: &sections,
        read_log: &read_log,
    };
    let loaded: Vec<FileLoad<Loaded>> = page_files
        .par_iter()
        .with_max_len(crate::build::PAR_CHUNK)
        .map(|f| place.load_page(f))
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

    // Non-Markdown files: bundle assets or section assets.
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
        while dir.starts_with(&content_dir) {
            if bundle_dirs.contains_key(&dir) {
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
                    .strip_prefix(&content_dir)
                    .map(slash_path)
                    .unwrap_or_default();
                if let Some(s) = sections.nearest(&config.default_language, &rel_dir, true) {
                    content.sections[s].assets.push(rel);
                }
            }
        }
    }

    // Section listings.
    for (i, p) in content.pages.iter().enumerate() {
        let mut s = p.section;
        // Transparent sections pass their pages up too.
        content.sections[s].pages.push(i);
        while content.sections[s].front.transparent {
            match content.sections[s].parent {
                Some(parent) => {
                    content.sections[parent].pages.push(i);
                    s = parent;
                }
                None => break,
            }
        }
    }
    let pages = &content.pages;
    content
        .sections
        .par_iter_mut()
        .for_each(|s| sort_pages(&mut s.pages, pages, s.front.sort_by));
    let snapshot: Vec<(Option<i64>, String)> = content
        .sections
        .iter()
        .map(|s| (s.front.weight, s.title.clone()))
        .collect();
    for s in content.sections.iter_mut() {
        s.subsections.sort_by(|&a, &b| {
            let (wa, ta) = &snapshot[a];
            let (wb, tb) = &snapshot[b];
            wa.unwrap_or(i64::MAX)
                .cmp(&wb.unwrap_or(i64::MAX))
                .then_with(|| vi::compare(ta, tb))
        });
    }

    // Two files may not claim the same URL.
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
                    crate::diag::display_path(other)
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
                    crate::diag::display_path(other)
                ),
            ));
        }
    }
    // An alias is a redirect page at an old address: never at a page's or section's address,
    // nor at another alias's (one of the two files would silently replace the other).
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
                        crate::diag::display_path(other)
                    ),
                )),
                None => {
                    aliases.insert(at, &p.file);
                }
            }
        }
    }
    content.read = read_log.into_inner().unwrap_or_else(|e| e.into_inner());

    (content, errors)
}

/// Markdown files and other files under `content/`, in file-name order; problems (unreadable
/// folders, symlinks leading out of the site) go to `errors`.
fn list_files(
    root: &Path,
    content_dir: &Path,
    lang: Lang,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    if !content_dir.is_dir() {
        return (Vec::new(), Vec::new());
    }
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut listed = Listed::default();
    list_dir(content_dir, root, &canon_root, lang, &mut listed);
    errors.extend(listed.errors);
    (listed.md, listed.other)
}

/// Files found under a folder, in walk order.
#[derive(Default)]
struct Listed {
    md: Vec<PathBuf>,
    other: Vec<PathBuf>,
    errors: Vec<Diagnostic>,
}

/// Lists `dir` into `out`: its entries in file-name order, each folder's files where the folder
/// is; folders are read in parallel (a site has thousands of pages in a few folders).
fn list_dir(dir: &Path, root: &Path, canon_root: &Path, lang: Lang, out: &mut Listed) {
    let cannot_read = |p: &Path, e: std::io::Error| {
        Diagnostic::error(
            p.strip_prefix(root).unwrap_or(p),
            0,
            0,
            tr!(lang, "không đọc được: {e}", "cannot read: {e}"),
        )
    };
    let mut entries = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(read) => {
            for e in read {
                match e {
                    Ok(e) => {
                        let name = e.file_name();
                        if !is_ignored_name(&name.to_string_lossy()) {
                            entries.push((name, e));
                        }
                    }
                    Err(e) => out.errors.push(cannot_read(dir, e)),
                }
            }
        }
        Err(e) => {
            out.errors.push(cannot_read(dir, e));
            return;
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    enum Item {
        File(PathBuf),
        Dir(Listed),
        Error(Diagnostic),
        Skip,
    }
    let items: Vec<Item> = entries
        .par_iter()
        .map(|(_, e)| {
            let path = e.path();
            let kind = match e.file_type() {
                Ok(t) => t,
                Err(err) => return Item::Error(cannot_read(&path, err)),
            };
            if kind.is_symlink() {
                let inside = path
                    .canonicalize()
                    .map(|t| t.starts_with(canon_root))
                    .unwrap_or(false);
                if !inside {
                    return Item::Error(Diagnostic::error(
                        path.strip_prefix(root).unwrap_or(&path),
                        0,
                        0,
                        tr!(
                            lang,
                            "liên kết tượng trưng (symlink) trỏ ra ngoài thư mục trang web; hãy chép tệp vào trong thư mục trang web",
                            "this symbolic link points outside the site folder; copy the file into the site folder instead"
                        ),
                    ));
                }
                // Links to folders are not followed.
                if path.is_dir() {
                    return Item::Skip;
                }
                Item::File(path)
            } else if kind.is_dir() {
                let mut below = Listed::default();
                list_dir(&path, root, canon_root, lang, &mut below);
                Item::Dir(below)
            } else {
                Item::File(path)
            }
        })
        .collect();
    for item in items {
        match item {
            Item::File(path) => {
                let is_md = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("md"));
                if is_md {
                    out.md.push(path);
                } else {
                    out.other.push(path);
                }
            }
            Item::Dir(below) => {
                out.md.extend(below.md);
                out.other.extend(below.other);
                out.errors.extend(below.errors);
            }
            Item::Error(d) => out.errors.push(d),
            Item::Skip => {}
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

/// A content file read as NFC text (legacy encodings converted) with its parsed front matter.
pub(crate) struct ReadFront<T> {
    pub raw: String,
    pub front: T,
    front_offset: usize,
    front_len: usize,
    pub body_offset: usize,
    /// Hash of the file's bytes as read.
    pub hash: crate::cache::Key,
}

/// Taxonomy terms as written, trimmed, empty ones left out.
pub(crate) fn tidy_terms(front: &mut PageFront) {
    for terms in front.taxonomies.values_mut() {
        for t in terms.iter_mut() {
            if t.trim().len() != t.len() {
                *t = t.trim().to_string();
            }
        }
        terms.retain(|t| !t.is_empty());
    }
}

/// Reads and parses one content file: the warning about a legacy encoding, if any, and the
/// file or the error that stopped it.
pub(crate) fn read_front<T: for<'de> serde::Deserialize<'de> + Default>(
    root: &Path,
    f: &Path,
    rel_file: &Path,
    lang: Lang,
) -> (Option<Diagnostic>, Result<ReadFront<T>, Diagnostic>) {
    let (raw, hash, utf16) = match read_text_utf16(root, f, lang) {
        Ok(t) => t,
        Err(d) => return (None, Err(d)),
    };
    let (raw, warning) = fix_legacy(raw, rel_file, lang);
    let warning = warning.or_else(|| {
        utf16.then(|| {
            Diagnostic::warning(
                rel_file,
                1,
                1,
                tr!(
                    lang,
                    "tệp được lưu ở dạng UTF-16 (Notepad: \"Unicode\") và đã được chuyển sang UTF-8 để dựng trang; nên lưu lại tệp với mã hóa UTF-8 (Lưu thành... > Mã hóa: UTF-8)",
                    "the file is saved as UTF-16 (Notepad: \"Unicode\") and was converted to UTF-8 for the build; consider saving it as UTF-8 (Save as... > Encoding: UTF-8)"
                ),
            )
        })
    });
    let split = match frontmatter::split(&raw, lang) {
        Ok(s) => s,
        Err(e) => {
            let (l, c) = line_col(&raw, e.offset);
            return (warning, Err(Diagnostic::error(rel_file, l, c, e.message)));
        }
    };
    let front = match frontmatter::parse::<T>(&split, lang) {
        Ok(f) => f,
        Err(e) => {
            let (l, c) = frontmatter::position(&raw, split.front_offset, &e);
            return (warning, Err(Diagnostic::error(rel_file, l, c, e.message)));
        }
    };
    let (front_offset, front_len, body_offset) =
        (split.front_offset, split.front.len(), split.body_offset);
    (
        warning,
        Ok(ReadFront {
            raw,
            front,
            front_offset,
            front_len,
            body_offset,
            hash,
        }),
    )
}

/// Orders a listing as the section says; ties broken by title, then path, so output is stable.
pub fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
    list.sort_by(|&a, &b| compare_pages(&pages[a], &pages[b], by));
}

/// The first `n` pages of language `lang`, newest first (home page and home feed).
pub fn newest(pages: &[Page], lang: &str, n: usize) -> Vec<usize> {
    let cmp = |a: &usize, b: &usize| compare_pages(&pages[*a], &pages[*b], SortBy::Date);
    let mut v: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].lang == lang)
        .collect();
    if v.len() > n {
        v.select_nth_unstable_by(n, cmp);
        v.truncate(n);
    }
    v.sort_by(cmp);
    v
}

/// The order of two pages in a listing sorted `by`.
pub fn compare_pages(a: &Page, b: &Page, by: SortBy) -> std::cmp::Ordering {
    let by_title = || vi::compare(&a.title, &b.title).then_with(|| a.path.cmp(&b.path));
    match by {
        SortBy::Date => b.date.cmp(&a.date).then_with(by_title),
        SortBy::Weight => a
            .front
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&b.front.weight.unwrap_or(i64::MAX))
            .then_with(by_title),
        SortBy::Title => by_title(),
        SortBy::None => a.relative_path.cmp(&b.relative_path),
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

/// Converts text typed with legacy TCVN3/VNI fonts, with a warning naming the file.
fn fix_legacy(raw: String, file: &Path, lang: Lang) -> (String, Option<Diagnostic>) {
    let converted = match vi::legacy::fix(&raw) {
        (Cow::Owned(fixed), Some(enc)) => Some((fixed, enc)),
        _ => None,
    };
    let Some((fixed, enc)) = converted else {
        return (raw, None);
    };
    let name = match enc {
        vi::legacy::Encoding::Tcvn3 => "TCVN3 (.VnTime)",
        vi::legacy::Encoding::Vni => "VNI",
    };
    let w = Diagnostic::warning(
        file,
        0,
        0,
        tr!(
            lang,
            "văn bản gõ bằng bảng mã cũ {name} đã được chuyển sang Unicode khi dựng trang; nên lưu lại tệp ở dạng Unicode",
            "text typed in the legacy {name} encoding was converted to Unicode for the build; consider saving the file as Unicode"
        ),
    );
    (fixed, Some(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_text_gives_nfc_and_places_bad_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let nfd = dir.path().join("nfd.md");
        std::fs::write(&nfd, "Tie\u{302}\u{309}u ho\u{323}c\n").unwrap();
        assert_eq!(read_text(dir.path(), &nfd, Lang::En).unwrap(), "Tiểu học\n");
        let bad = dir.path().join("bad.md");
        std::fs::write(&bad, b"ok\nab\xff\n").unwrap();
        let e = read_text(dir.path(), &bad, Lang::En).unwrap_err();
        assert_eq!((e.line, e.col), (2, 3), "{e:?}");
        assert_eq!(e.file, Path::new("bad.md"));
    }
}
