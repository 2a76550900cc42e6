//! A post's front matter as the desk shows it (`{title, date, description, draft, tags,
//! chuyen_de, cover, cover_alt, extra}`), read from either syntax the site reads, and written
//! back into the TOML front matter with `toml_edit`, so keys, comments and order the desk does
//! not know are kept as the teacher (or another editor) wrote them.

use crate::error::ApiError;
use i18n::{tr, Lang};
use serde_json::{json, Map, Value};
use site::frontmatter::{self, Format, PageFront};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table};

/// A post file cut into its parts.
pub struct Parsed {
    /// The front matter as the desk shows it.
    pub front: Value,
    /// The Markdown body.
    pub body: String,
    /// `slug` and `path` of the front matter (they change the page's URL).
    pub url: (Option<String>, Option<String>),
}

fn front_error(file: &str, text: &str, e: &frontmatter::FrontError, lang: Lang) -> ApiError {
    let (line, col) = e
        .line_col
        .unwrap_or_else(|| site::diag::line_col(text, e.offset));
    ApiError::new(
        422,
        e.message.clone(),
        tr!(
            lang,
            "hãy sửa phần đầu bài (giữa hai dòng +++) ở vị trí này, hoặc khôi phục một phiên bản trước",
            "fix the front matter (between the two +++ lines) at this place, or restore an earlier version"
        ),
    )
    .at(file, line, col)
}

/// Reads a post's text into the desk's front matter and body.
pub fn parse(file: &str, text: &str, lang: Lang) -> Result<Parsed, ApiError> {
    let split = frontmatter::split(text, lang).map_err(|e| front_error(file, text, &e, lang))?;
    let pf: PageFront = frontmatter::parse(&split, lang).map_err(|e| {
        let (line, col) = frontmatter::position(text, split.front_offset, &e);
        front_error(file, text, &e, lang).at(file, line, col)
    })?;
    Ok(Parsed {
        front: to_json(&pf),
        body: split.body.to_string(),
        url: (pf.slug.clone(), pf.path.clone()),
    })
}

/// The desk's view of parsed front matter.
pub fn to_json(pf: &PageFront) -> Value {
    let date = pf
        .date
        .as_ref()
        .and_then(frontmatter::date_of)
        .map(|d| d.format("%Y-%m-%d").to_string());
    let mut extra = pf.extra.clone();
    let cover = extra.remove("image");
    let cover_alt = extra.remove("image_alt");
    let terms = |name: &str| pf.taxonomies.get(name).cloned().unwrap_or_default();
    json!({
        "title": pf.title.clone().unwrap_or_default(),
        "date": date,
        "description": pf.description.clone().unwrap_or_default(),
        "draft": pf.draft,
        "tags": terms("tags"),
        "chuyen_de": terms("chuyen_de"),
        "cover": cover.unwrap_or(Value::Null),
        "cover_alt": cover_alt.unwrap_or(Value::Null),
        "extra": extra,
    })
}

/// A JSON value as a TOML value (`null` has none).
fn toml_value(v: &Value) -> Option<toml_edit::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64()?.into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(a) => {
            let mut arr = Array::new();
            for x in a {
                arr.push(toml_value(x)?);
            }
            arr.into()
        }
        Value::Object(o) => {
            let mut t = InlineTable::new();
            for (k, x) in o {
                if let Some(x) = toml_value(x) {
                    t.insert(k, x);
                }
            }
            t.into()
        }
    })
}

fn set_or_remove(t: &mut Table, key: &str, v: Option<toml_edit::Value>) {
    match v {
        Some(v) => {
            // Keeps the comment or spacing written before an existing key.
            match t.get_mut(key).and_then(Item::as_value_mut) {
                Some(old) => {
                    let decor = old.decor().clone();
                    *old = v;
                    *old.decor_mut() = decor;
                }
                None => {
                    t.insert(key, Item::Value(v));
                }
            }
        }
        None => {
            t.remove(key);
        }
    }
}

