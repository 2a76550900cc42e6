//! External links against a real HTTP server on 127.0.0.1: 200, 404, a redirect, a slow
//! endpoint; the per-host limit, retries and the one-day cache.

mod common;

use check::external::{self, Outcome};
use check::{Kind, Settings};
use common::*;
use i18n::Lang;
use site::Severity;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A tiny HTTP server that counts requests per path and the most at the same time.
struct Server {
    port: u16,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    busy: Arc<AtomicUsize>,
    max_busy: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start() -> Server {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let busy = Arc::new(AtomicUsize::new(0));
        let max_busy = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, b, m, s) = (hits.clone(), busy.clone(), max_busy.clone(), stop.clone());
        std::thread::spawn(move || {
            // Stops by itself when the test drops the server, or after a minute at most.
            let started = std::time::Instant::now();
            while !s.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(60) {
                let Ok(Some(req)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let (h, b, m) = (h.clone(), b.clone(), m.clone());
                std::thread::spawn(move || handle(req, &h, &b, &m));
            }
        });
        Server {
            port,
            hits,
            busy,
            max_busy,
            stop,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .map(|h| h.get(path).copied().unwrap_or(0))
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn handle(
    req: tiny_http::Request,
    hits: &Mutex<HashMap<String, usize>>,
    busy: &AtomicUsize,
    max_busy: &AtomicUsize,
) {
    let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
    max_busy.fetch_max(now, Ordering::SeqCst);
    let url = req.url().to_string();
    let path = url.split('?').next().unwrap_or("").to_string();
    if let Ok(mut h) = hits.lock() {
        *h.entry(path.clone()).or_default() += 1;
    }
    let response = match path.as_str() {
        "/ok" => tiny_http::Response::from_string("ok"),
        "/redirect" => tiny_http::Response::from_string("moved")
            .with_status_code(302)
            .with_header(
                tiny_http::Header::from_bytes(&b"Location"[..], &b"/ok"[..]).expect("valid header"),
            ),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(5));
            tiny_http::Response::from_string("late")
        }
        "/wait" => {
            std::thread::sleep(Duration::from_millis(300));
            tiny_http::Response::from_string("ok")
        }
        _ => tiny_http::Response::from_string("not here").with_status_code(404),
    };
    busy.fetch_sub(1, Ordering::SeqCst);
    let _ = req.respond(response);
}

fn fast_settings() -> Settings {
    let mut s = settings();
    // Generous for a loaded CI machine, well under the slow endpoint's 5 s.
    s.external.timeout = Duration::from_millis(1500);
    s.external.retries = 1;
    s.external.backoff = Duration::from_millis(10);
    s
}

#[test]
fn external_links_are_checked_retried_and_cached() {
    let server = Server::start();
    let body = format!(
        "Các liên kết:\n\n[được]({})\n\n[mất]({})\n\n[chuyển]({})\n\n[chậm]({})\n",
        server.url("/ok"),
        server.url("/missing"),
        server.url("/redirect"),
        server.url("/slow"),
    );
    let one = page("Bài một", "2024-01-16", &body);
    let dir = fixture(&[
        (
            "content/tin-tuc/_index.md",
            "+++\ntitle = \"Tin\"\nsort_by = \"date\"\n+++\n",
        ),
        ("content/tin-tuc/bai-mot.md", &one),
    ]);

    // Without --external nothing is requested.
    let r = run_opts(dir.path(), false, false, &fast_settings());
    assert!(r.findings.is_empty(), "{}", r.render_text(Lang::En));
    assert_eq!(server.hits("/ok") + server.hits("/missing"), 0);

    let r = run_opts(dir.path(), true, false, &fast_settings());
    let file = "content/tin-tuc/bai-mot.md".to_string();
    assert_eq!(
        summary(&r),
        vec![
            (Kind::ExternalLink, file.clone(), line_of(&one, "/missing")),
            (Kind::ExternalLink, file.clone(), line_of(&one, "/slow")),
        ],
        "{}",
        r.render_text(Lang::En)
    );
    assert_eq!(r.findings[0].severity, Severity::Error, "404 is an error");
    assert!(
        r.findings[0].message.contains("404"),
        "{}",
        r.findings[0].message
    );
    assert_eq!(
        r.findings[1].severity,
        Severity::Warning,
        "a timeout may pass"
    );
    assert!(r.has_errors());
    assert_eq!(server.hits("/slow"), 2, "one retry after the timeout");
    assert_eq!(server.hits("/redirect"), 1);
    let ok_hits = server.hits("/ok");
    assert_eq!(ok_hits, 2, "the link itself and the redirect's target");
    let cache = dir.path().join(".bangtin-cache").join("links.json");
    let cached = std::fs::read_to_string(&cache).expect("cache written");
    assert!(cached.contains(&server.url("/ok")) && !cached.contains("/missing"));

    // A second run within the day takes good answers from the cache.
    let missing = server.hits("/missing");
    let r = run_opts(dir.path(), true, false, &fast_settings());
    assert_eq!(r.of_kind(Kind::ExternalLink).len(), 2);
    assert_eq!(server.hits("/ok"), ok_hits, "cached");
    assert_eq!(server.hits("/redirect"), 1, "cached");
    assert!(
        server.hits("/missing") > missing,
        "failures are checked again"
    );

    // An expired cache is checked again.
    let mut expired = fast_settings();
    expired.external.cache_for = Duration::ZERO;
    run_opts(dir.path(), true, false, &expired);
    assert!(server.hits("/ok") > ok_hits);
}

#[test]
fn per_host_limit_is_respected() {
    let server = Server::start();
    let urls: Vec<String> = (0..6)
        .map(|i| server.url(&format!("/wait?i={i}")))
        .collect();
    let settings = external::Settings {
        per_host: 2,
        threads: 6,
        ..external::Settings::default()
    };
    let results = external::check_urls(&urls, &settings, None);
    assert_eq!(results.len(), 6);
    assert!(results
        .values()
        .all(|c| c.outcome == Outcome::Ok { status: 200 } && !c.cached && c.attempts == 1));
    assert_eq!(server.max_busy.load(Ordering::SeqCst), 2);
    assert_eq!(server.busy.load(Ordering::SeqCst), 0);
}

#[test]
fn unreachable_hosts_fail_after_retries() {
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let url = format!("http://127.0.0.1:{port}/");
    let settings = external::Settings {
        retries: 2,
        backoff: Duration::from_millis(5),
        ..external::Settings::default()
    };
    let results = external::check_urls(std::slice::from_ref(&url), &settings, None);
    let c = &results[&url];
    assert!(matches!(c.outcome, Outcome::Failed { .. }), "{c:?}");
    assert_eq!(c.attempts, 3);
    assert!(c
        .outcome
        .message(&url, Lang::Vi)
        .contains("không kết nối được"));
}
