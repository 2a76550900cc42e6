//! Links to other websites: checked over HTTP by a small pool of threads, at most a few at a
//! time per host, with a timeout and retries; answers that were fine are cached for a day.

use i18n::{tr, Lang};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How external links are checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time allowed for one request, connection included.
    pub timeout: Duration,
    /// Extra attempts after a timeout, a network error, 429 or 5xx.
    pub retries: u32,
    /// First pause before a retry; doubled after each one.
    pub backoff: Duration,
    /// Requests at the same time to one host (be polite to small school servers).
    pub per_host: usize,
    /// Requests at the same time overall.
    pub threads: usize,
    /// How long a good answer is trusted.
    pub cache_for: Duration,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_millis(500),
            per_host: 2,
            threads: 8,
            cache_for: Duration::from_secs(24 * 60 * 60),
            user_agent: format!(
                "bangtin-link-check/{} (static site generator)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// What a URL answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx, after following redirects.
    Ok {
        /// Final status.
        status: u16,
    },
    /// 404 or 410: the page is gone.
    NotFound {
        /// Status.
        status: u16,
    },
    /// Another error status (403, 429, 500...): maybe temporary or for robots only.
    Status {
        /// Status.
        status: u16,
    },
    /// No answer: timeout, unknown host, refused connection, TLS failure.
    Failed {
        /// Why, in the HTTP library's words.
        reason: String,
    },
}

impl Outcome {
    /// Worth another try (the server may answer next time).
    fn retryable(&self) -> bool {
        match self {
            Outcome::Failed { .. } => true,
            Outcome::Status { status } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// A message for the author about `url`.
    pub fn message(&self, url: &str, lang: Lang) -> String {
        match self {
            Outcome::Ok { status } => tr!(
                lang,
                "liên kết {url} hoạt động ({status})",
                "link {url} works ({status})"
            ),
            Outcome::NotFound { status } => tr!(
                lang,
                "liên kết ngoài {url} không còn tồn tại (mã {status}). Tìm địa chỉ mới của trang đó hoặc bỏ liên kết.",
                "external link {url} no longer exists (status {status}). Find the page's new address or remove the link."
            ),
            Outcome::Status { status } => tr!(
                lang,
                "liên kết ngoài {url} trả lời lỗi (mã {status}). Mở thử bằng trình duyệt; nếu trang không mở được, sửa hoặc bỏ liên kết.",
                "external link {url} answered with an error (status {status}). Open it in a browser; if it does not open, fix or remove the link."
            ),
            Outcome::Failed { reason } => tr!(
                lang,
                "không kết nối được tới liên kết ngoài {url} ({reason}). Kiểm tra mạng rồi chạy lại; nếu vẫn lỗi, sửa hoặc bỏ liên kết.",
                "could not reach external link {url} ({reason}). Check the Internet connection and run again; if it still fails, fix or remove the link."
            ),
        }
    }
}

/// The result for one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// What it answered.
    pub outcome: Outcome,
    /// Taken from the cache, no request made.
    pub cached: bool,
    /// Requests made.
    pub attempts: u32,
}

/// A cache problem (the check itself still ran).
#[derive(Debug, thiserror::Error)]
#[error("cannot write the link cache {path}: {source}")]
pub struct CacheError {
    /// The cache file.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

impl CacheError {
    /// In the user's language.
    pub fn message(&self, lang: Lang) -> String {
        let (path, e) = (site::diag::display_path(&self.path), &self.source);
        tr!(
            lang,
            "không ghi được bộ nhớ tạm của liên kết {path} ({e}); lần sau các liên kết sẽ được kiểm tra lại từ đầu.",
            "cannot write the link cache {path} ({e}); next time every link is checked again."
        )
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// Format version, to drop caches a later bangtin does not understand.
    version: u32,
    links: BTreeMap<String, Entry>,
}

/// A good answer and when it was received.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Seconds since 1970.
    checked: u64,
    status: u16,
}

const CACHE_VERSION: u32 = 1;

/// Good answers of earlier runs. Only good answers are kept: a failure is checked again
/// every run, so a site that came back (or a fixed link) is never reported from memory.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    file: CacheFile,
    changed: bool,
}

impl Cache {
    /// Reads the cache; a missing, unreadable or outdated file is an empty cache.
    pub fn load(path: &Path) -> Cache {
        let file = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<CacheFile>(&b).ok())
            .filter(|f| f.version == CACHE_VERSION)
            .unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            file,
            changed: false,
        }
    }

    /// A good answer younger than `max_age`.
    fn fresh(&self, url: &str, max_age: Duration, now: u64) -> Option<u16> {
        let e = self.file.links.get(url)?;
        (now.saturating_sub(e.checked) < max_age.as_secs()).then_some(e.status)
    }

    fn record(&mut self, url: &str, outcome: &Outcome, now: u64) {
        match outcome {
            Outcome::Ok { status } => {
                self.file.links.insert(
                    url.to_string(),
                    Entry {
                        checked: now,
                        status: *status,
                    },
                );
            }
            _ => {
                self.file.links.remove(url);
            }
        }
        self.changed = true;
    }

    /// Forgets answers older than `max_age`, so the file does not grow forever.
    fn prune(&mut self, max_age: Duration, now: u64) {
        let before = self.file.links.len();
        self.file
            .links
            .retain(|_, e| now.saturating_sub(e.checked) < max_age.as_secs());
        self.changed |= self.file.links.len() != before;
    }

    /// Writes the cache (through a temporary file, so a crash never leaves half a file).
    pub fn save(&self) -> Result<(), CacheError> {
        if !self.changed {
            return Ok(());
        }
        let err = |source| CacheError {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let file = CacheFile {
            version: CACHE_VERSION,
            links: self.file.links.clone(),
        };
        let text = serde_json::to_vec_pretty(&file).map_err(|e| err(std::io::Error::other(e)))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, &self.path).map_err(err)
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The host (and port) a URL is sent to, for the per-host limit.
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .map(|u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(0)
            )
        })
        .unwrap_or_default()
}

