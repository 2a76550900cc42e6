//! The theme: the templates, i18n strings and static files of the theme and the site (the
//! site's replace the theme's of the same name), with what the build needs to know of them
//! (which templates list pages or look pages up, their hashes). Compiled in `render::tera`.

use super::builtin::{BUILTIN_ORIGIN, BUILTIN_TEMPLATES};
use super::read::read_text;
use crate::config::{key_position, Config};
use crate::diag::Diagnostic;
use crate::util::paths::{is_ignored_name, slash_path};
use i18n::{tr, Lang};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The theme bundled in the binary, so `init` and a site without `themes/` still work.
pub static BUNDLED_THEME: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../../themes/truong");

/// Name of the bundled theme.
pub const BUNDLED_THEME_NAME: &str = "truong";

/// Where a template came from, for error messages.
#[derive(Debug, Clone)]
pub struct Origin {
    /// File path relative to the site root, or `(bundled theme)/...`.
    pub file: PathBuf,
}

/// Which templates render outputs, for [`Theme::pager_warnings`].
#[derive(Debug, Default)]
pub struct Outputs {
    /// Every template an output is rendered with.
    pub all: std::collections::HashSet<String>,
    /// Those of paginated sections.
    pub paginated_sections: std::collections::HashSet<String>,
    /// `taxonomy_single.html`, when a taxonomy is paginated.
    pub paginated_terms: std::collections::HashSet<String>,
}

/// Templates, i18n strings and static folders of the theme and the site.
pub struct Theme {
    /// Template name -> (source, origin). Site templates replace theme ones.
    pub templates: BTreeMap<String, (String, Origin)>,
    /// lang -> key -> string.
    pub strings: HashMap<String, toml::Table>,
    /// Static files: (relative output path, source on disk or bundled bytes).
    pub statics: Vec<(String, StaticSource)>,
}

impl Theme {
    /// Warnings for templates that list `section.pages` (or `term.pages`) and never mention
    /// `paginator`, where those lists are paginated and so empty. `Outputs` says which
    /// templates render paginated lists; a template that renders only other outputs is left
    /// alone, one that renders none (a part other templates include) is warned about.
    pub fn pager_warnings(&self, outputs: &Outputs, lang: Lang) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (name, (src, origin)) in &self.templates {
            if src.contains("paginator") || name.starts_with("shortcodes/") {
                continue;
            }
            let part = !outputs.all.contains(name);
            for (list, paginated) in [
                ("section.pages", &outputs.paginated_sections),
                ("term.pages", &outputs.paginated_terms),
            ] {
                if paginated.is_empty() || !(part || paginated.contains(name)) {
                    continue;
                }
                let Some(at) = src.find(list) else {
                    continue;
                };
                let (line, col) = crate::diag::line_col(src, at);
                out.push(Diagnostic::warning(
                    &origin.file,
                    line,
                    col,
                    tr!(
                        lang,
                        "`{list}` trống trong mục được chia trang (paginate_by): các trang của trang danh sách hiện tại nằm trong `paginator.pages`. Hãy dùng {{% if paginator %}}{{% set pages = paginator.pages %}}{{% else %}}{{% set pages = {list} %}}{{% endif %}}",
                        "`{list}` is empty where the list is paginated (paginate_by): the current pager's pages are in `paginator.pages`. Use {{% if paginator %}}{{% set pages = paginator.pages %}}{{% else %}}{{% set pages = {list} %}}{{% endif %}}"
                    ),
                ));
            }
        }
        out
    }

    /// Whether a template can call `get_page` or `get_section`, the functions that give page
    /// listings.
    pub fn templates_list_pages(&self) -> bool {
        self.templates
            .values()
            .any(|(src, _)| names_any(src, &["get_page", "get_section"]))
    }

    /// Whether a shortcode can call `get_page`, `get_section` or `get_taxonomy`, directly or
    /// through the templates it includes, imports or extends (Tera names them literally).
    pub fn shortcodes_look_up(&self) -> bool {
        let mut todo: Vec<&str> = self
            .templates
            .keys()
            .filter(|n| n.starts_with("shortcodes/"))
            .map(String::as_str)
            .collect();
        let mut seen: std::collections::HashSet<&str> = todo.iter().copied().collect();
        while let Some(name) = todo.pop() {
            let Some((src, _)) = self.templates.get(name) else {
                continue;
            };
            if names_any(src, &["get_page", "get_section", "get_taxonomy"]) {
                return true;
            }
            for used in referenced_templates(src) {
                if let Some((key, _)) = self.templates.get_key_value(used) {
                    if seen.insert(key.as_str()) {
                        todo.push(key.as_str());
                    }
                }
            }
        }
        false
    }
}

