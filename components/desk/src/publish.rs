//! Publishing from the desk: check, build and deploy (the same library calls as `bangtin
//! check`, `build` and `deploy`) in a background thread, one job at a time, with progress in
//! the teacher's words that any number of event streams can follow from the start. The
//! password comes with the request and lives in memory for that job only.

use crate::error::ApiError;
use i18n::{tr, Lang};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The environment variable that may name the deploy target instead of config.toml.
pub const TARGET_ENV: &str = "BANGTIN_DEPLOY_TARGET";

/// One publishing run: its events so far, and whether it ended.
pub struct Job {
    /// Its id, given to the browser.
    pub id: String,
    log: Mutex<(Vec<Value>, bool)>,
    cond: Condvar,
}

impl Job {
    fn push(&self, v: Value, end: bool) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.0.push(v);
        log.1 |= end;
        self.cond.notify_all();
    }

    /// The events from `from` on, waiting up to `wait` for one; and whether the job ended.
    fn since(&self, from: usize, wait: Duration) -> (Vec<Value>, bool) {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let (log, _) = self
            .cond
            .wait_timeout_while(log, wait, |l| l.0.len() <= from && !l.1)
            .unwrap_or_else(|e| e.into_inner());
        (log.0.get(from..).unwrap_or_default().to_vec(), log.1)
    }

    fn ended(&self) -> bool {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).1
    }
}

/// The jobs of one desk run: the running or last one.
#[derive(Default)]
pub struct Jobs {
    last: Mutex<Option<Arc<Job>>>,
}

impl Jobs {
    /// The job with this id, if it is the running or last one.
    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        last.as_ref().filter(|j| j.id == id).cloned()
    }
}

/// What a job needs: the site, the language, the credentials typed in the desk.
pub struct Request {
    /// The site folder.
    pub root: PathBuf,
    /// Message language.
    pub lang: Lang,
    /// Password for the host (else `BANGTIN_DEPLOY_PASSWORD`).
    pub password: Option<String>,
    /// Login name instead of the one in the target.
    pub user: Option<String>,
}

/// Starts publishing in the background → the job's id; 409 while another one runs.
pub fn start(jobs: &Jobs, req: Request) -> Result<String, ApiError> {
    let lang = req.lang;
    let mut last = jobs.last.lock().unwrap_or_else(|e| e.into_inner());
    if last.as_ref().is_some_and(|j| !j.ended()) {
        return Err(ApiError::new(
            409,
            tr!(
                lang,
                "đang đăng lên mạng rồi",
                "publishing is already running"
            ),
            tr!(
                lang,
                "hãy chờ lần đăng này xong",
                "wait for this run to finish"
            ),
        ));
    }
    let id = crate::files::stamp();
    let job = Arc::new(Job {
        id: id.clone(),
        log: Mutex::new((Vec::new(), false)),
        cond: Condvar::new(),
    });
    *last = Some(job.clone());
    std::thread::Builder::new()
        .name("bangtin-publish".into())
        .spawn(move || {
            let end = match run(&job, &req) {
                Ok(url) => json!({"end": true, "ok": true, "url": url}),
                Err(errors) => json!({"end": true, "ok": false, "errors": errors}),
            };
            job.push(end, true);
        })
        .map_err(|e| {
            let hint = tr!(lang, "hãy khởi động lại bangtin", "restart bangtin");
            ApiError::new(500, e.to_string(), hint)
        })?;
    Ok(id)
}

fn step(job: &Job, step: &str, message: String, done: usize, total: usize) {
    job.push(
        json!({"step": step, "message": message, "done": done, "total": total}),
        false,
    );
}

fn error(file: &str, line: usize, column: usize, message: String, hint: String) -> Value {
    json!({"file": file, "line": line, "column": column, "message": message, "hint": hint})
}

/// Check, build, deploy; the site's address, or the errors that stopped it.
fn run(job: &Arc<Job>, req: &Request) -> Result<String, Vec<Value>> {
    let (root, lang) = (req.root.as_path(), req.lang);
    let config = site::Config::load(root, lang).map_err(|d| {
        let hint = tr!(lang, "hãy sửa config.toml", "fix config.toml");
        vec![error(&shown(root, &d.file), d.line, d.col, d.message, hint)]
    })?;
    let target = target_of(&config, req, lang)?;
    let password = password_of(req)?;
    check_step(job, root, lang)?;
    build_step(job, root, lang)?;
    deploy_step(job, &config, root, &target, &password, lang)?;
    Ok(config.base_url.clone())
}

/// The password typed in the desk, else `BANGTIN_DEPLOY_PASSWORD`.
fn password_of(req: &Request) -> Result<String, Vec<Value>> {
    let lang = req.lang;
    req.password
        .clone()
        .filter(|p| !p.is_empty())
        .or_else(deploy::password_from_env)
        .ok_or_else(|| {
            let msg = tr!(
                lang,
                "chưa nhập mật khẩu của máy chủ",
                "the host's password is missing"
            );
            let hint = tr!(
                lang,
                "hãy nhập mật khẩu mà nơi cho thuê máy chủ đã cấp",
                "type the password your web host gave you"
            );
            vec![error("", 0, 0, msg, hint)]
        })
}

