//! Shared by the integration tests: write an index to disk and ask the browser script
//! (run under node by `tests/run.js`) about it.

// Each test file uses a different part of this module.
#![allow(dead_code)]
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// Writes `files` (as returned by `search::build`) under `root`.
pub fn write_files(root: &Path, files: &[(String, Vec<u8>)]) {
    for (rel, bytes) in files {
        let path: PathBuf = root.join(rel.split('/').collect::<PathBuf>());
        std::fs::create_dir_all(path.parent().expect("file has a folder")).expect("create folder");
        std::fs::write(&path, bytes).expect("write index file");
    }
}

/// Sends `requests` (a JSON array) to `tests/run.js` over the index in `index_dir`.
pub fn node(index_dir: &Path, requests: &Value) -> Vec<Value> {
    node_env(index_dir, requests, &[])
}

/// [`node`] with extra environment variables for the runner.
pub fn node_env(index_dir: &Path, requests: &Value, env: &[(&str, &str)]) -> Vec<Value> {
    let runner = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("run.js");
    let mut child = Command::new("node")
        .arg(&runner)
        .arg(index_dir)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node must be installed to test the browser script (Debian package nodejs)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(requests.to_string().as_bytes())
        .expect("write requests");
    let out = child.wait_with_output().expect("node runs");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).expect("node prints JSON") {
        Value::Array(v) => v,
        other => panic!("expected an array, got {other}"),
    }
}
