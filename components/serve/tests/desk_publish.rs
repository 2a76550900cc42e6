//! Publishing from the desk to a real FTP server on loopback (started by
//! .ci/deploy-servers.sh): check, build and deploy in the background, progress followed over
//! Server-Sent Events, the page then on the server; and a located error when the check fails.

mod common;
mod desk_common;

use common::*;
use desk_common::Desk;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;
use testkit::{env_or, ftp_server};

/// Follows a job's event stream to its end: every event, the last one `{"end": true, ...}`.
fn follow(desk: &Desk, job: &str) -> Vec<Value> {
    let mut s = TcpStream::connect(desk.addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(300)))
        .expect("timeout");
    let req = format!(
        "GET /_bangtin/api/publish/events?job={job} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        desk.addr.port()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut events = Vec::new();
    for line in BufReader::new(s).lines() {
        let line = line.expect("read");
        if let Some(data) = line.strip_prefix("data: ") {
            let v: Value = serde_json::from_str(data).expect("event json");
            let end = v["end"] == true;
            events.push(v);
            if end {
                break;
            }
        }
    }
    events
}

#[test]
fn publishes_to_ftp_with_progress() {
    let Some((addr, home)) = ftp_server() else {
        return;
    };
    let site = fixture();
    let root = site.path();
    let folder = format!("desk-{}", std::process::id());
    let user = env_or("BANGTIN_TEST_DEPLOY_USER", "bangtin-test");
    let password = env_or("BANGTIN_TEST_DEPLOY_PASSWORD", "bangtin-test-pw");
    let config = std::fs::read_to_string(root.join("config.toml")).expect("config");
    write(
        root,
        "config.toml",
        format!("{config}\n[deploy]\ntarget = \"ftp://{user}@{addr}/{folder}\"\n"),
    );
    let server = start(root);
    let desk = Desk::open(&server);
    let (_, info) = desk.json("GET", "/_bangtin/api/site", &Value::Null);
    assert_eq!(info["deploy"]["configured"], true, "{info}");
    assert!(!info["deploy"]["target_display"]
        .to_string()
        .contains(&password));

    // A wrong password: a clear error, nothing on the server.
    let (status, v) = desk.json(
        "POST",
        "/_bangtin/api/publish",
        &json!({"password": "sai-mat-khau"}),
    );
    assert_eq!(status, 202, "{v}");
    let events = follow(&desk, v["job"].as_str().expect("job"));
    let end = events.last().expect("end");
    assert_eq!(end["ok"], false, "{events:?}");
    assert!(
        !end.to_string().contains("sai-mat-khau"),
        "the password is never echoed"
    );
    assert!(!home.join(&folder).join("index.html").exists());

    let (status, v) = desk.json(
        "POST",
        "/_bangtin/api/publish",
        &json!({"password": password}),
    );
    assert_eq!(status, 202, "{v}");
    let job = v["job"].as_str().expect("job").to_string();
    // Only one run at a time.
    let (status, _) = desk.json(
        "POST",
        "/_bangtin/api/publish",
        &json!({"password": password}),
    );
    assert_eq!(status, 409);
    let events = follow(&desk, &job);
    let end = events.last().expect("end");
    assert_eq!(end["ok"], true, "{events:?}");
    assert_eq!(end["url"], "https://truong.example.edu.vn");
    let steps: Vec<&str> = events.iter().filter_map(|e| e["step"].as_str()).collect();
    for s in ["check", "build", "deploy"] {
        assert!(steps.contains(&s), "{steps:?}");
    }
    assert!(events
        .iter()
        .all(|e| e["end"] == true || !e["message"].as_str().unwrap_or("").is_empty()));
    // Per file: each upload is told, with how many there are.
    let uploads: Vec<&Value> = events
        .iter()
        .filter(|e| {
            e["step"] == "deploy"
                && e["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("tin-tuc/bai-mot/index.html")
        })
        .collect();
    assert_eq!(uploads.len(), 1, "{events:?}");
    assert!(
        uploads[0]["total"].as_u64().expect("total") > 1,
        "{events:?}"
    );
    let page = std::fs::read_to_string(home.join(&folder).join("tin-tuc/bai-mot/index.html"))
        .expect("page on the server");
    assert!(page.contains("Nội dung ban đầu."));
    // A second stream of the same job gets the whole story again.
    assert_eq!(follow(&desk, &job).len(), events.len());
    // Nothing of the credentials is written in the site folder.
    for e in walk(root) {
        let bytes = std::fs::read(&e).expect("read");
        assert!(
            !bytes
                .windows(password.len())
                .any(|w| w == password.as_bytes()),
            "{}",
            e.display()
        );
    }
    let _ = std::fs::remove_dir_all(home.join(&folder));
    server.stop();
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_failed_check_names_the_file_and_line() {
    let site = fixture();
    let root = site.path();
    write(root, "content/tin-tuc/hong.md", "+++\ntitle = \"Bài có liên kết hỏng\"\ndate = 2024-01-10\n+++\n\nXem [bài này](@/tin-tuc/khong-co.md).\n");
    let config = std::fs::read_to_string(root.join("config.toml")).expect("config");
    write(
        root,
        "config.toml",
        format!("{config}\n[deploy]\ntarget = \"ftp://ai-do@127.0.0.1:9/x\"\n"),
    );
    let server = start(root);
    let desk = Desk::open(&server);
    let (status, v) = desk.json("POST", "/_bangtin/api/publish", &json!({"password": "x"}));
    assert_eq!(status, 202, "{v}");
    let events = follow(&desk, v["job"].as_str().expect("job"));
    let end = events.last().expect("end");
    assert_eq!(end["ok"], false, "{events:?}");
    let errors = end["errors"].as_array().expect("errors");
    let e = errors
        .iter()
        .find(|e| e["file"] == "content/tin-tuc/hong.md")
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(e["line"], 6, "{e}");
    assert!(e["column"].as_u64().expect("column") > 0, "{e}");
    assert!(!e["message"].as_str().expect("message").is_empty());
    assert!(!e["hint"].as_str().expect("hint").is_empty());
    assert!(
        !events.iter().any(|e| e["step"] == "deploy"),
        "no upload after a failed check"
    );
    server.stop();
}