/// Work shared by the threads.
struct Queue {
    waiting: VecDeque<String>,
    busy: HashMap<String, usize>,
}

/// Checks `urls` (deduplicated by the caller), reusing and updating `cache`.
pub fn check_urls(
    urls: &[String],
    settings: &Settings,
    mut cache: Option<&mut Cache>,
) -> BTreeMap<String, Checked> {
    let now = now_secs();
    if let Some(c) = cache.as_deref_mut() {
        c.prune(settings.cache_for, now);
    }
    let (mut results, todo) = from_cache(urls, settings, cache.as_deref(), now);
    if todo.is_empty() {
        return results;
    }
    for (url, checked) in check_all(todo, settings) {
        if let Some(c) = cache.as_deref_mut() {
            c.record(&url, &checked.outcome, now);
        }
        results.insert(url, checked);
    }
    results
}

/// The results of the URLs the cache still vouches for, and the URLs left to check.
fn from_cache(
    urls: &[String],
    settings: &Settings,
    cache: Option<&Cache>,
    now: u64,
) -> (BTreeMap<String, Checked>, VecDeque<String>) {
    let mut results = BTreeMap::new();
    let mut todo = VecDeque::new();
    for url in urls {
        match cache.and_then(|c| c.fresh(url, settings.cache_for, now)) {
            Some(status) => {
                results.insert(
                    url.clone(),
                    Checked {
                        outcome: Outcome::Ok { status },
                        cached: true,
                        attempts: 0,
                    },
                );
            }
            None => todo.push_back(url.clone()),
        }
    }
    (results, todo)
}

/// Checks every URL of `todo` on a few threads, with at most `per_host` requests to one
/// host at a time; the results in the order they came.
fn check_all(todo: VecDeque<String>, settings: &Settings) -> Vec<(String, Checked)> {
    let agent = agent(settings);
    let threads = settings.threads.max(1).min(todo.len());
    let per_host = settings.per_host.max(1);
    let queue = Mutex::new(Queue {
        waiting: todo,
        busy: HashMap::new(),
    });
    let ready = Condvar::new();
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some((url, host)) = take_next(&queue, &ready, per_host) {
                    let checked = check_one(&agent, &url, settings);
                    release(&queue, &ready, &host);
                    done.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((url, checked));
                }
            });
        }
    });
    done.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The first waiting URL whose host has a free slot, and its host (the slot now taken);
/// waits while every host is busy; `None` when no URL is left.
fn take_next(queue: &Mutex<Queue>, ready: &Condvar, per_host: usize) -> Option<(String, String)> {
    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if q.waiting.is_empty() {
            return None;
        }
        let pick = q
            .waiting
            .iter()
            .position(|u| q.busy.get(&host_of(u)).copied().unwrap_or(0) < per_host);
        if let Some(i) = pick {
            let url = q.waiting.remove(i).unwrap_or_default();
            let host = host_of(&url);
            *q.busy.entry(host.clone()).or_default() += 1;
            return Some((url, host));
        }
        q = ready.wait(q).unwrap_or_else(|e| e.into_inner());
    }
}

