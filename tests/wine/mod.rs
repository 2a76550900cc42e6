//! Running the Windows build (`bangtin.exe`, made by `.ci/windows.sh`) under Wine for the tests
//! in tests/windows.rs: finding it, Windows paths for Linux folders, a raw HTTP client, and a
//! child process whose output is read line by line while it runs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long a step under Wine may take on a busy 2-core machine before a test gives up.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// The Windows executable and the Wine prefix that can run it.
pub struct Wine {
    /// `bangtin.exe`.
    pub exe: PathBuf,
    /// WINEPREFIX with the test-only ProcessPrng stub.
    pub prefix: PathBuf,
}

/// The Wine setup made by `.ci/windows.sh`, or None (skipped loudly) outside CI when it is missing.
pub fn wine() -> Option<Wine> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let exe = std::env::var_os("BANGTIN_WINDOWS_EXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("windows/x86_64-pc-windows-gnu/windows/bangtin.exe"));
    let prefix = std::env::var_os("BANGTIN_WINEPREFIX")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("wineprefix"));
    let stub = prefix.join("drive_c/windows/system32/bcryptprimitives.dll");
    let has_wine = Command::new("wine")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if exe.is_file() && stub.is_file() && has_wine {
        return Some(Wine { exe, prefix });
    }
    let msg = format!(
        "no Windows build to test under Wine ({} or {} is missing, or wine is not installed); make them with `bash .ci/windows.sh`",
        exe.display(),
        stub.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{msg}");
    }
    eprintln!("\n*** SKIPPED: {msg} ***\n");
    None
}

impl Wine {
    /// `wine bangtin.exe ARGS` with messages in `lang`, quiet Wine, UTF-8 Unix file names.
    pub fn command(&self, args: &[&str], lang: &str) -> Command {
        let mut c = self.wine_command(&self.exe);
        c.args(args).env("BANGTIN_LANG", lang);
        c
    }

    /// `wine PROGRAM` in this prefix, with nothing of the language set.
    pub fn wine_command(&self, program: &Path) -> Command {
        let mut c = Command::new("wine");
        c.arg(program)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            // Wine turns Windows (UTF-16) file names into Unix ones with the locale's encoding.
            .env("LC_ALL", "C.UTF-8")
            .env_remove("BANGTIN_LANG")
            .env_remove("DISPLAY")
            .stdin(Stdio::null());
        c
    }
}

/// The Windows path of a Linux path under Wine: Z: is the Linux root in every Wine prefix.
pub fn win(path: &Path) -> String {
    format!(
        "Z:{}",
        path.to_str().expect("UTF-8 path").replace('/', "\\")
    )
}

/// A running program whose stdout and stderr lines arrive on one channel.
pub struct Running {
    /// The child (killed on drop).
    pub child: Child,
    lines: Receiver<String>,
    /// Every line read so far, for failure messages.
    pub seen: Vec<String>,
}

impl Running {
    /// Starts `command` with piped output (and stdin when `stdin` is given, then closed).
    pub fn start(mut command: Command, stdin: Option<&str>) -> Running {
        if stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wine starts");
        if let Some(text) = stdin {
            let mut pipe = child.stdin.take().expect("stdin");
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
        let (tx, lines) = mpsc::channel();
        let out: Box<dyn Read + Send> = Box::new(child.stdout.take().expect("stdout"));
        let err: Box<dyn Read + Send> = Box::new(child.stderr.take().expect("stderr"));
        for pipe in [out, err] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads lines until one contains `needle`; returns that line. Panics after PATIENCE.
    pub fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        while let Some(left) = PATIENCE.checked_sub(start.elapsed()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "no line with {needle:?}; output so far:\n{}",
            self.seen.join("\n")
        );
    }

    /// The preview's address from its "http://127.0.0.1:PORT" line.
    pub fn wait_for_url(&mut self) -> SocketAddr {
        // The desk's address (`.../_bangtin/`) is printed before the preview's.
        let mut line = self.wait_for("http://127.0.0.1:");
        while line.contains("/_bangtin/") {
            line = self.wait_for("http://127.0.0.1:");
        }
        let at = line.find("http://127.0.0.1:").expect("url") + "http://".len();
        let addr: String = line[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
            .collect();
        addr.parse()
            .unwrap_or_else(|_| panic!("no address in {line:?}"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status and body.
pub struct Resp {
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// GET `target` with a fresh connection that the server closes.
pub fn get(addr: SocketAddr, target: &str) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(PATIENCE))?;
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let status = String::from_utf8_lossy(&buf[..end])
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    Ok(Resp {
        status,
        body: buf[end + 4..].to_vec(),
    })
}

/// Polls `target` until `ok` holds; panics with the last answer after PATIENCE.
pub fn poll(addr: SocketAddr, target: &str, ok: impl Fn(&Resp) -> bool) -> Resp {
    let start = Instant::now();
    loop {
        let r = get(addr, target);
        match r {
            Ok(r) if ok(&r) => return r,
            _ if start.elapsed() > PATIENCE => match r {
                Ok(r) => panic!(
                    "{target}: never as expected; last: {} {}",
                    r.status,
                    r.text()
                ),
                Err(e) => panic!("{target}: {e}"),
            },
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The server-sent events of the preview, read on a thread: (event name, data).
pub fn events(addr: SocketAddr) -> Receiver<(String, String)> {
    let mut s = TcpStream::connect(addr).expect("connect to the event stream");
    write!(
        s,
        "GET /__bangtin/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("send");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut name = String::new();
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("event:") {
                name = n.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data:") {
                if tx.send((name.clone(), d.trim().to_string())).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

/// Every file under `dir` (relative path, bytes), sorted, leaving out `skip` names.
pub fn tree(dir: &Path, skip: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .filter(|e| !skip.iter().any(|s| e.file_name() == *s))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}
