//! `bangtin serve`: builds the site into memory, serves it on a loopback port, watches the site
//! folder and tells open tabs to reload (Server-Sent Events) or shows the build error on top of
//! the last good version. Never writes into `public/`.

mod desk_port;
pub mod http;
pub mod live;
mod rebuild;
mod respond;
mod shared;
pub mod watch;

use http::Files;
use i18n::{tr, Lang};
use rebuild::{ms, print_errors, watch_loop, Builder};
use respond::handle;
use shared::{Shared, State};
use site::Diagnostic;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 100;
/// Threads answering ordinary requests (event streams get a thread each).
const WORKERS: usize = 4;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site folder.
    pub root: PathBuf,
    /// Address to listen on (127.0.0.1 unless asked).
    pub bind: IpAddr,
    /// Port; the next free one is used when taken (0: any free port).
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// Include future pages.
    pub future: bool,
    /// Message language.
    pub lang: Lang,
    /// Print nothing about builds (tests, benchmarks).
    pub quiet: bool,
    /// Serve the teacher's desk on a second port (docs/DESK.md).
    pub desk: bool,
    /// The desk's port; `None`: the next free one after the preview's.
    pub desk_port: Option<u16>,
    /// Scan for changes at this interval instead of asking the system (`serve --poll`).
    pub poll: Option<Duration>,
}

impl Options {
    /// Defaults for a site folder.
    pub fn new(root: PathBuf, lang: Lang) -> Self {
        Options {
            root,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            drafts: false,
            future: false,
            lang,
            quiet: false,
            desk: true,
            desk_port: None,
            poll: None,
        }
    }
}

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The folder has no config.toml.
    #[error("{0}: no config.toml")]
    NotASite(PathBuf),
    /// Every port tried is taken.
    #[error("ports {from}-{to} on {bind} are all taken")]
    NoFreePort {
        /// Address asked for.
        bind: IpAddr,
        /// First port tried.
        from: u16,
        /// Last port tried.
        to: u16,
    },
    /// The address cannot be listened on (not ours, or a privileged port).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address and port.
        addr: SocketAddr,
        /// The cause.
        source: io::Error,
    },
    /// The HTTP server could not start.
    #[error("HTTP server: {0}")]
    Http(String),
    /// A folder cannot be watched.
    #[error("cannot watch {path}: {source}")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: notify::Error,
    },
    /// Ctrl-C cannot be caught.
    #[error("cannot catch Ctrl-C: {0}")]
    Signal(#[from] ctrlc::Error),
}

impl ServeError {
    /// The message in the user's language, with what to do about it.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ServeError::NotASite(p) => {
                let p = site::diag::display_path(p);
                tr!(
                    lang,
                    "thư mục {p} không có tệp config.toml: hãy chạy lệnh trong thư mục của trang (hoặc dùng --root), hoặc tạo trang mới bằng `bangtin init`",
                    "the folder {p} has no config.toml: run the command inside the site folder (or use --root), or create a site with `bangtin init`"
                )
            }
            ServeError::NoFreePort { bind, from, to } => tr!(
                lang,
                "các cổng từ {from} đến {to} trên {bind} đều đang bận: hãy đóng chương trình đang dùng chúng hoặc chọn cổng khác bằng --port",
                "ports {from} to {to} on {bind} are all in use: close the program using them or choose another port with --port"
            ),
            ServeError::Bind { addr, source } => tr!(
                lang,
                "không mở được {addr} ({source}): địa chỉ --bind phải là một địa chỉ của máy này, và cổng dưới 1024 cần quyền quản trị; hãy thử --port 1111",
                "cannot listen on {addr} ({source}): the --bind address must belong to this computer, and ports below 1024 need administrator rights; try --port 1111"
            ),
            ServeError::Http(e) => tr!(
                lang,
                "không khởi động được máy chủ xem trước: {e}",
                "cannot start the preview server: {e}"
            ),
            ServeError::Watch { path, source } => {
                let p = site::diag::display_path(path);
                tr!(
                    lang,
                    "không theo dõi được thay đổi trong {p} ({source}); trên Linux có thể cần tăng fs.inotify.max_user_watches",
                    "cannot watch {p} for changes ({source}); on Linux fs.inotify.max_user_watches may need raising"
                )
            }
            ServeError::Signal(e) => tr!(
                lang,
                "không bắt được Ctrl-C ({e})",
                "cannot catch Ctrl-C ({e})"
            ),
        }
    }
}

