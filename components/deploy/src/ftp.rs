//! FTP and FTPS (explicit TLS) through suppaftp, in passive mode.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

use suppaftp::native_tls::{Protocol, TlsConnector, TlsStream};
use suppaftp::types::FileType;
use suppaftp::{FtpError, NativeTlsConnector, NativeTlsFtpStream, Status};

use crate::remote::{
    io_fault, tcp_connect, temp_name, ConnectOptions, Fault, Listed, Remote, RemoteError,
    CONNECT_TIMEOUT,
};
use crate::target::{Scheme, Target};

/// A logged-in FTP(S) connection sitting in the target folder.
pub(crate) struct FtpRemote {
    ftp: NativeTlsFtpStream,
    /// For FTPS: wraps each data connection in TLS (`PROT P`).
    tls: Option<TlsConnector>,
    /// The server name checked against its certificate.
    domain: String,
    /// How long a data connection may stay silent.
    io_timeout: Duration,
    /// The target folder as the server names it (from PWD), to come back to after a CWD.
    root: String,
    /// The target folder does not exist (dry run): there is nothing to read.
    missing_root: bool,
}

/// Sorts an FTP failure: 4xx replies and network trouble are transient, 5xx are refusals.
fn fault(e: FtpError) -> RemoteError {
    match e {
        FtpError::ConnectionError(io) => io_fault(&io),
        FtpError::SecureError(s) => {
            let lower = s.to_lowercase();
            if lower.contains("certificate") || lower.contains("verify") {
                RemoteError::new(Fault::Tls, s)
            } else {
                RemoteError::transient(s)
            }
        }
        FtpError::UnexpectedResponse(resp) => {
            let code = resp.status.code();
            // The reply text normally starts with its code already.
            let body = String::from_utf8_lossy(&resp.body).trim_end().to_string();
            let text = if body.starts_with(&code.to_string()) {
                body
            } else {
                format!("{code} {body}")
            };
            match code {
                400..=499 => RemoteError::transient(text),
                _ => RemoteError::refused(text),
            }
        }
        FtpError::BadResponse => RemoteError::transient("garbled reply from the server"),
        FtpError::InvalidAddress(e) => RemoteError::refused(e.to_string()),
    }
}

/// 452 and 552 mean no space or quota; vsftpd says "451 Failure writing to local file".
fn is_full(e: &FtpError) -> bool {
    match e {
        FtpError::UnexpectedResponse(r) => {
            let text = String::from_utf8_lossy(&r.body).to_lowercase();
            matches!(r.status.code(), 452 | 552)
                || (r.status.code() == 451 && text.contains("writ"))
        }
        _ => false,
    }
}

fn code_of(e: &FtpError) -> Option<u32> {
    match e {
        FtpError::UnexpectedResponse(r) => Some(r.status.code()),
        _ => None,
    }
}

impl FtpRemote {
    /// Connects (with `AUTH TLS` for ftps), logs in, switches to UTF-8 and binary, and enters
    /// the target folder, creating it when missing.
    pub fn connect(
        target: &Target,
        password: &str,
        opts: &ConnectOptions,
    ) -> Result<FtpRemote, RemoteError> {
        let tcp = tcp_connect(&target.host, target.port, opts.io_timeout)?;
        let mut ftp = NativeTlsFtpStream::connect_with_stream(tcp).map_err(fault)?;
        let mut data_tls = None;
        if target.scheme == Scheme::Ftps {
            // TLS 1.2 at most: with 1.3 the server's late session tickets sit unread when a
            // data connection closes, the kernel answers with a reset, and servers such as
            // vsftpd then report the upload as failed (426).
            let tls = TlsConnector::builder()
                .max_protocol_version(Some(Protocol::Tlsv12))
                .danger_accept_invalid_certs(opts.accept_invalid_certs)
                .danger_accept_invalid_hostnames(opts.accept_invalid_certs)
                .build()
                .map_err(|e| RemoteError::new(Fault::Tls, e.to_string()))?;
            data_tls = Some(tls.clone());
            ftp = ftp
                .into_secure(NativeTlsConnector::from(tls), &target.host)
                .map_err(|e| match code_of(&e) {
                    Some(c) if c >= 500 => RemoteError::refused(format!(
                        "the server does not offer TLS (AUTH TLS: {c}); use ftp:// or sftp://"
                    )),
                    _ => fault(e),
                })?;
        }
        if let Err(e) = ftp.login(target.user.as_str(), password) {
            return Err(match code_of(&e) {
                Some(530) | Some(430) => RemoteError::new(Fault::Auth, "login refused"),
                _ => fault(e),
            });
        }
        // Vietnamese file names travel as UTF-8; servers that do not know the option ignore it.
        let _ = ftp.opts("UTF8", Some("ON"));
        ftp.transfer_type(FileType::Binary).map_err(fault)?;
        let mut remote = FtpRemote {
            ftp,
            tls: data_tls,
            domain: target.host.clone(),
            io_timeout: opts.io_timeout,
            root: String::new(),
            missing_root: false,
        };
        remote.enter_root(&target.path, opts.create_root)?;
        Ok(remote)
    }