/// Whether a template's source names one of `functions` (Tera calls functions by their literal
/// names, so a template that never names one cannot call it).
fn names_any(src: &str, functions: &[&str]) -> bool {
    functions.iter().any(|f| src.contains(f))
}

impl Theme {
    /// The templates `name` is made of: itself and what it includes, imports or extends.
    fn closure<'a>(&'a self, roots: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        let mut todo: Vec<&str> = roots.collect();
        let mut seen: std::collections::BTreeSet<&str> = todo.iter().copied().collect();
        while let Some(name) = todo.pop() {
            let Some((src, _)) = self.templates.get(name) else {
                continue;
            };
            for used in referenced_templates(src) {
                if let Some((key, _)) = self.templates.get_key_value(used) {
                    if seen.insert(key.as_str()) {
                        todo.push(key.as_str());
                    }
                }
            }
        }
        seen.into_iter().collect()
    }

    fn hash_of(&self, names: &[&str]) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        for n in names {
            h.update(n.as_bytes());
            h.update(&[0]);
            if let Some((src, _)) = self.templates.get(*n) {
                h.update(&(src.len() as u64).to_le_bytes());
                h.update(src.as_bytes());
            }
        }
        *h.finalize().as_bytes()
    }

    /// For each template, a hash of its source and of every template it is made of: an
    /// output need not be rendered again when this is unchanged.
    pub fn template_hashes(&self) -> HashMap<String, [u8; 32]> {
        self.templates
            .keys()
            .map(|n| {
                let parts = self.closure(std::iter::once(n.as_str()));
                (n.clone(), self.hash_of(&parts))
            })
            .collect()
    }

    /// A hash of the shortcode templates and what they are made of (what Markdown uses).
    pub fn shortcodes_hash(&self) -> [u8; 32] {
        let roots = self
            .templates
            .keys()
            .filter(|n| n.starts_with("shortcodes/"))
            .map(String::as_str);
        let parts = self.closure(roots);
        self.hash_of(&parts)
    }
}

/// Every quoted name inside `{% include/import/extends ... %}` tags of a template.
fn referenced_templates(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let end = after.find("%}").unwrap_or(after.len());
        let tag = after[..end].trim_start_matches('-').trim_start();
        if ["include", "import", "extends"]
            .iter()
            .any(|k| tag.starts_with(k))
        {
            let mut parts = tag.split(['"', '\'']);
            parts.next();
            out.extend(parts.step_by(2));
        }
        rest = &after[end..];
    }
    out
}

/// A static file from disk or from the bundled theme.
#[derive(Debug, Clone)]
pub enum StaticSource {
    /// On disk.
    Disk(PathBuf),
    /// Inside the binary.
    Bundled(&'static [u8]),
}

/// Line and column of `theme = ...` in the site's config.toml.
fn theme_position(root: &Path) -> (usize, usize) {
    std::fs::read_to_string(root.join("config.toml"))
        .map_or((0, 0), |text| key_position(&vi::nfc(&text), &["theme"]))
}

fn read_dir_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !is_ignored_name(&e.file_name().to_string_lossy()))
        .map(|e| {
            (
                slash_path(e.path().strip_prefix(dir).unwrap_or(e.path())),
                e.path().to_path_buf(),
            )
        })
        .collect()
}

