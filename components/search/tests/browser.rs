//! The script in a real browser: headless Chromium loads a results page with `?q=` from a
//! local HTTP server, and the DOM it ends with is checked. (Typing and the keyboard are
//! left to the site's end-to-end tests.)

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

use search::{build, Doc, Options};

const FORM_VI: &str = r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tìm kiếm</title></head><body>
<form role="search" class="search" action="/tim-kiem/" method="get" data-search-index="/search/vi/" data-search-lang="vi">
  <label for="q1">Tìm kiếm</label>
  <input type="search" id="q1" name="q" autocomplete="off" data-search-input>
  <button type="submit">Tìm</button>
  <div data-search-results aria-live="polite"></div>
</form>
<main>
<form role="search" class="search" action="/tim-kiem/" method="get" data-search-index="/search/vi" data-search-lang="vi" data-search-main>
  <label for="q">Tìm kiếm</label>
  <input type="search" id="q" name="q" autocomplete="off" data-search-input>
  <button type="submit">Tìm</button>
  <div id="main-results" data-search-results aria-live="polite"></div>
</form>
</main>
<script src="/search.js" defer></script></body></html>"#;

const FORM_EN: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>
<form role="search" action="/en/search/" method="get" data-search-index="/search/en/" data-search-lang="en">
  <input type="search" name="q" data-search-input>
  <div data-search-results aria-live="polite"></div>
</form>
<script src="/search.js" defer></script></body></html>"#;

/// Types into the box and presses keys (synthetic events reach the script's handlers), then
/// writes what happened into `body[data-test]`.
const TYPING: &str = r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>
<form role="search" action="/tim-kiem/" method="get" data-search-index="/search/vi/" data-search-lang="vi">
  <input type="search" name="q" data-search-input>
  <div data-search-results aria-live="polite"></div>
</form>
<script src="/search.js" defer></script>
<script>
window.addEventListener("load", async () => {
  const log = [], sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const input = document.querySelector("[data-search-input]");
  const key = (k) => document.activeElement.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
  const href = () => document.activeElement.getAttribute("href");
  input.focus();
  for (const q of ["h", "ho", "hoang", "hoang s"]) {
    input.value = q;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await sleep(30);
  }
  await sleep(2000);
  log.push("status=" + document.querySelector(".search-status").textContent);
  log.push("first=" + document.querySelector(".search-results a").getAttribute("href"));
  key("ArrowDown"); log.push("down1=" + href());
  key("ArrowDown"); log.push("down2=" + href());
  key("ArrowDown"); key("ArrowDown"); log.push("down4=" + href());
  key("ArrowUp"); key("ArrowUp"); key("ArrowUp"); log.push("back=" + (document.activeElement === input));
  key("Escape");
  log.push("escape=" + JSON.stringify(input.value) + "," + document.querySelectorAll(".search-results").length + "," + JSON.stringify(document.querySelector(".search-status").textContent));
  document.body.setAttribute("data-test", log.join(" "));
});
</script></body></html>"#;

const NO_FORM: &str = r#"<!doctype html><html><head><meta charset="utf-8"></head><body>
<p id="page">Trang không có ô tìm kiếm.</p><script src="/search.js" defer></script></body></html>"#;

fn doc(url: &str, title: &str, body: &str) -> Doc<'static> {
    Doc {
        url: url.to_string().into(),
        title: title.to_string().into(),
        date: Some("ngày 16 tháng 01 năm 2024".into()),
        section: "Biển đảo quê hương".into(),
        body: body.to_string().into(),
    }
}

/// Serves `root` on 127.0.0.1, a thread per connection (the browser may open a connection
/// and send nothing on it for a while); returns the port.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(&root, &stream));
        }
    });
    port
}

fn answer(root: &std::path::Path, stream: &std::net::TcpStream) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Drain the headers.
    let mut h = String::new();
    while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
        h.clear();
    }
    let path = line.split(' ').nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or("/");
    let mut file = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    let mut out = stream;
    let _ = match std::fs::read(&file) {
        Ok(body) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                _ => "application/json",
            };
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .and_then(|_| out.write_all(&body))
        }
        Err(_) => out
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
}

