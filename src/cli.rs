//! The command line's shape (clap) and its help in the teacher's language: every subcommand,
//! argument and heading of `--help` in Vietnamese, or in English (the texts below, written as
//! doc comments) when `--lang`, the locale or the site's `default_language` says `en`.
//!
//! Only clap and i18n are used here, so the help test can include this file and walk every
//! subcommand clap knows.

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use i18n::Lang;
use std::ffi::OsString;
use std::path::PathBuf;

/// Static site generator for Vietnamese school communication microsites.
#[derive(Parser, Debug)]
#[command(name = "bangtin", version, about, long_about = None)]
pub struct Cli {
    /// Site folder (holds config.toml).
    #[arg(long, short = 'r', global = true, default_value = ".")]
    pub root: PathBuf,
    /// Language of messages: vi or en (default: LANG, else vi).
    #[arg(long, global = true)]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into public/.
    Build {
        /// Output folder (default: <root>/public).
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
        /// Include pages marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Include pages dated in the future.
        #[arg(long)]
        future: bool,
        /// Use this base URL instead of config.toml's.
        #[arg(long, short = 'u')]
        base_url: Option<String>,
    },
    /// Preview the site at http://127.0.0.1:1111 with live reload (the default command).
    Serve {
        /// Port (the next free one is used when taken).
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but 127.0.0.1 makes the preview visible to others.
        #[arg(long, short = 'b', default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include pages marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Include pages dated in the future.
        #[arg(long)]
        future: bool,
        /// Port of the teacher's desk (default: the next free one after the preview's).
        #[arg(long)]
        desk_port: Option<u16>,
        /// Do not start the teacher's desk.
        #[arg(long)]
        no_desk: bool,
        /// Look for changes by scanning the folders this often (e.g. 700ms, 2s; 500ms when no
        /// value is given) instead of waiting for the system's change events, which are lost on
        /// network and USB drives and shared folders.
        #[arg(long, num_args = 0..=1, default_missing_value = "500ms", value_name = "INTERVAL",
              value_parser = |s: &str| parse_interval(s, Lang::En))]
        poll: Option<std::time::Duration>,
    },
    /// Check links, images, front matter and page weight before publishing.
    Check {
        /// Also check links to other websites (slower, needs the Internet).
        #[arg(long)]
        external: bool,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Output format: text or json.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Create a new post: bangtin new bien-dao "Tiêu đề bài viết".
    New {
        /// Section folder under content/, e.g. bien-dao.
        section: String,
        /// Title of the post.
        title: String,
    },
    /// Create a new site folder from the bundled theme.
    Init {
        /// Folder to create.
        dir: PathBuf,
    },
    /// Import Word documents as new pages: bangtin import ke-hoach.docx --section ke-hoach.
    Import {
        /// .docx files, or folders of .docx files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Section folder under content/ (default: the home section).
        #[arg(long, short = 's')]
        section: Option<String>,
        /// Folder name of the new page (default: from its title); one file only.
        #[arg(long)]
        slug: Option<String>,
        /// Mark the new pages as drafts.
        #[arg(long)]
        draft: bool,
    },
    /// Upload the built site to the school's web host (FTP, FTPS, SFTP) or write a zip.
    Deploy(DeployArgs),
    /// Write the 6-monthly or yearly report from the site: bangtin report --period 2024-H1.
    Report {
        /// Period: 2024-H1, 2024, or 2024-01-01..2024-06-09 (default: the one due next).
        #[arg(long)]
        period: Option<String>,
        /// Format: docx (Word), html (print from a browser) or md.
        #[arg(long, default_value = "docx")]
        format: String,
        /// File to write, - for the terminal (default: bao-cao/bao-cao-<period>.<format>).
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
        /// Replace the output file if it already exists.
        #[arg(long)]
        force: bool,
        /// Only say which report is due, by when, and how many days are left.
        #[arg(long)]
        due: bool,
    },
}

// `bangtin deploy`'s options (the subcommand's help is the variant's doc comment above).
#[derive(clap::Args, Debug)]
pub struct DeployArgs {
    /// Target URL, e.g. ftp://user@host:21/public_html (overrides [deploy] target).
    #[arg(long)]
    pub target: Option<String>,
    /// Upload public/ as it is, without building first.
    #[arg(long)]
    pub no_build: bool,
    /// Also delete files on the server that bangtin never uploaded and the site does not have
    /// (listed and confirmed first; old files of earlier deploys are always removed).
    #[arg(long)]
    pub delete: bool,
    /// Confirm --delete without asking (needed when not run in a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Check the server's files against the last deploy's list and send again what is
    /// missing or different.
    #[arg(long)]
    pub verify: bool,
    /// Show what would change, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write a zip archive for a hosting control panel instead of uploading.
    #[arg(long)]
    pub zip: Option<PathBuf>,
    /// Accept a self-signed FTPS certificate.
    #[arg(long)]
    pub insecure: bool,
}

