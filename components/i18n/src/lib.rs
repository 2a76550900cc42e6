//! The language of user-facing messages: Vietnamese (default) or English.

use std::fmt;

/// A language the tool speaks to its user in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Vietnamese, the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Parses a language code such as `vi`, `en`, `en_US.UTF-8`, `vi-VN`.
    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        if code.starts_with("vi") {
            Some(Lang::Vi)
        } else if code.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the message language: explicit choice, else `LC_ALL`/`LC_MESSAGES`/`LANG`, else the fallback.
    pub fn detect(explicit: Option<&str>, fallback: Lang) -> Lang {
        if let Some(l) = explicit.and_then(Lang::parse) {
            return l;
        }
        for var in ["BANGTIN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if let Some(l) = Lang::parse(&v) {
                    return l;
                }
            }
        }
        fallback
    }

    /// Chooses between the Vietnamese and the English text.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// The ISO code, `vi` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `tr!(lang, "Vietnamese {x}", "English {x}")`: a formatted message in the chosen language.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $vi:literal, $en:literal $(, $args:expr)* $(,)?) => {
        match $lang {
            $crate::Lang::Vi => format!($vi $(, $args)*),
            $crate::Lang::En => format!($en $(, $args)*),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locale_strings() {
        assert_eq!(Lang::parse("vi_VN.UTF-8"), Some(Lang::Vi));
        assert_eq!(Lang::parse("en-US"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
    }

    #[test]
    fn explicit_choice_wins() {
        assert_eq!(Lang::detect(Some("en"), Lang::Vi), Lang::En);
        let n = 3;
        assert_eq!(tr!(Lang::Vi, "{n} trang", "{n} pages"), "3 trang");
        assert_eq!(tr!(Lang::En, "{} trang", "{} pages", n), "3 pages");
    }
}