/// The DOM after the page has run its scripts and fetches, and what the browser logged.
fn dump_dom(url: &str) -> (String, String) {
    // A profile of its own: the tests run in parallel.
    let profile = tempfile::tempdir().expect("profile dir");
    let out = Command::new("chromium")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ])
        .output()
        .expect("chromium must be installed for the browser test (Debian package chromium)");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn site() -> (tempfile::TempDir, u16) {
    let dir = tempfile::tempdir().expect("temp dir");
    let vi = vec![
        doc(
            "/bien-dao/hoang-sa/",
            "Hoàng Sa, Trường Sa là của Việt Nam",
            "Quần đảo Hoàng Sa và Trường Sa. Học sinh tìm hiểu về biển đảo.",
        ),
        doc(
            "/bien-dao/ngay-hoi/",
            "Ngày hội biển đảo <img src=x onerror=alert(1)>",
            "Ngày hội giúp học sinh yêu biển, yêu đảo & hiểu về chủ quyền.",
        ),
        doc("/tin-tuc/khi-hau/", "Biến đổi khí hậu", "Biến đổi khí hậu."),
    ];
    let en = vec![
        doc("/en/islands/", "Our islands", "The islands of Viet Nam."),
        doc("/en/sea/", "The sea", "Islands and the sea."),
    ];
    let mut files = build("vi", &vi, &Options::default());
    files.extend(build("en", &en, &Options::default()));
    files.push(("search.js".into(), search::SCRIPT.as_bytes().to_vec()));
    files.push(("tim-kiem/index.html".into(), FORM_VI.as_bytes().to_vec()));
    files.push(("en/search/index.html".into(), FORM_EN.as_bytes().to_vec()));
    files.push((
        "khong-co-form/index.html".into(),
        NO_FORM.as_bytes().to_vec(),
    ));
    files.push(("go-phim/index.html".into(), TYPING.as_bytes().to_vec()));
    common::write_files(dir.path(), &files);
    let port = serve(dir.path().to_path_buf());
    (dir, port)
}

/// The inner HTML of the element with `id`, as dumped (a crude cut, enough for assertions).
fn section<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {dom}"));
    let rest = &dom[start..];
    &rest[..rest.find("</form>").unwrap_or(rest.len())]
}

