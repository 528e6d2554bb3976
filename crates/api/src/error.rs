//! Why the server could not start, or a users file could not be changed. Errors answered to
//! clients are [`linkdex_query::ApiError`]s instead.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("users file {}: line {line}: {reason}", path.display())]
    UsersFile {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("invalid user entry {login:?}: {reason}")]
    InvalidUser { login: String, reason: &'static str },
    #[error(
        "no users configured: set LINKDEX_USERS, add users to the users file, \
         or serve without auth on a loopback address"
    )]
    NoUsers,
    #[error("serving without auth is refused on the non-loopback address {0}")]
    NoAuthNotLoopback(SocketAddr),
    #[error("hashing the password: {0}")]
    Hash(String),
}

impl Error {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            what: what.into(),
            source,
        }
    }
}
