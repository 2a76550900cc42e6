//! The teacher's desk beside the preview: its own port (the next free one after the preview's,
//! so pages of the preview can never read its token), and its live preview of unsaved text
//! rendered by the preview's own session.

use crate::rebuild::{lock, Builder};
use crate::shared::Shared;
use crate::{listen, Options, ServeError};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The preview session, as the desk's renderer of unsaved text.
struct SessionPreview {
    builder: Arc<Mutex<Builder>>,
    shared: Arc<Shared>,
}

impl desk::Preview for SessionPreview {
    fn render(&self, rel: &Path, text: &str) -> Result<String, Vec<site::Diagnostic>> {
        let page = lock(&self.builder)
            .session
            .render_unsaved(rel, text)
            .map_err(|f| f.0)?;
        self.serve_photos(page.images);
        Ok(page.html)
    }
}

impl SessionPreview {
    /// Serves the processed photos the page shows that the preview lacks: a draft's (the
    /// preview's build leaves drafts out) or a photo added since the last build.
    fn serve_photos(&self, images: Vec<(String, std::path::PathBuf)>) {
        let missing: Vec<(String, std::path::PathBuf)> = {
            let extras = self.shared.extras.read().unwrap_or_else(|e| e.into_inner());
            images
                .into_iter()
                .filter(|(k, _)| !extras.contains_key(k))
                .collect()
        };
        if missing.is_empty() {
            return;
        }
        let read: Vec<(String, site::write::sink::Bytes)> = missing
            .into_iter()
            .filter_map(|(k, p)| std::fs::read(p).ok().map(|b| (k, b.into())))
            .collect();
        let mut extras = self
            .shared
            .extras
            .write()
            .unwrap_or_else(|e| e.into_inner());
        extras.extend(read);
    }
}

/// Starts the desk when asked, on `--desk-port` or the next free port after the preview's.
pub(crate) fn start(
    opts: &Options,
    root: &Path,
    preview: SocketAddr,
    builder: &Arc<Mutex<Builder>>,
    shared: &Arc<Shared>,
) -> Result<Option<desk::DeskServer>, ServeError> {
    if !opts.desk {
        return Ok(None);
    }
    let port = opts
        .desk_port
        .unwrap_or_else(|| preview.port().saturating_add(1));
    // Single-user desk: it writes files, so it never listens beyond this computer, even when
    // the preview is opened to the network with --bind (a LAN mode with accounts is future work).
    let bind = if opts.bind.is_loopback() {
        opts.bind
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    let listener = listen(bind, port)?;
    let site_origin = if preview.ip().is_unspecified() {
        format!("http://127.0.0.1:{}", preview.port())
    } else {
        format!("http://{preview}")
    };
    let desk = desk::DeskServer::start(
        listener,
        desk::Options {
            root: root.to_path_buf(),
            lang: opts.lang,
            site_origin,
            preview: Some(Arc::new(SessionPreview {
                builder: builder.clone(),
                shared: shared.clone(),
            })),
        },
    )
    .map_err(|e| ServeError::Http(e.to_string()))?;
    Ok(Some(desk))
}
