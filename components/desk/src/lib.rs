//! The teacher's desk (docs/DESK.md): a small web app on its own loopback port beside the site
//! preview, to write posts, add photos, import Word files, preview and publish without a
//! terminal. This crate is the server side: the protections ([`guard`]), the JSON API and the
//! embedded browser side. `components/serve` starts it next to the preview.

pub mod api;
mod assets;
mod context;
pub mod error;
mod files;
pub mod front;
pub mod guard;
mod photos;
mod posts;
mod preview;
mod publish;
mod site_info;
mod trash;
mod versions;
mod web;
mod word;

pub use context::{Context, Preview};
pub use publish::TARGET_ENV;

use i18n::Lang;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Threads answering the desk's requests (an event stream gets a thread of its own).
const WORKERS: usize = 3;

/// How to start the desk.
pub struct Options {
    /// The site folder.
    pub root: PathBuf,
    /// The message language.
    pub lang: Lang,
    /// The origin of the site preview, `http://127.0.0.1:P`.
    pub site_origin: String,
    /// Renders unsaved text through the preview's session.
    pub preview: Option<Arc<dyn Preview>>,
}

/// A running desk.
pub struct DeskServer {
    addr: SocketAddr,
    ctx: Arc<Context>,
    http: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
}

impl DeskServer {
    /// Serves the desk on an open listener, with a new token.
    pub fn start(listener: TcpListener, opts: Options) -> std::io::Result<DeskServer> {
        let addr = listener.local_addr()?;
        let root = opts.root.canonicalize().unwrap_or(opts.root);
        let ctx = Arc::new(Context {
            root,
            lang: opts.lang,
            port: addr.port(),
            token: guard::new_token()?,
            site_origin: opts.site_origin,
            preview: opts.preview,
            writing: Mutex::new(()),
            jobs: Default::default(),
        });
        let http = Arc::new(
            tiny_http::Server::from_listener(listener, None).map_err(std::io::Error::other)?,
        );
        let mut workers = Vec::new();
        for i in 0..WORKERS {
            let (http, ctx) = (http.clone(), ctx.clone());
            workers.push(
                std::thread::Builder::new()
                    .name(format!("bangtin-desk-{i}"))
                    .spawn(move || {
                        while let Ok(req) = http.recv() {
                            api::handle(&ctx, req);
                        }
                    })?,
            );
        }
        Ok(DeskServer {
            addr,
            ctx,
            http,
            workers,
        })
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The desk's address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.addr.port(), api::PREFIX)
    }

    /// This run's token (tests; the browser reads it from the shell page).
    pub fn token(&self) -> &str {
        &self.ctx.token
    }

    /// Stops answering.
    pub fn stop(mut self) {
        for _ in &self.workers {
            self.http.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}
