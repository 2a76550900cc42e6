//! Shared helpers for the tests against the real servers started by `.ci/deploy-servers.sh`.
//!
//! The servers run on this machine, so a test checks what a deploy did by reading the test
//! user's files on disk. Connection details come from the environment (the script prints them)
//! with defaults that match the script.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deploy::{DeployError, Entry, Manifest, Options, Summary, Target, MANIFEST_NAME};
use tempfile::TempDir;
use testkit::env_or;

/// The protocols under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Ftp,
    Ftps,
    Sftp,
}

impl Proto {
    pub fn scheme(self) -> &'static str {
        match self {
            Proto::Ftp => "ftp",
            Proto::Ftps => "ftps",
            Proto::Sftp => "sftp",
        }
    }

    fn env_and_default(self) -> (&'static str, &'static str) {
        match self {
            Proto::Ftp => ("BANGTIN_TEST_FTP", "127.0.0.1:2121"),
            Proto::Ftps => ("BANGTIN_TEST_FTPS", "127.0.0.1:2990"),
            Proto::Sftp => ("BANGTIN_TEST_SFTP", "127.0.0.1:2222"),
        }
    }
}

/// Whether the tests run as root (needed to mount); otherwise skipped loudly, or a failure
/// in CI.
pub fn is_root(why: &str) -> bool {
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if uid == "0" {
        return true;
    }
    testkit::skip(&format!("not root: cannot test {why}"));
    false
}

/// A small tmpfs mounted over a folder (owned by the test user), unmounted when dropped.
pub struct Tmpfs(PathBuf);

impl Tmpfs {
    pub fn mount(dir: &Path, size: &str) -> Tmpfs {
        use std::os::unix::fs::MetadataExt;
        fs::create_dir_all(dir).unwrap();
        let owner = fs::metadata(home()).unwrap();
        let opts = format!(
            "size={size},uid={},gid={},mode=0755",
            owner.uid(),
            owner.gid()
        );
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &opts, "tmpfs"])
            .arg(dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mount tmpfs on {}", dir.display());
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

pub fn user() -> String {
    env_or("BANGTIN_TEST_DEPLOY_USER", "bangtin-test")
}

pub fn password() -> String {
    env_or("BANGTIN_TEST_DEPLOY_PASSWORD", "bangtin-test-pw")
}

pub fn home() -> PathBuf {
    PathBuf::from(env_or("BANGTIN_TEST_DEPLOY_HOME", "/srv/bangtin-test"))
}

/// The server's address, or `None` (test skipped) when it is not running outside CI.
/// In CI (`CI=true`) a missing server fails the test: the suite must not pass by skipping.
pub fn server(proto: Proto) -> Option<SocketAddr> {
    let (var, default) = proto.env_and_default();
    let addr_text = env_or(var, default);
    let addr: SocketAddr = addr_text
        .parse()
        .unwrap_or_else(|_| panic!("{var}={addr_text} is not an IP:port address"));
    let reachable = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok();
    let home_ok = home().is_dir();
    if reachable && home_ok {
        return Some(addr);
    }
    let why = if reachable {
        format!("the test user's home {} is not here", home().display())
    } else {
        format!("nothing listens on {addr} ({var})")
    };
    let msg = format!(
        "the {} test server is not available: {why}. Start the servers with `sudo bash .ci/deploy-servers.sh`.",
        proto.scheme()
    );
    testkit::skip(&msg);
    None
}

/// A small school site with a Vietnamese file name, assets, pages, home pages and feeds.
pub fn make_site(dir: &Path) {
    let files: &[(&str, &[u8])] = &[
        ("index.html", "<h1>Trường Tiểu học Bình An</h1>".as_bytes()),
        ("en/index.html", b"<h1>Binh An Primary School</h1>"),
        ("tin-tuc/index.html", "<h1>Tin tức</h1>".as_bytes()),
        (
            "tin-tuc/khai-giang/index.html",
            "<p>Lễ khai giảng năm học mới</p><img src=\"ảnh-trường.jpg\">".as_bytes(),
        ),
        ("css/style.css", b"body { font-family: sans-serif; }"),
        ("404.html", "<p>Không tìm thấy trang</p>".as_bytes()),
        ("atom.xml", b"<feed></feed>"),
        ("sitemap.xml", b"<urlset></urlset>"),
        ("robots.txt", b"User-agent: *\n"),
    ];
    for (path, bytes) in files {
        write(dir, path, bytes);
    }
    write(dir, "tin-tuc/khai-giang/ảnh-trường.jpg", &noise(40_000, 1));
    write(dir, "tai-lieu/ke-hoach-nam-hoc.pdf", &noise(40_000, 2));
}

/// Number of files `make_site` writes.
pub const SITE_FILES: usize = 11;

pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

pub use testkit::noise;

/// Every file under `root` (relative `/` path -> bytes).
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !root.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(root) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_str().unwrap().to_string())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, fs::read(e.path()).unwrap());
        }
    }
    out
}