/// A running preview server. Dropping it without [`Server::stop`] leaves its threads running.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    http: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
    watch_tx: Sender<watch::Msg>,
    watch_thread: Option<JoinHandle<()>>,
    /// Disconnects when the watcher thread ends.
    watch_done: mpsc::Receiver<()>,
    /// The teacher's desk, on its own port.
    desk: Option<desk::DeskServer>,
}

/// Finds a port: the asked one, else the next free one.
fn listen(bind: IpAddr, port: u16) -> Result<TcpListener, ServeError> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES - 1)
    };
    for p in port..=last {
        let addr = SocketAddr::new(bind, p);
        match TcpListener::bind(addr) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(source) => return Err(ServeError::Bind { addr, source }),
        }
    }
    Err(ServeError::NoFreePort {
        bind,
        from: port,
        to: last,
    })
}

/// Links in the preview point to the preview: its own address, or root-relative links when
/// listening on every interface (the page may be opened from another device by any name).
fn preview_base_url(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        String::new()
    } else {
        format!("http://{addr}")
    }
}

/// The site folder, symlink-free when it can be, once it is known to hold a config.toml.
fn site_root(opts: &Options) -> Result<PathBuf, ServeError> {
    if !opts.root.join("config.toml").is_file() {
        return Err(ServeError::NotASite(opts.root.clone()));
    }
    // Watch events carry absolute, symlink-free paths on some systems (macOS).
    let root = opts
        .root
        .canonicalize()
        .unwrap_or_else(|_| opts.root.clone());
    // The preview never writes public/, but clears what killed builds left beside it.
    let _ = site::clear_dead(&root.join("public"));
    Ok(root)
}

/// The build session of the preview: links to `addr`, the live-reload snippet in every page.
fn builder_for(opts: &Options, root: &Path, addr: SocketAddr) -> Builder {
    let mut build_opts = site::Options::new(root.to_path_buf(), opts.lang);
    build_opts.drafts = opts.drafts;
    build_opts.future = opts.future;
    build_opts.base_url = Some(preview_base_url(addr));
    build_opts.inject = Some(live::SNIPPET.to_string());
    // Rebuilds re-read only the changed files and re-render what shows them.
    Builder {
        session: site::Session::new(build_opts),
    }
}

/// Runs the first build and says how it went; its result is the server's first state.
fn first_build(builder: &mut Builder, quiet: bool, lang: Lang) -> State {
    let first = builder.build(&[]);
    match first.result {
        Ok(output) => {
            let files = match output {
                site::Output::All(f) => f,
                site::Output::Changed(_) => Files::new(),
            };
            if !quiet {
                let (n, t) = (first.pages, ms(first.elapsed));
                println!(
                    "{}",
                    tr!(
                        lang,
                        "Đã dựng {n} trang vào bộ nhớ trong {t}.",
                        "Built {n} pages into memory in {t}."
                    )
                );
            }
            State {
                files: Some(Arc::new(files)),
                errors: Vec::new(),
                version: 1,
                last_build: first.elapsed,
            }
        }
        Err(errors) => {
            if !quiet {
                print_errors(&errors, lang);
            }
            State {
                files: None,
                errors,
                version: 0,
                last_build: first.elapsed,
            }
        }
    }
}