    /// Goes into the target folder, creating each missing level.
    fn enter_root(&mut self, path: &str, create: bool) -> Result<(), RemoteError> {
        if !path.is_empty() && self.ftp.cwd(path).is_err() {
            if !create {
                self.missing_root = true;
                return Ok(());
            }
            let (mut prefix, rest) = match path.strip_prefix('/') {
                Some(rest) => ("/".to_string(), rest),
                None => (String::new(), path),
            };
            for part in rest.split('/').filter(|p| !p.is_empty()) {
                if !prefix.is_empty() && !prefix.ends_with('/') {
                    prefix.push('/');
                }
                prefix.push_str(part);
                // Already existing levels answer 550 here; the final CWD tells the truth.
                let _ = self.ftp.mkdir(&prefix);
            }
            self.ftp.cwd(path).map_err(|e| match fault(e) {
                RemoteError {
                    fault: Fault::Refused,
                    detail,
                } => RemoteError::refused(format!("cannot create or enter \"{path}\": {detail}")),
                other => other,
            })?;
        }
        self.root = self.ftp.pwd().map_err(fault)?;
        Ok(())
    }

    /// Opens a passive data connection for `command` (`STOR x`, `RETR x`).
    ///
    /// Done by hand rather than through suppaftp's helpers so that the server's reply is read
    /// before the TLS handshake: when the server refuses (550, 553) it never answers that
    /// handshake, which would otherwise hang until the timeout. `None`: the file does not
    /// exist (only when `missing_ok`).
    fn open_data(
        &mut self,
        command: &str,
        missing_ok: bool,
    ) -> Result<Option<DataConn>, RemoteError> {
        let addr = self.passive_address()?;
        let tcp = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(|e| io_fault(&e))?;
        tcp.set_read_timeout(Some(self.io_timeout))
            .and_then(|_| tcp.set_write_timeout(Some(self.io_timeout)))
            .map_err(|e| io_fault(&e))?;
        if let Err(e) = self
            .ftp
            .custom_command(command, &[Status::AlreadyOpen, Status::AboutToSend])
        {
            return match code_of(&e) {
                Some(550) if missing_ok => Ok(None),
                _ => Err(fault(e)),
            };
        }
        match &self.tls {
            None => Ok(Some(DataConn::Plain(tcp))),
            Some(tls) => {
                let stream = tls.connect(&self.domain, tcp).map_err(|e| {
                    let text = e.to_string();
                    if text.contains("certificate") || text.contains("verify") {
                        RemoteError::new(Fault::Tls, text)
                    } else {
                        RemoteError::transient(text)
                    }
                })?;
                Ok(Some(DataConn::Tls(Box::new(stream))))
            }
        }
    }