/// Vietnamese help: (subcommand, argument id, text). An empty argument id is the command's
/// own description; an empty subcommand is the top level.
const VI_HELP: &[(&str, &str, &str)] = &[
    ("", "", "Dựng trang web tĩnh cho trang thông tin của trường học Việt Nam: viết bằng Markdown, xem trước, kiểm tra, đăng lên máy chủ."),
    ("", "root", "Thư mục trang web (chứa config.toml)."),
    ("", "lang", "Ngôn ngữ của thông báo: vi hoặc en (mặc định: theo LANG, nếu không thì vi)."),
    ("build", "", "Dựng trang web vào thư mục public/."),
    ("build", "output", "Thư mục kết quả (mặc định: <thư mục trang>/public)."),
    ("build", "drafts", "Dựng cả các bài nháp (draft = true)."),
    ("build", "future", "Dựng cả các bài có ngày trong tương lai."),
    ("build", "base_url", "Dùng địa chỉ gốc này thay cho base_url trong config.toml."),
    ("serve", "", "Xem trước trang tại http://127.0.0.1:1111, tự tải lại khi lưu (lệnh mặc định)."),
    ("serve", "port", "Cổng (nếu đang bận thì dùng cổng trống kế tiếp)."),
    ("serve", "bind", "Địa chỉ lắng nghe; khác 127.0.0.1 thì người khác trong mạng cũng xem được."),
    ("serve", "drafts", "Hiện cả các bài nháp (draft = true)."),
    ("serve", "future", "Hiện cả các bài có ngày trong tương lai."),
    ("serve", "desk_port", "Cổng của bàn làm việc cho thầy cô (mặc định: cổng trống kế tiếp sau cổng xem trước)."),
    ("serve", "no_desk", "Không mở bàn làm việc cho thầy cô."),
    ("serve", "poll", "Tìm thay đổi bằng cách quét thư mục sau mỗi khoảng thời gian này (ví dụ 700ms, 2s; không ghi thì 500ms) thay vì chờ hệ điều hành báo: dùng khi trang web nằm trên ổ mạng, USB hoặc thư mục dùng chung mà sửa bài không thấy tự tải lại."),
    ("check", "", "Kiểm tra liên kết, ảnh, thông tin đầu bài và độ nặng trang trước khi đăng."),
    ("check", "external", "Kiểm tra cả liên kết tới trang web khác (chậm hơn, cần Internet)."),
    ("check", "drafts", "Kiểm tra cả các bài nháp."),
    ("check", "format", "Dạng kết quả: text (chữ) hoặc json."),
    ("new", "", "Tạo bài mới: bangtin new bien-dao \"Tiêu đề bài viết\"."),
    ("new", "section", "Thư mục chuyên mục trong content/, ví dụ bien-dao."),
    ("new", "title", "Tiêu đề của bài."),
    ("init", "", "Tạo thư mục trang web mới từ giao diện có sẵn."),
    ("init", "dir", "Thư mục cần tạo."),
    ("import", "", "Nhập văn bản Word thành bài mới: bangtin import ke-hoach.docx --section ke-hoach."),
    ("import", "files", "Các tệp .docx, hoặc thư mục chứa tệp .docx."),
    ("import", "section", "Thư mục chuyên mục trong content/ (mặc định: trang chủ)."),
    ("import", "slug", "Tên thư mục của bài mới (mặc định: theo tiêu đề); chỉ khi nhập một tệp."),
    ("import", "draft", "Đánh dấu các bài mới là bản nháp."),
    ("deploy", "", "Đưa trang đã dựng lên máy chủ của trường (FTP, FTPS, SFTP) hoặc ghi tệp zip."),
    ("deploy", "target", "Địa chỉ đích, ví dụ ftp://tên@máy-chủ:21/public_html (thay cho [deploy] target)."),
    ("deploy", "no_build", "Tải public/ lên như hiện có, không dựng lại trước."),
    ("deploy", "delete", "Xoá cả các tệp trên máy chủ không do bangtin tải lên và không có trong trang (liệt kê và hỏi trước; tệp cũ của các lần trước luôn được xoá)."),
    ("deploy", "yes", "Đồng ý xoá với --delete mà không hỏi (cần khi không chạy trong cửa sổ lệnh)."),
    ("deploy", "verify", "Đối chiếu các tệp trên máy chủ với danh sách của lần triển khai trước, tải lại tệp bị thiếu hoặc khác."),
    ("deploy", "dry_run", "Chỉ cho biết sẽ thay đổi gì, không thay đổi gì cả."),
    ("deploy", "zip", "Ghi tệp zip để tải lên trang quản trị hosting, thay vì tải lên trực tiếp."),
    ("deploy", "insecure", "Chấp nhận chứng chỉ FTPS tự ký."),
    ("report", "", "Viết báo cáo 6 tháng hoặc cả năm từ các bài đã đăng: bangtin report --period 2024-H1."),
    ("report", "period", "Kỳ báo cáo: 2024-H1, 2024, hoặc 2024-01-01..2024-06-09 (mặc định: kỳ sắp đến hạn)."),
    ("report", "format", "Định dạng: docx (Word), html (in từ trình duyệt) hoặc md."),
    ("report", "output", "Tệp cần ghi, - để in ra màn hình (mặc định: bao-cao/bao-cao-<kỳ>.<định dạng>)."),
    ("report", "force", "Ghi đè tệp kết quả nếu đã có."),
    ("report", "due", "Chỉ cho biết báo cáo nào đến hạn, hạn chót và còn bao nhiêu ngày."),
];