/// A number telling this run of the server from earlier ones (the clock and the process id).
fn session_id() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
        ^ u64::from(std::process::id())
}

/// Starts the threads answering ordinary requests.
fn spawn_workers(
    http: &Arc<tiny_http::Server>,
    shared: &Arc<Shared>,
) -> Result<Vec<JoinHandle<()>>, ServeError> {
    let mut workers = Vec::new();
    for i in 0..WORKERS {
        let http = http.clone();
        let shared = shared.clone();
        let w = std::thread::Builder::new()
            .name(format!("bangtin-http-{i}"))
            .spawn(move || {
                while let Ok(req) = http.recv() {
                    handle(&shared, req);
                }
            })
            .map_err(|e| ServeError::Http(e.to_string()))?;
        workers.push(w);
    }
    Ok(workers)
}

impl Server {
    /// Builds the site, starts listening and watching. A failing first build still starts the
    /// server: the browser shows the errors until they are fixed.
    pub fn start(opts: Options) -> Result<Server, ServeError> {
        let lang = opts.lang;
        let root = site_root(&opts)?;
        let listener = listen(opts.bind, opts.port)?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError::Http(e.to_string()))?;
        let mut builder = builder_for(&opts, &root, addr);
        let state = first_build(&mut builder, opts.quiet, lang);
        let shared = Arc::new(Shared {
            state: RwLock::new(state),
            hub: live::Hub::default(),
            lang,
            session: session_id(),
            loopback: addr.ip().is_loopback(),
            extras: RwLock::default(),
        });

        // Watch before serving, so no edit made after start() returns is missed.
        let (watch_tx, watch_rx) = mpsc::channel();
        let watcher = watch::start(&root, opts.poll, watch_tx.clone())
            .map_err(|(path, source)| ServeError::Watch { path, source })?;
        // Shared with the desk, which renders unsaved text through the same session.
        let builder_shared = Arc::new(Mutex::new(builder));
        let (done_tx, watch_done) = mpsc::channel::<()>();
        let watch_thread = {
            let shared = shared.clone();
            let root = root.clone();
            let quiet = opts.quiet;
            let builder = builder_shared.clone();
            std::thread::Builder::new()
                .name("bangtin-watch".into())
                .spawn(move || {
                    let _done = done_tx;
                    watch_loop(root, watcher, watch_rx, builder, shared, quiet)
                })
                .map_err(|e| ServeError::Http(e.to_string()))?
        };

        let http = Arc::new(
            tiny_http::Server::from_listener(listener, None)
                .map_err(|e| ServeError::Http(e.to_string()))?,
        );
        let workers = spawn_workers(&http, &shared)?;
        let desk = desk_port::start(&opts, &root, addr, &builder_shared, &shared)?;
        Ok(Server {
            desk,
            addr,
            shared,
            http,
            workers,
            watch_tx,
            watch_thread: Some(watch_thread),
            watch_done,
        })
    }

    /// The address actually listened on (the port may differ from the one asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address to open in a browser.
    pub fn url(&self) -> String {
        if self.addr.ip().is_unspecified() {
            format!("http://127.0.0.1:{}/", self.addr.port())
        } else {
            format!("http://{}/", self.addr)
        }
    }

    /// The desk's address (`http://127.0.0.1:Q/_bangtin/`), when it runs.
    pub fn desk_url(&self) -> Option<String> {
        self.desk.as_ref().map(desk::DeskServer::url)
    }

    /// The desk's token for this run, when it runs.
    pub fn desk_token(&self) -> Option<String> {
        self.desk.as_ref().map(|d| d.token().to_string())
    }

    /// Errors of the latest build (empty when it succeeded).
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.shared.read().errors.clone()
    }

    /// How long the latest build (first or re-) took.
    pub fn last_build_time(&self) -> Duration {
        self.shared.read().last_build
    }

    /// Stops watching, ends the event streams and stops listening. A rebuild in progress is
    /// waited for a few seconds at most, then left to finish on its own (its result is dropped).
    pub fn stop(mut self) {
        if let Some(d) = self.desk.take() {
            d.stop();
        }
        let _ = self.watch_tx.send(watch::Msg::Stop);
        self.shared.hub.close();
        for _ in &self.workers {
            self.http.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        // The sender side is dropped when the watcher thread ends.
        let ended = matches!(
            self.watch_done.recv_timeout(Duration::from_secs(5)),
            Err(mpsc::RecvTimeoutError::Disconnected)
        );
        if let (true, Some(t)) = (ended, self.watch_thread.take()) {
            let _ = t.join();
        }
    }
}

