//! The `linkdex` binary: a thin layer of commands over the library crates.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Import, merges and record-path queries allocate and free many small strings per record;
/// mimalloc does this with less work than the system allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "linkdex",
    version,
    about = "A self-hosted backlink index that answers the DataForSEO Backlinks API"
)]
struct Cli {
    /// The index directory.
    #[arg(
        long,
        global = true,
        env = "LINKDEX_DATA",
        default_value = "./linkdex-data"
    )]
    data: PathBuf,
    /// Where records live and queries run: the embedded index (--data) or a ClickHouse server
    /// or cluster (--clickhouse-*).
    #[arg(
        long,
        global = true,
        env = "LINKDEX_BACKEND",
        value_enum,
        default_value = "embedded"
    )]
    backend: BackendKind,
    #[command(flatten)]
    clickhouse: commands::clickhouse::Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum BackendKind {
    Embedded,
    Clickhouse,
}

#[derive(Subcommand)]
enum Command {
    /// Import backlink records from JSONL files (.jsonl, .jsonl.gz, .jsonl.zst, or - for stdin).
    Import(commands::import::Args),
    /// Ingest web archives (WARC, WAT; .gz or plain; - for stdin): links, lost, broken, indirect.
    Ingest(commands::ingest::Args),
    /// Run a domain_intersection request (the API's JSON body) and print the API's answer.
    Query(commands::query::Args),
    /// Check every file of the index: checksums, order, and every invariant.
    Verify,
    /// Merge every segment of the index into one.
    Merge,
    /// Compute page, domain and link ranks and spam scores; writes them as one new commit.
    Rank(commands::rank::Args),
    /// Generate a realistic link graph (seeded) as JSONL or straight into the index.
    Gen(commands::gen::Args),
    /// Serve the DataForSEO-compatible API over the index.
    Serve(commands::serve::Args),
    /// Build a demo index and serve it: prints the URL, credentials and a curl line.
    Demo(commands::serve::DemoArgs),
    /// Manage the users of `serve` (salted argon2 hashes in <data>/users).
    #[command(subcommand)]
    User(commands::serve::UserCommand),
    /// ClickHouse backend: create the tables, show the SQL of a request.
    #[command(subcommand)]
    Clickhouse(commands::clickhouse::Command),
    /// Time a fixed query mix over the index in-process (per-class p50/p99, bytes/record, peak RSS).
    Bench(commands::bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ch = (cli.backend == BackendKind::Clickhouse).then_some(&cli.clickhouse);
    let result = match cli.command {
        Command::Import(args) => commands::import::run(&cli.data, ch, args),
        Command::Ingest(args) => commands::ingest::run(&cli.data, ch, args),
        Command::Query(args) => commands::query::run(&cli.data, ch, args),
        Command::Clickhouse(cmd) => commands::clickhouse::run(&cli.clickhouse, cmd),
        Command::Verify => commands::verify(&cli.data),
        Command::Merge => commands::merge(&cli.data),
        Command::Rank(args) => commands::rank::run(&cli.data, ch, args),
        Command::Gen(args) => commands::gen::run(&cli.data, args),
        Command::Serve(args) => commands::serve::serve(&cli.data, ch, args),
        Command::Demo(args) => commands::serve::demo(args),
        Command::User(cmd) => commands::serve::user(&cli.data, cmd),
        Command::Bench(args) => commands::bench::run(&cli.data, ch, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("linkdex: {e:#}");
            ExitCode::FAILURE
        }
    }
}
