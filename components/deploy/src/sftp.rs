//! SFTP through libssh2 (the `ssh2` crate), with password login and host key checking.

use std::io::Read;
use std::path::{Path, PathBuf};

use ssh2::{CheckResult, ErrorCode, KnownHostFileKind, Session, Sftp};

use crate::error::SILENT;
use crate::remote::{
    io_fault, tcp_connect, temp_name, ConnectOptions, Fault, Listed, Remote, RemoteError,
};
use crate::target::Target;

const LIBSSH2_ERROR_AUTHENTICATION_FAILED: i32 = -18;
const LIBSSH2_ERROR_TIMEOUT: i32 = -9;
const FX_NO_SUCH_FILE: i32 = 2;
const FX_NO_CONNECTION: i32 = 6;
const FX_CONNECTION_LOST: i32 = 7;

/// A logged-in SFTP session; paths are joined to the target folder.
pub(crate) struct SftpRemote {
    sftp: Sftp,
    /// Kept alive as long as the SFTP channel.
    session: Session,
    /// The target folder, absolute.
    root: String,
}

impl Drop for SftpRemote {
    /// Closing the channel and the session waits for the server; on a stalled line each wait
    /// would last the whole `[deploy] timeout` before the retry or the error message.
    fn drop(&mut self) {
        self.session.set_timeout(TEARDOWN_TIMEOUT_MS);
    }
}

/// How long closing a connection may wait for the server, in milliseconds.
const TEARDOWN_TIMEOUT_MS: u32 = 1000;

/// Sorts an SSH failure: session-level trouble is transient, SFTP statuses are refusals.
fn fault(e: ssh2::Error) -> RemoteError {
    let detail = e.message().to_string();
    match e.code() {
        ErrorCode::Session(LIBSSH2_ERROR_AUTHENTICATION_FAILED) => {
            RemoteError::new(Fault::Auth, detail)
        }
        ErrorCode::Session(LIBSSH2_ERROR_TIMEOUT) => RemoteError::transient(SILENT),
        ErrorCode::Session(_) => RemoteError::transient(detail),
        ErrorCode::SFTP(FX_NO_CONNECTION | FX_CONNECTION_LOST) => RemoteError::transient(detail),
        // SSH_FX_NO_SPACE_ON_FILESYSTEM, SSH_FX_QUOTA_EXCEEDED (SFTP version 5 and later).
        ErrorCode::SFTP(14 | 15) => RemoteError::new(Fault::NoSpace(None), detail),
        ErrorCode::SFTP(code) => {
            RemoteError::refused(format!("{} (SFTP status {code})", sftp_status(code)))
        }
    }
}

fn sftp_status(code: i32) -> &'static str {
    match code {
        FX_NO_SUCH_FILE => "no such file or folder",
        3 => "permission denied",
        4 => "failure",
        11 => "already exists",
        14 => "no space left",
        _ => "refused",
    }
}

fn is_missing(e: &ssh2::Error) -> bool {
    e.code() == ErrorCode::SFTP(FX_NO_SUCH_FILE)
}

