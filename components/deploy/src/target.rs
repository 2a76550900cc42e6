//! The deploy target: one URL such as `ftp://truong@ftp.example.edu.vn:21/public_html`.

use std::fmt;
use std::str::FromStr;

use crate::error::{DeployError, TargetProblem};

/// The protocol used to reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain FTP (passive mode).
    Ftp,
    /// FTP with explicit TLS (`AUTH TLS` on the normal port).
    Ftps,
    /// SFTP over SSH.
    Sftp,
}

impl Scheme {
    /// The URL scheme name.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Ftp => "ftp",
            Scheme::Ftps => "ftps",
            Scheme::Sftp => "sftp",
        }
    }

    /// The port used when the URL names none.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Ftp | Scheme::Ftps => 21,
            Scheme::Sftp => 22,
        }
    }
}

/// Where to deploy: protocol, account, server and remote folder. Never holds a password.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The protocol.
    pub scheme: Scheme,
    /// The login name (percent-decoded; may contain `@`, as on many shared hosts).
    pub user: String,
    /// The host name or IP address (without brackets for IPv6).
    pub host: String,
    /// The TCP port.
    pub port: u16,
    /// The remote folder: relative to the login folder (`public_html`), or absolute when the URL
    /// has a double slash (`ftp://u@h//var/www` means `/var/www`); empty means the login folder.
    pub path: String,
}

impl Target {
    /// `host:port`, for messages.
    pub fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// `user@host:port`, for messages.
    pub fn account(&self) -> String {
        format!("{}@{}", self.user, self.server())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}@{}/{}",
            self.scheme.name(),
            encode_user(&self.user),
            self.server(),
            self.path
        )
    }
}

impl FromStr for Target {
    type Err = DeployError;

    fn from_str(url: &str) -> Result<Target, DeployError> {
        let url = url.trim();
        let fail = |problem| DeployError::Target {
            url: redact(url),
            problem,
        };
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| fail(TargetProblem::Malformed))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "ftp" => Scheme::Ftp,
            "ftps" | "ftpes" => Scheme::Ftps,
            "sftp" => Scheme::Sftp,
            other => return Err(fail(TargetProblem::UnknownScheme(other.to_string()))),
        };
        if rest.contains(['?', '#']) || rest.chars().any(char::is_whitespace) {
            return Err(fail(TargetProblem::Malformed));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        // The last '@' separates the account: shared hosts use logins like `truong@example.vn`.
        let (userinfo, hostport) = authority
            .rsplit_once('@')
            .ok_or_else(|| fail(TargetProblem::MissingUser))?;
        if userinfo.contains(':') {
            return Err(fail(TargetProblem::PasswordInUrl));
        }
        let user = percent_decode(userinfo).ok_or_else(|| fail(TargetProblem::BadEscape))?;
        if user.is_empty() {
            return Err(fail(TargetProblem::MissingUser));
        }
        let (host, port) =
            split_host_port(hostport).ok_or_else(|| fail(TargetProblem::Malformed))?;
        if host.is_empty() {
            return Err(fail(TargetProblem::MissingHost));
        }
        let port = match port {
            None => scheme.default_port(),
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(fail(TargetProblem::BadPort(p.to_string()))),
            },
        };
        let path = percent_decode(path).ok_or_else(|| fail(TargetProblem::BadEscape))?;
        let absolute = path.starts_with('/');
        let trimmed = path.trim_matches('/');
        let path = if absolute {
            format!("/{trimmed}")
        } else {
            trimmed.to_string()
        };
        Ok(Target {
            scheme,
            user,
            host: host.to_string(),
            port,
            path,
        })
    }
}

/// Splits `host:port`, `[v6]:port`, `host`, `[v6]`.
fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        }
    } else {
        match s.split_once(':') {
            Some((h, p)) => Some((h, Some(p))),
            None => Some((s, None)),
        }
    }
}

/// Decodes `%xx` escapes; `None` when an escape is broken or the bytes are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Writes a user name back into URL form (`@` and `:` escaped).
fn encode_user(user: &str) -> String {
    user.replace('%', "%25")
        .replace('@', "%40")
        .replace(':', "%3A")
}

