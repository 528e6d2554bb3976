//! HTTP Basic authentication against the configured users, with a cache of argon2
//! verifications that succeeded so a steady client pays the hash cost once. A users file is read
//! again when it changes, so `linkdex user add/remove` takes effect on a running server.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use axum::http::HeaderValue;
use base64ct::{Base64, Encoding};
use blake2::{Blake2b512, Digest};

use crate::config::UsersSource;
use crate::error::Error;
use crate::log;
use crate::users::{self, digest, hash_password, Secret, Users};

/// Above this many cached verifications the cache starts over (bounds memory under attack).
const CACHE_CAPACITY: usize = 10_000;

/// The login a request was admitted under; `-` when the server runs without auth.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Login(pub String);

pub(crate) struct Authenticator {
    /// The users file, when the users come from one.
    file: Option<PathBuf>,
    current: RwLock<Current>,
    no_auth: bool,
    /// Random per process, so cache keys say nothing outside it.
    cache_salt: [u8; 32],
    verified: Mutex<HashSet<[u8; 64]>>,
    /// Checked against for unknown logins, so they cost what a known login costs.
    decoy_phc: Option<String>,
}

/// The users as last read, and the file's stamp when they were.
struct Current {
    users: Arc<Users>,
    stamp: Option<Stamp>,
}

/// What changes when the users file is replaced or written: modification time, length, inode.
type Stamp = (SystemTime, u64, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}

impl Authenticator {
    /// Reads the users of `source` (see [`users::load`]).
    pub fn new(source: &UsersSource, no_auth: bool) -> Result<Authenticator, Error> {
        let file = match source {
            UsersSource::File(path) => Some(path.clone()),
            UsersSource::None | UsersSource::Inline(_) => None,
        };
        // Stamped before reading: a change while reading is read again at the next request.
        let stamp = file.as_deref().and_then(stamp);
        let users = users::load(source)?;
        let mut cache_salt = [0u8; 32];
        OsRng.fill_bytes(&mut cache_salt);
        let any_phc = file.is_some() || users.values().any(|s| matches!(s, Secret::Phc(_)));
        let decoy_phc = if any_phc {
            Some(hash_password("linkdex decoy")?)
        } else {
            None
        };
        Ok(Authenticator {
            file,
            current: RwLock::new(Current {
                users: Arc::new(users),
                stamp,
            }),
            no_auth,
            cache_salt,
            verified: Mutex::new(HashSet::new()),
            decoy_phc,
        })
    }

    /// Whether there are no users at all (the server then starts only with `no_auth`).
    pub fn has_no_users(&self) -> bool {
        self.users().is_empty()
    }

    /// The current users: the users file is read again when its stamp changed. A file that no
    /// longer reads (a bad line, written by hand) keeps the users read before, and is logged.
    fn users(&self) -> Arc<Users> {
        let read = || self.current.read().unwrap_or_else(|p| p.into_inner());
        let Some(path) = &self.file else {
            return read().users.clone();
        };
        let now = stamp(path);
        {
            let current = read();
            if current.stamp == now {
                return current.users.clone();
            }
        }
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if current.stamp != now {
            current.stamp = now;
            match users::load(&UsersSource::File(path.clone())) {
                Ok(users) => {
                    log::lifecycle(
                        "users",
                        &format!("read {} logins from {}", users.len(), path.display()),
                    );
                    current.users = Arc::new(users);
                }
                Err(e) => log::lifecycle("users", &format!("kept the previous logins: {e}")),
            }
        }
        current.users.clone()
    }

    /// The login of a request with valid credentials, `None` otherwise.
    pub async fn authenticate(self: &Arc<Self>, header: Option<&HeaderValue>) -> Option<Login> {
        if self.no_auth {
            return Some(Login("-".into()));
        }
        let (login, password) = parse_basic(header?)?;
        let secret = self.users().get(&login).cloned();
        let ok = match secret {
            Some(Secret::Digest(expected)) => ct_eq(&digest(&password), &expected),
            Some(Secret::Phc(phc)) => self.verify_phc(&login, &password, phc).await,
            None => {
                // Spend the same work as a real check, then refuse.
                match self.decoy_phc.clone() {
                    Some(decoy) => {
                        let _ = argon2_verify_blocking(password, decoy).await;
                    }
                    None => {
                        let _ = ct_eq(&digest(&password), &[0; 64]);
                    }
                }
                false
            }
        };
        ok.then_some(Login(login))
    }

    async fn verify_phc(self: &Arc<Self>, login: &str, password: &str, phc: String) -> bool {
        // The hash is part of the key: a changed password is not admitted from the cache.
        let key = self.cache_key(login, password, &phc);
        if self.lock().contains(&key) {
            return true;
        }
        if !argon2_verify_blocking(password.to_string(), phc).await {
            return false;
        }
        let mut cache = self.lock();
        if cache.len() >= CACHE_CAPACITY {
            cache.clear();
        }
        cache.insert(key);
        true
    }

    fn cache_key(&self, login: &str, password: &str, phc: &str) -> [u8; 64] {
        Blake2b512::new()
            .chain_update(self.cache_salt)
            .chain_update((login.len() as u64).to_le_bytes())
            .chain_update(login.as_bytes())
            .chain_update((phc.len() as u64).to_le_bytes())
            .chain_update(phc.as_bytes())
            .chain_update(password.as_bytes())
            .finalize()
            .into()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<[u8; 64]>> {
        // A poisoned cache holds only successful keys; it is still right to use.
        self.verified.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// argon2 takes tens of milliseconds of CPU: keep it off the async workers.
async fn argon2_verify_blocking(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// `Basic base64(login:password)`; the scheme is case-insensitive.
fn parse_basic(header: &HeaderValue) -> Option<(String, String)> {
    let value = header.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = Base64::decode_vec(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, password) = text.split_once(':')?;
    Some((login.to_string(), password.to_string()))
}

/// Equality whose time does not depend on where the inputs differ.
fn ct_eq(a: &[u8; 64], b: &[u8; 64]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(login_password: &str) -> HeaderValue {
        let v = format!("Basic {}", Base64::encode_string(login_password.as_bytes()));
        HeaderValue::from_str(&v).unwrap()
    }

    #[test]
    fn parses_basic_headers() {
        assert_eq!(
            parse_basic(&basic("a:b:c")),
            Some(("a".into(), "b:c".into()))
        );
        assert_eq!(parse_basic(&HeaderValue::from_static("Bearer abc")), None);
        assert_eq!(parse_basic(&HeaderValue::from_static("Basic !!!")), None);
    }

    #[tokio::test]
    async fn argon2_users_verify_and_are_cached() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users");
        users::add_user(&path, "alice", "pw").unwrap();
        let auth = Arc::new(Authenticator::new(&UsersSource::File(path), false).unwrap());
        assert_eq!(
            auth.authenticate(Some(&basic("alice:pw"))).await,
            Some(Login("alice".into()))
        );
        assert_eq!(auth.lock().len(), 1);
        assert_eq!(
            auth.authenticate(Some(&basic("alice:pw"))).await,
            Some(Login("alice".into()))
        );
        assert_eq!(auth.authenticate(Some(&basic("alice:px"))).await, None);
        assert_eq!(auth.authenticate(Some(&basic("bob:pw"))).await, None);
        assert_eq!(auth.authenticate(None).await, None);
        assert_eq!(auth.lock().len(), 1);
    }
}
