//! The evidence: every published, dated post of the site with its section, topics, photos and
//! English version, read through the site's own content loader (drafts and pages dated after
//! today are left out exactly as a build leaves them out).

use chrono::NaiveDate;
use i18n::{tr, Lang};
use regex::Regex;
use site::content::{self, Content, Filter, Page};
use site::{Config, Diagnostic};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::LazyLock;

/// One published post.
#[derive(Debug, Clone)]
pub struct Post {
    /// Title (NFC).
    pub title: String,
    /// Publication date.
    pub date: NaiveDate,
    /// Top-level section folder, e.g. `bien-dao`.
    pub section: String,
    /// Absolute address.
    pub url: String,
    /// Its `chuyen_de` topics.
    pub topics: Vec<String>,
    /// Photos it publishes (distinct image files).
    pub photos: usize,
    /// Address of its English version, if published.
    pub english: Option<String>,
    /// Source file relative to `content/`.
    pub file: String,
}

/// What the report needs from the site.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// Every published dated post, oldest first.
    pub posts: Vec<Post>,
    /// Section titles by folder, in the site's language.
    pub section_titles: BTreeMap<String, String>,
    /// `[extra] theme_sections`, the sections of the plan in menu order.
    pub theme_sections: Vec<String>,
    /// The site's address.
    pub base_url: String,
}

/// Loads `content/` as a build on `today` would publish it.
pub fn load(root: &Path, today: NaiveDate, lang: Lang) -> Result<Evidence, Vec<Diagnostic>> {
    let config = Config::load(root, lang).map_err(|d| vec![d])?;
    let filter = Filter {
        drafts: false,
        future: false,
        today: Some(today),
    };
    let (content, errors) = content::load(root, &config, filter, lang);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(evidence(&config, &content, lang))
}

fn evidence(config: &Config, content: &Content, lang: Lang) -> Evidence {
    let default = config.default_language.as_str();
    // Published English versions by translation key.
    let english: HashMap<&str, &Page> = content
        .pages
        .iter()
        .filter(|p| p.lang == "en" && p.lang != default)
        .map(|p| (p.key.as_str(), p))
        .collect();
    let with_default: BTreeSet<&str> = content
        .pages
        .iter()
        .filter(|p| p.lang == default)
        .map(|p| p.key.as_str())
        .collect();
    let mut posts: Vec<Post> = content
        .pages
        .iter()
        // One entry per post: its page in the site's language, or its only page.
        .filter(|p| p.lang == default || !with_default.contains(p.key.as_str()))
        .filter_map(|p| {
            let date = p.date?;
            let section = top_dir(&content.sections[p.section].dir)?;
            let english = english
                .get(p.key.as_str())
                .filter(|e| e.lang != p.lang)
                .map(|e| config.absolute(&e.path));
            Some(Post {
                title: p.title.clone(),
                date,
                section,
                url: config.absolute(&p.path),
                topics: p
                    .front
                    .taxonomies
                    .get("chuyen_de")
                    .cloned()
                    .unwrap_or_default(),
                photos: photos(p),
                english,
                file: p.relative_path.clone(),
            })
        })
        .collect();
    posts.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| vi::compare(&a.title, &b.title))
    });
    let section_titles = content
        .sections
        .iter()
        .filter(|s| s.lang == lang.code() || s.lang == default)
        .filter_map(|s| Some((top_dir(&s.dir)?, s)))
        .filter(|(dir, s)| s.dir == *dir)
        .fold(BTreeMap::new(), |mut m, (dir, s)| {
            // The language of the report wins over the site's default language.
            if s.lang == lang.code() || !m.contains_key(&dir) {
                m.insert(dir, s.title.clone());
            }
            m
        });
    let theme_sections = config
        .extra
        .get("theme_sections")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Evidence {
        posts,
        section_titles,
        theme_sections,
        base_url: config.base_url.clone(),
    }
}

/// `bien-dao` for `bien-dao/2024`; `None` for the home section.
fn top_dir(dir: &str) -> Option<String> {
    dir.split('/').find(|s| !s.is_empty()).map(str::to_string)
}

static MD_IMAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"!\[[^\]]*\]\(\s*<?([^)\s>]+)|\bsrc\s*=\s*["']([^"']+)["']"#).expect("valid")
});

const IMAGE_EXTENSIONS: [&str; 8] = ["jpg", "jpeg", "png", "webp", "gif", "heic", "heif", "avif"];

fn is_image(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Distinct photos of a page: images of its bundle, images its text shows, its sharing image.
fn photos(p: &Page) -> usize {
    let mut names: BTreeSet<String> = BTreeSet::new();
    let base = |s: &str| s.rsplit('/').next().unwrap_or(s).to_string();
    for a in &p.assets {
        let name = a.to_string_lossy();
        if is_image(&name) {
            names.insert(base(&name.replace('\\', "/")));
        }
    }
    for c in MD_IMAGE.captures_iter(p.body()) {
        if let Some(m) = c.get(1).or_else(|| c.get(2)) {
            if is_image(m.as_str()) {
                names.insert(base(m.as_str()));
            }
        }
    }
    if let Some(img) = p.front.extra.get("image").and_then(|v| v.as_str()) {
        names.insert(base(img));
    }
    names.len()
}

/// Renders load errors for the terminal.
pub fn describe(errors: &[Diagnostic], lang: Lang) -> String {
    let mut out: Vec<String> = errors.iter().map(|d| d.render(lang)).collect();
    out.push(tr!(
        lang,
        "Chưa lập được báo cáo: sửa {} lỗi trên rồi chạy lại (bangtin check giúp tìm lỗi).",
        "The report was not made: fix the {} error(s) above and run again (bangtin check helps).",
        errors.len()
    ));
    out.join("\n")
}
