//! Tera: compiles the theme's and the site's templates with bangtin's filters and functions,
//! and renders one template with the names of the files involved in its errors.

use super::markdown::markdown_plain;
use crate::config::Config;
use crate::diag::{error_chain, Diagnostic};
use crate::load::content::{Content, Page, Section};
use crate::load::data::load_data;
use crate::load::theme::{Origin, Theme};
use i18n::{tr, Lang};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::{Context, Tera};

/// Compiles every template of `theme` once into a Tera instance with bangtin's filters.
pub fn compile(
    theme: &Theme,
    config: &Config,
    root: &Path,
    lang: Lang,
) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Escape only what HTML needs; Tera's default also escapes '/', which bloats every URL.
    tera.set_escape_fn(vi::escape_html);
    let mut errors = Vec::new();
    // Parse one by one first, to name the file and line of a syntax error.
    for (name, (src, origin)) in &theme.templates {
        if let Err(e) = tera::Template::new(name, None, src) {
            errors.push(tera_diag(&e, origin, lang));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let list: Vec<(&str, &str)> = theme
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
        Ok(Value::String(markdown_plain(
            v.as_str().unwrap_or_default(),
        )))
    });
    tera.register_function(
        "trans",
        Trans {
            strings: Arc::new(theme.strings.clone()),
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

/// Renders one template, with the template's and the content file's names in the error.
pub fn render_template(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    for_file: &Path,
    lang: Lang,
) -> Result<String, Diagnostic> {
    tera.render(template, ctx)
        .map_err(|e| template_diag(template, &e, for_file, lang))
}

/// The same as bytes: Tera writes UTF-8, so checking it again (as `String` does) is wasted work.
pub fn render_bytes(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    for_file: &Path,
    lang: Lang,
) -> Result<Vec<u8>, Diagnostic> {
    let mut out = Vec::with_capacity(16 * 1024);
    tera.render_to(template, ctx, &mut out)
        .map_err(|e| template_diag(template, &e, for_file, lang))?;
    Ok(out)
}

fn template_diag(template: &str, e: &tera::Error, for_file: &Path, lang: Lang) -> Diagnostic {
    Diagnostic::error(
        for_file,
        0,
        0,
        tr!(
            lang,
            "lỗi khi dựng bằng mẫu {template}: {}",
            "error while rendering with template {template}: {}",
            error_chain(e)
        ),
    )
}

/// Template for a page: its own, its section's `page_template` (nearest ancestor), or page.html.
pub fn page_template(content: &Content, p: &Page) -> String {
    if let Some(t) = &p.front.template {
        return t.clone();
    }
    let mut s = Some(p.section);
    while let Some(i) = s {
        if let Some(t) = &content.sections[i].front.page_template {
            return t.clone();
        }
        s = content.sections[i].parent;
    }
    "page.html".into()
}

/// Template for a section.
pub fn section_template(s: &Section) -> String {
    if let Some(t) = &s.front.template {
        return t.clone();
    }
    if s.dir.is_empty() {
        "index.html".into()
    } else {
        "section.html".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
