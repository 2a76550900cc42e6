//! `config.toml`: site settings, their defaults and their validation.

use crate::diag::{line_col, Diagnostic};
use i18n::{tr, Lang};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The whole of `config.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title, in the default language.
    pub title: String,
    /// One-sentence description of the site.
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at, e.g. `https://truong.edu.vn`.
    pub base_url: String,
    /// Language of `page.md` files (`vi` unless said otherwise).
    #[serde(default = "default_language")]
    pub default_language: String,
    /// Theme folder name under `themes/`.
    #[serde(default)]
    pub theme: Option<String>,
    /// Other languages: `[languages.en]`.
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    /// Taxonomies such as tags and chuyên đề.
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Whether Atom and RSS feeds are written for each language.
    #[serde(default = "yes")]
    pub generate_feeds: bool,
    /// How many entries a feed holds.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// Markdown settings.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Search index settings.
    #[serde(default)]
    pub search: SearchConfig,
    /// Image processing settings.
    #[serde(default)]
    pub images: ImagesConfig,
    /// Where `bangtin deploy` publishes to.
    #[serde(default)]
    pub deploy: DeployConfig,
    /// Budgets of `bangtin check` and the build's warnings.
    #[serde(default)]
    pub check: CheckConfig,
    /// Free-form values for templates (school name, address, menus...).
    #[serde(default)]
    pub extra: toml::Table,
    /// `bangtin report` settings, read and checked by the report crate.
    #[serde(default)]
    pub report: toml::Table,
}

/// A translation's settings: `[languages.en]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// Site title in that language.
    #[serde(default)]
    pub title: Option<String>,
    /// Site description in that language.
    #[serde(default)]
    pub description: Option<String>,
}

/// One taxonomy: `[[taxonomies]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Key used in front matter `[taxonomies]`, e.g. `chuyen_de`.
    pub name: String,
    /// Title shown on the list page.
    #[serde(default)]
    pub title: Option<String>,
    /// Terms' pages are paginated by this many pages (0 = no pagination).
    #[serde(default)]
    pub paginate_by: usize,
    /// Whether each term gets an Atom feed.
    #[serde(default)]
    pub feed: bool,
    /// Languages this taxonomy exists in (all when empty).
    #[serde(default)]
    pub languages: Vec<String>,
    /// URL segment, computed from the name.
    #[serde(skip_deserializing)]
    pub slug: String,
}

/// `[markdown]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Highlight fenced code with CSS classes.
    pub highlight: bool,
    /// Keep raw HTML in Markdown as written (trusted authors only).
    pub unsafe_html: bool,
    /// Turn quotes and dashes into typographic ones.
    pub smart_punctuation: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight: true,
            unsafe_html: false,
            smart_punctuation: false,
        }
    }
}

/// `[search]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Build the search index and write the search script.
    pub enabled: bool,
    /// Only index pages of these sections (paths like `bien-dao`); all when empty.
    pub sections: Vec<String>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            sections: Vec::new(),
        }
    }
}

/// `[images]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Turn Markdown images into responsive, resized images.
    pub enabled: bool,
    /// Widths to resize to (never upscaled).
    pub widths: Vec<u32>,
    /// JPEG and WebP quality, 1-100.
    pub quality: u8,
    /// Also write WebP copies.
    pub webp: bool,
    /// Strip EXIF (GPS!) and other metadata from published images.
    pub strip_metadata: bool,
    /// Largest width published (pixels); wider photos are scaled down to it.
    pub max_width: u32,
    /// Also publish each photo at its own size under its own name (costs the most space).
    pub keep_original: bool,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            enabled: true,
            widths: vec![480, 960, 1600],
            quality: 80,
            webp: true,
            strip_metadata: true,
            max_width: 2048,
            keep_original: false,
        }
    }
}

/// `[check]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// The whole published site should stay under this many megabytes (shared hosts sell 1-5 GB).
    pub max_site_mb: u64,
    /// A video over this many megabytes gets a warning (better on YouTube).
    pub max_video_mb: u64,
    /// A PDF, Word, Excel or PowerPoint file over this many megabytes gets a warning.
    pub max_document_mb: u64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            max_site_mb: 500,
            max_video_mb: 20,
            max_document_mb: 10,
        }
    }
}

