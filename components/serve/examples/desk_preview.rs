//! Benchmark: the desk's keystroke-to-preview time. Starts a `serve::Server` on a site folder,
//! reads the desk's token from its page, then for RUNS keystrokes sends the post's text with one
//! more word to `POST /_bangtin/api/preview` and waits for the whole themed page, as the desk's
//! editor does once typing stops. Nothing is written to the site. Also: the desk's page load.
//! Run with `cargo run --release -p serve --example desk_preview -- SITE [POST] [RUNS] [PHOTO]`
//! (POST: a `content/...md` path; default: the first post the desk lists). With PHOTO, it is
//! also added 10 times to a new post (then moved to the trash): run that on a copy of a site.

use i18n::Lang;
use serde_json::{json, Value};
use serve::{Options, Server};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &str,
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let req = format!(
        "{method} {target} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    s.write_all(body).expect("send body");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read");
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head end");
    let status = String::from_utf8_lossy(&buf[9..12]).parse().unwrap_or(0);
    (status, buf[end + 4..].to_vec())
}

fn stats(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    format!(
        "median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms ({} runs)",
        at(0.5),
        at(0.9),
        v[0],
        v[v.len() - 1],
        v.len()
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root =
        std::path::PathBuf::from(args.get(1).expect("usage: desk_preview SITE [POST] [RUNS]"));
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(30);
    let mut o = Options::new(root.clone(), Lang::Vi);
    o.port = 0;
    o.quiet = true;
    let started = Instant::now();
    let server = Server::start(o).expect("server starts");
    println!(
        "first build and start: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let url = server.desk_url().expect("desk");
    let port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/_bangtin/")
        .parse()
        .expect("port");
    let desk: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");

    let mut loads = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let (status, _) = send(desk, "GET", "/_bangtin/", "", b"");
        assert_eq!(status, 200);
        loads.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("desk page (shell) load: {}", stats(loads));
    let token = server.desk_token().expect("token");
    let headers = format!("X-Bangtin-Token: {token}\r\nContent-Type: application/json\r\n");

    let post = match args.get(2).filter(|p| p.starts_with("content/")) {
        Some(p) => p.clone(),
        None => {
            let t = Instant::now();
            let (_, list) = send(desk, "GET", "/_bangtin/api/posts", "", b"");
            println!("post list: {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
            let list: Value = serde_json::from_slice(&list).expect("list");
            list[0]["path"].as_str().expect("a post").to_string()
        }
    };
    let enc: String = post
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_./".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let (_, opened) = send(
        desk,
        "GET",
        &format!("/_bangtin/api/post?path={enc}"),
        "",
        b"",
    );
    let opened: Value = serde_json::from_slice(&opened).expect("post");
    let mut body = opened["body"].as_str().unwrap_or("").to_string();
    let mut times = Vec::new();
    for k in 0..runs {
        body.push_str(&format!(" chữ{k}"));
        let req = json!({"path": post, "front": opened["front"], "body": body}).to_string();
        let t = Instant::now();
        let (status, html) = send(
            desk,
            "POST",
            "/_bangtin/api/preview",
            &headers,
            req.as_bytes(),
        );
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&html));
        assert!(String::from_utf8_lossy(&html).contains(&format!("chữ{k}")));
        times.push(ms);
    }
    println!("keystroke to preview ({post}): {}", stats(times));
    if let Some(photo) = args.get(4) {
        photo_batch(desk, &headers, &post, photo);
    }
    server.stop();
}

/// Adds a photo 10 times to a new post of the same section, as a teacher's batch does.
fn photo_batch(desk: SocketAddr, headers: &str, post: &str, photo: &str) {
    let bytes = std::fs::read(photo).expect("photo");
    let section = post.split('/').nth(1).expect("section");
    let req = json!({"section": section, "title": "Ảnh đo thời gian"}).to_string();
    let (_, made) = send(desk, "POST", "/_bangtin/api/post", headers, req.as_bytes());
    let made: Value = serde_json::from_slice(&made).expect("created");
    let rel = made["path"].as_str().expect("path").to_string();
    let name = std::path::Path::new(photo)
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let mut times = Vec::new();
    let started = Instant::now();
    for _ in 0..10 {
        let h = format!("{headers}X-File-Name: {name}\r\n");
        let t = Instant::now();
        let (status, r) = send(
            desk,
            "POST",
            &format!("/_bangtin/api/photo?path={rel}"),
            &h,
            &bytes,
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&r));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let total = started.elapsed().as_secs_f64();
    println!(
        "photo batch ({name}, {:.1} MB, 10 photos): {}; {:.2} photos/s",
        bytes.len() as f64 / 1e6,
        stats(times),
        10.0 / total
    );
    let _ = send(
        desk,
        "DELETE",
        &format!("/_bangtin/api/post?path={rel}"),
        headers,
        b"",
    );
}