/// Serves until Ctrl-C.
pub fn run(opts: Options) -> Result<(), ServeError> {
    let lang = opts.lang;
    let (tx, rx) = mpsc::channel();
    let presses = std::sync::atomic::AtomicUsize::new(0);
    ctrlc::set_handler(move || {
        // A second Ctrl-C does not wait for anything.
        if presses.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
            std::process::exit(130);
        }
        let _ = tx.send(());
    })?;
    if !opts.bind.is_loopback() {
        let bind = opts.bind;
        eprintln!(
            "{}",
            tr!(
                lang,
                "Cảnh báo: đang mở trang xem trước trên {bind}: các máy khác trong cùng mạng có thể xem cả bài nháp. Bỏ --bind để chỉ xem trên máy này.",
                "Warning: the preview is open on {bind}: other computers on the network can see it, drafts included. Leave out --bind to keep it on this computer."
            )
        );
    }
    let asked = opts.port;
    let server = Server::start(opts)?;
    let port = server.addr().port();
    if asked != 0 && port != asked {
        println!(
            "{}",
            tr!(
                lang,
                "Cổng {asked} đang bận, dùng cổng {port}.",
                "Port {asked} is in use, using port {port}."
            )
        );
    }
    if let Some(desk) = server.desk_url() {
        println!(
            "{}",
            tr!(
                lang,
                "Bàn soạn bài (viết bài, thêm ảnh, đăng lên mạng): {desk}",
                "The desk (write posts, add photos, publish): {desk}"
            )
        );
    }
    let url = server.url();
    println!(
        "{}",
        tr!(
            lang,
            "Xem trước tại {url} — trang tự tải lại khi bạn lưu tệp. Nhấn Ctrl-C để dừng.",
            "Preview at {url} — pages reload by themselves when you save a file. Press Ctrl-C to stop."
        )
    );
    let _ = rx.recv();
    println!("{}", tr!(lang, "Đang dừng…", "Stopping…"));
    server.stop();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_port_moves_to_the_next_one() {
        let first = listen(IpAddr::V4(Ipv4Addr::LOCALHOST), 0).unwrap();
        let port = first.local_addr().unwrap().port();
        if port >= u16::MAX - 1 {
            return;
        }
        match listen(IpAddr::V4(Ipv4Addr::LOCALHOST), port) {
            Ok(l) => assert_ne!(l.local_addr().unwrap().port(), port),
            // The next ports may belong to other programs; all taken is an honest answer too.
            Err(e) => assert!(matches!(e, ServeError::NoFreePort { .. }), "{e}"),
        }
    }

    #[test]
    fn messages_in_both_languages() {
        let e = ServeError::NotASite(PathBuf::from("x"));
        assert!(e.message(Lang::Vi).contains("config.toml"));
        assert!(e.message(Lang::En).contains("bangtin init"));
        assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
    }

    #[test]
    fn preview_links_follow_the_address() {
        let a: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        assert_eq!(preview_base_url(a), "http://127.0.0.1:1111");
        let a: SocketAddr = "[::1]:1111".parse().unwrap();
        assert_eq!(preview_base_url(a), "http://[::1]:1111");
        let a: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(preview_base_url(a), "");
    }
}
