//! Tera: loads theme and site templates, registers the filters and functions themes use.

use crate::config::Config;
use crate::diag::Diagnostic;
use i18n::{tr, Lang};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::Tera;
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

fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
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
        .filter(|e| {
            e.file_type().is_file()
                && !crate::content::is_ignored_name(&e.file_name().to_string_lossy())
        })
        .map(|e| {
            (
                slash(e.path().strip_prefix(dir).unwrap_or(e.path())),
                e.path().to_path_buf(),
            )
        })
        .collect()
}

fn bundled_files(dir: &'static include_dir::Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        out.push((slash(f.path()), f.contents()));
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
        match crate::content::read_text(root, &path, lang) {
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
            match crate::content::read_text(root, &path, lang) {
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
                errors.push(Diagnostic::error(
                    "config.toml",
                    0,
                    0,
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

    /// Compiles every template once into a Tera instance with bangtin's filters.
    pub fn compile(
        &self,
        config: &Config,
        root: &Path,
        lang: Lang,
    ) -> Result<Tera, Vec<Diagnostic>> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Escape only what HTML needs; Tera's default also escapes '/', which bloats every URL.
        tera.set_escape_fn(escape_html);
        let mut errors = Vec::new();
        // Parse one by one first, to name the file and line of a syntax error.
        for (name, (src, origin)) in &self.templates {
            if let Err(e) = tera::Template::new(name, None, src) {
                errors.push(tera_diag(&e, origin, lang));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let list: Vec<(&str, &str)> = self
            .templates
            .iter()
            .map(|(n, (s, _))| (n.as_str(), s.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(list) {
            return Err(vec![Diagnostic::error("templates", 0, 0, error_chain(&e))]);
        }
        tera.register_filter("date_vi", DateFilter { lang: "vi" });
        tera.register_filter("date_en", DateFilter { lang: "en" });
        tera.register_filter("date_local", DateFilter { lang: "" });
        tera.register_filter("slugify", |v: &Value, _: &HashMap<String, Value>| {
            Ok(Value::String(vi::slugify(v.as_str().unwrap_or_default())))
        });
        tera.register_filter("concat", concat);
        tera.register_filter("markdown", |v: &Value, _: &HashMap<String, Value>| {
            Ok(Value::String(crate::render::markdown_plain(
                v.as_str().unwrap_or_default(),
            )))
        });
        tera.register_function(
            "trans",
            Trans {
                strings: Arc::new(self.strings.clone()),
                default: config.default_language.clone(),
            },
        );
        tera.register_function(
            "load_data",
            LoadData {
                root: root.to_path_buf(),
                lang,
            },
        );
        Ok(tera)
    }
}

/// Tera's `concat` (`list | concat(with=item or list)`), with one copy of the list instead of
/// three: Tera's own goes through serde twice. Themes build lists with it in every page
/// (Tera has no other way to append), so the copies add up.
fn concat(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let Value::Array(list) = value else {
        return Err(tera::Error::msg(format!(
            "Filter `concat` was called on an incorrect value: got `{value}` but expected a Vec<Value>"
        )));
    };
    let with = args
        .get("with")
        .ok_or_else(|| tera::Error::msg("The `concat` filter has to have a `with` argument"))?;
    let more = match with {
        Value::Array(items) => items.len(),
        _ => 1,
    };
    let mut out = Vec::with_capacity(list.len() + more);
    out.extend(list.iter().cloned());
    match with {
        Value::Array(items) => out.extend(items.iter().cloned()),
        item => out.push(item.clone()),
    }
    Ok(Value::Array(out))
}

/// Escapes `& < > " '` for HTML text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Copies the text between special characters in runs; they are ASCII, so every cut is
    // at a character boundary.
    let mut last = 0;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        let entity = match c {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

/// The full message of a Tera error, causes included.
pub fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// A template syntax error with the line and column Tera's parser reports.
fn tera_diag(e: &tera::Error, origin: &Origin, lang: Lang) -> Diagnostic {
    let msg = error_chain(e);
    // Tera's parser writes " --> line:col" in its message.
    let (mut line, mut col) = (0, 0);
    if let Some(i) = msg.find("--> ") {
        let rest = &msg[i + 4..];
        let mut it = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        line = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        col = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    }
    Diagnostic::error(
        origin.file.clone(),
        line,
        col,
        tr!(
            lang,
            "lỗi cú pháp trong mẫu giao diện: {msg}",
            "syntax error in template: {msg}"
        ),
    )
}

struct DateFilter {
    lang: &'static str,
}

impl tera::Filter for DateFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let Some(s) = value.as_str() else {
            return Ok(Value::String(String::new()));
        };
        let Some(d) = vi::date::parse(s) else {
            return Err(tera::Error::msg(format!(
                "`{s}` is not a date (expected 2024-01-16)"
            )));
        };
        let style = args.get("format").and_then(Value::as_str).unwrap_or("long");
        let lang = if self.lang.is_empty() {
            args.get("lang").and_then(Value::as_str).unwrap_or("vi")
        } else {
            self.lang
        };
        let lang = if lang == "vi" { "vi" } else { "en" };
        vi::date::format(d, lang, style)
            .map(Value::String)
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "unknown date format `{style}`: use long, weekday or short"
                ))
            })
    }
}

struct Trans {
    strings: Arc<HashMap<String, toml::Table>>,
    default: String,
}

impl tera::Function for Trans {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("trans() needs key=\"...\""))?;
        let lang = args
            .get("lang")
            .and_then(Value::as_str)
            .unwrap_or(&self.default);
        let found = self
            .strings
            .get(lang)
            .and_then(|t| t.get(key))
            .or_else(|| self.strings.get(&self.default).and_then(|t| t.get(key)));
        match found {
            Some(toml::Value::String(s)) => Ok(Value::String(s.clone())),
            Some(other) => Ok(json!(other.to_string())),
            None => Err(tera::Error::msg(format!(
                "no translation for key `{key}` in i18n/{lang}.toml"
            ))),
        }
    }

    fn is_safe(&self) -> bool {
        false
    }
}

