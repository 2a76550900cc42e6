//! Loads `content/`: sections, pages, translations, bundles and their assets, each page placed
//! in its section (listings are ordered in `model::sort`).

use super::files::list_files;
use super::frontmatter::SectionFront;
pub use super::page::{dir_url, Content, Filter, Page, Section, Skipped};
use super::place::{is_section_file, load_section, FileLoad, Loaded, Place, SectionIndex};
pub use super::read::{read_text, read_text_hashed};
use crate::config::Config;
use crate::diag::{display_path, Diagnostic};
use crate::util::paths::slash_path;
use crate::util::PAR_CHUNK;
use i18n::{tr, Lang};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    check_inside(&content, lang, &mut errors);
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

/// A page's own `path` and its `aliases` are addresses inside the site: a `..` would put a
/// file outside the output folder. Reported at the key, before anything is written.
fn check_inside(content: &Content, lang: Lang, errors: &mut Vec<Diagnostic>) {
    let escapes = |a: &str| a.split(['/', '\\']).any(|seg| seg == "..");
    for p in &content.pages {
        let wanted = p.front.path.iter().map(|a| ("path", a));
        let aliases = p.front.aliases.iter().map(|a| ("aliases", a));
        for (key, address) in wanted.chain(aliases).filter(|(_, a)| escapes(a)) {
            let (line, col) = key_position(&p.raw[..p.body_offset], key);
            errors.push(Diagnostic::error(
                &p.file,
                line,
                col,
                tr!(
                    lang,
                    "{key} = \"{address}\" dẫn ra ngoài trang web (\"..\"); địa chỉ là một thư mục trong trang, ví dụ \"tin-tuc/bai-moi\"",
                    "{key} = \"{address}\" leads outside the site (\"..\"); an address is a folder inside the site, such as \"tin-tuc/bai-moi\""
                ),
            ));
        }
    }
}

/// Line and column (1-based) of the front matter line that sets `key`, or 0, 0.
fn key_position(front: &str, key: &str) -> (usize, usize) {
    front
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            let rest = l.trim_start().strip_prefix(key)?;
            let set = rest.trim_start().starts_with(['=', ':']);
            set.then(|| (i + 1, l.len() - l.trim_start().len() + 1))
        })
        .unwrap_or((0, 0))
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
