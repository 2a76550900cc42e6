//! Picks the protocol for a target: the one place that names FTP and SFTP, so neither
//! protocol module nor `remote` depends on the other.

use crate::ftp::FtpRemote;
use crate::remote::{ConnectOptions, Remote, RemoteError};
use crate::sftp::SftpRemote;
use crate::target::{Scheme, Target};

/// Connects, logs in and goes to the target folder (creating it if allowed). When the folder
/// is missing and may not be created, every read answers "no such file".
pub(crate) fn connect(
    target: &Target,
    password: &str,
    opts: &ConnectOptions,
) -> Result<Box<dyn Remote>, RemoteError> {
    match target.scheme {
        Scheme::Ftp | Scheme::Ftps => Ok(Box::new(FtpRemote::connect(target, password, opts)?)),
        Scheme::Sftp => Ok(Box::new(SftpRemote::connect(target, password, opts)?)),
    }
}
