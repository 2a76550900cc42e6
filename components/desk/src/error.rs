//! An API error as the browser side gets it: a status and `{error, hint, file?, line?, column?}`
//! in the asked language, plus any extra fields (the disk text of a conflict).

use serde_json::{json, Map, Value};

/// A refused or failed request.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status (4xx or 5xx).
    pub status: u16,
    /// What is wrong, in the teacher's words.
    pub error: String,
    /// How to fix it.
    pub hint: String,
    /// The file it is about, relative to the site folder, with its position when known.
    pub at: Option<(String, usize, usize)>,
    /// More fields for the answer (e.g. `disk` for a conflict).
    pub extra: Map<String, Value>,
}

impl ApiError {
    /// An error with its status, message and hint.
    pub fn new(status: u16, error: impl Into<String>, hint: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            hint: hint.into(),
            at: None,
            extra: Map::new(),
        }
    }

    /// The same error, placed in a file.
    pub fn at(mut self, file: impl Into<String>, line: usize, column: usize) -> ApiError {
        self.at = Some((file.into(), line, column));
        self
    }

    /// The same error with one more field in its answer.
    pub fn with(mut self, key: &str, value: Value) -> ApiError {
        self.extra.insert(key.to_string(), value);
        self
    }

    /// The JSON body of the answer.
    pub fn to_json(&self) -> Value {
        let mut o = self.extra.clone();
        o.insert("error".into(), json!(self.error));
        o.insert("hint".into(), json!(self.hint));
        if let Some((file, line, column)) = &self.at {
            o.insert("file".into(), json!(file));
            o.insert("line".into(), json!(line));
            o.insert("column".into(), json!(column));
        }
        Value::Object(o)
    }
}

/// Result of a desk operation.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_the_position_and_extra_fields() {
        let e = ApiError::new(409, "đổi", "chọn")
            .at("content/a.md", 3, 4)
            .with("disk", json!({"body": "x"}));
        let v = e.to_json();
        assert_eq!(v["error"], "đổi");
        assert_eq!(v["line"], 3);
        assert_eq!(v["disk"]["body"], "x");
    }
}
