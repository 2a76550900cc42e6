//! What can go wrong while deploying, with messages in Vietnamese and English.

use std::path::PathBuf;

use i18n::{tr, Lang};

/// The detail of a connection that stayed silent past `[deploy] timeout` (the message names
/// it in the user's language).
pub(crate) const SILENT: &str = "timed out";

/// Why a target URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetProblem {
    /// Not of the form `scheme://user@host[:port]/path`.
    Malformed,
    /// A scheme other than ftp, ftps or sftp.
    UnknownScheme(String),
    /// `user:password@host`: passwords never belong in a URL (it ends up in config.toml).
    PasswordInUrl,
    /// No `user@` part.
    MissingUser,
    /// No host name.
    MissingHost,
    /// A port that is not a number from 1 to 65535.
    BadPort(String),
    /// A `%` escape that is not valid UTF-8 percent-encoding.
    BadEscape,
}

impl TargetProblem {
    /// Why the target is refused, in the chosen language (completes a sentence).
    pub fn reason(&self, lang: Lang) -> String {
        match self {
            TargetProblem::Malformed => tr!(
                lang,
                "phải có dạng ftp://tên@máy-chủ:21/thư-mục (hoặc ftps://, sftp://)",
                "it must look like ftp://user@host:21/folder (or ftps://, sftp://)"
            ),
            TargetProblem::UnknownScheme(s) => tr!(
                lang,
                "không hỗ trợ giao thức \"{s}\"; dùng ftp://, ftps:// hoặc sftp://",
                "the protocol \"{s}\" is not supported; use ftp://, ftps:// or sftp://"
            ),
            TargetProblem::PasswordInUrl => tr!(
                lang,
                "không được ghi mật khẩu trong địa chỉ; bỏ phần \":mật-khẩu\" và đặt biến môi trường BANGTIN_DEPLOY_PASSWORD (hoặc nhập khi được hỏi)",
                "a password must not be written in the URL; remove the \":password\" part and set the BANGTIN_DEPLOY_PASSWORD environment variable (or type it when asked)"
            ),
            TargetProblem::MissingUser => tr!(
                lang,
                "thiếu tên đăng nhập; viết dạng ftp://tên@máy-chủ/thư-mục",
                "the user name is missing; write ftp://user@host/folder"
            ),
            TargetProblem::MissingHost => tr!(
                lang,
                "thiếu tên máy chủ",
                "the host name is missing"
            ),
            TargetProblem::BadPort(p) => tr!(
                lang,
                "cổng \"{p}\" không hợp lệ (phải là số từ 1 đến 65535)",
                "the port \"{p}\" is not valid (it must be a number from 1 to 65535)"
            ),
            TargetProblem::BadEscape => tr!(
                lang,
                "có mã %xx không hợp lệ",
                "it contains an invalid %xx escape"
            ),
        }
    }
}

