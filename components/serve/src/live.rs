//! Live reload: the script injected into pages, the Server-Sent Events stream and the overlay.

use i18n::{tr, Lang};
use serde_json::json;
use site::Diagnostic;
use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;
use vi::escape_html;

/// URL of the event stream.
pub const EVENTS_PATH: &str = "/__bangtin/events";
/// URL of the live-reload script.
pub const SCRIPT_PATH: &str = "/__bangtin/live.js";
/// What the engine inserts before `</body>` of every page in serve mode.
pub const SNIPPET: &str = "<script src=\"/__bangtin/live.js\"></script>";

/// How often an idle stream gets a comment line, so closed tabs are noticed and dropped.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The browser side. Builds the overlay with DOM text nodes only, so messages are never parsed
/// as HTML. `hello` carries the server's build version: a tab that reconnects after missing
/// events (or to a restarted server) reloads once.
pub const SCRIPT: &str = r#"(function () {
  "use strict";
  if (!window.EventSource || window.__bangtinLive) return;
  window.__bangtinLive = true;
  var version = null;
  var OVERLAY = "bangtin-error-overlay";
  function removeOverlay() {
    var o = document.getElementById(OVERLAY);
    if (o) o.parentNode.removeChild(o);
  }
  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) e.setAttribute("style", style);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function showOverlay(data) {
    removeOverlay();
    var box = el("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.92);color:#fff;font:16px/1.5 system-ui,sans-serif;padding:2rem");
    box.id = OVERLAY;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-live", "assertive");
    var title = el("h2", "margin:0 0 .5rem;color:#ff8a80;font-size:1.4rem", data.title);
    box.appendChild(title);
    box.appendChild(el("p", "margin:0 0 1rem", data.hint));
    var list = el("ul", "list-style:none;margin:0;padding:0");
    (data.errors || []).forEach(function (e) {
      var item = el("li", "margin:0 0 1rem;padding:.75rem 1rem;background:#000;border-left:4px solid #ff8a80");
      item.appendChild(el("div", "font-family:ui-monospace,monospace;color:#ffd180", e.location));
      item.appendChild(el("div", "white-space:pre-wrap", e.message));
      item.className = "bangtin-error";
      list.appendChild(item);
    });
    box.appendChild(list);
    var close = el("button", "font:inherit;padding:.25rem 1rem", data.close);
    close.onclick = removeOverlay;
    box.appendChild(close);
    (document.body || document.documentElement).appendChild(box);
  }
  function refreshCss() {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("bangtin-reload", String(Date.now()));
      var next = link.cloneNode();
      next.href = url.href;
      next.onload = next.onerror = function () { if (link.parentNode) link.parentNode.removeChild(link); };
      link.parentNode.insertBefore(next, link.nextSibling);
    });
  }
  var es = new EventSource("/__bangtin/events");
  es.addEventListener("hello", function (ev) {
    var v = JSON.parse(ev.data).version;
    if (version !== null && v !== version) { location.reload(); return; }
    version = v;
    window.__bangtinVersion = v;
  });
  es.addEventListener("reload", function (ev) {
    version = JSON.parse(ev.data).version;
    location.reload();
  });
  es.addEventListener("css", function (ev) {
    version = JSON.parse(ev.data).version;
    removeOverlay();
    refreshCss();
  });
  es.addEventListener("build-error", function (ev) { showOverlay(JSON.parse(ev.data)); });
  es.addEventListener("build-ok", function () { removeOverlay(); });
})();
"#;

/// One event of the stream, already framed as `event: name\ndata: json\n\n`.
pub fn frame(name: &str, data: &serde_json::Value) -> String {
    // serde_json never emits a raw newline, so the data fits on one `data:` line.
    format!("event: {name}\ndata: {data}\n\n")
}