/// Vietnamese names of the values arguments take, by argument id.
const VI_VALUE_NAMES: &[(&str, &str)] = &[
    ("root", "THƯ_MỤC"),
    ("lang", "NGÔN_NGỮ"),
    ("output", "ĐẦU_RA"),
    ("base_url", "ĐỊA_CHỈ"),
    ("port", "CỔNG"),
    ("desk_port", "CỔNG"),
    ("bind", "ĐỊA_CHỈ_IP"),
    ("format", "ĐỊNH_DẠNG"),
    ("section", "CHUYÊN_MỤC"),
    ("title", "TIÊU_ĐỀ"),
    ("dir", "THƯ_MỤC"),
    ("files", "TỆP"),
    ("slug", "TÊN"),
    ("target", "ĐÍCH"),
    ("zip", "TỆP_ZIP"),
    ("period", "KỲ"),
    ("command", "LỆNH"),
    ("poll", "KHOẢNG_THỜI_GIAN"),
];

/// Vietnamese headings and the help template using them (clap writes "Usage:", "Options:"...).
const VI_OPTIONS: &str = "Tùy chọn";
const VI_ARGUMENTS: &str = "Đối số";
const VI_TEMPLATE: &str =
    "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

/// The language of messages and help, from the raw arguments (`--lang`), the environment
/// (`BANGTIN_LANG`, `LC_ALL`, `LANG`), then `default_language` of the site named by `--root`
/// (read by `config_lang`), then Vietnamese.
pub fn detect_lang(args: Vec<OsString>, config_lang: fn(&std::path::Path) -> Option<Lang>) -> Lang {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let value = |long: &str, short: Option<&str>| -> Option<String> {
        let mut found = None;
        for (i, a) in args.iter().enumerate().skip(1) {
            if a == "--" {
                break;
            }
            if a == long || Some(a.as_str()) == short {
                found = args.get(i + 1).cloned();
            } else if let Some(v) = a.strip_prefix(&format!("{long}=")) {
                found = Some(v.to_string());
            }
        }
        found
    };
    let root = PathBuf::from(value("--root", Some("-r")).unwrap_or_else(|| ".".into()));
    let fallback = config_lang(&root).unwrap_or(Lang::Vi);
    Lang::detect(value("--lang", None).as_deref(), fallback)
}

/// An interval such as `700ms`, `2s` or `1.5s` (at least 10 ms, at most an hour).
pub fn parse_interval(text: &str, lang: Lang) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let (number, scale) = match t.strip_suffix("ms") {
        Some(n) => (n, 0.001),
        None => (t.strip_suffix('s').unwrap_or("?"), 1.0),
    };
    let seconds = number
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .map(|n| n * scale);
    match seconds {
        Ok(s) if (0.01..=3600.0).contains(&s) => Ok(std::time::Duration::from_secs_f64(s)),
        _ => Err(i18n::tr!(
            lang,
            "“{}” không phải khoảng thời gian dùng được: ghi số kèm đơn vị ms hoặc s, từ 10ms đến 3600s, ví dụ 700ms hoặc 2s",
            "“{}” is not a usable interval: write a number with ms or s, from 10ms to 3600s, e.g. 700ms or 2s",
            text
        )),
    }
}

/// The command line as clap knows it, its help in `lang`.
pub fn command(lang: Lang) -> clap::Command {
    // Mistakes in a value are explained in the teacher's language.
    let cmd = Cli::command().mut_subcommand("serve", |s| {
        s.mut_arg("poll", |a| {
            a.value_parser(move |v: &str| parse_interval(v, lang))
        })
    });
    match lang {
        Lang::En => cmd,
        Lang::Vi => {
            let help = clap::Command::new("help")
                .about("In trợ giúp của bangtin hoặc của một lệnh: bangtin help build.")
                .arg(
                    Arg::new("command")
                        .num_args(0..)
                        .help("Lệnh cần xem trợ giúp."),
                );
            let cmd = cmd
                .disable_help_subcommand(true)
                .subcommand(help)
                .disable_version_flag(true)
                .arg(
                    Arg::new("version")
                        .short('V')
                        .long("version")
                        .action(ArgAction::Version)
                        .help("In số phiên bản."),
                );
            let mut cmd = vietnamese(cmd, "");
            cmd.build();
            vi_usage(&mut cmd);
            cmd
        }
    }
}

