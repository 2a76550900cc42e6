//! The few operations a deploy needs from a server, whatever the protocol.

use std::io::Read;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{DeployError, SILENT};
use crate::target::Target;

/// How long a connection may stay silent before it counts as broken (then it is retried),
/// unless `[deploy] timeout` says otherwise.
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to wait for a server to accept a connection.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// What kind of failure: decides between retrying, stopping, and which message to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Network trouble or a temporary server reply (FTP 4xx): retry after a pause.
    Transient,
    /// The server refused (FTP 5xx, SFTP permission denied): retrying will not help.
    Refused,
    /// Wrong user name or password: stop at once, before anything is written.
    Auth,
    /// The TLS certificate was refused.
    Tls,
    /// The SSH host key differs from the recorded one.
    HostKey(PathBuf),
    /// The server's disk or the account's quota is full; the free space when the server
    /// says it (SFTP). Retrying cannot help.
    NoSpace(Option<u64>),
}

/// A failure of one remote operation.
#[derive(Debug, Clone)]
pub(crate) struct RemoteError {
    pub fault: Fault,
    pub detail: String,
}

impl RemoteError {
    pub fn new(fault: Fault, detail: impl Into<String>) -> RemoteError {
        RemoteError {
            fault,
            detail: detail.into(),
        }
    }

    pub fn transient(detail: impl Into<String>) -> RemoteError {
        RemoteError::new(Fault::Transient, detail)
    }

    pub fn refused(detail: impl Into<String>) -> RemoteError {
        RemoteError::new(Fault::Refused, detail)
    }

    /// The user-facing error for this failure while doing `action` on `path`.
    pub fn into_deploy_error(
        self,
        target: &Target,
        action: &'static str,
        path: &str,
        attempts: u32,
    ) -> DeployError {
        match self.fault {
            Fault::Auth => DeployError::Auth {
                account: target.account(),
            },
            Fault::Tls => DeployError::Tls {
                server: target.server(),
                detail: self.detail,
            },
            Fault::HostKey(known_hosts) => DeployError::HostKeyChanged {
                server: target.server(),
                known_hosts,
            },
            // The size is filled in by the caller, which knows the file.
            Fault::NoSpace(free) => DeployError::NoSpace {
                path: path.to_string(),
                size: 0,
                free,
            },
            Fault::Refused => DeployError::Remote {
                action,
                path: path.to_string(),
                detail: self.detail,
            },
            Fault::Transient if action == "connect" => DeployError::Connect {
                server: target.server(),
                detail: self.detail,
            },
            Fault::Transient => DeployError::Network {
                path: path.to_string(),
                detail: self.detail,
                attempts,
            },
        }
    }
}

/// A logged-in connection whose paths are relative to the target folder, `/`-separated.
pub(crate) trait Remote {
    /// The content of a file, or `None` when there is no such file.
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError>;
    /// Creates one folder (its parent exists); succeeds when it already exists.
    fn mkdir(&mut self, dir: &str) -> Result<(), RemoteError>;
    /// Writes a file of `size` bytes under a temporary name, then renames it into place, so
    /// that a visitor never gets half a file.
    fn put(&mut self, path: &str, data: &mut dyn Read, size: u64) -> Result<(), RemoteError>;
    /// Deletes a file; succeeds when it is already gone.
    fn delete(&mut self, path: &str) -> Result<(), RemoteError>;
    /// Removes a folder if it is empty; failing is harmless and reported as `false`.
    fn rmdir_if_empty(&mut self, dir: &str) -> bool;
    /// The files and folders in `dir` (`""`: the target folder), hidden ones included.
    fn list(&mut self, dir: &str) -> Result<Vec<Listed>, RemoteError>;
    /// Whether reading files back to hash them costs no more than one request each (SFTP);
    /// over FTP every read opens a new data connection, as long as an upload.
    fn reads_cheaply(&self) -> bool;
}

/// One entry of a folder listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    /// The name in the folder (not a path).
    pub name: String,
    /// A folder (else a file; links and others are not listed).
    pub dir: bool,
    /// Size in bytes (files).
    pub size: u64,
}

/// Connection settings beyond the target itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectOptions {
    pub accept_invalid_certs: bool,
    /// Where SFTP host keys are remembered (trust on first use).
    pub known_hosts: Option<PathBuf>,
    /// Create the target folder when it is missing (not for a dry run, which only reads).
    pub create_root: bool,
    /// How long a connection may stay silent before it counts as broken.
    pub io_timeout: Duration,
}

/// Opens a TCP connection with timeouts, so a dead network fails instead of hanging.
pub(crate) fn tcp_connect(
    host: &str,
    port: u16,
    io_timeout: Duration,
) -> Result<TcpStream, RemoteError> {
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| RemoteError::transient(format!("{host}: {e}")))?;
    let mut last = RemoteError::transient(format!("{host}: no address"));
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(io_timeout))
                    .map_err(|e| io_fault(&e))?;
                s.set_write_timeout(Some(io_timeout))
                    .map_err(|e| io_fault(&e))?;
                return Ok(s);
            }
            Err(e) => last = io_fault(&e),
        }
    }
    Err(last)
}

/// `dir/.name.bangtin-tmp`: the temporary name beside the final one (same folder, so the
/// rename is atomic on the server's file system).
pub(crate) fn temp_name(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/.{name}{}", crate::manifest::TEMP_SUFFIX),
        None => format!(".{path}{}", crate::manifest::TEMP_SUFFIX),
    }
}

/// Classifies an I/O error: all network I/O trouble is worth a retry.
pub(crate) fn io_fault(e: &std::io::Error) -> RemoteError {
    use std::io::ErrorKind::{TimedOut, WouldBlock};
    match e.kind() {
        // What a read or write past the socket's timeout gives (EAGAIN on Unix).
        WouldBlock | TimedOut => RemoteError::transient(SILENT),
        _ => RemoteError::transient(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_stay_in_the_same_folder() {
        assert_eq!(temp_name("index.html"), ".index.html.bangtin-tmp");
        assert_eq!(temp_name("a/b/ảnh.jpg"), "a/b/.ảnh.jpg.bangtin-tmp");
    }
}