/// The overlay content of a failed build, worded in the user's language.
pub fn error_data(errors: &[Diagnostic], lang: Lang) -> serde_json::Value {
    let list: Vec<serde_json::Value> = errors
        .iter()
        .map(|d| {
            json!({
                "location": d.location(),
                "file": site::diag::display_path(&d.file),
                "line": d.line,
                "col": d.col,
                "message": d.message,
            })
        })
        .collect();
    json!({
        "title": tr!(lang, "Không dựng được trang", "The site could not be built"),
        "hint": tr!(
            lang,
            "Sửa lỗi dưới đây rồi lưu tệp: trang sẽ tự tải lại. Trong lúc chờ, bản dựng tốt gần nhất vẫn được hiển thị.",
            "Fix the problem below and save the file: the page reloads by itself. Until then the last good version is shown."
        ),
        "close": tr!(lang, "Đóng", "Close"),
        "errors": list,
    })
}

/// A whole page listing the errors, for when no build has succeeded yet.
pub fn error_page(errors: &[Diagnostic], lang: Lang) -> String {
    let data = error_data(errors, lang);
    let text = |k: &str| escape_html(data[k].as_str().unwrap_or_default());
    let items: String = errors
        .iter()
        .map(|d| {
            format!(
                "<li><code>{}</code><br>{}</li>\n",
                escape_html(&d.location()),
                escape_html(&d.message)
            )
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title></head>\n<body>\n<main>\n<h1>{title}</h1>\n<p>{hint}</p>\n\
         <ul class=\"bangtin-errors\">\n{items}</ul>\n</main>\n{SNIPPET}\n</body></html>\n",
        code = lang.pick("vi", "en"),
        title = text("title"),
        hint = text("hint"),
    )
}

/// Every open event stream: a sender per tab.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
}

impl Hub {
    /// Registers a new tab.
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.lock().push(tx);
        rx
    }

    /// Sends a framed event to every tab still listening.
    pub fn broadcast(&self, frame: &str) {
        self.lock().retain(|tx| tx.send(frame.to_string()).is_ok());
    }

    /// Ends every stream (on stop).
    pub fn close(&self) {
        self.lock().clear();
    }

    /// Tabs listening now.
    pub fn clients(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender<String>>> {
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Writes an event stream until the tab goes away or the hub closes. `first` are the frames
/// that describe the current state (version, error), sent before anything else.
pub fn stream(
    mut out: Box<dyn Write + Send>,
    first: Vec<String>,
    rx: Receiver<String>,
) -> std::io::Result<()> {
    // Chunked encoding so the response can end cleanly when the server stops.
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
          Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n\r\n",
    )?;
    // A reconnect delay short enough that a restarted server is found quickly.
    write_chunk(&mut out, "retry: 500\n\n")?;
    for f in first {
        write_chunk(&mut out, &f)?;
    }
    loop {
        match rx.recv_timeout(KEEPALIVE) {
            Ok(f) => write_chunk(&mut out, &f)?,
            Err(RecvTimeoutError::Timeout) => write_chunk(&mut out, ": keep-alive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    out.write_all(b"0\r\n\r\n")?;
    out.flush()
}

fn write_chunk(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    write!(out, "{:x}\r\n{text}\r\n", text.len())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_page_escapes_messages() {
        let d = Diagnostic::error(
            "content/<a>.md",
            3,
            1,
            "bad <script>alert(1)</script>".into(),
        );
        let page = error_page(&[d], Lang::En);
        assert!(page.contains("content/&lt;a&gt;.md:3:1"));
        assert!(page.contains("bad &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.contains("<script>alert"));
        assert!(page.contains(SNIPPET));
        let vi = error_page(&[], Lang::Vi);
        assert!(vi.contains("Không dựng được trang"));
    }

    #[test]
    fn frames_stay_on_one_data_line() {
        let f = frame("build-error", &json!({"message": "a\nb"}));
        assert_eq!(f.matches('\n').count(), 3);
        assert!(f.starts_with("event: build-error\ndata: {"));
    }

    #[test]
    fn hub_drops_closed_tabs() {
        let hub = Hub::default();
        let a = hub.subscribe();
        let b = hub.subscribe();
        drop(b);
        hub.broadcast("x");
        assert_eq!(hub.clients(), 1);
        assert_eq!(a.recv().unwrap(), "x");
        hub.close();
        assert!(a.recv().is_err());
    }
}