/// The usage lines of a built command and its subcommands with Vietnamese placeholders
/// (clap writes `[OPTIONS]`).
fn vi_usage(cmd: &mut clap::Command) {
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", "[TÙY_CHỌN]");
    for sub in cmd.get_subcommands_mut() {
        vi_usage(sub);
    }
    *cmd = std::mem::take(cmd).override_usage(usage);
}

/// `cmd` and its subcommands with the Vietnamese texts, headings and help flag.
fn vietnamese(mut cmd: clap::Command, name: &str) -> clap::Command {
    if let Some(about) = vi_text(name, "") {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let text = vi_text(name, &id);
        let value_name = VI_VALUE_NAMES.iter().find(|v| v.0 == id).map(|v| v.1);
        cmd = cmd.mut_arg(&id, |mut a| {
            let heading = if a.is_positional() {
                VI_ARGUMENTS
            } else {
                VI_OPTIONS
            };
            a = a.help_heading(heading);
            if let Some(t) = text {
                let defaults: Vec<String> = a
                    .get_default_values()
                    .iter()
                    .map(|d| d.to_string_lossy().into_owned())
                    .collect();
                a = match defaults.is_empty() || a.is_hide_default_value_set() {
                    true => a.help(t),
                    false => a
                        .hide_default_value(true)
                        .help(format!("{t} [mặc định: {}]", defaults.join(", "))),
                };
            }
            if let Some(v) = value_name {
                a = a.value_name(v);
            }
            a
        });
    }
    let help = Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .help("In trợ giúp này.")
        .help_heading(VI_OPTIONS);
    cmd = cmd
        .disable_help_flag(true)
        .arg(help)
        .help_template(VI_TEMPLATE)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH");
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in subs {
        cmd = cmd.mut_subcommand(&sub, |s| vietnamese(s, &sub));
    }
    cmd
}

/// The Vietnamese text of a command (`id` empty) or of one of its arguments.
fn vi_text(command: &str, id: &str) -> Option<&'static str> {
    VI_HELP
        .iter()
        .find(|(c, a, _)| *c == command && *a == id)
        .or_else(|| {
            // Global arguments are the same in every subcommand.
            VI_HELP
                .iter()
                .find(|(c, a, _)| c.is_empty() && *a == id && !id.is_empty())
        })
        .map(|(_, _, t)| *t)
}

/// Parses the process's arguments with help in `lang`; `--help`, `--version` and mistakes end
/// the process as clap does. `bangtin help [COMMAND]` prints that command's help.
pub fn parse(lang: Lang) -> Cli {
    let mut cmd = command(lang);
    let matches = cmd.clone().get_matches();
    if let Some(("help", m)) = matches.subcommand() {
        let path: Vec<String> = m
            .get_many::<String>("command")
            .map(|v| v.cloned().collect())
            .unwrap_or_default();
        cmd.build();
        for name in &path {
            match cmd.find_subcommand(name).cloned() {
                Some(s) => cmd = s,
                None => break,
            }
        }
        let _ = cmd.print_help();
        std::process::exit(0);
    }
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn poll_intervals() {
        let p = |s: &str| parse_interval(s, Lang::Vi);
        assert_eq!(p("700ms"), Ok(Duration::from_millis(700)));
        assert_eq!(p("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(p("1,5s"), Ok(Duration::from_millis(1500)));
        for bad in ["700", "5ms", "2h", "", "ms", "-1s", "nan s"] {
            let e = p(bad).expect_err(bad);
            assert!(e.contains("700ms"), "{e}");
        }
        assert!(parse_interval("x", Lang::En)
            .unwrap_err()
            .contains("not a usable"));
        // Given bare, --poll means 500 ms; absent, no polling.
        let cli = |args: &[&str]| {
            let m = command(Lang::Vi)
                .try_get_matches_from(args)
                .expect("parses");
            match Cli::from_arg_matches(&m).expect("matches").command {
                Some(Command::Serve { poll, .. }) => poll,
                _ => panic!("not serve"),
            }
        };
        assert_eq!(
            cli(&["bangtin", "serve", "--poll"]),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            cli(&["bangtin", "serve", "--poll", "2s"]),
            Some(Duration::from_secs(2))
        );
        assert_eq!(cli(&["bangtin", "serve"]), None);
    }
}