/// One test's site folder and its own folder on the server.
pub struct Fixture {
    pub proto: Proto,
    pub addr: SocketAddr,
    pub site: TempDir,
    pub cache: TempDir,
    /// The remote folder name, relative to the test user's home.
    pub name: String,
}

impl Fixture {
    /// A fresh site and an empty remote folder `t-<proto>-<name>`; `None` when skipped.
    pub fn new(proto: Proto, name: &str) -> Option<Fixture> {
        let addr = server(proto)?;
        let name = format!("t-{}-{name}", proto.scheme());
        let remote = home().join(&name);
        if remote.exists() {
            make_writable(&remote);
            fs::remove_dir_all(&remote).unwrap();
        }
        let site = tempfile::tempdir().unwrap();
        make_site(site.path());
        Some(Fixture {
            proto,
            addr,
            site,
            cache: tempfile::tempdir().unwrap(),
            name,
        })
    }

    pub fn out(&self) -> &Path {
        self.site.path()
    }

    /// The remote folder on this machine's disk.
    pub fn remote(&self) -> PathBuf {
        home().join(&self.name)
    }

    pub fn target(&self) -> Target {
        self.target_at(self.addr)
    }

    pub fn target_at(&self, addr: SocketAddr) -> Target {
        format!(
            "{}://{}@{}/{}",
            self.proto.scheme(),
            user(),
            addr,
            self.name
        )
        .parse()
        .unwrap()
    }

    pub fn options(&self) -> Options {
        Options {
            retries: 1,
            accept_invalid_certs: self.proto == Proto::Ftps,
            cache_dir: Some(self.cache.path().to_path_buf()),
            lang: i18n::Lang::En,
            ..Options::default()
        }
    }

    pub fn deploy(&self, opts: &Options) -> Result<Summary, DeployError> {
        deploy::deploy(self.out(), &self.target(), &password(), opts)
    }

    /// Deploys and panics with the message on failure.
    pub fn deploy_ok(&self, opts: &Options) -> Summary {
        self.deploy(opts)
            .unwrap_or_else(|e| panic!("{:?} deploy failed: {e}", self.proto))
    }

    /// The manifest as stored on the server.
    pub fn remote_manifest(&self) -> Manifest {
        let bytes = fs::read(self.remote().join(MANIFEST_NAME)).expect("no manifest on the server");
        Manifest::parse(&bytes).expect("the manifest on the server is not valid")
    }

    /// The server holds exactly the site's files (plus the manifest and `extra` foreign
    /// files), with the same bytes, no temporary leftovers, and a manifest that tells the truth.
    pub fn assert_server_matches_site(&self, extra: &[&str]) {
        let local = tree(self.out());
        let mut remote = tree(&self.remote());
        assert!(
            remote.remove(MANIFEST_NAME).is_some(),
            "no manifest on the server"
        );
        for e in extra {
            assert!(remote.remove(*e).is_some(), "foreign file {e} is gone");
        }
        let leftovers: Vec<_> = remote
            .keys()
            .filter(|k| k.contains(".bangtin-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
        assert_eq!(
            local.keys().collect::<Vec<_>>(),
            remote.keys().collect::<Vec<_>>(),
            "file lists differ"
        );
        for (k, v) in &local {
            assert!(remote[k] == *v, "{k} differs on the server");
        }
        let m = self.remote_manifest();
        assert_eq!(m.files.len(), local.len());
        for (k, v) in &local {
            assert_eq!(m.files.get(k), Some(&Entry::of(v)), "manifest entry of {k}");
        }
    }

    /// Every file the server's manifest claims is there with exactly that content.
    pub fn assert_manifest_truthful(&self) -> Manifest {
        let m = self.remote_manifest();
        for (path, entry) in &m.files {
            let bytes = fs::read(self.remote().join(path))
                .unwrap_or_else(|_| panic!("manifest claims {path} but it is not on the server"));
            assert_eq!(&Entry::of(&bytes), entry, "manifest claims a wrong {path}");
        }
        m
    }
}

/// Gives a folder back to the test user, writable (undoes what a test did to break uploads).
#[cfg(not(unix))]
pub fn make_writable(_dir: &Path) {}

/// Gives a folder back to the test user, writable (undoes what a test did to break uploads).
#[cfg(unix)]
pub fn make_writable(dir: &Path) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let owner = fs::metadata(home()).unwrap();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_dir() {
            let _ = fs::set_permissions(e.path(), fs::Permissions::from_mode(0o755));
        }
        let _ = std::os::unix::fs::chown(e.path(), Some(owner.uid()), Some(owner.gid()));
    }
}

