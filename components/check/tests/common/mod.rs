//! Fixture sites for the check tests: a minimal theme, a config, and the files a test adds.

#![allow(dead_code)]

use check::{Finding, Kind, Options, Report, Settings};
use i18n::Lang;
use std::path::Path;
use tempfile::TempDir;

pub const CONFIG: &str = r#"title = "Trường Thử"
description = "Trang thử của bangtin"
base_url = "https://truong.example.vn"

[[taxonomies]]
name = "tags"

[images]
enabled = false

[search]
enabled = false
"#;

const HEAD: &str = r##"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{{ config.title }}</title><link rel="stylesheet" href="/site.css"></head><body><a href="#noi-dung">Bỏ qua</a><main id="noi-dung">"##;
const FOOT: &str = "</main></body></html>";

/// The five templates a site needs, short: every listing links its pages.
pub fn theme() -> Vec<(String, String)> {
    let t = |body: &str| format!("{HEAD}{body}{FOOT}");
    vec![
        (
            "templates/index.html".into(),
            t(r#"<h1>{{ section.title }}</h1>{{ section.content | safe }}
<ul>{% for s in section.subsections %}<li><a href="{{ s.permalink }}">{{ s.title }}</a></li>{% endfor %}</ul>
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>"#),
        ),
        (
            "templates/section.html".into(),
            t(r#"<h1>{{ section.title }}</h1>{{ section.content | safe }}
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>"#),
        ),
        (
            "templates/page.html".into(),
            t(r#"<h1>{{ page.title }}</h1><article>{{ page.content | safe }}</article>"#),
        ),
        (
            "templates/taxonomy_list.html".into(),
            t(
                r#"<h1>{{ taxonomy.title }}</h1><ul>{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a></li>{% endfor %}</ul>"#,
            ),
        ),
        (
            "templates/taxonomy_single.html".into(),
            t(
                r#"<h1>{{ term.name }}</h1><ul>{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>"#,
            ),
        ),
        (
            "static/site.css".into(),
            "body{margin:0 auto;max-width:40rem}\n".into(),
        ),
        (
            "content/_index.md".into(),
            "+++\ntitle = \"Trang chủ\"\n+++\nChào mừng.\n".into(),
        ),
    ]
}

/// A fixture site: the theme, [`CONFIG`] (unless a file replaces it) and `files`.
pub fn fixture(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut all: Vec<(String, String)> = vec![("config.toml".into(), CONFIG.into())];
    all.extend(theme());
    all.extend(files.iter().map(|(p, t)| (p.to_string(), t.to_string())));
    for (rel, text) in all {
        write(dir.path(), &rel, text.as_bytes());
    }
    dir
}

/// Writes a file of the fixture (`rel` with `/`).
pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = rel.split('/').fold(root.to_path_buf(), |p, c| p.join(c));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, bytes).expect("write fixture file");
}

/// A page with everything a clean page needs.
pub fn page(title: &str, date: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\ndescription = \"Mô tả {title}\"\n+++\n{body}")
}

/// Runs the checks in English with fixed "today" (2024-06-01).
pub fn run(root: &Path) -> Report {
    run_opts(root, false, false, &settings())
}

/// Default settings with a fixed date.
pub fn settings() -> Settings {
    Settings {
        today: chrono::NaiveDate::from_ymd_opt(2024, 6, 1),
        ..Settings::default()
    }
}

/// Runs the checks with options.
pub fn run_opts(root: &Path, external: bool, drafts: bool, settings: &Settings) -> Report {
    let opts = Options {
        root: root.to_path_buf(),
        lang: Lang::En,
        external,
        drafts,
    };
    check::run_with(&opts, settings)
}

/// (kind, file with `/`, line) of every finding, for compact assertions.
pub fn summary(r: &Report) -> Vec<(Kind, String, usize)> {
    r.findings
        .iter()
        .map(|f| (f.kind, f.file.to_string_lossy().replace('\\', "/"), f.line))
        .collect()
}

/// The findings of one kind.
pub fn of(r: &Report, kind: Kind) -> Vec<&Finding> {
    r.of_kind(kind)
}

/// Line (1-based) of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}
