//! A real headless Chromium (Debian package) driven by Node's playwright-core: the page follows
//! edits made on disk without any action, and the error overlay comes and goes.
//!
//! Needs `node`, `/usr/bin/chromium` (or CHROMIUM_PATH) and playwright-core installed with
//! `npm ci` in tests/browser/ (the repository's) or components/serve/tests/browser/. When one
//! is missing the test fails under CI=true and is skipped loudly otherwise.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Where playwright-core may be installed.
fn node_modules() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("tests/browser/node_modules"),
        repo_root().join("tests/browser/node_modules"),
    ]
    .into_iter()
    .find(|d| d.join("playwright-core/package.json").is_file())
}

fn missing(what: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("browser test cannot run in CI: {what}");
    }
    eprintln!("\n*** SKIPPED browser live-reload test: {what} ***\n");
}

#[test]
fn chromium_follows_edits_and_shows_the_error_overlay() {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).is_file() {
        return missing(&format!(
            "{chromium} not found (apt-get install -y chromium)"
        ));
    }
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !node_ok {
        return missing("node not found (apt-get install -y nodejs npm)");
    }
    let Some(modules) = node_modules() else {
        return missing("playwright-core not installed (npm ci --prefix tests/browser)");
    };

    let site = fixture();
    let server = start(site.path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/live.cjs");
    let mut child = Command::new("node")
        .arg(&script)
        .arg(server.url())
        .env("NODE_PATH", &modules)
        .env("CHROMIUM_PATH", &chromium)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let step = |name: &str| -> String {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("no `{name}` step from the browser"));
        assert!(
            line.starts_with(name),
            "expected `{name}`, the browser said: {line}"
        );
        line
    };

    step("opened");
    write(site.path(), PAGE, page_text("Nội dung đã sửa."));
    step("edited");
    write(
        site.path(),
        "themes/mini/static/css/site.css",
        "body { color: rgb(200, 0, 0); }\n",
    );
    step("css");
    write(
        site.path(),
        PAGE,
        "+++\ntitle = \ndate = 2024-01-16\n+++\n\n<script>document.title='x'</script><b>đậm</b>\n",
    );
    let overlay = step("overlay");
    let data: serde_json::Value =
        serde_json::from_str(overlay.trim_start_matches("overlay ")).expect("json");
    let text = data["text"].as_str().unwrap_or_default();
    assert!(text.contains("Không dựng được trang"), "{text}");
    assert!(text.contains(PAGE), "{text}");
    assert_eq!(data["injected"], 0, "overlay made elements from the file");
    write(site.path(), PAGE, page_text("Đã sửa lỗi."));
    step("fixed");
    let status = child.wait().expect("node exits");
    assert!(status.success(), "node exited with {status}");
    server.stop();
}
