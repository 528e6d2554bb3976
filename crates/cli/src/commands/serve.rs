//! `linkdex serve`, `linkdex demo` and `linkdex user`: the API server over the embedded index.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use linkdex_api::{Limits, Pricing, ServerConfig, UsersSource};
use linkdex_clickhouse::ClickHouse;
use linkdex_query::{Backend, Engine};

use super::clickhouse::Connection;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// File of users (salted argon2 hashes), managed with `linkdex user`. Default: <data>/users.
    /// LINKDEX_USERS='login:password[,login:password]' takes precedence.
    #[arg(long)]
    users_file: Option<PathBuf>,
    /// Serve without authentication (refused on a non-loopback address).
    #[arg(long)]
    no_auth: bool,
    /// Requests per minute per login (sliding window); more get 40202.
    #[arg(long, default_value_t = 2000)]
    requests_per_minute: u32,
    /// Requests in flight per login; more get 40209.
    #[arg(long, default_value_t = 30)]
    max_in_flight: u32,
    /// Seconds a query may run before it is answered 50401.
    #[arg(long, default_value_t = 120)]
    deadline_secs: u64,
    /// Seconds a client may take to send a request's headers, and then its body; past them the
    /// connection is closed (idle keep-alive connections too).
    #[arg(long, default_value_t = 30)]
    read_timeout_secs: u64,
    /// Cost of each task in the envelope (USD).
    #[arg(long, default_value_t = 0.0)]
    price_per_task: f64,
    /// Cost of each returned item (USD).
    #[arg(long, default_value_t = 0.0)]
    price_per_item: f64,
}

fn users_file(data: &Path, given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| data.join("users"))
}

pub fn serve(data: &Path, ch: Option<&Connection>, args: Args) -> anyhow::Result<ExitCode> {
    let (backend, what): (Arc<dyn Backend>, String) = match ch {
        Some(conn) => {
            let config = conn.config()?;
            let what = format!("ClickHouse {} (database {})", config.url, config.database);
            (Arc::new(ClickHouse::new(config)), what)
        }
        None => {
            let engine = Arc::new(
                Engine::open(data)
                    .with_context(|| format!("opening the index {}", data.display()))?,
            );
            keep_largest_targets(engine.clone());
            (engine, data.display().to_string())
        }
    };
    let file = users_file(data, args.users_file);
    let users = UsersSource::from_env_or_file(file.exists().then_some(file));
    let mut config = ServerConfig::new(args.listen, users);
    config.no_auth = args.no_auth;
    config.limits = Limits {
        requests_per_minute: args.requests_per_minute,
        max_in_flight: args.max_in_flight,
        deadline: Duration::from_secs(args.deadline_secs),
        read_timeout: Duration::from_secs(args.read_timeout_secs),
        ..Limits::default()
    };
    config.pricing = Pricing {
        base_per_task: args.price_per_task,
        per_item: args.price_per_item,
    };
    linkdex_api::serve_until_signal(config, backend, |addr| {
        eprintln!(
            "linkdex: serving {what} on http://{addr}/v3/backlinks/domain_intersection/live \
             (Link Gap page: http://{addr}/)"
        );
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Prepares the most linked targets' bitmaps on a background thread while the server starts.
fn keep_largest_targets(engine: Arc<Engine>) {
    let started = std::time::Instant::now();
    let spawned = std::thread::Builder::new()
        .name("linkdex-keep".into())
        .spawn(move || match engine.keep_largest_targets() {
            Ok(kept) => eprintln!(
                "linkdex: prepared the bitmaps of the {kept} most linked targets in {:.1} s",
                started.elapsed().as_secs_f64()
            ),
            Err(e) => eprintln!("linkdex: preparing the most linked targets failed: {e}"),
        });
    if let Err(e) = spawned {
        eprintln!("linkdex: no thread to prepare the most linked targets: {e}");
    }
}

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Address to listen on (a free port is taken if this one is busy).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Records in the demo index.
    #[arg(long, default_value_t = 200_000)]
    records: u64,
    /// Where the demo index is built (rebuilt when missing).
    #[arg(long, default_value = "./linkdex-demo")]
    dir: PathBuf,
}

pub fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let index = linkdex_store::Index::open(&args.dir)?;
    if index.generation()? == 0 {
        eprintln!(
            "linkdex: building a demo index of {} generated records in {} ...",
            args.records,
            args.dir.display()
        );
        super::gen::run(
            &args.dir,
            super::gen::Args {
                records: args.records,
                seed: 42,
                out: None,
            },
        )?;
    }
    let engine = Engine::open(&args.dir)?;
    let password = random_password();
    let users = UsersSource::Inline(format!("demo:{password}"));
    let mut config = ServerConfig::new(args.listen, users.clone());
    if std::net::TcpListener::bind(args.listen).is_err() {
        config = ServerConfig::new(SocketAddr::new(args.listen.ip(), 0), users);
    }
    linkdex_api::serve_until_signal(config, Arc::new(engine), |addr| {
        println!(
            "linkdex demo: {} generated records, served at http://{addr}/",
            args.records
        );
        println!("  login: demo   password: {password}");
        println!("  Link Gap page (log in with the above):");
        println!("  http://{addr}/?t=t0.com&t=t1.com&t=t2.com&x=t9.com");
        println!("  or the API:");
        println!(
            "  curl -u demo:{password} -d '[{{\"targets\":{{\"1\":\"t0.com\",\"2\":\"t1.com\"}},\"exclude_targets\":[\"t2.com\"],\"limit\":5}}]' http://{addr}/v3/backlinks/domain_intersection/live"
        );
        println!("  Ctrl-C stops the server.");
    })?;
    Ok(ExitCode::SUCCESS)
}

fn random_password() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| char::from(b"abcdefghijkmnpqrstuvwxyz23456789"[rng.gen_range(0..32)]))
        .collect()
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add a user, or change their password (read from stdin unless --password is given).
    Add {
        login: String,
        #[arg(long)]
        password: Option<String>,
        /// Default: <data>/users.
        #[arg(long)]
        users_file: Option<PathBuf>,
    },
    /// Remove a user.
    Remove {
        login: String,
        #[arg(long)]
        users_file: Option<PathBuf>,
    },
}

pub fn user(data: &Path, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add {
            login,
            password,
            users_file: f,
        } => {
            let password = match password {
                Some(p) => p,
                None => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            std::fs::create_dir_all(data)?;
            linkdex_api::add_user(&users_file(data, f), &login, &password)?;
            println!("user {login} saved");
        }
        UserCommand::Remove {
            login,
            users_file: f,
        } => {
            if !linkdex_api::remove_user(&users_file(data, f), &login)? {
                anyhow::bail!("no user {login}");
            }
            println!("user {login} removed");
        }
    }
    Ok(ExitCode::SUCCESS)
}
