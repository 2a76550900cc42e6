//! `bangtin serve`: builds the site into memory, serves it on a loopback port, watches the site
//! folder and tells open tabs to reload (Server-Sent Events) or shows the build error on top of
//! the last good version. Never writes into `public/`.

pub mod http;
pub mod live;
pub mod watch;

use http::{Files, Target};
use i18n::{tr, Lang};
use notify::Watcher;
use site::Diagnostic;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tiny_http::{Header, Method, Request, Response};

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

/// What is served now.
struct State {
    /// The last good build (`None` until one succeeds).
    files: Option<Arc<Files>>,
    /// Errors of the latest build (empty when it succeeded).
    errors: Vec<Diagnostic>,
    /// Bumped whenever the served files change.
    version: u64,
    /// How long the latest build took.
    last_build: Duration,
}

/// Everything the request threads and the watcher share.
struct Shared {
    state: RwLock<State>,
    hub: live::Hub,
    lang: Lang,
    /// Differs between two runs of the server, so a tab that reconnects to a new one reloads.
    session: u64,
    /// Listening on loopback only: requests must name this computer (see `host_is_local`).
    loopback: bool,
}

impl Shared {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    fn version_tag(&self, version: u64) -> String {
        format!("{:x}-{version}", self.session)
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

struct Builder {
    session: site::Session,
}

/// One build into memory.
struct Outcome {
    result: Result<site::Output, Vec<Diagnostic>>,
    pages: usize,
    elapsed: Duration,
    /// Pages and bodies taken from the session cache, and rendered.
    reuse: (usize, usize),
    /// Only the changed files were read again.
    incremental: bool,
    /// Search index files are left to rebuild (`Session::finish`).
    search_pending: bool,
}

impl Builder {
    fn build(&mut self, changed: &[PathBuf]) -> Outcome {
        let started = Instant::now();
        match self.session.rebuild(changed) {
            Ok(u) => Outcome {
                pages: u.pages,
                reuse: (u.reuse.reused, u.reuse.rendered),
                result: Ok(u.output),
                elapsed: started.elapsed(),
                incremental: u.incremental,
                search_pending: u.search_pending,
            },
            Err(site::Failed(errs)) => Outcome {
                pages: 0,
                reuse: (0, 0),
                result: Err(errs),
                elapsed: started.elapsed(),
                incremental: false,
                search_pending: false,
            },
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn print_errors(errors: &[Diagnostic], lang: Lang) {
    for d in errors {
        eprintln!("{}", d.render(lang));
    }
}

impl Server {
    /// Builds the site, starts listening and watching. A failing first build still starts the
    /// server: the browser shows the errors until they are fixed.
    pub fn start(opts: Options) -> Result<Server, ServeError> {
        let lang = opts.lang;
        if !opts.root.join("config.toml").is_file() {
            return Err(ServeError::NotASite(opts.root.clone()));
        }
        // Watch events carry absolute, symlink-free paths on some systems (macOS).
        let root = opts
            .root
            .canonicalize()
            .unwrap_or_else(|_| opts.root.clone());
        let listener = listen(opts.bind, opts.port)?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError::Http(e.to_string()))?;

        let mut build_opts = site::Options::new(root.clone(), lang);
        build_opts.drafts = opts.drafts;
        build_opts.future = opts.future;
        build_opts.base_url = Some(preview_base_url(addr));
        build_opts.inject = Some(live::SNIPPET.to_string());
        // Rebuilds re-read only the changed files and re-render what shows them.
        let mut builder = Builder {
            session: site::Session::new(build_opts),
        };

        let first = builder.build(&[]);
        let state = match first.result {
            Ok(output) => {
                let files = match output {
                    site::Output::All(f) => f,
                    site::Output::Changed(_) => Files::new(),
                };
                if !opts.quiet {
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
                if !opts.quiet {
                    print_errors(&errors, lang);
                }
                State {
                    files: None,
                    errors,
                    version: 0,
                    last_build: first.elapsed,
                }
            }
        };
        let session = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ u64::from(std::process::id());
        let shared = Arc::new(Shared {
            state: RwLock::new(state),
            hub: live::Hub::default(),
            lang,
            session,
            loopback: addr.ip().is_loopback(),
        });

        // Watch before serving, so no edit made after start() returns is missed.
        let (watch_tx, watch_rx) = mpsc::channel();
        let fs_tx = watch_tx.clone();
        let mut watcher = notify::recommended_watcher(move |ev| {
            let _ = fs_tx.send(watch::Msg::Fs(ev));
        })
        .map_err(|source| ServeError::Watch {
            path: root.clone(),
            source,
        })?;
        watcher
            .watch(&root, notify::RecursiveMode::NonRecursive)
            .map_err(|source| ServeError::Watch {
                path: root.clone(),
                source,
            })?;
        for d in watch::WATCHED_DIRS {
            let p = root.join(d);
            if p.is_dir() {
                watcher
                    .watch(&p, notify::RecursiveMode::Recursive)
                    .map_err(|source| ServeError::Watch { path: p, source })?;
            }
        }
        let (done_tx, watch_done) = mpsc::channel::<()>();
        let watch_thread = {
            let shared = shared.clone();
            let root = root.clone();
            let quiet = opts.quiet;
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
        Ok(Server {
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

/// How long after the last change the search index of edited pages is brought up to date.
const SEARCH_AFTER: Duration = Duration::from_millis(400);

/// Rebuilds after every burst of changes until the server stops.
fn watch_loop(
    root: PathBuf,
    mut watcher: notify::RecommendedWatcher,
    rx: mpsc::Receiver<watch::Msg>,
    mut builder: Builder,
    shared: Arc<Shared>,
    quiet: bool,
) {
    let lang = shared.lang;
    let mut on_event = |ev: &notify::Event| {
        // A watched folder created after start (e.g. the first file in static/).
        if ev.kind.is_create() {
            for p in &ev.paths {
                let top = p.parent() == Some(root.as_path());
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if top && watch::WATCHED_DIRS.contains(&name) && p.is_dir() {
                    let _ = watcher.watch(p, notify::RecursiveMode::Recursive);
                }
            }
        }
    };
    let mut search_pending = false;
    loop {
        // The search index is rebuilt once the teacher pauses, so it never delays a page.
        let idle = search_pending.then_some(SEARCH_AFTER);
        let burst = match watch::next_burst_within(&root, &rx, &mut on_event, idle) {
            watch::Waited::Burst(b) => b,
            watch::Waited::Stopped => break,
            watch::Waited::Idle => {
                search_pending = false;
                let delta = builder.session.finish();
                let mut st = shared.write();
                if let Some(files) = st.files.as_mut() {
                    let files = Arc::make_mut(files);
                    for k in delta.remove {
                        files.remove(&k);
                    }
                    files.extend(delta.write);
                }
                continue;
            }
        };
        if !quiet {
            for e in &burst.errors {
                eprintln!(
                    "{}",
                    tr!(lang, "theo dõi thay đổi: {e}", "watching for changes: {e}")
                );
            }
        }
        if !burst.errors.is_empty() {
            builder.session.forget();
        }
        let paths: Vec<PathBuf> = burst.paths.iter().cloned().collect();
        let outcome = builder.build(&paths);
        search_pending |= outcome.search_pending;
        apply(&shared, outcome, &burst, quiet);
    }
}

/// Files whose bytes differ between two builds (added, removed or changed).
fn changed_files(old: &Files, new: &Files) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
    out
}

/// Publishes a build: new files and a reload, a stylesheet refresh, or the error overlay.
fn apply(shared: &Shared, outcome: Outcome, burst: &watch::Burst, quiet: bool) {
    let lang = shared.lang;
    let what: Vec<String> = burst
        .paths
        .iter()
        .take(3)
        .map(|p| site::diag::display_path(p))
        .collect();
    let what = what.join(", ");
    // Events go out while the lock is held: a tab that connects meanwhile either gets them or
    // sees the new state in its first frames, never both and never neither.
    let mut st = shared.write();
    st.last_build = outcome.elapsed;
    match outcome.result {
        Ok(output) => {
            let had_errors = !st.errors.is_empty();
            st.errors.clear();
            let (files, changed) = match (output, st.files.take()) {
                (site::Output::All(files), old) => {
                    let changed = old.as_ref().map(|old| changed_files(old, &files));
                    (Arc::new(files), changed)
                }
                (site::Output::Changed(delta), Some(mut old)) => {
                    // Usually no request holds the map now, so nothing is copied.
                    let files = Arc::make_mut(&mut old);
                    let mut changed = Vec::new();
                    for (k, v) in delta.write {
                        if files.get(&k) != Some(&v) {
                            changed.push(k.clone());
                            files.insert(k, v);
                        }
                    }
                    for k in delta.remove {
                        if files.remove(&k).is_some() {
                            changed.push(k);
                        }
                    }
                    (old, Some(changed))
                }
                (site::Output::Changed(_), None) => (Arc::new(Files::new()), None),
            };
            st.files = Some(files);
            match changed {
                Some(c) if c.is_empty() => {
                    if had_errors {
                        shared
                            .hub
                            .broadcast(&live::frame("build-ok", &serde_json::json!({})));
                    }
                }
                changed => {
                    st.version += 1;
                    let data = serde_json::json!({ "version": shared.version_tag(st.version) });
                    let css_only = changed
                        .as_ref()
                        .is_some_and(|c| burst.css_only() || c.iter().all(|k| k.ends_with(".css")));
                    let event = if css_only { "css" } else { "reload" };
                    shared.hub.broadcast(&live::frame(event, &data));
                }
            }
            drop(st);
            if !quiet {
                let t = ms(outcome.elapsed);
                let (kept, redone) = outcome.reuse;
                let line = if outcome.incremental {
                    tr!(
                        lang,
                        "Đã dựng lại ({what}) trong {t}: chỉ đọc lại tệp đã sửa, dựng lại {redone} phần hiển thị nó.",
                        "Rebuilt ({what}) in {t}: only the edited file read again, {redone} parts that show it rendered."
                    )
                } else {
                    tr!(
                        lang,
                        "Đã dựng lại ({what}) trong {t}: dựng {redone} phần, giữ nguyên {kept} phần.",
                        "Rebuilt ({what}) in {t}: {redone} parts rendered, {kept} reused."
                    )
                };
                println!("{line}");
            }
        }
        Err(errors) => {
            let frame = live::frame("build-error", &live::error_data(&errors, lang));
            if !quiet {
                eprintln!(
                    "{}",
                    tr!(
                        lang,
                        "Không dựng lại được ({what}); vẫn hiển thị bản tốt gần nhất:",
                        "Rebuild failed ({what}); the last good version is still served:"
                    )
                );
                print_errors(&errors, lang);
            }
            st.errors = errors;
            shared.hub.broadcast(&frame);
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    // Names and values here are ASCII built by this module, so this cannot fail; fall back to
    // a harmless header rather than panic.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Bangtin"[..], &b"1"[..]).expect("ascii"))
}

fn respond_bytes(req: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let resp = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = req.respond(resp);
}

fn respond_text(req: Request, status: u16, text: String) {
    respond_bytes(req, status, "text/plain; charset=utf-8", text.into_bytes());
}

/// Answers one request from the in-memory site.
fn handle(shared: &Arc<Shared>, req: Request) {
    let lang = shared.lang;
    let method = req.method().clone();
    if method != Method::Get && method != Method::Head {
        let resp = Response::from_string(tr!(
            lang,
            "máy chủ xem trước chỉ nhận GET và HEAD",
            "the preview server only answers GET and HEAD"
        ))
        .with_status_code(405)
        .with_header(header("Allow", "GET, HEAD"));
        let _ = req.respond(resp);
        return;
    }
    if shared.loopback {
        let host = req
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_string())
            .unwrap_or_default();
        if !http::host_is_local(&host) {
            return respond_text(
                req,
                400,
                tr!(
                    lang,
                    "máy chủ xem trước chỉ trả lời địa chỉ 127.0.0.1 hoặc localhost",
                    "the preview server only answers to 127.0.0.1 or localhost"
                ),
            );
        }
    }
    let url = req.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path == live::EVENTS_PATH && method == Method::Get {
        let shared = shared.clone();
        // One thread per open tab; it ends when the tab closes or the server stops.
        let _ = std::thread::Builder::new()
            .name("bangtin-events".into())
            .spawn(move || {
                let (rx, first) = {
                    let st = shared.read();
                    let rx = shared.hub.subscribe();
                    let mut first = vec![live::frame(
                        "hello",
                        &serde_json::json!({ "version": shared.version_tag(st.version) }),
                    )];
                    if !st.errors.is_empty() {
                        first.push(live::frame(
                            "build-error",
                            &live::error_data(&st.errors, shared.lang),
                        ));
                    }
                    (rx, first)
                };
                let _ = live::stream(req.into_writer(), first, rx);
            });
        return;
    }
    if path == live::SCRIPT_PATH {
        respond_bytes(
            req,
            200,
            http::content_type("live.js"),
            live::SCRIPT.as_bytes().to_vec(),
        );
        return;
    }
    let (files, errors) = {
        let st = shared.read();
        (st.files.clone(), st.errors.clone())
    };
    let Some(files) = files else {
        // No good build yet: every page is the error list, which reloads when fixed.
        respond_bytes(
            req,
            503,
            http::content_type("x.html"),
            live::error_page(&errors, lang).into_bytes(),
        );
        return;
    };
    match http::resolve(&files, &url) {
        Target::File(key) => {
            let body = files.get(&key).cloned().unwrap_or_default();
            respond_bytes(req, 200, http::content_type(&key), body);
        }
        Target::Redirect(location) => {
            let resp = Response::empty(301)
                .with_header(header("Location", &location))
                .with_header(header("Cache-Control", "no-store"));
            let _ = req.respond(resp);
        }
        Target::NotFound(Some(page)) => {
            let body = files.get(&page).cloned().unwrap_or_default();
            respond_bytes(req, 404, http::content_type(&page), body);
        }
        Target::NotFound(None) => respond_text(
            req,
            404,
            tr!(
                lang,
                "không có trang này (trang web chưa có 404.html)",
                "no such page (and the site has no 404.html)"
            ),
        ),
        Target::Bad => respond_text(
            req,
            400,
            tr!(lang, "đường dẫn không hợp lệ", "this path is not allowed"),
        ),
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
    fn changed_files_sees_added_removed_and_edited() {
        let mut a = Files::new();
        a.insert("x".into(), b"1".to_vec());
        a.insert("y".into(), b"1".to_vec());
        let mut b = a.clone();
        b.insert("x".into(), b"2".to_vec());
        b.remove("y");
        b.insert("z".into(), b"1".to_vec());
        let mut c = changed_files(&a, &b);
        c.sort();
        assert_eq!(c, ["x", "y", "z"]);
        assert!(changed_files(&a, &a).is_empty());
    }

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