/// `bangtin check`: its errors stop publishing, each with its place.
fn check_step(job: &Job, root: &Path, lang: Lang) -> Result<(), Vec<Value>> {
    let msg = tr!(
        lang,
        "Đang kiểm tra bài viết, liên kết và ảnh…",
        "Checking posts, links and photos…"
    );
    step(job, "check", msg, 0, 3);
    let report = check::run(&check::Options {
        root: root.to_path_buf(),
        lang,
        external: false,
        drafts: false,
    });
    if report.has_errors() {
        let hint = tr!(
            lang,
            "hãy sửa bài ở chỗ được chỉ ra rồi bấm Đăng lên mạng lần nữa",
            "fix the post at the place shown, then press Publish again"
        );
        return Err(report
            .findings
            .iter()
            .filter(|f| f.severity == site::Severity::Error)
            .map(|f| {
                error(
                    &shown(root, &f.file),
                    f.line,
                    f.column,
                    f.message.clone(),
                    hint.clone(),
                )
            })
            .collect());
    }
    let (_, warnings) = report.counts();
    let msg = tr!(
        lang,
        "Kiểm tra xong: không có lỗi ({warnings} lưu ý).",
        "Checked: no errors ({warnings} notes)."
    );
    step(job, "check", msg, 1, 3);
    Ok(())
}

/// `bangtin build` into `public/`, its progress passed on.
fn build_step(job: &Job, root: &Path, lang: Lang) -> Result<(), Vec<Value>> {
    step(
        job,
        "build",
        tr!(lang, "Đang dựng trang web…", "Building the site…"),
        1,
        3,
    );
    let opts = site::Options::new(root.to_path_buf(), lang);
    let progress = |m: &str| step(job, "build", m.to_string(), 1, 3);
    let built = site::build(&opts, &progress).map_err(|f| {
        let hint = tr!(lang, "hãy sửa chỗ được chỉ ra", "fix the place shown");
        f.0.iter()
            .map(|d| {
                error(
                    &shown(root, &d.file),
                    d.line,
                    d.col,
                    d.message.clone(),
                    hint.clone(),
                )
            })
            .collect::<Vec<_>>()
    })?;
    let pages = built.pages;
    step(
        job,
        "build",
        tr!(lang, "Đã dựng {pages} trang.", "Built {pages} pages."),
        2,
        3,
    );
    Ok(())
}

/// `bangtin deploy` of `public/` with the password of this job.
fn deploy_step(
    job: &Arc<Job>,
    config: &site::Config,
    root: &Path,
    target: &deploy::Target,
    password: &str,
    lang: Lang,
) -> Result<(), Vec<Value>> {
    let server = target.server();
    let msg = tr!(
        lang,
        "Đang tải lên máy chủ {server}…",
        "Uploading to {server}…"
    );
    step(job, "deploy", msg, 2, 3);
    let on_file = {
        let job = job.clone();
        move |done: usize, total: usize, path: &str| {
            let msg = tr!(lang, "Đang tải lên {path}", "Uploading {path}");
            job.push(
                json!({"step": "deploy", "message": msg, "done": done, "total": total}),
                false,
            );
        }
    };
    let opts = deploy::Options {
        lang,
        accept_invalid_certs: config.deploy.accept_invalid_certs,
        timeout: config
            .deploy
            .timeout
            .map_or(deploy::DEFAULT_IO_TIMEOUT, std::time::Duration::from_secs),
        cache_dir: Some(root.join(".bangtin-cache").join("deploy")),
        on_file: Some(deploy::OnFile(Arc::new(on_file))),
        ..deploy::Options::default()
    };
    let summary = deploy::deploy(&root.join("public"), target, password, &opts).map_err(|e| {
        let hint = tr!(
            lang,
            "hãy kiểm tra mạng, tên đăng nhập và mật khẩu rồi thử lại",
            "check the network, the login and the password, then try again"
        );
        vec![error("", 0, 0, e.message(lang), hint)]
    })?;
    step(job, "deploy", summary.message(lang), 3, 3);
    Ok(())
}

/// The deploy target: config.toml's, else the environment's; the login name may be replaced.
fn target_of(
    config: &site::Config,
    req: &Request,
    lang: Lang,
) -> Result<deploy::Target, Vec<Value>> {
    let url = config
        .deploy
        .target
        .clone()
        .or_else(|| std::env::var(TARGET_ENV).ok().filter(|t| !t.is_empty()))
        .ok_or_else(|| {
            vec![error("config.toml", 0, 0, tr!(lang, "trang chưa có địa chỉ máy chủ để đăng lên", "the site has no server to publish to"), tr!(lang, "hãy thêm [deploy] target = \"ftp://tên@máy-chủ/public_html\" vào config.toml (hỏi nơi cho thuê máy chủ)", "add [deploy] target = \"ftp://user@host/public_html\" to config.toml (ask your web host)"))]
        })?;
    let mut target: deploy::Target = url.parse().map_err(|e: deploy::DeployError| {
        vec![error(
            "config.toml",
            0,
            0,
            e.message(lang),
            tr!(
                lang,
                "hãy sửa [deploy] target trong config.toml",
                "fix [deploy] target in config.toml"
            ),
        )]
    })?;
    if let Some(u) = req.user.as_ref().filter(|u| !u.trim().is_empty()) {
        target.user = u.trim().to_string();
    }
    Ok(target)
}

fn shown(root: &Path, file: &Path) -> String {
    crate::files::rel_of(root, file)
}

/// Streams a job's events as Server-Sent Events until it ends (or the browser goes away).
pub fn stream(job: &Job, mut out: Box<dyn Write + Send>) -> std::io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
          Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nTransfer-Encoding: chunked\r\n\r\n",
    )?;
    let mut sent = 0;
    loop {
        let (events, ended) = job.since(sent, Duration::from_secs(15));
        if events.is_empty() && !ended {
            chunk(&mut out, ": keep-alive\n\n")?;
        }
        for e in &events {
            chunk(&mut out, &format!("data: {e}\n\n"))?;
        }
        sent += events.len();
        if ended && events.is_empty() {
            break;
        }
    }
    out.write_all(b"0\r\n\r\n")?;
    out.flush()
}

fn chunk(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    write!(out, "{:x}\r\n{text}\r\n", text.len())?;
    out.flush()
}