/// The URL with any password replaced by `***`, so an error message never shows it.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use i18n::Lang;

    fn parse(s: &str) -> Target {
        s.parse()
            .unwrap_or_else(|e: DeployError| panic!("{s}: {e}"))
    }

    fn problem(s: &str) -> TargetProblem {
        match s.parse::<Target>() {
            Err(DeployError::Target { problem, .. }) => problem,
            other => panic!("{s}: expected a target error, got {other:?}"),
        }
    }

    #[test]
    fn parses_the_three_schemes() {
        let t = parse("ftp://truong@ftp.example.edu.vn:21/public_html");
        assert_eq!(t.scheme, Scheme::Ftp);
        assert_eq!(t.user, "truong");
        assert_eq!(t.host, "ftp.example.edu.vn");
        assert_eq!(t.port, 21);
        assert_eq!(t.path, "public_html");
        let t = parse("FTPS://truong@host/www/");
        assert_eq!(
            (t.scheme, t.port, t.path.as_str()),
            (Scheme::Ftps, 21, "www")
        );
        let t = parse("sftp://bangtin-test@127.0.0.1:2222/site");
        assert_eq!((t.scheme, t.port), (Scheme::Sftp, 2222));
        assert_eq!(t.to_string(), "sftp://bangtin-test@127.0.0.1:2222/site");
    }

    #[test]
    fn paths_login_relative_absolute_and_escaped() {
        assert_eq!(parse("ftp://u@h").path, "");
        assert_eq!(parse("ftp://u@h/").path, "");
        assert_eq!(parse("ftp://u@h//var/www/").path, "/var/www");
        assert_eq!(parse("ftp://u@h/tr%C6%B0%E1%BB%9Dng").path, "trường");
        assert_eq!(parse("ftp://u@h/trường/web").path, "trường/web");
    }

    #[test]
    fn user_names_with_at_sign_and_ipv6_hosts() {
        let t = parse("ftp://truong@binhan.edu.vn@ftp.binhan.edu.vn/public_html");
        assert_eq!(t.user, "truong@binhan.edu.vn");
        assert_eq!(t.host, "ftp.binhan.edu.vn");
        assert_eq!(parse("ftp://a%40b@h").user, "a@b");
        let t = parse("sftp://u@[::1]:2222/x");
        assert_eq!((t.host.as_str(), t.port), ("::1", 2222));
        assert_eq!(t.server(), "[::1]:2222");
    }

    #[test]
    fn refuses_bad_targets_with_reasons() {
        assert_eq!(problem("public_html"), TargetProblem::Malformed);
        assert_eq!(
            problem("http://u@h/x"),
            TargetProblem::UnknownScheme("http".into())
        );
        assert_eq!(problem("ftp://h/x"), TargetProblem::MissingUser);
        assert_eq!(problem("ftp://@h/x"), TargetProblem::MissingUser);
        assert_eq!(problem("ftp://u@/x"), TargetProblem::MissingHost);
        assert_eq!(problem("ftp://u@h:0/x"), TargetProblem::BadPort("0".into()));
        assert_eq!(
            problem("ftp://u@h:abc/x"),
            TargetProblem::BadPort("abc".into())
        );
        assert_eq!(problem("ftp://u@h/%zz"), TargetProblem::BadEscape);
        assert_eq!(problem("ftp://u@h/x?y=1"), TargetProblem::Malformed);
    }

    #[test]
    fn a_password_in_the_url_is_refused_and_never_repeated() {
        let err = "ftp://truong:bimat123@host/www"
            .parse::<Target>()
            .expect_err("must refuse");
        for lang in [Lang::Vi, Lang::En] {
            let msg = err.message(lang);
            assert!(!msg.contains("bimat123"), "{msg}");
            assert!(msg.contains("BANGTIN_DEPLOY_PASSWORD"), "{msg}");
        }
        assert!(err.to_string().contains("truong:***@host"));
    }
}
