//! The logins the server accepts: inline `login:password` pairs (kept only as digests) or a
//! users file of `login:<argon2 PHC string>` lines, which `linkdex user add/remove` edits.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use blake2::{Blake2b512, Digest};

use crate::config::UsersSource;
use crate::error::Error;

/// How a login's password is checked.
#[derive(Clone)]
pub(crate) enum Secret {
    /// BLAKE2b-512 of an inline password: a cheap check, compared in constant time.
    Digest([u8; 64]),
    /// An argon2 PHC string from the users file: an expensive check, cached once it succeeds.
    Phc(String),
}

pub(crate) type Users = BTreeMap<String, Secret>;

pub(crate) fn digest(password: &str) -> [u8; 64] {
    Blake2b512::digest(password.as_bytes()).into()
}

pub(crate) fn load(source: &UsersSource) -> Result<Users, Error> {
    match source {
        UsersSource::None => Ok(Users::new()),
        UsersSource::Inline(spec) => parse_inline(spec),
        UsersSource::File(path) => Ok(read_file(path)?
            .into_iter()
            .map(|(login, phc)| (login, Secret::Phc(phc)))
            .collect()),
    }
}

/// `login:password[,login:password]`; the password runs to the next comma.
fn parse_inline(spec: &str) -> Result<Users, Error> {
    let mut users = Users::new();
    for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (login, password) = entry.split_once(':').ok_or_else(|| Error::InvalidUser {
            login: entry.split(':').next().unwrap_or("").to_string(),
            reason: "expected login:password",
        })?;
        check_login(login)?;
        if password.is_empty() {
            return Err(Error::InvalidUser {
                login: login.into(),
                reason: "empty password",
            });
        }
        users.insert(login.to_string(), Secret::Digest(digest(password)));
    }
    Ok(users)
}

fn check_login(login: &str) -> Result<(), Error> {
    let reason = if login.is_empty() {
        "empty login"
    } else if login.contains(':') || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "a login may not contain ':', whitespace or control characters"
    } else {
        return Ok(());
    };
    Err(Error::InvalidUser {
        login: login.into(),
        reason,
    })
}

/// The file's entries; a missing file has none.
fn read_file(path: &Path) -> Result<BTreeMap<String, String>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
    };
    let mut users = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: &str| Error::UsersFile {
            path: path.to_path_buf(),
            line: i + 1,
            reason: reason.into(),
        };
        let (login, phc) = line
            .split_once(':')
            .ok_or_else(|| bad("expected login:hash"))?;
        PasswordHash::new(phc).map_err(|e| bad(&format!("not a PHC hash string: {e}")))?;
        users.insert(login.to_string(), phc.to_string());
    }
    Ok(users)
}

/// Adds `login` to the users file, or changes its password; creates the file if needed.
pub fn add_user(path: &Path, login: &str, password: &str) -> Result<(), Error> {
    check_login(login)?;
    if password.is_empty() {
        return Err(Error::InvalidUser {
            login: login.into(),
            reason: "empty password",
        });
    }
    let mut users = read_file(path)?;
    users.insert(login.to_string(), hash_password(password)?);
    write_file(path, &users)
}

/// Removes `login` from the users file; `Ok(false)` when it was not there.
pub fn remove_user(path: &Path, login: &str) -> Result<bool, Error> {
    let mut users = read_file(path)?;
    if users.remove(login).is_none() {
        return Ok(false);
    }
    write_file(path, &users)?;
    Ok(true)
}

pub(crate) fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Hash(e.to_string()))
}

/// Temp file in the same directory, fsync, rename: a reader sees the old or the new file whole.
fn write_file(path: &Path, users: &BTreeMap<String, String>) -> Result<(), Error> {
    let mut text =
        String::from("# linkdex users: login:argon2 PHC hash. Edit with `linkdex user`.\n");
    for (login, phc) in users {
        text.push_str(&format!("{login}:{phc}\n"));
    }
    let tmp = temp_path(path);
    let io = |what: &str, e| Error::io(format!("{what} {}", tmp.display()), e);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(|e| io("creating", e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| io("writing", e))?;
    file.sync_all().map_err(|e| io("syncing", e))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(|e| {
        Error::io(
            format!("renaming {} to {}", tmp.display(), path.display()),
            e,
        )
    })
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp{}", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_users_parse_and_reject_bad_entries() {
        let users = parse_inline("alice:s3cret, bob:p:w").unwrap();
        assert_eq!(users.len(), 2);
        assert!(matches!(&users["bob"], Secret::Digest(d) if *d == digest("p:w")));
        assert!(parse_inline("alice").is_err());
        assert!(parse_inline("alice:").is_err());
        assert!(parse_inline(":pw").is_err());
    }

    #[test]
    fn users_file_add_replace_remove() {
        let dir = std::env::temp_dir().join(format!("linkdex-api-users-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("users");
        let _ = std::fs::remove_file(&path);
        add_user(&path, "alice", "one").unwrap();
        add_user(&path, "bob", "two").unwrap();
        let first = read_file(&path).unwrap()["alice"].clone();
        add_user(&path, "alice", "three").unwrap();
        let users = read_file(&path).unwrap();
        assert_eq!(users.len(), 2);
        assert_ne!(users["alice"], first);
        assert!(remove_user(&path, "bob").unwrap());
        assert!(!remove_user(&path, "bob").unwrap());
        assert_eq!(read_file(&path).unwrap().len(), 1);
        assert!(add_user(&path, "a:b", "x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