/// An error from `bangtin deploy`; [`DeployError::message`] says it in the user's language.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The target URL cannot be used.
    #[error("{}", self.message(Lang::En))]
    Target {
        /// The URL as given (never contains a password: such URLs are refused before this).
        url: String,
        /// What is wrong with it.
        problem: TargetProblem,
    },
    /// The server refused the user name or password.
    #[error("{}", self.message(Lang::En))]
    Auth {
        /// `user@host:port`.
        account: String,
    },
    /// The server could not be reached (after the allowed retries).
    #[error("{}", self.message(Lang::En))]
    Connect {
        /// `host:port`.
        server: String,
        /// What the network said.
        detail: String,
    },
    /// The FTPS certificate could not be verified.
    #[error("{}", self.message(Lang::En))]
    Tls {
        /// `host:port`.
        server: String,
        /// What the TLS library said.
        detail: String,
    },
    /// The SFTP server's host key differs from the one recorded for it.
    #[error("{}", self.message(Lang::En))]
    HostKeyChanged {
        /// `host:port`.
        server: String,
        /// The known_hosts file that holds the old key.
        known_hosts: PathBuf,
    },
    /// The server refused an operation (permissions, full disk, bad name...).
    #[error("{}", self.message(Lang::En))]
    Remote {
        /// What was being done (e.g. `upload`).
        action: &'static str,
        /// The remote path, relative to the target folder.
        path: String,
        /// The server's answer.
        detail: String,
    },
    /// The server's disk, or the account's quota, is full.
    #[error("{}", self.message(Lang::En))]
    NoSpace {
        /// The file that did not fit, relative to the target folder.
        path: String,
        /// Its size in bytes.
        size: u64,
        /// The free space the server reported, when it says (SFTP).
        free: Option<u64>,
    },
    /// The network kept failing during a transfer, even after retries.
    #[error("{}", self.message(Lang::En))]
    Network {
        /// The remote path being transferred.
        path: String,
        /// The last error.
        detail: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The deploy was stopped on request (Ctrl-C).
    #[error("{}", self.message(Lang::En))]
    Interrupted,
    /// The deploy stopped part-way; what was uploaded is recorded, running again resumes.
    #[error("{}", self.message(Lang::En))]
    Stopped {
        /// Files uploaded before the stop.
        done: usize,
        /// Files this deploy had to upload.
        total: usize,
        /// Why it stopped.
        cause: Box<DeployError>,
    },
    /// The folder to deploy does not exist or is not a folder.
    #[error("{}", self.message(Lang::En))]
    NoOutput {
        /// The folder.
        dir: PathBuf,
    },
    /// A local file could not be read or written.
    #[error("{}", self.message(Lang::En))]
    Local {
        /// The file.
        path: PathBuf,
        /// The system error.
        source: std::io::Error,
    },
    /// The zip archive could not be written.
    #[error("{}", self.message(Lang::En))]
    Zip {
        /// The archive.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
}

impl DeployError {
    /// The message in the chosen language, saying what is wrong and how to fix it.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            DeployError::Target { url, problem } => {
                let why = problem.reason(lang);
                tr!(
                    lang,
                    "Địa chỉ triển khai \"{url}\" không dùng được: {why}.",
                    "The deploy target \"{url}\" cannot be used: {why}."
                )
            }
            DeployError::Auth { .. }
            | DeployError::Connect { .. }
            | DeployError::Tls { .. }
            | DeployError::HostKeyChanged { .. }
            | DeployError::Remote { .. }
            | DeployError::NoSpace { .. }
            | DeployError::Network { .. } => self.server_message(lang),
            DeployError::Interrupted => tr!(lang, "Đã dừng theo yêu cầu.", "Stopped on request."),
            DeployError::Stopped { done, total, cause } => {
                let cause = cause.message(lang);
                tr!(
                    lang,
                    "{cause}\nĐã tải lên {done}/{total} tệp trước khi dừng; trang web trên máy chủ vẫn nhất quán. Chạy lại lệnh để tải nốt phần còn lại.",
                    "{cause}\n{done} of {total} files were uploaded before the stop; the live site is still consistent. Run the command again to upload the rest.",
                )
            }
            DeployError::NoOutput { dir } => tr!(
                lang,
                "Không có thư mục \"{}\" để triển khai. Hãy chạy `bangtin build` trước.",
                "There is no folder \"{}\" to deploy. Run `bangtin build` first.",
                dir.display()
            ),
            DeployError::Local { path, source } => tr!(
                lang,
                "Không đọc/ghi được tệp \"{}\": {source}.",
                "Cannot read or write the file \"{}\": {source}.",
                path.display()
            ),
            DeployError::Zip { path, detail } => tr!(
                lang,
                "Không tạo được tệp nén \"{}\": {detail}.",
                "Cannot write the zip archive \"{}\": {detail}.",
                path.display()
            ),
        }
    }

    /// The messages about the server and the network.
    fn server_message(&self, lang: Lang) -> String {
        match self {
            DeployError::Auth { account } => tr!(
                lang,
                "Máy chủ từ chối đăng nhập {account}: sai tên hoặc mật khẩu. Không có gì trên máy chủ bị thay đổi. Kiểm tra biến BANGTIN_DEPLOY_PASSWORD (hoặc mật khẩu vừa nhập) và tên trong địa chỉ triển khai.",
                "The server refused the login {account}: wrong user name or password. Nothing on the server was changed. Check BANGTIN_DEPLOY_PASSWORD (or the password you typed) and the user name in the deploy target.",
            ),
            DeployError::Connect { server, detail } => tr!(
                lang,
                "Không kết nối được tới máy chủ {server} ({detail}). Kiểm tra mạng, tên máy chủ và cổng trong địa chỉ triển khai.",
                "Cannot connect to the server {server} ({detail}). Check the network, and the host and port in the deploy target.",
            ),
            DeployError::Tls { server, detail } => tr!(
                lang,
                "Không xác minh được chứng chỉ TLS của {server} ({detail}). Nếu máy chủ dùng chứng chỉ tự ký mà bạn tin cậy, đặt accept_invalid_certs = true trong [deploy] của config.toml.",
                "The TLS certificate of {server} could not be verified ({detail}). If the server uses a self-signed certificate you trust, set accept_invalid_certs = true under [deploy] in config.toml.",
            ),
            DeployError::HostKeyChanged { server, known_hosts } => tr!(
                lang,
                "Khoá máy chủ SSH của {server} đã thay đổi so với lần trước (lưu trong {}). Có thể ai đó đang giả mạo máy chủ. Nếu nhà cung cấp hosting xác nhận đã đổi khoá, xoá dòng của máy chủ này trong tệp đó rồi chạy lại.",
                "The SSH host key of {server} changed since last time (recorded in {}). Someone may be impersonating the server. If your hosting provider confirms the key changed, remove this server's line from that file and run again.",
                known_hosts.display()
            ),
            DeployError::Remote { action, path, detail } => {
                let action = action_name(action, lang);
                tr!(
                    lang,
                    "Máy chủ từ chối {action} \"{path}\": {detail}. Kiểm tra quyền ghi của tài khoản trên thư mục đích và dung lượng còn trống.",
                    "The server refused to {action} \"{path}\": {detail}. Check that the account may write to the target folder and that there is free space.",
                )
            }
            DeployError::Network { path, detail, attempts } => {
                let detail = if detail == SILENT {
                    tr!(lang, "máy chủ không trả lời", "the server stopped answering")
                } else {
                    detail.clone()
                };
                let tries = match (lang, attempts) {
                    (Lang::En, 1) => "once".to_string(),
                    (Lang::En, n) => format!("{n} times"),
                    (_, n) => format!("{n} lần"),
                };
                tr!(
                    lang,
                    "Mất kết nối khi gửi \"{path}\" ({detail}), đã thử {tries}.",
                    "The connection kept failing while sending \"{path}\" ({detail}); tried {tries}.",
                )
            }
            DeployError::NoSpace { path, size, free } => {
                let size = indicatif::HumanBytes(*size);
                let free = match free {
                    Some(f) => indicatif::HumanBytes(*f).to_string(),
                    None => "?".into(),
                };
                tr!(
                    lang,
                    "Máy chủ hết chỗ khi ghi \"{path}\" ({size}; còn trống: {free}): ổ đĩa hoặc dung lượng của tài khoản đã đầy. Trang web trên máy chủ vẫn như cũ, không có tệp ghi dở. Giải phóng chỗ trên hosting (xoá tệp cũ trong trang quản trị, hoặc xin thêm dung lượng) rồi chạy lại.",
                    "The server ran out of space writing \"{path}\" ({size}; free: {free}): its disk or the account's quota is full. The live site is as it was, with no half-written file. Free some space on the host (delete old files in the control panel, or ask for more space), then run again.",
                )
            }
            _ => String::new(),
        }
    }

    /// This error with the size of the file it is about (for a full disk).
    pub fn with_size(self, bytes: u64) -> DeployError {
        match self {
            DeployError::NoSpace { path, free, .. } => DeployError::NoSpace {
                path,
                size: bytes,
                free,
            },
            other => other,
        }
    }

    /// True when running the same command again can help (network trouble, a stop part-way).
    pub fn is_resumable(&self) -> bool {
        matches!(
            self,
            DeployError::Stopped { .. }
                | DeployError::Network { .. }
                | DeployError::Connect { .. }
                | DeployError::Interrupted
        )
    }
}

fn action_name(action: &str, lang: Lang) -> &'static str {
    match (action, lang) {
        ("upload", Lang::Vi) => "ghi tệp",
        ("upload", Lang::En) => "write the file",
        ("delete", Lang::Vi) => "xoá tệp",
        ("delete", Lang::En) => "delete the file",
        ("mkdir", Lang::Vi) => "tạo thư mục",
        ("mkdir", Lang::En) => "create the folder",
        ("read", Lang::Vi) => "đọc tệp",
        ("read", Lang::En) => "read the file",
        ("connect", Lang::Vi) => "mở thư mục đích",
        ("connect", Lang::En) => "open the target folder",
        (_, Lang::Vi) => "thực hiện thao tác trên",
        (_, Lang::En) => "work on",
    }
}
