//! A blocking client for ClickHouse's HTTP interface: statements in the body, data after
//! `INSERT ... FORMAT`, settings as URL parameters. Transient failures are retried with backoff.

use std::io::{BufRead, BufReader, Read};
use std::time::Duration;

use crate::error::ChError;

/// Where the server is and who we are.
#[derive(Debug, Clone)]
pub struct Config {
    /// `http://host:8123` (no path).
    pub url: String,
    pub database: String,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The Distributed cluster the tables were created on (`None`: one node).
    pub cluster: Option<String>,
}

impl Config {
    pub fn new(url: &str) -> Config {
        Config {
            url: url.trim_end_matches('/').to_string(),
            database: "default".into(),
            user: None,
            password: None,
            cluster: None,
        }
    }
}

#[derive(Clone)]
pub struct Client {
    config: Config,
    agent: ureq::Agent,
    attempts: u32,
}

/// Settings sent with every statement: 64-bit integers as JSON numbers, and statements large
/// enough for a batch of record keys.
const COMMON_SETTINGS: &[(&str, &str)] = &[
    ("output_format_json_quote_64bit_integers", "0"),
    ("max_query_size", "268435456"),
];

impl Client {
    pub fn new(config: Config) -> Client {
        // Per read and write, not per request: a streamed scan of a large table may run for
        // hours, while a server that stops answering for ten minutes is given up on.
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout_read(Duration::from_secs(600))
            .timeout_write(Duration::from_secs(600))
            .build();
        Client {
            config,
            agent,
            attempts: 5,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs one statement and returns the body of the answer.
    pub fn query(&self, sql: &str, settings: &[(&str, &str)]) -> Result<String, ChError> {
        self.with_retries(|| {
            self.post(None, sql.as_bytes(), settings)
                .and_then(read_body)
        })
    }

    /// Runs one statement and hands each non-empty line of the answer to `f` as it arrives, so
    /// memory does not grow with the answer (every record of a table, for the ranking job). The
    /// statement is retried only until its answer starts.
    pub fn query_lines(
        &self,
        sql: &str,
        settings: &[(&str, &str)],
        mut f: impl FnMut(&str) -> Result<(), ChError>,
    ) -> Result<(), ChError> {
        let resp = self.with_retries(|| self.post(None, sql.as_bytes(), settings))?;
        let reading = |e: std::io::Error| ChError::decode(format!("reading the answer: {e}"));
        let mut lines = BufReader::with_capacity(1 << 16, resp.into_reader());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).map_err(reading)? == 0 {
                return Ok(());
            }
            // An error after the answer started comes as text in the body, after the rows.
            if line.starts_with("Code: ") {
                return Err(ChError::Server {
                    status: 200,
                    message: line.trim().to_string(),
                });
            }
            if !line.trim().is_empty() {
                f(&line)?;
            }
        }
    }

    /// `INSERT INTO <table> FORMAT <format>` with `data` as the rows.
    pub fn insert(
        &self,
        table: &str,
        format: &str,
        data: &[u8],
        settings: &[(&str, &str)],
    ) -> Result<(), ChError> {
        let statement = format!("INSERT INTO {table} FORMAT {format}");
        self.with_retries(|| {
            self.post(Some(&statement), data, settings)
                .and_then(read_body)
        })
        .map(drop)
    }

    fn with_retries<T>(&self, mut f: impl FnMut() -> Result<T, ChError>) -> Result<T, ChError> {
        let mut delay = Duration::from_millis(200);
        let mut attempt = 1;
        loop {
            match f() {
                Err(e) if e.is_transient() && attempt < self.attempts => {
                    std::thread::sleep(delay);
                    delay *= 2;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn post(
        &self,
        statement: Option<&str>,
        body: &[u8],
        settings: &[(&str, &str)],
    ) -> Result<ureq::Response, ChError> {
        let mut req = self
            .agent
            .post(&format!("{}/", self.config.url))
            .query("database", &self.config.database);
        if let Some(s) = statement {
            req = req.query("query", s);
        }
        for (k, v) in COMMON_SETTINGS.iter().chain(settings) {
            req = req.query(k, v);
        }
        if let Some(user) = &self.config.user {
            req = req.set("X-ClickHouse-User", user);
            if let Some(p) = &self.config.password {
                req = req.set("X-ClickHouse-Key", p);
            }
        }
        match req.send_bytes(body) {
            Ok(resp) => Ok(resp),
            Err(ureq::Error::Status(status, resp)) => Err(ChError::Server {
                status,
                message: read_body(resp).unwrap_or_default().trim().to_string(),
            }),
            Err(e) => Err(ChError::Unreachable {
                url: self.config.url.clone(),
                reason: e.to_string(),
            }),
        }
    }
}

fn read_body(resp: ureq::Response) -> Result<String, ChError> {
    let mut text = String::new();
    resp.into_reader()
        .read_to_string(&mut text)
        .map_err(|e| ChError::decode(format!("reading the answer: {e}")))?;
    Ok(text)
}
