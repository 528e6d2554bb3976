//! What the server is told at start: where to listen, who may call it, and the limits and
//! prices it applies. The CLI fills this from flags and the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable holding inline users, `login:password[,login:password]`.
pub const USERS_ENV: &str = "LINKDEX_USERS";

/// Everything [`crate::Server::bind`] needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free port (see [`crate::Server::local_addr`]).
    pub listen: SocketAddr,
    /// Where the logins come from.
    pub users: UsersSource,
    /// Accept every request without credentials. Refused unless `listen` is a loopback address.
    pub no_auth: bool,
    pub limits: Limits,
    pub pricing: Pricing,
}

impl ServerConfig {
    /// A config with default limits and zero pricing.
    pub fn new(listen: SocketAddr, users: UsersSource) -> ServerConfig {
        ServerConfig {
            listen,
            users,
            no_auth: false,
            limits: Limits::default(),
            pricing: Pricing::default(),
        }
    }
}

/// Where logins and their secrets come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsersSource {
    /// No users: the server starts only with `no_auth`.
    None,
    /// Inline `login:password[,login:password]` (the format of [`USERS_ENV`]).
    Inline(String),
    /// A users file of `login:<argon2 PHC string>` lines, managed by [`crate::add_user`] and
    /// [`crate::remove_user`].
    File(PathBuf),
}

impl UsersSource {
    /// [`USERS_ENV`] when it is set and not blank, else `file` when given, else `None`.
    pub fn from_env_or_file(file: Option<PathBuf>) -> UsersSource {
        match std::env::var(USERS_ENV) {
            Ok(v) if !v.trim().is_empty() => UsersSource::Inline(v),
            _ => file.map_or(UsersSource::None, UsersSource::File),
        }
    }
}

/// Per-login limits. Every one is answered with HTTP 200 and an envelope status code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Requests admitted per login in any 60-second sliding window (40202 beyond).
    pub requests_per_minute: u32,
    /// Requests of one login running at once (40209 beyond). A request counts until its query
    /// really ends, even when the client was already answered 50401.
    pub max_in_flight: u32,
    /// Largest request body, before and after gzip decompression (40503 beyond).
    pub max_body_bytes: usize,
    /// How long a query may run before the task is answered 50401.
    pub deadline: Duration,
    /// How long a client may take to send a request's headers, and then its body. A connection
    /// still sending headers past it is closed; a body still arriving past it is answered 40503
    /// and its connection closed. Idle keep-alive connections are closed after it too. So a
    /// client sending a byte at a time cannot hold a connection forever.
    pub read_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            requests_per_minute: 2000,
            max_in_flight: 30,
            max_body_bytes: 1024 * 1024,
            deadline: Duration::from_secs(120),
            read_timeout: Duration::from_secs(30),
        }
    }
}

/// What a task costs, in USD: `base_per_task + per_item * items_count`. Failed tasks cost 0.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pricing {
    pub base_per_task: f64,
    pub per_item: f64,
}

impl Pricing {
    pub(crate) fn task_cost(&self, items_count: u64) -> f64 {
        // Rounded to 1e-8 USD so sums of binary fractions print as the prices people configured.
        let raw = self.base_per_task + self.per_item * items_count as f64;
        (raw * 1e8).round() / 1e8
    }
}
