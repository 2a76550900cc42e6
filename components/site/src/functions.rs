//! Template functions that look into the site: get_url, get_page, get_section, get_taxonomy.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Looked-up values, shared by every render thread.
pub struct Lookup {
    /// Base URL without trailing slash.
    pub base_url: String,
    /// Default language code.
    pub default_language: String,
    /// Content-relative path (`bien-dao/a.md`, `bien-dao/_index.md`) -> URL path.
    pub links: HashMap<String, String>,
    /// Content-relative path -> page value (listing).
    pub pages: HashMap<String, Value>,
    /// Content-relative path -> section value.
    pub sections: HashMap<String, Value>,
    /// The same without `pages` (`metadata_only=true`): cheap enough for every page's menu.
    pub sections_meta: HashMap<String, Value>,
    /// (kind, lang) -> `{taxonomy, terms}`.
    pub taxonomies: HashMap<(String, String), Value>,
    /// Static file path -> short content hash, for cache busting.
    pub hashes: HashMap<String, String>,
}

fn arg<'a>(args: &'a HashMap<String, Value>, name: &str, f: &str) -> tera::Result<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg(format!("{f}() needs {name}=\"...\"")))
}

/// Registers the functions on a Tera instance.
pub fn register(tera: &mut tera::Tera, lookup: Arc<Lookup>) {
    let l = lookup.clone();
    tera.register_function("get_url", move |args: &HashMap<String, Value>| {
        let path = arg(args, "path", "get_url")?;
        if let Some(target) = path.strip_prefix("@/") {
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target, None),
            };
            let url = l
                .links
                .get(file)
                .ok_or_else(|| tera::Error::msg(format!("get_url: no content file `{file}`")))?;
            let mut out = format!("{}{}", l.base_url, url);
            if let Some(a) = anchor {
                out.push('#');
                out.push_str(a);
            }
            return Ok(Value::String(out));
        }
        if path.starts_with("http://") || path.starts_with("https://") {
            return Ok(Value::String(path.to_string()));
        }
        let lang = args
            .get("lang")
            .and_then(Value::as_str)
            .unwrap_or(&l.default_language);
        let prefix = if lang == l.default_language {
            String::new()
        } else {
            format!("/{lang}")
        };
        let clean = path.trim_start_matches('/');
        let mut out = format!("{}{}/{}", l.base_url, prefix, clean);
        if args
            .get("cachebust")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        {
            if let Some(h) = l.hashes.get(clean) {
                out.push_str("?h=");
                out.push_str(h);
            }
        }
        Ok(Value::String(out))
    });
    let l = lookup.clone();
    tera.register_function("get_page", move |args: &HashMap<String, Value>| {
        let path = arg(args, "path", "get_page")?.trim_start_matches("@/");
        let key = localized(path, args);
        l.pages
            .get(&key)
            .or_else(|| l.pages.get(path))
            .cloned()
            .ok_or_else(|| tera::Error::msg(format!("get_page: no page `{path}`")))
    });
    let l = lookup.clone();
    tera.register_function("get_section", move |args: &HashMap<String, Value>| {
        let path = arg(args, "path", "get_section")?.trim_start_matches("@/");
        let key = localized(path, args);
        l.sections
            .get(&key)
            .or_else(|| l.sections.get(path))
            .cloned()
            .ok_or_else(|| tera::Error::msg(format!("get_section: no section `{path}`")))
    });
    let l = lookup;
    tera.register_function("get_taxonomy", move |args: &HashMap<String, Value>| {
        let kind = arg(args, "kind", "get_taxonomy")?;
        let lang = args
            .get("lang")
            .and_then(Value::as_str)
            .unwrap_or(&l.default_language);
        l.taxonomies
            .get(&(kind.to_string(), lang.to_string()))
            .cloned()
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "get_taxonomy: no taxonomy `{kind}` in [[taxonomies]]"
                ))
            })
    });
}

/// `bien-dao/_index.md` with lang=en -> `bien-dao/_index.en.md`.
fn localized(path: &str, args: &HashMap<String, Value>) -> String {
    match args.get("lang").and_then(Value::as_str) {
        Some(lang) => match path.strip_suffix(".md") {
            Some(stem) if !stem.ends_with(&format!(".{lang}")) => format!("{stem}.{lang}.md"),
            _ => path.to_string(),
        },
        None => path.to_string(),
    }
}
