//! `--backend clickhouse`: the connection flags, `linkdex clickhouse init|sql`, and the import
//! into a ClickHouse server or cluster.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{bail, Context};
use linkdex_clickhouse::{init, ClickHouse, Client, Config, Writer};
use linkdex_ingest::{read_records, ImportError, ImportOptions};
use linkdex_query::parse_request;

/// Where the ClickHouse backend is (global flags; used with `--backend clickhouse`).
#[derive(clap::Args, Clone)]
pub struct Connection {
    /// ClickHouse HTTP endpoint.
    #[arg(
        long,
        global = true,
        env = "LINKDEX_CLICKHOUSE_URL",
        default_value = "http://127.0.0.1:8123"
    )]
    clickhouse_url: String,
    /// Database holding linkdex's tables.
    #[arg(
        long,
        global = true,
        env = "LINKDEX_CLICKHOUSE_DATABASE",
        default_value = "linkdex"
    )]
    clickhouse_database: String,
    /// The cluster (remote_servers) the tables are sharded over; none: one node.
    #[arg(long, global = true, env = "LINKDEX_CLICKHOUSE_CLUSTER")]
    clickhouse_cluster: Option<String>,
    /// ClickHouse user (default: the server's default user).
    #[arg(long, global = true, env = "LINKDEX_CLICKHOUSE_USER")]
    clickhouse_user: Option<String>,
    /// ClickHouse password (prefer the environment variable).
    #[arg(
        long,
        global = true,
        env = "LINKDEX_CLICKHOUSE_PASSWORD",
        hide_env_values = true
    )]
    clickhouse_password: Option<String>,
}

impl Connection {
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut c = Config::new(&self.clickhouse_url);
        c.database = identifier("--clickhouse-database", &self.clickhouse_database)?;
        c.cluster = match &self.clickhouse_cluster {
            Some(name) => Some(identifier("--clickhouse-cluster", name)?),
            None => None,
        };
        c.user = self.clickhouse_user.clone();
        c.password = self.clickhouse_password.clone();
        Ok(c)
    }
}

/// Database and cluster names go into DDL as identifiers: letters, digits and `_` only.
fn identifier(flag: &str, name: &str) -> anyhow::Result<String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        bail!("{flag}: '{name}' is not a name of letters, digits and '_'");
    }
    Ok(name.to_string())
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Create the database and tables (idempotent). With a cluster and no distributed DDL,
    /// run it once against every node.
    Init {
        /// ClickHouse HTTP endpoint (overrides --clickhouse-url).
        #[arg(long)]
        url: Option<String>,
        /// Cluster to shard over (overrides --clickhouse-cluster).
        #[arg(long)]
        cluster: Option<String>,
    },
    /// Print the SQL a domain_intersection request (the API's JSON body) compiles to.
    Sql {
        /// A file with the request body, or - for stdin.
        file: String,
    },
}

