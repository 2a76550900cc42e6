//! Template functions that look into the site: get_url, get_page, get_section, get_taxonomy.

use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

thread_local! {
    /// Lookups made on this thread while [`recording`] runs.
    static SEEN: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Runs `f` and returns, with its result, the values it looked up on this thread: `page:<path>`,
/// `section:<path>` (with pages) and `taxonomy:<kind>:<lang>`. A preview session uses them to
/// know which outputs show a page that changed.
pub fn recording<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    let outer = SEEN.with(|s| s.borrow_mut().replace(Vec::new()));
    let r = f();
    let seen = SEEN.with(|s| std::mem::replace(&mut *s.borrow_mut(), outer));
    (r, seen.unwrap_or_default())
}

/// Records again lookups made earlier (an output taken from the session cache).
pub fn replay(keys: &[String]) {
    for k in keys {
        note(|| k.clone());
    }
}

fn note(key: impl FnOnce() -> String) {
    SEEN.with(|s| {
        if let Some(list) = s.borrow_mut().as_mut() {
            list.push(key());
        }
    });
}

/// Looked-up values, shared by every render thread.
#[derive(Default, Clone)]
pub struct Lookup {
    /// Base URL without trailing slash.
    pub base_url: String,
    /// Default language code.
    pub default_language: String,
    /// Content-relative path (`bien-dao/a.md`, `bien-dao/_index.md`) -> URL path (shared
    /// with the build, not copied).
    pub links: Arc<HashMap<String, String>>,
    /// Listing values of every page (shared with the model, not copied).
    pub listings: Arc<Vec<Value>>,
    /// Content-relative path -> page (index in `listings`).
    pub pages: HashMap<String, usize>,
    /// Content-relative path -> section value without its pages (`metadata_only=true`).
    pub sections: HashMap<String, Value>,
    /// Content-relative path -> the section's pages, in order (indices in `listings`).
    pub section_pages: HashMap<String, Vec<usize>>,
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
        get_url(&l, args)
    });
    let l = lookup.clone();
    tera.register_function("get_page", move |args: &HashMap<String, Value>| {
        get_page(&l, args)
    });
    let l = lookup.clone();
    tera.register_function("get_section", move |args: &HashMap<String, Value>| {
        get_section(&l, args)
    });
    let l = lookup;
    tera.register_function("get_taxonomy", move |args: &HashMap<String, Value>| {
        get_taxonomy(&l, args)
    });
}

/// `get_url(path=...)`: a content file's URL (`@/...`), an outside address, or a static file's.
fn get_url(l: &Lookup, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let path = arg(args, "path", "get_url")?;
    if let Some(target) = path.strip_prefix("@/") {
        return content_url(l, target);
    }
    if path.starts_with("http://") || path.starts_with("https://") {
        return Ok(Value::String(path.to_string()));
    }
    Ok(Value::String(static_url(l, path, args)))
}

/// The URL of a content file (`bien-dao/a.md#muc`), anchor kept.
fn content_url(l: &Lookup, target: &str) -> tera::Result<Value> {
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
    Ok(Value::String(out))
}

/// The URL of a static file in the asked language, with `?h=` its hash when `cachebust`.
fn static_url(l: &Lookup, path: &str, args: &HashMap<String, Value>) -> String {
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
    out
}

/// `get_page(path=...)`: a page's listing value, in the asked language when it has one.
fn get_page(l: &Lookup, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let path = arg(args, "path", "get_page")?.trim_start_matches("@/");
    let key = localized(path, args);
    let key = if l.pages.contains_key(&key) {
        key
    } else {
        path.to_string()
    };
    let found = l.pages.get(&key).and_then(|&i| l.listings.get(i)).cloned();
    note(|| format!("page:{key}"));
    found.ok_or_else(|| tera::Error::msg(format!("get_page: no page `{path}`")))
}

/// `get_section(path=...)`: a section's value, with its pages unless `metadata_only`.
fn get_section(l: &Lookup, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let path = arg(args, "path", "get_section")?.trim_start_matches("@/");
    let key = localized(path, args);
    let key = if l.sections.contains_key(&key) {
        key
    } else {
        path.to_string()
    };
    let meta = args
        .get("metadata_only")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut found = l.sections.get(&key).cloned();
    if !meta {
        note(|| format!("section:{key}"));
        if let (Some(Value::Object(v)), Some(list)) = (&mut found, l.section_pages.get(&key)) {
            let pages = list.iter().filter_map(|&i| l.listings.get(i)).cloned();
            v.insert("pages".into(), Value::Array(pages.collect()));
        }
    }
    found.ok_or_else(|| tera::Error::msg(format!("get_section: no section `{path}`")))
}

/// `get_taxonomy(kind=...)`: a taxonomy and its terms in a language.
fn get_taxonomy(l: &Lookup, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let kind = arg(args, "kind", "get_taxonomy")?;
    let lang = args
        .get("lang")
        .and_then(Value::as_str)
        .unwrap_or(&l.default_language);
    note(|| format!("taxonomy:{kind}:{lang}"));
    l.taxonomies
        .get(&(kind.to_string(), lang.to_string()))
        .cloned()
        .ok_or_else(|| {
            tera::Error::msg(format!(
                "get_taxonomy: no taxonomy `{kind}` in [[taxonomies]]"
            ))
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tera_with_sections() -> tera::Tera {
        let mut lookup = Lookup {
            listings: Arc::new(vec![json!({"title": "A"}), json!({"title": "B"})]),
            ..Lookup::default()
        };
        let meta = json!({"title": "Biển đảo", "pages": []});
        lookup.sections.insert("bien-dao/_index.md".into(), meta);
        lookup
            .section_pages
            .insert("bien-dao/_index.md".into(), vec![0, 1]);
        let mut tera = tera::Tera::default();
        register(&mut tera, Arc::new(lookup));
        tera
    }

    fn render(tera: &mut tera::Tera, src: &str) -> String {
        tera.render_str(src, &tera::Context::new()).unwrap()
    }

    #[test]
    fn metadata_only_sections_carry_no_pages() {
        let mut tera = tera_with_sections();
        let full = r#"{{ get_section(path="bien-dao/_index.md") | get(key="pages") | length }}"#;
        let meta = r#"{{ get_section(path="bien-dao/_index.md", metadata_only=true) | get(key="pages") | length }}"#;
        assert_eq!(render(&mut tera, full), "2");
        assert_eq!(render(&mut tera, meta), "0");
    }

    #[test]
    fn recording_sees_lookups_with_pages_only() {
        let mut tera = tera_with_sections();
        let (_, seen) = recording(|| {
            render(
                &mut tera,
                r#"{% set s = get_section(path="bien-dao/_index.md", metadata_only=true) %}{{ s.title }}"#,
            )
        });
        assert!(seen.is_empty(), "{seen:?}");
        let (_, seen) = recording(|| {
            render(
                &mut tera,
                r#"{% set s = get_section(path="@/bien-dao/_index.md") %}{{ s.title }}"#,
            )
        });
        assert_eq!(seen, vec!["section:bien-dao/_index.md".to_string()]);
        // Outside `recording` nothing is kept.
        render(
            &mut tera,
            r#"{% set s = get_section(path="bien-dao/_index.md") %}{{ s.title }}"#,
        );
        let (_, seen) = recording(|| ());
        assert!(seen.is_empty());
    }
}
