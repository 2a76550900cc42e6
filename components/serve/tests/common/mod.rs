//! Shared by the integration tests: a small site folder with its own theme, a raw HTTP client
//! over TcpStream, and an event-stream reader.
#![allow(dead_code)]

use i18n::Lang;
use serve::{Options, Server};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long a rebuild may take before a test gives up (debug builds on a busy 2-core machine).
pub const PATIENCE: Duration = Duration::from_secs(30);

pub const PAGE: &str = "content/tin-tuc/bai-mot.md";

pub fn page_text(body: &str) -> String {
    format!("+++\ntitle = \"Bài một\"\ndate = 2024-01-16\n+++\n\n{body}\n")
}

pub const CSS: &str = "body { color: rgb(10, 20, 30); }\n";

/// Writes a file, creating its folders.
pub fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, text).expect("write");
}

/// A small site: minimal theme `mini`, a section with one page, static files of every type the
/// server has to label, and a file with a Vietnamese name.
pub fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = dir.path();
    write(
        r,
        "config.toml",
        "base_url = \"https://truong.example.edu.vn\"\ntitle = \"Trường thử\"\n\
         default_language = \"vi\"\ntheme = \"mini\"\n",
    );
    let head = "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
                <link rel=\"stylesheet\" href=\"{{ get_url(path='css/site.css', cachebust=true) }}\">";
    write(
        r,
        "themes/mini/templates/index.html",
        format!("{head}<title>Trang chủ</title></head><body><h1>Trang chủ</h1>{{% for p in section.pages %}}<a href=\"{{{{ p.permalink }}}}\">{{{{ p.title }}}}</a>{{% endfor %}}</body></html>\n"),
    );
    write(
        r,
        "themes/mini/templates/section.html",
        format!("{head}<title>{{{{ section.title }}}}</title></head><body><h1>{{{{ section.title }}}}</h1><ul>{{% for p in section.pages %}}<li><a href=\"{{{{ p.permalink }}}}\">{{{{ p.title }}}}</a></li>{{% endfor %}}</ul></body></html>\n"),
    );
    write(
        r,
        "themes/mini/templates/page.html",
        format!("{head}<title>{{{{ page.title }}}}</title></head><body><h1 id=\"tieu-de\">{{{{ page.title }}}}</h1><div id=\"noi-dung\">{{{{ page.content | safe }}}}</div></body></html>\n"),
    );
    write(
        r,
        "themes/mini/templates/404.html",
        format!("{head}<title>Không tìm thấy</title></head><body><h1>Không tìm thấy trang (404)</h1></body></html>\n"),
    );
    write(r, "themes/mini/static/css/site.css", CSS);
    write(r, "content/_index.md", "+++\ntitle = \"Trang chủ\"\n+++\n");
    write(
        r,
        "content/tin-tuc/_index.md",
        "+++\ntitle = \"Tin tức\"\nsort_by = \"date\"\n+++\n",
    );
    write(r, PAGE, page_text("Nội dung ban đầu."));
    write(
        r,
        "themes/mini/static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    // Real (tiny) images: the engine decodes photos to strip their metadata.
    for (name, format) in [
        ("anh.webp", image::ImageFormat::WebP),
        ("anh.jpg", image::ImageFormat::Jpeg),
        ("anh.png", image::ImageFormat::Png),
    ] {
        let img = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 30, 40]));
        let mut bytes = std::io::Cursor::new(Vec::new());
        img.write_to(&mut bytes, format).expect("encode image");
        write(
            r,
            &format!("themes/mini/static/img/{name}"),
            bytes.into_inner(),
        );
    }
    write(r, "themes/mini/static/js/app.js", "console.log(1);\n");
    write(r, "themes/mini/static/du-lieu.json", "{\"a\": 1}\n");
    write(r, "themes/mini/static/ghi-chu.txt", "ghi chú\n");
    write(
        r,
        "themes/mini/static/tài liệu/kế hoạch.pdf",
        b"%PDF-1.4 ke hoach\n",
    );
    dir
}