fn text_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| vi::nfc(s.trim()).into_owned())
        .filter(|s| !s.is_empty())
}

fn terms_of(v: &Value, key: &str) -> Option<toml_edit::Value> {
    let list: Vec<String> = v
        .get(key)?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(|s| vi::nfc(s.trim()).into_owned())
        .filter(|s| !s.is_empty())
        .collect();
    (!list.is_empty()).then(|| Array::from_iter(list).into())
}

/// A sub-table of the document, made when missing.
fn table<'a>(doc: &'a mut DocumentMut, name: &str) -> Option<&'a mut Table> {
    if !doc.contains_key(name) {
        doc.insert(name, Item::Table(Table::new()));
    }
    doc.get_mut(name).and_then(Item::as_table_mut)
}

/// Writes the desk's front matter into the old file's front matter and gives the new file text.
pub fn compose(
    file: &str,
    old: &str,
    front: &Value,
    body: &str,
    lang: Lang,
) -> Result<String, ApiError> {
    let mut doc = old_front(file, old, lang)?;
    set_main(doc.as_table_mut(), front);
    if let Some(tax) = table(&mut doc, "taxonomies") {
        set_or_remove(tax, "tags", terms_of(front, "tags"));
        set_or_remove(tax, "chuyen_de", terms_of(front, "chuyen_de"));
    }
    if let Some(extra) = table(&mut doc, "extra") {
        set_extra(extra, front);
    }
    for name in ["taxonomies", "extra"] {
        if doc
            .get(name)
            .and_then(Item::as_table)
            .is_some_and(Table::is_empty)
        {
            doc.remove(name);
        }
    }
    let mut head = doc.to_string();
    if !head.ends_with('\n') {
        head.push('\n');
    }
    let body = vi::nfc(body);
    Ok(format!("+++\n{head}+++\n{body}"))
}

/// The old file's TOML front matter as an editable document (empty when it has none).
fn old_front(file: &str, old: &str, lang: Lang) -> Result<DocumentMut, ApiError> {
    let split = frontmatter::split(old, lang).map_err(|e| front_error(file, old, &e, lang))?;
    if split.format == Some(Format::Yaml) {
        return Err(ApiError::new(
            422,
            tr!(
                lang,
                "bài này dùng phần đầu kiểu YAML (giữa hai dòng ---), bàn soạn bài chỉ sửa kiểu TOML (giữa hai dòng +++)",
                "this post has YAML front matter (between --- lines); the desk only edits TOML front matter (between +++ lines)"
            ),
            tr!(
                lang,
                "hãy sửa bài này bằng trình soạn thảo văn bản, hoặc chuyển phần đầu sang kiểu TOML",
                "edit this post in a text editor, or convert its front matter to TOML"
            ),
        )
        .at(file, 1, 1));
    }
    let text = if split.format.is_some() {
        split.front
    } else {
        ""
    };
    text.parse().map_err(|e: toml_edit::TomlError| {
        let (line, col) = e
            .span()
            .map(|s| site::diag::line_col(old, split.front_offset + s.start))
            .unwrap_or((1, 1));
        let hint = tr!(
            lang,
            "hãy sửa phần đầu bài ở vị trí này",
            "fix the front matter at this place"
        );
        ApiError::new(422, e.message().to_string(), hint).at(file, line, col)
    })
}

/// Title, description, date and draft at the top of the front matter.
fn set_main(root: &mut Table, front: &Value) {
    set_or_remove(root, "title", text_of(front, "title").map(Into::into));
    set_or_remove(
        root,
        "description",
        text_of(front, "description").map(Into::into),
    );
    let date = text_of(front, "date").map(|d| match d.parse::<toml_edit::Datetime>() {
        Ok(dt) => toml_edit::Value::from(dt),
        Err(_) => d.into(),
    });
    set_or_remove(root, "date", date);
    let draft = front.get("draft").and_then(Value::as_bool).unwrap_or(false);
    if draft || root.contains_key("draft") {
        set_or_remove(root, "draft", Some(draft.into()));
    }
}

