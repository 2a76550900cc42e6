//! Double-click start: what `bangtin.exe` does when a teacher opens it from Windows Explorer.
//!
//! Explorer starts a program with no arguments, in the program's own folder, which is usually
//! not a site. Instead of an error about a missing config.toml that flashes and vanishes with its
//! window, bangtin finds the site folder it used last (remembered in the user's config folder,
//! `%APPDATA%\bangtin`), or offers to create one under the user's Documents
//! (`Documents\bangtin\<school>`), starts the preview, opens the browser at it and keeps its
//! console window open with a Vietnamese note on how to stop it.

use crate::scaffold;
use i18n::{tr, Lang};
use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// File in `<config dir>/bangtin/` that holds the path of the last site started by double-click.
const MEMORY_FILE: &str = "last-site.txt";
/// How many times a teacher is asked for a school name before giving up.
const ASKS: usize = 5;

/// Whether this run is a double-click start: Windows and no arguments. (Elsewhere plain
/// `bangtin` stays `bangtin serve` in the current folder.)
pub fn wanted() -> bool {
    cfg!(windows) && std::env::args_os().len() == 1
}

/// Runs the double-click start. On failure the message stays on screen until Enter is pressed,
/// since the console window closes as soon as the program ends.
pub fn main(lang: Lang) -> ExitCode {
    match run(lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            eprintln!(
                "{}",
                tr!(
                    lang,
                    "Nhấn Enter để đóng cửa sổ này.",
                    "Press Enter to close this window."
                )
            );
            let _ = std::io::stdin().lock().read_line(&mut String::new());
            ExitCode::FAILURE
        }
    }
}

fn run(lang: Lang) -> Result<(), String> {
    let memory = dirs::config_dir().map(|d| d.join("bangtin").join(MEMORY_FILE));
    let documents = dirs::document_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join("Documents")))
        .map(|d| d.join("bangtin"));
    // A bangtin.exe kept inside a site folder serves that site.
    let here = std::env::current_dir()
        .ok()
        .filter(|d| d.join("config.toml").is_file());
    let site = match here.or_else(|| recall(memory.as_deref(), documents.as_deref())) {
        Some(site) => site,
        None => {
            let base = documents.ok_or_else(|| {
                tr!(
                    lang,
                    "không tìm thấy thư mục Tài liệu (Documents) của bạn; hãy mở cửa sổ dòng lệnh và chạy: bangtin init <thư mục>",
                    "cannot find your Documents folder; open a command window and run: bangtin init <folder>"
                )
            })?;
            create(&base, &mut std::io::stdin().lock(), lang)?
        }
    };
    if let Some(memory) = &memory {
        if let Err(e) = remember(memory, &site) {
            // Not fatal: the preview works, only the next double-click will ask again.
            eprintln!(
                "{}",
                tr!(
                    lang,
                    "Cảnh báo: không ghi nhớ được thư mục trang web vào {}: {e}",
                    "Warning: cannot remember the site folder in {}: {e}",
                    memory.display()
                )
            );
        }
    }
    preview(&site, lang)
}

/// The site folder to open: the remembered one if it is still a site, else the first site
/// under `Documents\bangtin` (the memory file may have been lost with a new Windows profile).
pub fn recall(memory: Option<&Path>, documents: Option<&Path>) -> Option<PathBuf> {
    let is_site = |d: &Path| d.join("config.toml").is_file();
    let remembered = memory
        .and_then(|m| fs::read_to_string(m).ok())
        .map(|text| PathBuf::from(text.trim_end_matches(['\r', '\n'])))
        .filter(|d| !d.as_os_str().is_empty() && is_site(d));
    remembered.or_else(|| {
        let mut sites: Vec<PathBuf> = fs::read_dir(documents?)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|d| is_site(d))
            .collect();
        sites.sort();
        sites.into_iter().next()
    })
}