impl SftpRemote {
    /// Connects, checks the host key, logs in with the password and enters the target folder.
    pub fn connect(
        target: &Target,
        password: &str,
        opts: &ConnectOptions,
    ) -> Result<SftpRemote, RemoteError> {
        let tcp = tcp_connect(&target.host, target.port, opts.io_timeout)?;
        let mut session = Session::new().map_err(fault)?;
        session.set_tcp_stream(tcp);
        session.set_timeout(u32::try_from(opts.io_timeout.as_millis()).unwrap_or(u32::MAX));
        session.handshake().map_err(fault)?;
        check_host_key(&session, target, opts.known_hosts.as_deref())?;
        match session.userauth_password(&target.user, password) {
            Ok(()) if session.authenticated() => {}
            Ok(()) => return Err(RemoteError::new(Fault::Auth, "login refused")),
            Err(e) => {
                let err = fault(e);
                // Servers close or refuse in several ways; any failure here, before anything
                // was written, is reported as a refused login unless the network broke.
                return Err(match err.fault {
                    Fault::Transient if !session.authenticated() && is_auth_reply(&err) => {
                        RemoteError::new(Fault::Auth, err.detail)
                    }
                    _ => err,
                });
            }
        }
        let sftp = session.sftp().map_err(fault)?;
        let root = if target.path.starts_with('/') {
            target.path.clone()
        } else {
            let home = sftp.realpath(Path::new(".")).map_err(fault)?;
            let home = home.to_string_lossy().trim_end_matches('/').to_string();
            if target.path.is_empty() {
                // A chrooted account's home is "/", trimmed to "" above.
                if home.is_empty() {
                    "/".to_string()
                } else {
                    home
                }
            } else {
                format!("{home}/{}", target.path)
            }
        };
        let mut remote = SftpRemote {
            sftp,
            session,
            root,
        };
        if opts.create_root {
            remote.make_root()?;
        }
        Ok(remote)
    }

    fn abs(&self, rel: &str) -> PathBuf {
        if rel.is_empty() {
            PathBuf::from(&self.root)
        } else {
            PathBuf::from(format!("{}/{rel}", self.root.trim_end_matches('/')))
        }
    }

    /// Creates each missing level of the target folder.
    fn make_root(&mut self) -> Result<(), RemoteError> {
        let root = PathBuf::from(&self.root);
        if self.sftp.stat(&root).map(|s| s.is_dir()).unwrap_or(false) {
            return Ok(());
        }
        let mut prefix = String::new();
        for part in self.root.split('/') {
            if part.is_empty() {
                continue;
            }
            prefix.push('/');
            prefix.push_str(part);
            let _ = self.sftp.mkdir(Path::new(&prefix), 0o755);
        }
        match self.sftp.stat(&root) {
            Ok(s) if s.is_dir() => Ok(()),
            _ => Err(RemoteError::refused(format!(
                "cannot create the folder \"{}\"",
                self.root
            ))),
        }
    }
}

impl SftpRemote {
    /// After a failed write: when the server's file system has less room than the file, a
    /// full-disk error with the free space (the half-written file removed), else `None`.
    /// SFTP version 3 reports a full disk as a plain failure: only the free space tells.
    fn no_space(&mut self, tmp: &Path, size: u64) -> Option<RemoteError> {
        let mut file = self.sftp.open(tmp).ok()?;
        let vfs = file.statvfs().ok()?;
        drop(file);
        let free = vfs.f_bavail.saturating_mul(vfs.f_frsize);
        let _ = self.sftp.unlink(tmp);
        (free < size.max(1)).then(|| RemoteError::new(Fault::NoSpace(Some(free)), "no space left"))
    }
}

fn is_auth_reply(err: &RemoteError) -> bool {
    let d = err.detail.to_lowercase();
    d.contains("auth") || d.contains("password")
}

/// Trust on first use: a host key seen before (in the user's `~/.ssh/known_hosts` or in our
/// own file) must match; a new host's key is recorded in our file.
fn check_host_key(
    session: &Session,
    target: &Target,
    ours: Option<&Path>,
) -> Result<(), RemoteError> {
    let (key, key_type) = session
        .host_key()
        .ok_or_else(|| RemoteError::transient("the server sent no host key"))?;
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
    let system = home.map(|h| PathBuf::from(h).join(".ssh").join("known_hosts"));
    for file in system.iter().map(PathBuf::as_path).chain(ours) {
        if !file.is_file() {
            continue;
        }
        let mut kh = session.known_hosts().map_err(fault)?;
        if kh.read_file(file, KnownHostFileKind::OpenSSH).is_err() {
            continue;
        }
        match kh.check_port(&target.host, target.port, key) {
            CheckResult::Mismatch => {
                return Err(RemoteError::new(
                    Fault::HostKey(file.to_path_buf()),
                    "host key changed",
                ))
            }
            CheckResult::Match => return Ok(()),
            CheckResult::NotFound | CheckResult::Failure => {}
        }
    }
    if let Some(file) = ours {
        let mut kh = session.known_hosts().map_err(fault)?;
        if file.is_file() {
            let _ = kh.read_file(file, KnownHostFileKind::OpenSSH);
        }
        let name = if target.port == 22 {
            target.host.clone()
        } else {
            format!("[{}]:{}", target.host, target.port)
        };
        // Failing to remember the key only weakens the next check; the deploy goes on.
        if kh.add(&name, key, "bangtin", key_type.into()).is_ok() {
            if let Some(dir) = file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = kh.write_file(file, KnownHostFileKind::OpenSSH);
        }
    }
    Ok(())
}