/// Starts a quiet server on a free loopback port.
pub fn start(root: &Path) -> Server {
    let mut o = Options::new(root.to_path_buf(), Lang::Vi);
    o.port = 0;
    o.quiet = true;
    Server::start(o).expect("server starts")
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends raw bytes as a request and reads the whole response (the request must close).
pub fn raw(addr: SocketAddr, request: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).expect("timeout");
    s.write_all(request).expect("send");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read");
    parse(&buf)
}

/// Parses a whole response read from a socket.
pub fn parse_response(buf: &[u8]) -> Resp {
    parse(buf)
}

fn parse(buf: &[u8]) -> Resp {
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(buf)));
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: buf[end + 4..].to_vec(),
    }
}

/// A request with a given method and target (sent exactly as given).
pub fn request(addr: SocketAddr, method: &str, target: &str) -> Resp {
    let req = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    raw(addr, req.as_bytes())
}

pub fn get(addr: SocketAddr, target: &str) -> Resp {
    request(addr, "GET", target)
}

/// Polls a page until `ok` holds for it; panics with the last response after PATIENCE.
pub fn poll(addr: SocketAddr, target: &str, ok: impl Fn(&Resp) -> bool) -> Resp {
    let start = Instant::now();
    loop {
        let r = get(addr, target);
        if ok(&r) {
            return r;
        }
        if start.elapsed() > PATIENCE {
            panic!(
                "{target} never became as expected; last: {} {}",
                r.status,
                r.text()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: String,
}

/// An open event stream, read on its own thread.
pub struct Events {
    rx: Receiver<Event>,
    pub stream: TcpStream,
}

impl Events {
    pub fn open(addr: SocketAddr) -> Events {
        let mut s = TcpStream::connect(addr).expect("connect");
        let req = format!(
            "GET /__bangtin/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        );
        s.write_all(req.as_bytes()).expect("send");
        let reader = s.try_clone().expect("clone");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(reader);
            let mut line = String::new();
            // Headers, then chunked SSE: chunk-size lines are skipped; events are separated by
            // blank lines inside the chunks.
            let mut in_body = false;
            let (mut name, mut data) = (String::new(), String::new());
            loop {
                line.clear();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        let _ = tx.send(Event {
                            name: "closed".into(),
                            data: String::new(),
                        });
                        return;
                    }
                    Ok(_) => {}
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if !in_body {
                    if l.is_empty() {
                        in_body = true;
                    }
                    continue;
                }
                // The closing chunk of the chunked body: the server ended the stream.
                if l == "0" {
                    let _ = tx.send(Event {
                        name: "closed".into(),
                        data: String::new(),
                    });
                    return;
                }
                if let Some(v) = l.strip_prefix("event: ") {
                    name = v.to_string();
                } else if let Some(v) = l.strip_prefix("data: ") {
                    data = v.to_string();
                } else if l.is_empty() && !name.is_empty() {
                    let ev = Event {
                        name: std::mem::take(&mut name),
                        data: std::mem::take(&mut data),
                    };
                    if tx.send(ev).is_err() {
                        return;
                    }
                }
            }
        });
        Events { rx, stream: s }
    }

    /// The next event, or `None` after `wait`.
    pub fn next(&self, wait: Duration) -> Option<Event> {
        self.rx.recv_timeout(wait).ok()
    }

    /// Skips events until one named `name` arrives; panics after PATIENCE.
    pub fn expect(&self, name: &str) -> Event {
        let start = Instant::now();
        while let Some(left) = PATIENCE.checked_sub(start.elapsed()) {
            match self.next(left) {
                Some(e) if e.name == name => return e,
                Some(_) => continue,
                None => break,
            }
        }
        panic!("no `{name}` event within {PATIENCE:?}");
    }
}

/// The repository root (for tests over the school site).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
