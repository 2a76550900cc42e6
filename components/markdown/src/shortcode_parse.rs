//! Reading one shortcode opening: its name, its arguments (strings, numbers, booleans,
//! lists) and its close, or where and why it cannot be read.

use serde_json::{Map, Number, Value};

use crate::error::SyntaxProblem;

/// What a `{{` or `{%` turned out to be.
pub(crate) enum Open {
    /// `{{` or `{%` that does not start a shortcode (e.g. `{{ x }}` in prose): left as text.
    NotShortcode,
    /// `{% end %}`, ending at `end`.
    End { end: usize },
    /// A well-formed opening, ending after its `}}` or `%}`.
    Call {
        name: String,
        args: Map<String, Value>,
        end: usize,
    },
    /// Started like a shortcode (`name(`) but cannot be read.
    Bad {
        offset: usize,
        name: String,
        problem: SyntaxProblem,
    },
}

/// Reads the shortcode opening at `pos` (which holds `{{` or `{%`).
pub(crate) fn parse_open(src: &str, pos: usize, block: bool) -> Open {
    let mut p = Cursor { s: src, i: pos + 2 };
    p.ws();
    let Some(name) = p.ident() else {
        return Open::NotShortcode;
    };
    p.ws();
    if block && name == "end" {
        return if p.eat("%}") {
            Open::End { end: p.i }
        } else {
            Open::NotShortcode
        };
    }
    if !p.eat("(") {
        return Open::NotShortcode;
    }
    let bad = |offset, problem| Open::Bad {
        offset,
        name: name.to_string(),
        problem,
    };
    let args = match p.args() {
        Ok(args) => args,
        Err((offset, problem)) => return bad(offset, problem),
    };
    p.ws();
    let (close, problem) = if block {
        ("%}", SyntaxProblem::CloseBlock)
    } else {
        ("}}", SyntaxProblem::CloseInline)
    };
    if !p.eat(close) {
        return bad(p.i, problem);
    }
    Open::Call {
        name: name.to_string(),
        args,
        end: p.i,
    }
}

type PResult<T> = Result<T, (usize, SyntaxProblem)>;

struct Cursor<'s> {
    s: &'s str,
    i: usize,
}

impl<'s> Cursor<'s> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<&'s str> {
        let start = self.i;
        if !self
            .peek()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        {
            return None;
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.i += 1;
        }
        Some(&self.s[start..self.i])
    }

    /// Arguments after `(`, up to and including `)`.
    fn args(&mut self) -> PResult<Map<String, Value>> {
        let mut map = Map::new();
        self.ws();
        if self.eat(")") {
            return Ok(map);
        }
        loop {
            self.ws();
            let at = self.i;
            let key = self.ident().ok_or((at, SyntaxProblem::ArgumentName))?;
            self.ws();
            if !self.eat("=") {
                return Err((self.i, SyntaxProblem::Equals));
            }
            self.ws();
            let value = self.value()?;
            if map.insert(key.to_string(), value).is_some() {
                return Err((at, SyntaxProblem::DuplicateArgument));
            }
            self.ws();
            if self.eat(")") {
                return Ok(map);
            }
            if !self.eat(",") {
                return Err((self.i, SyntaxProblem::CommaOrParen));
            }
            self.ws();
            // A trailing comma before `)` is fine.
            if self.eat(")") {
                return Ok(map);
            }
        }
    }

    fn value(&mut self) -> PResult<Value> {
        let start = self.i;
        match self.peek() {
            Some(q @ (b'"' | b'\'' | b'`')) => self.string(q).map(Value::String),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.eat("]") {
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value()?);
                    self.ws();
                    if self.eat("]") {
                        return Ok(Value::Array(items));
                    }
                    if !self.eat(",") {
                        return Err((self.i, SyntaxProblem::CommaOrBracket));
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => match self.ident() {
                Some("true") => Ok(Value::Bool(true)),
                Some("false") => Ok(Value::Bool(false)),
                _ => Err((start, SyntaxProblem::Value)),
            },
        }
    }

    /// A quoted string. Double quotes understand `\"`, `\\`, `\n` and `\t`; single
    /// quotes and backticks are raw.
    fn string(&mut self, quote: u8) -> PResult<String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        let rest = &self.s[self.i..];
        let mut chars = rest.char_indices();
        while let Some((k, c)) = chars.next() {
            if c as u32 == quote as u32 {
                self.i += k + 1;
                return Ok(out);
            }
            if c == '\\' && quote == b'"' {
                match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, other)) => out.push(other),
                    None => break,
                }
            } else {
                out.push(c);
            }
        }
        Err((start, SyntaxProblem::UnterminatedString))
    }

    fn number(&mut self) -> PResult<Value> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits = |c: &mut Self| {
            let s = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.i += 1;
            }
            c.i > s
        };
        if !digits(self) {
            return Err((start, SyntaxProblem::Value));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            float = true;
            if !digits(self) {
                return Err((start, SyntaxProblem::Value));
            }
        }
        let text = &self.s[start..self.i];
        let number = if float {
            text.parse::<f64>().ok().and_then(Number::from_f64)
        } else {
            text.parse::<i64>().ok().map(Number::from)
        };
        number
            .map(Value::Number)
            .ok_or((start, SyntaxProblem::Value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args_of(s: &str) -> PResult<Map<String, Value>> {
        let mut c = Cursor { s, i: 0 };
        c.args()
    }

    #[test]
    fn reads_argument_values() {
        let m = args_of(r#"key="v \"q\"", n=3, x=-1.5, flag=true, no=false, list=["a", 'b', 2], e=[], raw=`a\b`)"#).unwrap();
        assert_eq!(m["key"], Value::from("v \"q\""));
        assert_eq!(m["n"], Value::from(3));
        assert_eq!(m["x"], Value::from(-1.5));
        assert_eq!(m["flag"], Value::from(true));
        assert_eq!(m["no"], Value::from(false));
        assert_eq!(m["list"], serde_json::json!(["a", "b", 2]));
        assert_eq!(m["e"], serde_json::json!([]));
        assert_eq!(m["raw"], Value::from("a\\b"));
        assert!(args_of(")").unwrap().is_empty());
        assert_eq!(args_of("a=1,)").unwrap().len(), 1);
    }

    #[test]
    fn reports_argument_errors_where_they_are() {
        assert_eq!(args_of("a=1 b=2)"), Err((4, SyntaxProblem::CommaOrParen)));
        assert_eq!(args_of("a 1)"), Err((2, SyntaxProblem::Equals)));
        assert_eq!(args_of("a=)"), Err((2, SyntaxProblem::Value)));
        assert_eq!(args_of("a=yes)"), Err((2, SyntaxProblem::Value)));
        assert_eq!(
            args_of("a=\"open)"),
            Err((2, SyntaxProblem::UnterminatedString))
        );
        assert_eq!(args_of("a=[1 2])"), Err((5, SyntaxProblem::CommaOrBracket)));
        assert_eq!(
            args_of("a=1, a=2)"),
            Err((5, SyntaxProblem::DuplicateArgument))
        );
        assert_eq!(args_of("=1)"), Err((0, SyntaxProblem::ArgumentName)));
    }
}
