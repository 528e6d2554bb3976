//! Batched upserts with the contract's merge rules. A batch is folded in order, the stored
//! rows of its keys are read, each key's merged record is inserted with a version one above
//! the stored one (ReplacingMergeTree keeps the highest), and keys whose merge changes nothing
//! are not written at all: importing the same file twice leaves the same table.
//!
//! Each batch is one INSERT: on one node it is atomic; a killed import leaves whole batches,
//! and running it again converges to the same state (merge is idempotent).

use std::collections::{BTreeMap, HashSet};

use linkdex_model::{Record, RecordKey};
use linkdex_store::host_order_key;
use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::ChError;
use crate::literal::string;
use crate::rows::{from_row, to_row};
use crate::schema::{Layout, SORT_KEY};

/// Bytes of key text per lookup statement. On a cluster the statement is forwarded whole to
/// every shard, and an 18.16 shard dropped the connection on a ~45 MB statement (15 MB worked).
const LOOKUP_BYTES: usize = 8 << 20;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Rows inserted (new keys, and stored keys the batch changed).
    pub written: u64,
    /// Keys whose stored record already held everything the batch said.
    pub unchanged: u64,
}

pub struct Writer {
    client: Client,
    layout: Layout,
    pending: Vec<Record>,
    batch: usize,
    stats: WriteStats,
}

impl Writer {
    pub fn new(client: Client) -> Writer {
        let layout = Layout::of(client.config());
        Writer {
            client,
            layout,
            pending: Vec::new(),
            batch: 100_000,
            stats: WriteStats::default(),
        }
    }

    /// Records held before a batch is written.
    pub fn with_batch(mut self, records: usize) -> Writer {
        self.batch = records.max(1);
        self
    }

