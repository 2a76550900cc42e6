//! `load_data`: a data file under the site folder (TOML, YAML, JSON or CSV) as a JSON value,
//! for templates.

use crate::util::paths::in_unread_folder;
use i18n::{tr, Lang};
use serde_json::{json, Value};
use std::path::Path;

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
    if in_unread_folder(&rel.replace('\\', "/")) {
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