    /// Where to open the data connection: `EPSV` over IPv6, `PASV` otherwise. A private
    /// address in the reply from a server reached at a public one (a server behind NAT) is
    /// replaced by the address of the control connection, as FTP clients commonly do.
    fn passive_address(&mut self) -> Result<SocketAddr, RemoteError> {
        let peer = self.ftp.get_ref().peer_addr().map_err(|e| io_fault(&e))?;
        let bad = |r: &str| RemoteError::transient(format!("unexpected passive reply: {r}"));
        if peer.is_ipv6() {
            let resp = self
                .ftp
                .custom_command("EPSV", &[Status::ExtendedPassiveMode])
                .map_err(fault)?;
            let text = String::from_utf8_lossy(&resp.body).to_string();
            let port = text
                .split('|')
                .filter_map(|p| p.parse::<u16>().ok())
                .next()
                .ok_or_else(|| bad(&text))?;
            return Ok(SocketAddr::new(peer.ip(), port));
        }
        let resp = self
            .ftp
            .custom_command("PASV", &[Status::PassiveMode])
            .map_err(fault)?;
        let text = String::from_utf8_lossy(&resp.body).to_string();
        let inner = text
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(inner, _)| inner)
            .ok_or_else(|| bad(&text))?;
        let n: Vec<u8> = inner
            .split(',')
            .map(|x| x.trim().parse::<u8>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad(&text))?;
        if n.len() != 6 {
            return Err(bad(&text));
        }
        let ip = Ipv4Addr::new(n[0], n[1], n[2], n[3]);
        let port = u16::from(n[4]) << 8 | u16::from(n[5]);
        let ip = match peer.ip() {
            IpAddr::V4(p) if !is_local(p) && (is_local(ip) || ip.is_unspecified()) => p,
            _ if ip.is_unspecified() => match peer.ip() {
                IpAddr::V4(p) => p,
                IpAddr::V6(_) => ip,
            },
            _ => ip,
        };
        Ok(SocketAddr::new(IpAddr::V4(ip), port))
    }

    /// True when `dir` exists (checked by entering it and coming back).
    fn dir_exists(&mut self, dir: &str) -> Result<bool, RemoteError> {
        if self.ftp.cwd(dir).is_err() {
            return Ok(false);
        }
        let root = self.root.clone();
        self.ftp.cwd(&root).map_err(fault)?;
        Ok(true)
    }
}

fn is_local(ip: Ipv4Addr) -> bool {
    ip.is_private() || ip.is_loopback() || ip.is_link_local()
}

/// A data connection, in TLS for FTPS.
enum DataConn {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl DataConn {
    /// Ends the upload cleanly: for TLS, the close_notify servers wait for.
    fn finish(&mut self) -> std::io::Result<()> {
        match self {
            DataConn::Plain(s) => s.flush(),
            DataConn::Tls(s) => {
                s.flush()?;
                s.shutdown()
            }
        }
    }
}

impl Read for DataConn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            DataConn::Plain(s) => s.read(buf),
            DataConn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for DataConn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            DataConn::Plain(s) => s.write(buf),
            DataConn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            DataConn::Plain(s) => s.flush(),
            DataConn::Tls(s) => s.flush(),
        }
    }
}

impl Remote for FtpRemote {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        if self.missing_root {
            return Ok(None);
        }
        let Some(mut stream) = self.open_data(&format!("RETR {path}"), true)? else {
            return Ok(None);
        };
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).map_err(|e| io_fault(&e))?;
        self.ftp.finalize_retr_stream(stream).map_err(fault)?;
        Ok(Some(buf))
    }

    fn mkdir(&mut self, dir: &str) -> Result<(), RemoteError> {
        match self.ftp.mkdir(dir) {
            Ok(()) => Ok(()),
            Err(e) => {
                let err = fault(e);
                // Servers answer 550 both for "exists" and for "not allowed": look.
                if err.fault == Fault::Refused && self.dir_exists(dir)? {
                    Ok(())
                } else {
                    Err(err)
                }
            }
        }
    }

    fn put(&mut self, path: &str, mut data: &mut dyn Read, _size: u64) -> Result<(), RemoteError> {
        let tmp = temp_name(path);
        if let Some(mut stream) = self.open_data(&format!("STOR {tmp}"), false)? {
            let sent = std::io::copy(&mut data, &mut stream).and_then(|_| stream.finish());
            // A server that runs out of space stops reading and says so on the control
            // connection: its reply tells a full disk from a broken line.
            match (sent, self.ftp.finalize_put_stream(stream)) {
                (_, Err(e)) if is_full(&e) => {
                    let _ = self.ftp.rm(&tmp);
                    return Err(RemoteError::new(Fault::NoSpace(None), format!("{e}")));
                }
                (Err(e), _) => return Err(io_fault(&e)),
                (Ok(_), Err(e)) => return Err(fault(e)),
                (Ok(_), Ok(())) => {}
            }
        }
        if let Err(e) = self.ftp.rename(tmp.as_str(), path) {
            // Some servers refuse to rename over an existing file: remove it, then rename.
            if code_of(&e).is_some_and(|c| c >= 500) {
                let _ = self.ftp.rm(path);
                self.ftp.rename(tmp.as_str(), path).map_err(fault)?;
            } else {
                return Err(fault(e));
            }
        }
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<(), RemoteError> {
        match self.ftp.rm(path) {
            Ok(()) => Ok(()),
            Err(e) if code_of(&e) == Some(550) => {
                // Gone already (an earlier, interrupted run) is fine; a refusal is not.
                match self.ftp.size(path) {
                    Err(e2) if code_of(&e2) == Some(550) => Ok(()),
                    _ => Err(fault(e)),
                }
            }
            Err(e) => Err(fault(e)),
        }
    }

    fn rmdir_if_empty(&mut self, dir: &str) -> bool {
        self.ftp.rmdir(dir).is_ok()
    }

    fn list(&mut self, dir: &str) -> Result<Vec<Listed>, RemoteError> {
        if self.missing_root {
            return Ok(Vec::new());
        }
        let path = if dir.is_empty() {
            self.root.clone()
        } else {
            format!("{}/{dir}", self.root.trim_end_matches('/'))
        };
        // STAT answers on the control connection: one round trip per folder, no data
        // connection (and no TLS handshake) as LIST needs.
        let text = match self
            .ftp
            .custom_command(format!("STAT {path}"), &[Status::Directory, Status::File])
        {
            Ok(resp) => String::from_utf8_lossy(&resp.body).to_string(),
            Err(_) => self.list_over_data(&path)?,
        };
        Ok(parse_listing(&text))
    }

    fn reads_cheaply(&self) -> bool {
        false
    }
}