/// `[deploy]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeployConfig {
    /// `ftp://user@host:21/public_html`, `ftps://...`, `sftp://...`.
    pub target: Option<String>,
    /// Accept a self-signed FTPS certificate.
    pub accept_invalid_certs: bool,
    /// Seconds a connection may stay silent before it counts as broken and is retried
    /// (30 when unset; a slow host on a slow line may need more).
    pub timeout: Option<u64>,
}

fn default_language() -> String {
    "vi".into()
}
fn default_feed_limit() -> usize {
    20
}
fn yes() -> bool {
    true
}
fn default_taxonomies() -> Vec<TaxonomyConfig> {
    Vec::new()
}

impl Config {
    /// Reads and validates `config.toml` in `root`.
    pub fn load(root: &Path, lang: Lang) -> Result<Config, Diagnostic> {
        let path = root.join("config.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(
                "config.toml",
                0,
                0,
                tr!(
                    lang,
                    "không đọc được config.toml ({e}). Hãy chạy lệnh trong thư mục của trang web, hoặc dùng --root THƯ_MỤC, hoặc tạo trang mới bằng `bangtin init`.",
                    "cannot read config.toml ({e}). Run the command inside a site folder, or pass --root DIR, or create a site with `bangtin init`."
                ),
            )
        })?;
        Config::parse(&vi::nfc(&text), lang)
    }

    /// Parses config text; errors carry the line and column.
    pub fn parse(text: &str, lang: Lang) -> Result<Config, Diagnostic> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            Diagnostic::error(
                "config.toml",
                line,
                col,
                tr!(
                    lang,
                    "cấu hình không hợp lệ: {}",
                    "invalid configuration: {}",
                    e.message()
                ),
            )
        })?;
        config.validate(text, lang)?;
        Ok(config)
    }

    /// Checks what the types alone do not; an error points at the key it is about.
    fn validate(&mut self, text: &str, lang: Lang) -> Result<(), Diagnostic> {
        let err = |at: &[&str], m: String| {
            let (line, col) = key_position(text, at);
            Diagnostic::error("config.toml", line, col, m)
        };
        if !(self.base_url.starts_with("http://")
            || self.base_url.starts_with("https://")
            || self.base_url.starts_with('/'))
        {
            return Err(err(&["base_url"], tr!(
                lang,
                "base_url = \"{}\" phải bắt đầu bằng https:// (ví dụ \"https://thbinhan.edu.vn\")",
                "base_url = \"{}\" must start with https:// (for example \"https://school.edu.vn\")",
                self.base_url
            )));
        }
        self.base_url = self.base_url.trim_end_matches('/').to_string();
        if self.languages.contains_key(&self.default_language) {
            return Err(err(&["languages", &self.default_language], tr!(
                lang,
                "[languages.{0}] trùng với default_language = \"{0}\"; chỉ khai báo các ngôn ngữ khác",
                "[languages.{0}] repeats default_language = \"{0}\"; list only the other languages",
                self.default_language
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in self.taxonomies.iter_mut().enumerate() {
            t.slug = vi::slugify(&t.name);
            if t.slug.is_empty() || !seen.insert(t.slug.clone()) {
                return Err(err(
                    &["taxonomies", &i.to_string(), "name"],
                    tr!(
                        lang,
                        "tên phân loại (taxonomy) \"{}\" trống hoặc bị trùng",
                        "taxonomy name \"{}\" is empty or repeated",
                        t.name
                    ),
                ));
            }
        }
        if self.images.quality == 0 || self.images.quality > 100 {
            return Err(err(
                &["images", "quality"],
                tr!(
                    lang,
                    "[images] quality phải từ 1 đến 100",
                    "[images] quality must be between 1 and 100"
                ),
            ));
        }
        if self
            .deploy
            .timeout
            .is_some_and(|t| !(1..=3600).contains(&t))
        {
            return Err(err(&["deploy", "timeout"], tr!(
                lang,
                "[deploy] timeout là số giây chờ máy chủ, từ 1 đến 3600 (mặc định 30)",
                "[deploy] timeout is the seconds to wait for the server, from 1 to 3600 (default 30)"
            )));
        }
        Ok(())
    }

    /// Every language of the site, the default first.
    pub fn all_languages(&self) -> Vec<String> {
        let mut v = vec![self.default_language.clone()];
        v.extend(self.languages.keys().cloned());
        v
    }

    /// Whether `code` is one of the site's languages.
    pub fn has_language(&self, code: &str) -> bool {
        code == self.default_language || self.languages.contains_key(code)
    }

    /// URL prefix of a language: "" for the default, "/en" for others.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("/{lang}")
        }
    }

    /// Absolute URL of a site path such as `/bien-dao/`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Site title in a language.
    pub fn title_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// Site description in a language.
    pub fn description_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.description.as_deref())
            .unwrap_or(&self.description)
    }

    /// The taxonomy configured under `name`.
    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.name == name)
    }
}