/// Writes the site's path into the memory file (a whole new file renamed over the old one).
pub fn remember(memory: &Path, site: &Path) -> std::io::Result<()> {
    let dir = memory.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let text = site.to_str().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "path is not Unicode")
    })?;
    let tmp = dir.join(format!("{MEMORY_FILE}.tmp"));
    fs::write(&tmp, format!("{text}\r\n"))?;
    fs::rename(&tmp, memory)
}

/// A folder name for the school's site: the name as typed, without the characters Windows
/// forbids in file names and without trailing dots and spaces; None when nothing usable is left.
pub fn folder_name(school: &str) -> Option<String> {
    let cleaned: String = school
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let name = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = vi::nfc(name.trim_end_matches(['.', ' '])).into_owned();
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    (!name.is_empty() && !reserved).then_some(name)
}

/// Asks for the school's name and creates its site under `base` with `bangtin init`.
pub fn create(base: &Path, input: &mut dyn BufRead, lang: Lang) -> Result<PathBuf, String> {
    println!(
        "{}",
        tr!(
            lang,
            "Chào thầy cô! Máy này chưa có trang web nào của bangtin.\nbangtin sẽ tạo một trang mới trong thư mục {}.",
            "Hello! This computer has no bangtin site yet.\nbangtin will create a new one in the folder {}.",
            base.display()
        )
    );
    for _ in 0..ASKS {
        print!(
            "{}",
            tr!(
                lang,
                "Nhập tên trường (ví dụ: Trường Tiểu học Bình An) rồi nhấn Enter: ",
                "Type the school's name (e.g. Trường Tiểu học Bình An) and press Enter: "
            )
        );
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        if input.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            break;
        }
        let school = vi::nfc(line.trim());
        if school.is_empty() {
            continue;
        }
        let Some(folder) = folder_name(&school) else {
            println!(
                "{}",
                tr!(
                    lang,
                    "Tên này không dùng làm tên thư mục được; hãy gõ lại.",
                    "That name cannot be a folder name; please type it again."
                )
            );
            continue;
        };
        let dir = base.join(folder);
        if dir.join("config.toml").is_file() {
            return Ok(dir);
        }
        scaffold::create_site(&dir, lang)?;
        set_school_name(&dir, &school, lang)?;
        println!(
            "{}",
            tr!(
                lang,
                "Đã tạo trang web mới trong {}. Đang mở bản xem trước…",
                "Created a new site in {}. Opening the preview…",
                dir.display()
            )
        );
        return Ok(dir);
    }
    Err(tr!(
        lang,
        "chưa có tên trường nên chưa tạo trang nào. Mở lại bangtin để thử lần nữa.",
        "no school name was given, so no site was created. Open bangtin again to try once more."
    ))
}

/// Puts the school's name into the config.toml that `init` has just written (title and
/// `school_name`, which the theme shows in its header).
fn set_school_name(dir: &Path, school: &str, lang: Lang) -> Result<(), String> {
    let path = dir.join("config.toml");
    let error = |e: std::io::Error| {
        tr!(
            lang,
            "không ghi được {}: {e}",
            "cannot write {}: {e}",
            path.display()
        )
    };
    let text = fs::read_to_string(&path).map_err(error)?;
    let quoted = toml::Value::String(school.to_string()).to_string();
    let text = text
        .replacen(
            "title = \"Trường Tiểu học\"",
            &format!("title = {quoted}"),
            1,
        )
        .replacen(
            "school_name = \"Trường Tiểu học\"",
            &format!("school_name = {quoted}"),
            1,
        );
    let tmp = dir.join("config.toml.tmp");
    fs::write(&tmp, text).map_err(error)?;
    fs::rename(&tmp, &path).map_err(error)
}