#[test]
fn results_page_searches_the_query_from_the_url() {
    let (dir, port) = site();
    let (dom, log) = dump_dom(&format!(
        "http://127.0.0.1:{port}/tim-kiem/?q=bi%E1%BB%83n+%C4%91%E1%BA%A3o"
    ));
    assert!(!log.contains("Uncaught"), "{log}");
    let main = section(&dom, "main-results");
    assert!(
        main.contains(r#"<p class="search-status" role="status">3 kết quả</p>"#),
        "{main}"
    );
    // Both words in the title first; the page text is escaped, never markup.
    let first = main.find("/bien-dao/ngay-hoi/").expect("first result");
    let second = main.find("/bien-dao/hoang-sa/").expect("second result");
    let third = main.find("/tin-tuc/khi-hau/").expect("third result");
    assert!(first < second && second < third, "{main}");
    assert!(
        main.contains(
            "Ngày hội <mark>biển</mark> <mark>đảo</mark> &lt;img src=x onerror=alert(1)&gt;"
        ),
        "{main}"
    );
    assert!(
        main.contains(
            "<p class=\"search-meta\">ngày 16 tháng 01 năm 2024 · Biển đảo quê hương</p>"
        ),
        "{main}"
    );
    assert!(
        main.contains("yêu <mark>biển</mark>, yêu <mark>đảo</mark> &amp; hiểu"),
        "{main}"
    );
    assert!(dom.contains(r#"aria-live="off""#));
    assert!(dom.contains(r#"data-search-state="results""#), "{dom}");
    // The header form is left alone on the results page.
    let header = &dom[..dom.find("<main>").expect("main")];
    assert!(!header.contains("kết quả"), "{header}");
    drop(dir);
}

#[test]
fn english_messages_and_pages_without_a_form() {
    let (dir, port) = site();
    let (dom, log) = dump_dom(&format!("http://127.0.0.1:{port}/en/search/?q=island"));
    assert!(!log.contains("Uncaught"), "{log}");
    assert!(dom.contains(r#"role="status">2 results</p>"#), "{dom}");
    assert!(dom.contains("Our <mark>islands</mark>"), "{dom}");
    let (dom, log) = dump_dom(&format!("http://127.0.0.1:{port}/en/search/?q=zzzz"));
    assert!(dom.contains("No results for “zzzz”"), "{dom}");
    assert!(!log.contains("Uncaught"), "{log}");
    let (dom, log) = dump_dom(&format!("http://127.0.0.1:{port}/khong-co-form/?q=biển"));
    assert!(dom.contains("Trang không có ô tìm kiếm."), "{dom}");
    assert!(!log.contains("Uncaught"), "{log}");
    drop(dir);
}

#[test]
fn typing_shows_results_and_the_keyboard_moves_through_them() {
    let (dir, port) = site();
    let (dom, log) = dump_dom(&format!("http://127.0.0.1:{port}/go-phim/"));
    assert!(!log.contains("Uncaught"), "{log}");
    let start = dom
        .find("data-test=\"")
        .unwrap_or_else(|| panic!("the test script ran: {dom}\n{log}"))
        + 11;
    let result = &dom[start..start + dom[start..].find('"').expect("end")];
    assert_eq!(
        result,
        "status=2 kết quả first=/bien-dao/hoang-sa/ down1=/bien-dao/hoang-sa/ \
         down2=/bien-dao/ngay-hoi/ down4=/bien-dao/ngay-hoi/ back=true escape=&quot;&quot;,0,&quot;&quot;"
    );
    drop(dir);
}

/// Clicks "more" until it is gone, noting how many results are shown each time.
const MORE: &str = r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>
<form role="search" action="/tim-kiem/" method="get" data-search-index="/search/vi/" data-search-lang="vi">
  <input type="search" name="q" data-search-input>
  <div data-search-results aria-live="polite"></div>
</form>
<script src="/search.js" defer></script>
<script>
window.addEventListener("load", async () => {
  const log = [], sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  await sleep(1500);
  const count = () => document.querySelectorAll(".search-result").length;
  log.push(document.querySelector(".search-status").textContent, count());
  for (let b; (b = document.querySelector(".search-more")); ) {
    b.click();
    await sleep(500);
    log.push(count());
  }
  document.body.setAttribute("data-test", log.join(","));
});
</script></body></html>"#;

#[test]
fn more_results_come_ten_at_a_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let docs: Vec<Doc> = (0..25)
        .map(|i| {
            doc(
                &format!("/tin/{i}/"),
                &format!("Tin số {i}"),
                "Trường Tiểu học Bình An.",
            )
        })
        .collect();
    let mut files = build("vi", &docs, &Options::default());
    files.push(("search.js".into(), search::SCRIPT.as_bytes().to_vec()));
    files.push(("them/index.html".into(), MORE.as_bytes().to_vec()));
    common::write_files(dir.path(), &files);
    let port = serve(dir.path().to_path_buf());
    let (dom, log) = dump_dom(&format!(
        "http://127.0.0.1:{port}/them/?q=tr%C6%B0%E1%BB%9Dng"
    ));
    assert!(!log.contains("Uncaught"), "{log}");
    let start = dom
        .find("data-test=\"")
        .unwrap_or_else(|| panic!("the test script ran: {dom}"))
        + 11;
    let result = &dom[start..start + dom[start..].find('"').expect("end")];
    assert_eq!(result, "25 kết quả,10,20,25");
}