pub fn run(conn: &Connection, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Init { url, cluster } => {
            let mut conn = conn.clone();
            if let Some(u) = url {
                conn.clickhouse_url = u;
            }
            if cluster.is_some() {
                conn.clickhouse_cluster = cluster;
            }
            let config = conn.config()?;
            for statement in init(&Client::new(config.clone()))? {
                let first = statement.lines().next().unwrap_or_default();
                println!("{}: {first}", config.url);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sql { file } => {
            let body = read_body(&file)?;
            let value: serde_json::Value =
                serde_json::from_slice(&body).context("the request is not JSON")?;
            let task = match &value {
                serde_json::Value::Array(tasks) => tasks.first(),
                serde_json::Value::Object(_) => Some(&value),
                _ => None,
            }
            .and_then(|t| t.as_object())
            .context("the request is neither a task object nor an array of them")?;
            let req = parse_request(task).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", linkdex_clickhouse::compile(&req));
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn read_body(file: &str) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    if file == "-" {
        std::io::stdin().read_to_end(&mut body)?;
    } else {
        body = std::fs::read(file).with_context(|| file.to_string())?;
    }
    Ok(body)
}

/// The backend for `query` and `serve`.
pub fn backend(conn: &Connection) -> anyhow::Result<ClickHouse> {
    Ok(ClickHouse::new(conn.config()?))
}

/// Imports one JSONL file into ClickHouse; returns the report and the rows written.
pub fn import(
    conn: &Connection,
    file: &str,
    opts: &ImportOptions,
    batch_records: usize,
) -> anyhow::Result<(linkdex_ingest::ImportReport, linkdex_clickhouse::WriteStats)> {
    let mut writer = Writer::new(Client::new(conn.config()?)).with_batch(batch_records);
    let report = read_records(file, opts, |chunk| -> Result<(), ImportError> {
        for r in chunk {
            writer.add(r).map_err(|e| ImportError::Sink(Box::new(e)))?;
        }
        Ok(())
    })?;
    let stats = writer.finish()?;
    Ok((report, stats))
}

/// ClickHouse as an ingest target: the stored state of the fetched pages is read with one
/// statement per 2000 URLs; the run's records go through the writer's batched upserts.
pub struct IngestTarget {
    client: Client,
    writer: Writer,
}

impl IngestTarget {
    pub fn new(conn: &Connection) -> anyhow::Result<IngestTarget> {
        let client = Client::new(conn.config()?);
        Ok(IngestTarget {
            writer: Writer::new(client.clone()),
            client,
        })
    }
}

fn target_error(e: linkdex_clickhouse::ChError) -> linkdex_ingest::IngestError {
    linkdex_ingest::IngestError::Target(Box::new(e))
}

impl linkdex_ingest::IngestTarget for IngestTarget {
    fn spill_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir()
    }

    fn affected(
        &mut self,
        urls: &std::collections::HashSet<String>,
    ) -> Result<Vec<linkdex_model::Record>, linkdex_ingest::IngestError> {
        let mut list: Vec<&str> = urls.iter().map(String::as_str).collect();
        list.sort_unstable();
        linkdex_clickhouse::affected(&self.client, &list).map_err(target_error)
    }

    fn write(
        &mut self,
        chunk: Vec<linkdex_model::Record>,
    ) -> Result<(), linkdex_ingest::IngestError> {
        for r in chunk {
            self.writer.add(r).map_err(target_error)?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<u64, linkdex_ingest::IngestError> {
        self.writer.flush().map_err(target_error)?;
        Ok(0)
    }
}

/// ClickHouse as the ranking job's target: every record is read once to build the graph and
/// once to write back the records whose ranks changed.
pub struct RankTarget(pub Client);

fn job_error(e: linkdex_clickhouse::ChError) -> linkdex_rank::JobError {
    linkdex_rank::JobError::Target(Box::new(e))
}

impl linkdex_rank::RankTarget for RankTarget {
    fn scan(
        &mut self,
        f: &mut dyn FnMut(&linkdex_model::Record),
    ) -> Result<(), linkdex_rank::JobError> {
        linkdex_clickhouse::scan_all(&self.0, |r| f(&r)).map_err(job_error)
    }

    fn rewrite(
        &mut self,
        f: &mut dyn FnMut(&mut linkdex_model::Record) -> Result<(), String>,
    ) -> Result<u64, linkdex_rank::JobError> {
        linkdex_clickhouse::rewrite_all(&self.0, f).map_err(job_error)?;
        Ok(0)
    }
}

/// Stored records (after FINAL) and the bytes of the table's active parts on this node.
pub fn table_size(backend: &ClickHouse) -> anyhow::Result<(u64, u64)> {
    let client = backend.client();
    let records = client.query("SELECT count() FROM links FINAL", &[])?;
    let table = if client.config().cluster.is_some() {
        "links_local"
    } else {
        "links"
    };
    let bytes = client.query(
        &format!(
            "SELECT sum(bytes) FROM system.parts WHERE active AND database = '{}' AND table = '{table}'",
            client.config().database
        ),
        &[],
    )?;
    Ok((
        records.trim().parse().context("count()")?,
        bytes.trim().parse().unwrap_or(0),
    ))
}