fn bundled_files(dir: &'static include_dir::Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        out.push((slash_path(f.path()), f.contents()));
    }
    for d in dir.dirs() {
        bundled_files(d, out);
    }
}

/// What the theme and then the site contribute; later layers replace earlier ones.
#[derive(Default)]
struct Layers {
    templates: BTreeMap<String, (String, Origin)>,
    strings: HashMap<String, toml::Table>,
    statics: Vec<(String, StaticSource)>,
}

impl Layers {
    /// Adds the strings of an `i18n/<code>.toml` file.
    fn add_strings(
        &mut self,
        code: String,
        text: &str,
        file: PathBuf,
        errors: &mut Vec<Diagnostic>,
    ) {
        match toml::from_str::<toml::Table>(text) {
            Ok(t) => self.strings.entry(code).or_default().extend(t),
            Err(e) => {
                let (l, c) = e
                    .span()
                    .map(|s| crate::diag::line_col(text, s.start))
                    .unwrap_or((0, 0));
                errors.push(Diagnostic::error(file, l, c, e.message().to_string()));
            }
        }
    }
}

/// Adds `templates/`, `i18n/` and `static/` of one folder (a theme's or the site's).
fn load_folder(
    root: &Path,
    dir: &Path,
    lang: Lang,
    layers: &mut Layers,
    errors: &mut Vec<Diagnostic>,
) {
    let rel_to_root = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    for (rel, path) in read_dir_files(&dir.join("templates")) {
        match read_text(root, &path, lang) {
            Ok(t) => {
                let origin = Origin {
                    file: rel_to_root(&path),
                };
                layers.templates.insert(rel, (t, origin));
            }
            Err(d) => errors.push(d),
        }
    }
    for (rel, path) in read_dir_files(&dir.join("i18n")) {
        if let Some(code) = rel.strip_suffix(".toml") {
            match read_text(root, &path, lang) {
                Ok(t) => layers.add_strings(code.to_string(), &t, rel_to_root(&path), errors),
                Err(d) => errors.push(d),
            }
        }
    }
    for (rel, path) in read_dir_files(&dir.join("static")) {
        layers.statics.push((rel, StaticSource::Disk(path)));
    }
}

