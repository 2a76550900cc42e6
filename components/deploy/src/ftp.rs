//! FTP and FTPS (explicit TLS) through suppaftp, in passive mode.

use std::io::Read;
use std::net::{TcpStream, ToSocketAddrs};

use suppaftp::native_tls::{Protocol, TlsConnector};
use suppaftp::types::FileType;
use suppaftp::{FtpError, NativeTlsConnector, NativeTlsFtpStream};

use crate::remote::{
    io_fault, temp_name, ConnectOptions, Fault, Remote, RemoteError, CONNECT_TIMEOUT, IO_TIMEOUT,
};
use crate::target::{Scheme, Target};

/// A logged-in FTP(S) connection sitting in the target folder.
pub(crate) struct FtpRemote {
    ftp: NativeTlsFtpStream,
    /// The target folder as the server names it (from PWD), to come back to after a CWD.
    root: String,
}

/// Opens a TCP connection with timeouts, so a dead network fails instead of hanging.
pub(crate) fn tcp_connect(host: &str, port: u16) -> Result<TcpStream, RemoteError> {
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| RemoteError::transient(format!("{host}: {e}")))?;
    let mut last = RemoteError::transient(format!("{host}: no address"));
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(IO_TIMEOUT))
                    .map_err(|e| io_fault(&e))?;
                s.set_write_timeout(Some(IO_TIMEOUT))
                    .map_err(|e| io_fault(&e))?;
                return Ok(s);
            }
            Err(e) => last = io_fault(&e),
        }
    }
    Err(last)
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
            let text = format!("{code} {}", String::from_utf8_lossy(&resp.body).trim_end());
            match code {
                400..=499 => RemoteError::transient(text),
                _ => RemoteError::refused(text),
            }
        }
        FtpError::BadResponse => RemoteError::transient("garbled reply from the server"),
        FtpError::InvalidAddress(e) => RemoteError::refused(e.to_string()),
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
        let tcp = tcp_connect(&target.host, target.port)?;
        let mut ftp = NativeTlsFtpStream::connect_with_stream(tcp)
            .map_err(fault)?
            .passive_stream_builder(|addr| {
                let s = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
                    .map_err(FtpError::ConnectionError)?;
                s.set_read_timeout(Some(IO_TIMEOUT))
                    .and_then(|_| s.set_write_timeout(Some(IO_TIMEOUT)))
                    .map_err(FtpError::ConnectionError)?;
                Ok(s)
            });
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
            root: String::new(),
        };
        remote.enter_root(&target.path)?;
        Ok(remote)
    }

    /// Goes into the target folder, creating each missing level.
    fn enter_root(&mut self, path: &str) -> Result<(), RemoteError> {
        if !path.is_empty() && self.ftp.cwd(path).is_err() {
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

impl Remote for FtpRemote {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        // Ask first: on FTPS, suppaftp starts the data connection's TLS handshake before it
        // reads the reply to RETR, so a missing file would hang until the timeout.
        if let Err(e) = self.ftp.size(path) {
            if code_of(&e) == Some(550) {
                return Ok(None);
            }
        }
        match self.ftp.retr_as_buffer(path) {
            Ok(buf) => Ok(Some(buf.into_inner())),
            Err(e) if code_of(&e) == Some(550) => Ok(None),
            Err(e) => Err(fault(e)),
        }
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

    fn put(&mut self, path: &str, mut data: &mut dyn Read) -> Result<(), RemoteError> {
        let tmp = temp_name(path);
        self.ftp.put_file(&tmp, &mut data).map_err(fault)?;
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
}

impl Drop for FtpRemote {
    fn drop(&mut self) {
        // Say goodbye politely; a dead connection just fails here, which is fine.
        let _ = self.ftp.quit();
    }
}