    /// Adds one observation; writes a batch when enough are pending.
    pub fn add(&mut self, r: Record) -> Result<(), ChError> {
        self.pending.push(r);
        if self.pending.len() >= self.batch {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes everything pending.
    pub fn flush(&mut self) -> Result<(), ChError> {
        let records = std::mem::take(&mut self.pending);
        if records.is_empty() {
            return Ok(());
        }
        let folded = Record::fold(records);
        let mut rows = Vec::new();
        let records: Vec<&Record> = folded.values().collect();
        let mut stored = BTreeMap::new();
        let mut start = 0;
        while start < records.len() {
            let mut end = start;
            let mut bytes = 0;
            while end < records.len() && (end == start || bytes < LOOKUP_BYTES) {
                let r = records[end];
                bytes += 2 * r.domain_to.len() + r.url_from.len() + r.url_to.len() + 40;
                end += 1;
            }
            self.lookup(&records[start..end], &mut stored)?;
            start = end;
        }
        for (key, r) in &folded {
            match stored.get(key) {
                Some((s, version)) => {
                    let merged = Record::merge(s, r);
                    if &merged == s {
                        self.stats.unchanged += 1;
                    } else {
                        to_row(&merged, version + 1, &mut rows);
                        self.stats.written += 1;
                    }
                }
                None => {
                    to_row(r, 1, &mut rows);
                    self.stats.written += 1;
                }
            }
        }
        if !rows.is_empty() {
            self.client
                .insert("links", "JSONEachRow", &rows, &self.layout.write_settings())?;
        }
        Ok(())
    }

    /// Writes what is pending and returns the counts.
    pub fn finish(mut self) -> Result<WriteStats, ChError> {
        self.flush()?;
        Ok(self.stats)
    }

    /// The stored record and version of each key of `records` that is stored. The keys go in
    /// as five array literals (one AST node each, whatever the batch size); PREWHERE on the
    /// sort key is safe with FINAL (every version of a key has the same sort key) and reads
    /// the other columns only where a key matched.
    fn lookup(
        &self,
        records: &[&Record],
        out: &mut BTreeMap<RecordKey, (Record, u64)>,
    ) -> Result<(), ChError> {
        let mut columns: [Vec<String>; 5] = Default::default();
        for r in records {
            columns[0].push(string(&host_order_key(&r.domain_to)));
            columns[1].push(string(&r.domain_from));
            columns[2].push(string(&r.url_from));
            columns[3].push(string(&r.url_to));
            columns[4].push(string(r.item_type.as_str()));
        }
        let arrays: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("[{}] AS k{i}", c.join(", ")))
            .collect();
        let sql = format!(
            "SELECT * FROM links FINAL PREWHERE ({SORT_KEY}) IN \
             (SELECT k0, k1, k2, k3, k4 FROM system.one ARRAY JOIN {}) FORMAT JSONEachRow",
            arrays.join(", ")
        );
        select(&self.client, &sql, |r, version| {
            out.insert(r.key(), (r, version));
            Ok(())
        })
    }
}

/// Hands `f` each stored record (and its version) a `SELECT * ... FORMAT JSONEachRow` returns,
/// as the answer arrives.
fn select(
    client: &Client,
    sql: &str,
    mut f: impl FnMut(Record, u64) -> Result<(), ChError>,
) -> Result<(), ChError> {
    client.query_lines(sql, &[("optimize_move_to_prewhere", "0")], |line| {
        let row: Map<String, Value> = serde_json::from_str(line).map_err(|e| {
            let start: String = line.chars().take(200).collect();
            ChError::decode(format!("stored row is not JSON: {e}: {start}"))
        })?;
        let (r, version) = from_row(row)?;
        f(r, version)
    })
}

/// Every record in the sort key's order, which is the embedded index's scan order (target host
/// reversed, referring host, record key): the ranking job numbers pages in the same order.
fn all_in_order() -> String {
    format!("SELECT * FROM links FINAL ORDER BY {SORT_KEY} FORMAT JSONEachRow")
}

/// Calls `f` on every stored record (after FINAL), in the sort key's order, as the answer
/// arrives: memory does not grow with the table.
pub fn scan_all(client: &Client, mut f: impl FnMut(Record)) -> Result<(), ChError> {
    select(client, &all_in_order(), |r, _| {
        f(r);
        Ok(())
    })
}

/// Every stored record (after FINAL), in the sort key's order, in memory: for tests and checks.
pub fn read_all(client: &Client) -> Result<Vec<Record>, ChError> {
    let mut all = Vec::new();
    scan_all(client, |r| all.push(r))?;
    Ok(all)
}

/// URLs per statement of [`affected`].
const AFFECTED_URLS: usize = 2_000;

/// The stored records whose referring or linked page is one of `urls`, or whose indirect path
/// passes through one (what a recrawl of those pages can change), each key once.
pub fn affected(client: &Client, urls: &[&str]) -> Result<Vec<Record>, ChError> {
    let mut found: BTreeMap<RecordKey, Record> = BTreeMap::new();
    for chunk in urls.chunks(AFFECTED_URLS) {
        let list: Vec<String> = chunk.iter().map(|u| string(u)).collect();
        let list = list.join(", ");
        // The path is JSON text: the regex narrows it down, the exact test below decides.
        let sql = format!(
            "SELECT * FROM links FINAL WHERE url_from IN ({list}) OR url_to IN ({list}) \
             OR hasAny(extractAll(ifNull(indirect_link_path, ''), '\"url\":\"([^\"]*)\"'), [{list}]) \
             FORMAT JSONEachRow"
        );
        let wanted: HashSet<&str> = chunk.iter().copied().collect();
        select(client, &sql, |r, _| {
            let through = r.indirect_link_path.iter().flatten();
            let hit = wanted.contains(r.url_from.as_str())
                || wanted.contains(r.url_to.as_str())
                || through.into_iter().any(|h| wanted.contains(h.url.as_str()));
            if hit {
                found.insert(r.key(), r);
            }
            Ok(())
        })?;
    }
    Ok(found.into_values().collect())
}

/// Passes every stored record through `f` and stores the ones it changed under the next
/// version (the ranking job's write-back), in batches as the records arrive. Returns how many
/// were written. The select reads the parts as they were when it started, so the batches
/// written meanwhile are not read back.
pub fn rewrite_all(
    client: &Client,
    mut f: impl FnMut(&mut Record) -> Result<(), String>,
) -> Result<u64, ChError> {
    let layout = Layout::of(client.config());
    let mut rows = Vec::new();
    let mut pending = 0;
    let mut written = 0;
    select(client, &all_in_order(), |mut r, version| {
        let before = r.clone();
        f(&mut r).map_err(|reason| ChError::BadRow {
            reason: format!("{} -> {}: {reason}", r.url_from, r.url_to),
        })?;
        if r != before {
            to_row(&r, version + 1, &mut rows);
            pending += 1;
        }
        if pending == 50_000 {
            client.insert("links", "JSONEachRow", &rows, &layout.write_settings())?;
            written += pending;
            rows.clear();
            pending = 0;
        }
        Ok(())
    })?;
    if pending > 0 {
        client.insert("links", "JSONEachRow", &rows, &layout.write_settings())?;
        written += pending;
    }
    Ok(written)
}