impl Theme {
    /// Collects templates, strings and static files of the theme and the site.
    pub fn load(root: &Path, config: &Config, lang: Lang) -> Result<Theme, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut layers = Layers::default();
        // Built-in templates first: the theme's and the site's replace them.
        for (name, src) in BUILTIN_TEMPLATES {
            let origin = Origin {
                file: PathBuf::from(BUILTIN_ORIGIN).join(name),
            };
            layers
                .templates
                .insert(name.to_string(), (src.to_string(), origin));
        }
        if let Some(name) = &config.theme {
            let theme_dir = root.join("themes").join(name);
            if theme_dir.is_dir() {
                load_folder(root, &theme_dir, lang, &mut layers, &mut errors);
            } else if name == BUNDLED_THEME_NAME {
                let mut files = Vec::new();
                bundled_files(&BUNDLED_THEME, &mut files);
                for (rel, bytes) in files {
                    let origin = Origin {
                        file: PathBuf::from("(bangtin)/themes/truong").join(&rel),
                    };
                    if let Some(t) = rel.strip_prefix("templates/") {
                        layers.templates.insert(
                            t.to_string(),
                            (String::from_utf8_lossy(bytes).into_owned(), origin),
                        );
                    } else if let Some(code) = rel
                        .strip_prefix("i18n/")
                        .and_then(|r| r.strip_suffix(".toml"))
                    {
                        layers.add_strings(
                            code.to_string(),
                            &String::from_utf8_lossy(bytes),
                            origin.file,
                            &mut errors,
                        );
                    } else if let Some(s) = rel.strip_prefix("static/") {
                        layers
                            .statics
                            .push((s.to_string(), StaticSource::Bundled(bytes)));
                    }
                }
            } else {
                let (line, col) = theme_position(root);
                errors.push(Diagnostic::error(
                    "config.toml",
                    line,
                    col,
                    tr!(
                        lang,
                        "không tìm thấy giao diện themes/{name}/; kiểm tra theme = \"{name}\" trong config.toml",
                        "theme folder themes/{name}/ not found; check theme = \"{name}\" in config.toml"
                    ),
                ));
            }
        }
        // The site's own files come after the theme's and so replace them.
        load_folder(root, root, lang, &mut layers, &mut errors);
        if errors.is_empty() {
            Ok(Theme {
                templates: layers.templates,
                strings: layers.strings,
                statics: layers.statics,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(templates: &[(&str, &str)]) -> Theme {
        Theme {
            templates: templates
                .iter()
                .map(|(n, s)| {
                    let origin = Origin {
                        file: PathBuf::from(n),
                    };
                    (n.to_string(), (s.to_string(), origin))
                })
                .collect(),
            strings: HashMap::new(),
            statics: Vec::new(),
        }
    }

    #[test]
    fn finds_templates_named_in_tags() {
        let src = r#"{% extends "base.html" %}{%- import 'macros.html' as m -%}{% include ["a.html", "b.html"] ignore missing %}{{ "x.html" }}"#;
        assert_eq!(
            referenced_templates(src),
            vec!["base.html", "macros.html", "a.html", "b.html"]
        );
    }

    #[test]
    fn a_template_hash_follows_what_it_is_made_of() {
        let a = theme(&[
            ("base.html", "<body>{% block c %}{% endblock %}</body>"),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block c %}p{% endblock %}",
            ),
            ("list.html", "{% include \"part.html\" %}"),
            ("part.html", "x"),
            ("shortcodes/note.html", "<aside>{{ body }}</aside>"),
        ]);
        let b = theme(&[
            (
                "base.html",
                "<body class=\"new\">{% block c %}{% endblock %}</body>",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block c %}p{% endblock %}",
            ),
            ("list.html", "{% include \"part.html\" %}"),
            ("part.html", "x"),
            ("shortcodes/note.html", "<aside>{{ body }}</aside>"),
        ]);
        let (ha, hb) = (a.template_hashes(), b.template_hashes());
        assert_ne!(ha["page.html"], hb["page.html"], "its parent changed");
        assert_eq!(ha["list.html"], hb["list.html"]);
        assert_eq!(a.shortcodes_hash(), b.shortcodes_hash());
    }

    #[test]
    fn shortcodes_that_reach_a_lookup_are_seen() {
        let plain = theme(&[
            ("shortcodes/note.html", "<aside>{{ body }}</aside>"),
            ("page.html", "{{ get_page(path='a.md') }}"),
        ]);
        assert!(!plain.shortcodes_look_up());
        let through_macro = theme(&[
            (
                "shortcodes/list.html",
                "{% import \"macros.html\" as m %}{{ m::list() }}",
            ),
            (
                "macros.html",
                "{% macro list() %}{{ get_section(path='a/_index.md') }}{% endmacro %}",
            ),
        ]);
        assert!(through_macro.shortcodes_look_up());
    }

    #[test]
    fn a_missing_theme_is_reported_at_its_line_in_config() {
        let dir = tempfile::tempdir().unwrap();
        let text = "title = \"T\"\n  theme = \"khong-co\"\nbase_url = \"https://a.vn\"\n";
        std::fs::write(dir.path().join("config.toml"), text).unwrap();
        let config = Config::parse(text, Lang::En).unwrap();
        let errors = Theme::load(dir.path(), &config, Lang::En).err().unwrap();
        let e = &errors[0];
        assert!(e.message.contains("themes/khong-co/"), "{}", e.message);
        assert_eq!((e.line, e.col), (2, 3));
    }
}