struct LoadData {
    root: PathBuf,
    /// The language of the build's messages.
    lang: Lang,
}

impl tera::Function for LoadData {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let rel = args.get("path").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg(tr!(
                self.lang,
                "load_data() cần path=\"data/...\"",
                "load_data() needs path=\"data/...\""
            ))
        })?;
        load_data(&self.root, rel, self.lang).map_err(tera::Error::msg)
    }
}

/// Reads a data file under the site folder: TOML, YAML, JSON or CSV; errors in `lang`.
pub fn load_data(root: &Path, rel: &str, lang: Lang) -> Result<Value, String> {
    let rel_path = Path::new(rel);
    if rel_path.is_absolute()
        || rel_path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(tr!(
            lang,
            "load_data: `{rel}` phải là đường dẫn bên trong thư mục trang web",
            "load_data: `{rel}` must be a path inside the site folder"
        ));
    }
    if crate::fresh::in_unread_folder(&rel.replace('\\', "/")) {
        return Err(tr!(
            lang,
            "load_data: `{rel}` nằm trong thư mục ẩn hoặc trong target/ hay node_modules/, nơi bản dựng không đọc; hãy đặt tệp vào data/",
            "load_data: `{rel}` is in a hidden folder or in target/ or node_modules/, which a build does not read; put the file in data/"
        ));
    }
    let path = root.join(rel_path);
    let canon_root = root.canonicalize().map_err(|e| e.to_string())?;
    let canon = path
        .canonicalize()
        .map_err(|e| cannot_read(rel, &e, lang))?;
    if !canon.starts_with(&canon_root) {
        return Err(tr!(
            lang,
            "load_data: `{rel}` dẫn ra ngoài thư mục trang web",
            "load_data: `{rel}` leads outside the site folder"
        ));
    }
    let text = std::fs::read_to_string(&canon).map_err(|e| cannot_read(rel, &e, lang))?;
    let text = vi::nfc(&text);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "toml" => toml::from_str::<toml::Value>(&text)
            .map_err(|e| format!("{rel}: {}", e.message()))
            .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string())),
        "yaml" | "yml" => serde_yaml_ng::from_str(&text).map_err(|e| format!("{rel}: {e}")),
        "json" => serde_json::from_str(&text).map_err(|e| format!("{rel}: {e}")),
        "csv" => {
            let mut rdr = csv::Reader::from_reader(text.as_bytes());
            let headers: Vec<String> = rdr
                .headers()
                .map_err(|e| format!("{rel}: {e}"))?
                .iter()
                .map(String::from)
                .collect();
            let mut records = Vec::new();
            for r in rdr.records() {
                let r = r.map_err(|e| format!("{rel}: {e}"))?;
                records.push(r.iter().map(String::from).collect::<Vec<_>>());
            }
            Ok(json!({ "headers": headers, "records": records }))
        }
        _ => Err(tr!(
            lang,
            "load_data: `{rel}` phải có đuôi .toml, .yaml, .json hoặc .csv",
            "load_data: `{rel}` must end in .toml, .yaml, .json or .csv"
        )),
    }
}

fn cannot_read(rel: &str, e: &std::io::Error, lang: Lang) -> String {
    tr!(
        lang,
        "load_data: không đọc được `{rel}`: {e}",
        "load_data: cannot read `{rel}`: {e}"
    )
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
    fn escape_html_escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("Biển đảo"), "Biển đảo");
        assert_eq!(
            escape_html(r#"<a href="x">Hoàng Sa & 'Trường Sa'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Hoàng Sa &amp; &#39;Trường Sa&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("&&ệ>"), "&amp;&amp;ệ&gt;");
    }

    #[test]
    fn concat_appends_an_item_or_a_list_as_tera_does() {
        let render = |src: &str| {
            let mut t = Tera::default();
            t.register_filter("concat", concat);
            t.render_str(src, &tera::Context::new())
        };
        assert_eq!(
            render(r#"{{ [1, 2] | concat(with=3) | json_encode() }}"#).unwrap(),
            "[1,2,3]"
        );
        assert_eq!(
            render(r#"{{ [] | concat(with=["a", "b"]) | concat(with="c") | json_encode() }}"#)
                .unwrap(),
            r#"["a","b","c"]"#
        );
        let e = render(r#"{{ "x" | concat(with=1) }}"#).unwrap_err();
        assert!(
            error_chain(&e).contains("Filter `concat` was called on an incorrect value"),
            "{e:?}"
        );
        let e = render(r#"{{ [1] | concat }}"#).unwrap_err();
        assert!(
            error_chain(&e).contains("has to have a `with` argument"),
            "{e:?}"
        );
    }
}