/// Starts the preview, opens the browser at it, and serves until the window is closed.
fn preview(site: &Path, lang: Lang) -> Result<(), String> {
    let server = serve::Server::start(serve::Options::new(site.to_path_buf(), lang))
        .map_err(|e| e.message(lang))?;
    let url = server.url();
    println!(
        "{}",
        tr!(
            lang,
            "\nTrang web của trường đang mở để xem trước tại: {url}\nThư mục trang web: {}\nBài viết nằm trong thư mục content; khi thầy cô lưu tệp, trang tự tải lại.",
            "\nThe school's site is open for preview at: {url}\nSite folder: {}\nArticles are in the content folder; the page reloads when you save a file.",
            site.display()
        )
    );
    // The teacher starts at the desk (write, photos, publish); it links to the preview.
    let url = match server.desk_url() {
        Some(desk) => {
            println!(
                "{}",
                tr!(
                    lang,
                    "Bàn soạn bài (viết bài, thêm ảnh, đăng lên mạng): {desk}",
                    "The desk (write posts, add photos, publish): {desk}"
                )
            );
            desk
        }
        None => url,
    };
    // Last, so that it is what the teacher reads at the bottom of the window.
    println!(
        "{}",
        tr!(
            lang,
            "\nĐỂ DỪNG: đóng cửa sổ này (hoặc nhấn Ctrl+C).",
            "\nTO STOP: close this window (or press Ctrl+C)."
        )
    );
    if let Err(e) = open_browser(&url) {
        println!(
            "{}",
            tr!(
                lang,
                "Không mở được trình duyệt ({e}); hãy mở trình duyệt và vào {url}",
                "Cannot open the browser ({e}); open a browser and go to {url}"
            )
        );
    }
    // The preview never writes into the site folder and the desk writes atomically, so ending
    // the process by closing the window or Ctrl+C loses at most text typed since the last
    // autosave: wait for that.
    loop {
        std::thread::park();
    }
}

/// Opens the default browser at `url` (Windows: `start`, as a double-click on a link does).
fn open_browser(url: &str) -> std::io::Result<()> {
    let mut command = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    let status = command.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(status.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_name_keeps_vietnamese_and_drops_what_windows_forbids() {
        assert_eq!(
            folder_name("  Trường  Bình An ").as_deref(),
            Some("Trường Bình An")
        );
        assert_eq!(
            folder_name("Trường TH: \"Bình/An\"?.").as_deref(),
            Some("Trường TH Bình An")
        );
        assert_eq!(folder_name("..."), None);
        assert_eq!(folder_name("con"), None);
        assert_eq!(folder_name("COM1.txt"), None);
        assert_eq!(folder_name("Company").as_deref(), Some("Company"));
    }

    #[test]
    fn creates_a_site_named_after_the_school_and_recalls_it() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("Cô Lan").join("Documents").join("bangtin");
        let mut answers: &[u8] =
            b"\r\nTr\xc6\xb0\xe1\xbb\x9dng B\xc3\xacnh An \"s\xe1\xbb\x91 1\"\r\n";
        let site = create(&base, &mut answers, Lang::En).unwrap();
        assert_eq!(site, base.join("Trường Bình An số 1"));
        let config: toml::Table = fs::read_to_string(site.join("config.toml"))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(config["title"].as_str(), Some("Trường Bình An \"số 1\""));
        assert_eq!(
            config["extra"]["school_name"].as_str(),
            Some("Trường Bình An \"số 1\"")
        );
        // Without a memory file, the site under Documents is found; with one, the remembered one.
        assert_eq!(recall(None, Some(&base)), Some(site.clone()));
        let memory = tmp.path().join("AppData").join("bangtin").join(MEMORY_FILE);
        let other = tmp.path().join("khác");
        scaffold::init(&other, Lang::En).unwrap();
        remember(&memory, &other).unwrap();
        assert_eq!(recall(Some(&memory), Some(&base)), Some(other.clone()));
        // A remembered folder that is gone falls back to Documents.
        fs::remove_dir_all(&other).unwrap();
        assert_eq!(recall(Some(&memory), Some(&base)), Some(site));
    }

    #[test]
    fn no_answer_creates_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let err = create(tmp.path(), &mut &b""[..], Lang::En).unwrap_err();
        assert!(err.contains("no school name"), "{err}");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