/// Makes a file or folder belong to the test user (as if the school put it there).
#[cfg(unix)]
pub fn give_to_test_user(path: &Path) {
    use std::os::unix::fs::MetadataExt;
    let owner = fs::metadata(home()).unwrap();
    std::os::unix::fs::chown(path, Some(owner.uid()), Some(owner.gid())).unwrap();
}

/// A TCP relay to a real server that cuts its first connection once the client has sent
/// `cut_after` bytes: a network failure in the middle of a deploy. Later connections pass,
/// unless the relay is dead (`die_at_cut`, or `kill`): then they are closed at once.
pub struct Proxy {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicU64>,
    dead: Arc<AtomicBool>,
}

impl Proxy {
    /// From now on every new connection is closed at once, as if the server were down.
    pub fn kill(&self) {
        self.dead.store(true, Ordering::SeqCst);
    }
}

/// What the relay does once the first connection has carried its bytes.
#[derive(Clone, Copy, PartialEq)]
enum AtLimit {
    /// Close it; later connections pass.
    Cut,
    /// Close it and refuse every later connection (the line is down).
    Die,
    /// Keep it open and silent, swallowing what the client sends (a frozen router or server):
    /// only the client's own timeout can notice; later connections pass.
    Stall,
}

pub fn proxy(upstream: SocketAddr, cut_after: u64) -> Proxy {
    relay(upstream, cut_after, AtLimit::Cut)
}

/// Like `proxy`, but the line stays down after the cut.
pub fn proxy_dying(upstream: SocketAddr, cut_after: u64) -> Proxy {
    relay(upstream, cut_after, AtLimit::Die)
}

/// Like `proxy`, but the first connection stalls instead of closing.
pub fn proxy_stalling(upstream: SocketAddr, stall_after: u64) -> Proxy {
    relay(upstream, stall_after, AtLimit::Stall)
}

fn relay(upstream: SocketAddr, cut_after: u64, at_limit: AtLimit) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicU64::new(0));
    let dead = Arc::new(AtomicBool::new(false));
    let (count, dead2) = (connections.clone(), dead.clone());
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            if dead2.load(Ordering::SeqCst) {
                let _ = client.shutdown(Shutdown::Both);
                continue;
            }
            let Ok(server) = TcpStream::connect(upstream) else {
                return;
            };
            let first = count.fetch_add(1, Ordering::SeqCst) == 0;
            let limit = if first { cut_after } else { u64::MAX };
            let on_cut = if first && at_limit == AtLimit::Die {
                Some(dead2.clone())
            } else {
                None
            };
            let stall = at_limit == AtLimit::Stall;
            let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || pipe(client, server, limit, on_cut, stall));
            std::thread::spawn(move || pipe(s2, c2, u64::MAX, None, false));
        }
    });
    Proxy {
        addr,
        connections,
        dead,
    }
}

fn pipe(
    mut from: TcpStream,
    mut to: TcpStream,
    limit: u64,
    on_cut: Option<Arc<AtomicBool>>,
    stall: bool,
) {
    let mut sent = 0u64;
    let mut buf = [0u8; 4096];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let allowed = (limit - sent).min(n as u64) as usize;
        if to.write_all(&buf[..allowed]).is_err() {
            break;
        }
        sent += allowed as u64;
        if sent >= limit {
            if let Some(dead) = on_cut {
                dead.store(true, Ordering::SeqCst);
            }
            if stall {
                // Nothing more reaches the server and nothing closes: read and drop until the
                // client gives up and closes its end.
                while matches!(from.read(&mut buf), Ok(n) if n > 0) {}
            }
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
