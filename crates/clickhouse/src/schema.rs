//! The tables. One node: `links`, a ReplacingMergeTree. A cluster: `links_local` on every node
//! and `links`, a Distributed table over them sharded by a hash of the referring host, so that
//! every record of a referring host lives on one shard and each shard can finish the
//! intersection for its own hosts.
//!
//! The sort key starts with the target host's reversed labels (`target_key`), so the records of
//! a target and of all its subdomains are one range; it ends with the record key, so
//! `FINAL` (and background merges) keep one row per key: the one with the highest `version`.
//! Writers store the merged record under a version one above the stored one (see `writer`).

use crate::client::{Client, Config};
use crate::error::ChError;

/// Every column: the record's fields (times as Unix seconds, `indirect_link_path` as JSON
/// text), then the columns derived for the query, then the row version.
pub const COLUMNS: &[(&str, &str)] = &[
    ("target_key", "String"),
    ("domain_from", "String"),
    ("url_from", "String"),
    ("url_to", "String"),
    ("item_type", "String"),
    ("domain_to", "String"),
    ("url_from_https", "UInt8"),
    ("url_to_https", "UInt8"),
    ("tld_from", "String"),
    ("attributes", "Array(String)"),
    ("dofollow", "UInt8"),
    ("semantic_location", "Nullable(String)"),
    ("anchor", "Nullable(String)"),
    ("alt", "Nullable(String)"),
    ("image_url", "Nullable(String)"),
    ("text_pre", "Nullable(String)"),
    ("text_post", "Nullable(String)"),
    ("links_count", "UInt64"),
    ("first_seen", "Int64"),
    ("prev_seen", "Nullable(Int64)"),
    ("last_seen", "Int64"),
    ("is_new", "UInt8"),
    ("is_lost", "UInt8"),
    ("lost_date", "Nullable(Int64)"),
    ("is_broken", "UInt8"),
    ("url_to_status_code", "Nullable(Int64)"),
    ("url_to_spam_score", "Nullable(Int64)"),
    ("url_to_redirect_target", "Nullable(String)"),
    ("is_indirect_link", "UInt8"),
    ("indirect_link_path", "Nullable(String)"),
    ("rank", "UInt16"),
    ("page_from_rank", "UInt16"),
    ("domain_from_rank", "UInt16"),
    ("backlink_spam_score", "UInt8"),
    ("domain_from_ip", "Nullable(String)"),
    ("domain_from_country", "Nullable(String)"),
    ("domain_from_platform_type", "Array(String)"),
    ("domain_from_is_ip", "UInt8"),
    ("page_from_external_links", "Nullable(Int64)"),
    ("page_from_internal_links", "Nullable(Int64)"),
    ("page_from_size", "Nullable(Int64)"),
    ("page_from_status_code", "Nullable(Int64)"),
    ("page_from_encoding", "Nullable(String)"),
    ("page_from_language", "Nullable(String)"),
    ("page_from_title", "Nullable(String)"),
    ("original", "UInt8"),
    // Derived for the query: rule 4 compares registrable domains; referring_subnets counts
    // the /24 (/48) of the referring IP ('' without one).
    ("domain_from_reg", "String"),
    ("domain_from_subnet", "String"),
    ("version", "UInt64"),
];

pub const SORT_KEY: &str = "target_key, domain_from, url_from, url_to, item_type";

/// Which tables statements read and write, and the settings that go with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    Single,
    Cluster(String),
}

impl Layout {
    pub fn of(config: &Config) -> Layout {
        match &config.cluster {
            Some(c) => Layout::Cluster(c.clone()),
            None => Layout::Single,
        }
    }

    /// Settings of a read: with a cluster, each shard finishes GROUP BY and HAVING for its own
    /// referring hosts (they live on no other shard) and the initiator only sorts and counts.
    /// Conditions never move to PREWHERE, which would filter rows before FINAL picks versions.
    pub fn read_settings(&self) -> Vec<(&'static str, &'static str)> {
        // The answer is buffered whole, so a failure mid-query is an HTTP error, not a
        // truncated 200.
        let mut s = vec![
            ("optimize_move_to_prewhere", "0"),
            ("wait_end_of_query", "1"),
        ];
        if let Layout::Cluster(_) = self {
            s.push(("distributed_group_by_no_merge", "1"));
            // The qualifying-hosts subquery reads each shard's own table: a host's records
            // all live on its shard.
            s.push(("distributed_product_mode", "local"));
        }
        s
    }

    /// Settings of an insert: into a Distributed table, synchronously (the rows are on their
    /// shards when the statement returns, so a retry or a reader sees them).
    pub fn write_settings(&self) -> Vec<(&'static str, &'static str)> {
        match self {
            Layout::Single => vec![],
            Layout::Cluster(_) => vec![("insert_distributed_sync", "1")],
        }
    }
}

fn columns_ddl() -> String {
    COLUMNS
        .iter()
        .map(|(n, t)| format!("    {n} {t}"))
        .collect::<Vec<_>>()
        .join(",\n")
}

/// The statements that create the tables of `layout` on one node, in order.
pub fn ddl(layout: &Layout, database: &str) -> Vec<String> {
    let merge_tree = |name: &str| {
        format!(
            "CREATE TABLE IF NOT EXISTS {database}.{name} (\n{}\n) ENGINE = ReplacingMergeTree(version)\nORDER BY ({SORT_KEY})",
            columns_ddl()
        )
    };
    match layout {
        Layout::Single => vec![merge_tree("links")],
        Layout::Cluster(cluster) => vec![
            merge_tree("links_local"),
            format!(
                "CREATE TABLE IF NOT EXISTS {database}.links AS {database}.links_local \
                 ENGINE = Distributed({cluster}, {database}, links_local, sipHash64(domain_from))"
            ),
        ],
    }
}

/// Creates the database and tables on the node `client` talks to (idempotent). On a cluster
/// without distributed DDL, run it once against every node.
pub fn init(client: &Client) -> Result<Vec<String>, ChError> {
    let config = client.config();
    let layout = Layout::of(config);
    let mut done = vec![format!("CREATE DATABASE IF NOT EXISTS {}", config.database)];
    let admin = Client::new(Config {
        database: "default".into(),
        ..config.clone()
    });
    if let Layout::Cluster(cluster) = &layout {
        let sql = format!(
            "SELECT count() FROM system.clusters WHERE cluster = {}",
            crate::literal::string(cluster)
        );
        if admin.query(&sql, &[])?.trim() == "0" {
            return Err(ChError::Server {
                status: 400,
                message: format!("no cluster '{cluster}' in the server's remote_servers"),
            });
        }
    }
    admin.query(&done[0], &[])?;
    for statement in ddl(&layout, &config.database) {
        client.query(&statement, &[])?;
        done.push(statement);
    }
    Ok(done)
}