/// Frees the slot a check of `host` held, and wakes the threads waiting for one.
fn release(queue: &Mutex<Queue>, ready: &Condvar, host: &str) {
    {
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = q.busy.get_mut(host) {
            *n = n.saturating_sub(1);
        }
    }
    ready.notify_all();
}

/// The HTTP client, or why there is none for HTTPS.
struct Agent {
    agent: ureq::Agent,
    https: Result<(), String>,
}

fn agent(settings: &Settings) -> Agent {
    let builder = ureq::AgentBuilder::new()
        .timeout(settings.timeout)
        .redirects(8)
        .user_agent(&settings.user_agent);
    match native_tls::TlsConnector::new() {
        Ok(tls) => Agent {
            agent: builder.tls_connector(Arc::new(tls)).build(),
            https: Ok(()),
        },
        Err(e) => Agent {
            agent: builder.build(),
            https: Err(e.to_string()),
        },
    }
}

fn check_one(agent: &Agent, url: &str, settings: &Settings) -> Checked {
    if url.starts_with("https:") {
        if let Err(e) = &agent.https {
            return Checked {
                outcome: Outcome::Failed { reason: e.clone() },
                cached: false,
                attempts: 0,
            };
        }
    }
    let mut attempts = 0;
    let mut pause = settings.backoff;
    loop {
        attempts += 1;
        let outcome = request(&agent.agent, url);
        if !outcome.retryable() || attempts > settings.retries {
            return Checked {
                outcome,
                cached: false,
                attempts,
            };
        }
        std::thread::sleep(pause);
        pause *= 2;
    }
}

/// HEAD first (cheap); GET when the server does not do HEAD properly.
fn request(agent: &ureq::Agent, url: &str) -> Outcome {
    match agent.head(url).call() {
        Ok(r) => Outcome::Ok { status: r.status() },
        Err(ureq::Error::Status(400 | 403 | 404 | 405 | 501, _)) => match agent.get(url).call() {
            Ok(r) => Outcome::Ok { status: r.status() },
            Err(e) => classify(e),
        },
        Err(e) => classify(e),
    }
}

fn classify(e: ureq::Error) -> Outcome {
    match e {
        ureq::Error::Status(status @ (404 | 410), _) => Outcome::NotFound { status },
        ureq::Error::Status(status, _) => Outcome::Status { status },
        ureq::Error::Transport(t) => Outcome::Failed {
            reason: t.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_keeps_good_answers_for_a_while() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub").join("links.json");
        let mut c = Cache::load(&path);
        let day = Duration::from_secs(86_400);
        c.record("https://a.vn/", &Outcome::Ok { status: 200 }, 1_000_000);
        c.record(
            "https://b.vn/",
            &Outcome::NotFound { status: 404 },
            1_000_000,
        );
        c.save().expect("saved");
        let mut c = Cache::load(&path);
        assert_eq!(c.fresh("https://a.vn/", day, 1_000_000 + 3_600), Some(200));
        assert_eq!(c.fresh("https://a.vn/", day, 1_000_000 + 86_400), None);
        assert_eq!(
            c.fresh("https://b.vn/", day, 1_000_000),
            None,
            "failures are not kept"
        );
        c.prune(day, 1_000_000 + 90_000);
        assert!(c.file.links.is_empty());
        c.save().expect("saved");
        assert!(Cache::load(&path).file.links.is_empty());
    }

    #[test]
    fn a_broken_cache_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("links.json");
        std::fs::write(&path, "{ not json").expect("write");
        assert!(Cache::load(&path).file.links.is_empty());
        std::fs::write(
            &path,
            r#"{"version":99,"links":{"https://a.vn/":{"checked":1,"status":200}}}"#,
        )
        .expect("write");
        assert!(
            Cache::load(&path).file.links.is_empty(),
            "unknown versions are dropped"
        );
    }

    #[test]
    fn only_network_trouble_and_server_errors_are_retried() {
        assert!(Outcome::Failed {
            reason: "timeout".into()
        }
        .retryable());
        assert!(Outcome::Status { status: 503 }.retryable());
        assert!(Outcome::Status { status: 429 }.retryable());
        assert!(!Outcome::Status { status: 403 }.retryable());
        assert!(!Outcome::NotFound { status: 404 }.retryable());
        assert!(!Outcome::Ok { status: 200 }.retryable());
    }
}
