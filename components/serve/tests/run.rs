//! `serve::run` as the CLI uses it, in a child process: it prints the address, warns about a
//! non-loopback --bind, and stops cleanly on Ctrl-C (SIGINT).

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const CHILD: &str = "SERVE_RUN_CHILD_SITE";

/// In the child: serve the site named by the environment until Ctrl-C.
fn child_main() {
    let Ok(site) = std::env::var(CHILD) else {
        return;
    };
    let mut o = serve::Options::new(site.into(), i18n::Lang::Vi);
    o.port = 0;
    o.bind = "0.0.0.0".parse().expect("ip");
    let code = match serve::run(o) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}", e.message(i18n::Lang::Vi));
            1
        }
    };
    std::process::exit(code);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    if std::env::var(CHILD).is_ok() {
        return child_main();
    }
    let site = fixture();
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "ctrl_c_stops_the_server_cleanly", "--nocapture"])
        .env(CHILD, site.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("child starts");
    let (tx, rx) = mpsc::channel::<String>();
    for pipe in [
        Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("stderr")),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let mut seen = Vec::new();
    let url = loop {
        let line = rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no address printed; saw {seen:?}"));
        // The desk's address comes first; the preview's is the one after.
        let preview = !line.contains("/_bangtin/");
        if let Some(rest) = line.split("http://").nth(1).filter(|_| preview) {
            let url = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            seen.push(line);
            break url;
        }
        seen.push(line);
    };
    assert!(
        seen.iter()
            .any(|l| l.contains("Cảnh báo") && l.contains("0.0.0.0")),
        "no warning about --bind: {seen:?}"
    );
    assert!(url.starts_with("127.0.0.1:"), "{url}");
    // The desk stays on this computer even when the preview is open to the network.
    assert!(
        seen.iter()
            .any(|l| l.contains("Bàn soạn bài") && l.contains("http://127.0.0.1:")),
        "{seen:?}"
    );
    let addr: std::net::SocketAddr = url.trim_end_matches('/').parse().expect("address");
    let list = get(addr, "/tin-tuc/");
    assert_eq!(list.status, 200);
    // Open on every interface: links are root-relative so any host name works.
    assert!(
        list.text().contains("href=\"/tin-tuc/bai-mot/\""),
        "{}",
        list.text()
    );

    let events = Events::open(addr);
    events.expect("hello");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    // The open tab's stream ends, the process exits with success.
    events.expect("closed");
    let start = std::time::Instant::now();
    let exit = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(start.elapsed() < PATIENCE, "did not stop after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit}");
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("Đang dừng")), "{rest:?}");
}