/// Line and column of the key at `path` in config text (`["deploy", "timeout"]`; a number
/// picks an item of an array of tables), or (0, 0) when the text does not write it.
pub fn key_position(text: &str, path: &[&str]) -> (usize, usize) {
    use toml::de::{DeTable, DeValue};
    let Ok(root) = DeTable::parse(text) else {
        return (0, 0);
    };
    let mut table = root.get_ref();
    let mut at = None;
    let mut steps = path.iter().peekable();
    while let Some(step) = steps.next() {
        let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref() == step) else {
            return (0, 0);
        };
        at = Some(key.span().start);
        let mut value = value.get_ref();
        if let (DeValue::Array(items), Some(n)) = (value, steps.peek()) {
            let Some(item) = n.parse::<usize>().ok().and_then(|n| items.get(n)) else {
                break;
            };
            steps.next();
            value = item.get_ref();
        }
        match value {
            DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    at.map_or((0, 0), |start| line_col(text, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse("title = \"T\"\nbase_url = \"https://a.vn/\"\n", Lang::En).unwrap();
        assert_eq!(c.base_url, "https://a.vn");
        assert_eq!(c.default_language, "vi");
        assert!(c.markdown.highlight);
        assert_eq!(c.images.widths, vec![480, 960, 1600]);
    }

    #[test]
    fn typo_is_reported_with_position() {
        let e = Config::parse(
            "title = \"T\"\nbase_url = \"https://a.vn\"\ntilte = 1\n",
            Lang::En,
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("tilte"), "{}", e.message);
    }

    #[test]
    fn taxonomy_slugs_are_computed() {
        let c = Config::parse(
            "title = \"T\"\nbase_url = \"https://a.vn\"\n[[taxonomies]]\nname = \"chuyen_de\"\n",
            Lang::Vi,
        )
        .unwrap();
        assert_eq!(c.taxonomies[0].slug, "chuyen-de");
        assert_eq!(c.lang_prefix("en"), "/en");
    }

    #[test]
    fn deploy_timeout_is_in_seconds_within_bounds() {
        let with = |t: &str| {
            Config::parse(
                &format!("title = \"T\"\nbase_url = \"https://a.vn\"\n[deploy]\ntimeout = {t}\n"),
                Lang::En,
            )
        };
        assert_eq!(with("90").unwrap().deploy.timeout, Some(90));
        for bad in ["0", "7200"] {
            let e = with(bad).expect_err(bad);
            assert!(e.message.contains("[deploy] timeout"), "{}", e.message);
            assert_eq!((e.line, e.col), (4, 1), "the error points at the key");
        }
        assert!(with("-1").is_err());
    }

    #[test]
    fn each_check_points_at_the_key_it_is_about() {
        let at = |text: &str| {
            let e = Config::parse(text, Lang::En).expect_err(text);
            (e.line, e.col)
        };
        let head = "title = \"T\"\nbase_url = \"https://a.vn\"\n";
        assert_eq!(at("title = \"T\"\n  base_url = \"a.vn\"\n"), (2, 3));
        assert_eq!(
            at(&format!("{head}\n[images]\nenabled = true\nquality = 0\n")),
            (6, 1)
        );
        let taxonomies = "[[taxonomies]]\nname = \"tags\"\n[[taxonomies]]\n name = \"Tags\"\n";
        assert_eq!(at(&format!("{head}{taxonomies}")), (6, 2));
        let vi = "default_language = \"vi\"\n[languages.vi]\ntitle = \"X\"\n";
        assert_eq!(at(&format!("{head}{vi}")), (4, 12));
        // Inline tables and dotted keys are found too.
        assert_eq!(at(&format!("{head}deploy = {{ timeout = 0 }}\n")), (3, 12));
        assert_eq!(at(&format!("{head}images.quality = 101\n")), (3, 8));
    }
}