/// `[extra]`: the cover photo and its text, and the other keys as the desk sends them (a key it
/// no longer sends is removed; without `extra` in the request, they stay as they are).
fn set_extra(extra: &mut Table, front: &Value) {
    if let Some(Value::Object(given)) = front.get("extra") {
        let gone: Vec<String> = extra
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| k != "image" && k != "image_alt" && !given.contains_key(k))
            .collect();
        for k in gone {
            extra.remove(&k);
        }
        for (k, v) in given {
            set_or_remove(extra, k, toml_value(v));
        }
    }
    set_or_remove(extra, "image", text_of(front, "cover").map(Into::into));
    set_or_remove(
        extra,
        "image_alt",
        text_of(front, "cover_alt").map(Into::into),
    );
}

/// A new post's text: title, today's date, a draft.
pub fn new_post(title: &str, date: &str) -> String {
    let mut doc = DocumentMut::new();
    doc.insert("title", toml_edit::value(vi::nfc(title).into_owned()));
    if let Ok(d) = date.parse::<toml_edit::Datetime>() {
        doc.insert("date", toml_edit::value(d));
    }
    doc.insert("draft", toml_edit::value(true));
    format!("+++\n{doc}+++\n\n")
}

/// The desk's front matter object from a JSON body (`{}` when absent).
pub fn from_request(v: &Value) -> Value {
    match v.get("front") {
        Some(Value::Object(o)) => Value::Object(o.clone()),
        _ => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "+++\n# Ghi chú của cô Lan\ntitle = \"Cũ\"\ndate = 2024-01-16\nweight = 3\n\n[taxonomies]\ntags = [\"a\"]\n\n[extra]\nimage = \"a.jpg\"\nmau = \"do\"\n+++\n\nThân bài cũ.\n";

    #[test]
    fn reads_what_the_desk_shows() {
        let p = parse("content/a.md", OLD, Lang::En).unwrap();
        assert_eq!(p.front["title"], "Cũ");
        assert_eq!(p.front["date"], "2024-01-16");
        assert_eq!(p.front["tags"], json!(["a"]));
        assert_eq!(p.front["cover"], "a.jpg");
        assert_eq!(p.front["extra"], json!({"mau": "do"}));
        assert_eq!(p.body, "\nThân bài cũ.\n");
    }

    #[test]
    fn keeps_comments_and_unknown_keys() {
        let front = json!({"title": "Mới", "date": "2024-02-01", "description": "Mô tả",
            "draft": true, "tags": ["b", " "], "chuyen_de": [], "cover": "b.jpg",
            "cover_alt": "Ảnh", "extra": {"mau": "xanh"}});
        let text = compose("content/a.md", OLD, &front, "Thân bài mới.\n", Lang::En).unwrap();
        assert!(text.contains("# Ghi chú của cô Lan"), "{text}");
        assert!(text.contains("weight = 3"));
        assert!(text.contains("date = 2024-02-01"));
        assert!(text.contains("draft = true"));
        let p = parse("content/a.md", &text, Lang::En).unwrap();
        assert_eq!(p.front["title"], "Mới");
        assert_eq!(p.front["tags"], json!(["b"]));
        assert_eq!(p.front["cover_alt"], "Ảnh");
        assert_eq!(p.front["extra"], json!({"mau": "xanh"}));
        assert_eq!(p.body, "Thân bài mới.\n");
    }

    #[test]
    fn new_posts_are_drafts() {
        let t = new_post("Lễ chào cờ", "2026-12-07");
        let p = parse("x", &t, Lang::En).unwrap();
        assert_eq!(p.front["draft"], true);
        assert_eq!(p.front["date"], "2026-12-07");
    }

    #[test]
    fn yaml_is_read_but_not_written() {
        let y = "---\ntitle: Y\n---\nBody\n";
        assert_eq!(parse("x", y, Lang::En).unwrap().front["title"], "Y");
        assert_eq!(
            compose("x", y, &json!({}), "", Lang::En)
                .unwrap_err()
                .status,
            422
        );
    }
}
