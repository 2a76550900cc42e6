//! A client for the desk's port in the integration tests: the token read from the shell page
//! as the browser does, and requests with chosen Host, Origin, token and body.
#![allow(dead_code)]

use crate::common::Resp;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

/// The desk of a running server.
pub struct Desk {
    pub addr: SocketAddr,
    pub token: String,
}

impl Desk {
    /// Opens the shell page and reads the token from it.
    pub fn open(server: &serve::Server) -> Desk {
        let url = server.desk_url().expect("the desk runs");
        let port: u16 = url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches("/_bangtin/")
            .parse()
            .expect("desk port");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
        let mut d = Desk {
            addr,
            token: String::new(),
        };
        let page = d.send("GET", "/_bangtin/", &[], b"");
        assert_eq!(page.status, 200, "{}", page.text());
        let text = page.text();
        let at = text
            .find("name=\"bangtin-token\" content=\"")
            .expect("token meta")
            + 30;
        d.token = text[at..at + 64].to_string();
        assert_eq!(Some(d.token.clone()), server.desk_token());
        d
    }

    /// A request with the desk's own Host and the given headers and body.
    pub fn send(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let host = format!("127.0.0.1:{}", self.addr.port());
        self.send_as(&host, method, target, headers, body)
    }

    /// A request with any Host.
    pub fn send_as(
        &self,
        host: &str,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut s = TcpStream::connect(self.addr).expect("connect");
        s.set_read_timeout(Some(crate::common::PATIENCE))
            .expect("timeout");
        s.write_all(head.as_bytes()).expect("send head");
        // The server may refuse before reading a large body: that is an answer too.
        let _ = s.write_all(body);
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        crate::common::parse_response(&buf)
    }

    /// A state-changing request as the desk's page sends it (own Origin, token).
    pub fn write(&self, method: &str, target: &str, body: &[u8], extra: &[(&str, &str)]) -> Resp {
        let origin = format!("http://127.0.0.1:{}", self.addr.port());
        let mut h = vec![
            ("Origin", origin.as_str()),
            ("X-Bangtin-Token", self.token.as_str()),
        ];
        h.extend_from_slice(extra);
        self.send(method, target, &h, body)
    }

    /// A JSON request as the desk's page sends it; the answer's status and JSON (or text).
    pub fn json(&self, method: &str, target: &str, body: &Value) -> (u16, Value) {
        let r = if method == "GET" {
            self.send(method, target, &[], b"")
        } else {
            let b = body.to_string();
            self.write(
                method,
                target,
                b.as_bytes(),
                &[("Content-Type", "application/json")],
            )
        };
        let v = serde_json::from_slice(&r.body).unwrap_or(Value::String(r.text()));
        (r.status, v)
    }
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