impl FtpRemote {
    /// `LIST -a` over a data connection, for servers that do not list folders through STAT.
    fn list_over_data(&mut self, path: &str) -> Result<String, RemoteError> {
        let Some(mut stream) = self.open_data(&format!("LIST -a {path}"), true)? else {
            return Ok(String::new());
        };
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).map_err(|e| io_fault(&e))?;
        self.ftp.finalize_retr_stream(stream).map_err(fault)?;
        Ok(String::from_utf8_lossy(&buf).to_string())
    }
}

/// The entries of a Unix-style (or DOS-style) listing; status and unknown lines are skipped.
fn parse_listing(text: &str) -> Vec<Listed> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_end_matches('\r');
            let f = suppaftp::list::File::from_posix_line(line)
                .or_else(|_| suppaftp::list::File::from_dos_line(line))
                .ok()?;
            let name = f.name();
            if name == "." || name == ".." || !(f.is_directory() || f.is_file()) {
                return None;
            }
            Some(Listed {
                name: name.to_string(),
                dir: f.is_directory(),
                size: f.size() as u64,
            })
        })
        .collect()
}

impl Drop for FtpRemote {
    fn drop(&mut self) {
        // Say goodbye politely; a dead connection just fails here, which is fine. A stalled
        // one would make the goodbye wait the whole timeout: a second is enough for a reply.
        let _ = self
            .ftp
            .get_ref()
            .set_read_timeout(Some(Duration::from_secs(1)));
        let _ = self.ftp.quit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_from_stat_are_parsed_without_dot_entries() {
        let text = "213-Status follows:\r\n\
drwxr-xr-x    3 1001     1001         4096 Dec 07 08:40 .\r\n\
drwxr-xr-x    3 1001     1001         4096 Dec 07 08:40 ..\r\n\
-rw-r--r--    1 1001     1001            3 Dec 07 08:40 .x.html.bangtin-tmp\r\n\
drwxr-xr-x    2 1001     1001         4096 Dec 07 08:40 tin tức\r\n\
-rw-r--r--    1 1001     1001        12345 Dec 07 08:40 tên có dấu cách.html\r\n\
213 End of status\r\n";
        let got = parse_listing(text);
        let names: Vec<_> = got
            .iter()
            .map(|l| (l.name.as_str(), l.dir, l.size))
            .collect();
        assert_eq!(
            names,
            [
                (".x.html.bangtin-tmp", false, 3),
                ("tin tức", true, 4096),
                ("tên có dấu cách.html", false, 12345)
            ]
        );
    }
}