impl Remote for SftpRemote {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, RemoteError> {
        let mut file = match self.sftp.open(self.abs(path)) {
            Ok(f) => f,
            Err(e) if is_missing(&e) => return Ok(None),
            Err(e) => return Err(fault(e)),
        };
        let mut buf = Vec::new();
        file.read_to_end(&mut buf).map_err(|e| io_fault(&e))?;
        Ok(Some(buf))
    }

    fn mkdir(&mut self, dir: &str) -> Result<(), RemoteError> {
        let p = self.abs(dir);
        match self.sftp.mkdir(&p, 0o755) {
            Ok(()) => Ok(()),
            Err(e) => match self.sftp.stat(&p) {
                Ok(s) if s.is_dir() => Ok(()),
                _ => Err(fault(e)),
            },
        }
    }

    fn put(&mut self, path: &str, data: &mut dyn Read, size: u64) -> Result<(), RemoteError> {
        let tmp = self.abs(&temp_name(path));
        let dest = self.abs(path);
        {
            let mut file = self.sftp.create(&tmp).map_err(fault)?;
            let written = std::io::copy(data, &mut file)
                .map_err(|e| io_fault(&e))
                .and_then(|_| file.close().map_err(fault));
            if let Err(e) = written {
                if e.detail == SILENT {
                    // A stalled line: asking it for the free space would wait as long again.
                    self.session.set_timeout(TEARDOWN_TIMEOUT_MS);
                    return Err(e);
                }
                drop(file);
                return Err(self.no_space(&tmp, size).unwrap_or(e));
            }
        }
        if let Err(e) = self.sftp.rename(&tmp, &dest, None) {
            // SFTP version 3 (OpenSSH) will not rename over an existing file. Move the old one
            // aside first: the page is missing only between two renames, never half written.
            if self.sftp.stat(&dest).is_err() {
                return Err(fault(e));
            }
            let old = self.abs(&format!("{}.old", temp_name(path)));
            let _ = self.sftp.unlink(&old);
            self.sftp.rename(&dest, &old, None).map_err(fault)?;
            self.sftp.rename(&tmp, &dest, None).map_err(fault)?;
            let _ = self.sftp.unlink(&old);
        }
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<(), RemoteError> {
        match self.sftp.unlink(&self.abs(path)) {
            Ok(()) => Ok(()),
            Err(e) if is_missing(&e) => Ok(()),
            Err(e) => Err(fault(e)),
        }
    }

    fn rmdir_if_empty(&mut self, dir: &str) -> bool {
        self.sftp.rmdir(&self.abs(dir)).is_ok()
    }

    fn list(&mut self, dir: &str) -> Result<Vec<Listed>, RemoteError> {
        let entries = match self.sftp.readdir(self.abs(dir)) {
            Ok(e) => e,
            Err(e) if is_missing(&e) => return Ok(Vec::new()),
            Err(e) => return Err(fault(e)),
        };
        let mut out = Vec::new();
        for (path, stat) in entries {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if stat.is_dir() || stat.is_file() {
                out.push(Listed {
                    name: name.to_string(),
                    dir: stat.is_dir(),
                    size: stat.size.unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    fn reads_cheaply(&self) -> bool {
        true
    }
}
