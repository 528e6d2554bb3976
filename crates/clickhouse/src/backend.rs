//! The ClickHouse [`Backend`]: validation by the query crate, execution by one SQL statement,
//! rendering by the same code as the embedded engine, so both answer with identical JSON.

use linkdex_query::{
    parse_bulk_ranks, parse_request, render, reported_rank, scale, Answer, ApiError, Backend,
    CountMap, ErrorCode, Metrics, Request, Row,
};
use serde_json::{json, Map, Value};

use crate::client::{Client, Config};
use crate::error::ChError;
use crate::schema::Layout;
use crate::sql::{compile, compile_bulk_ranks, SLOT_COLUMNS};

pub struct ClickHouse {
    client: Client,
    layout: Layout,
}

impl ClickHouse {
    pub fn new(config: Config) -> ClickHouse {
        let layout = Layout::of(&config);
        ClickHouse {
            client: Client::new(config),
            layout,
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs a validated request: the task's result object.
    pub fn run(&self, req: &Request) -> Result<Value, ChError> {
        let sql = compile(req);
        let body = self.client.query(&sql, &self.layout.read_settings())?;
        let answer = decode(req, &body)?;
        Ok(render(req, &answer))
    }
}

fn internal(e: ChError) -> ApiError {
    eprintln!("linkdex: ClickHouse query failed: {e}");
    ApiError::new(ErrorCode::Internal)
}

impl Backend for ClickHouse {
    fn domain_intersection(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        let req = parse_request(task)?;
        self.run(&req).map_err(internal)
    }

    fn bulk_ranks(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        let req = parse_bulk_ranks(task)?;
        let run = || -> Result<Value, ChError> {
            let sql = compile_bulk_ranks(&req);
            let body = self.client.query(&sql, &self.layout.read_settings())?;
            let data = only_row(&body)?;
            let items: Vec<Value> = req
                .targets
                .iter()
                .zip(data)
                .map(|((text, _), mass)| {
                    let mass = mass.as_f64().unwrap_or(0.0);
                    json!({
                        "type": "bulk_ranks",
                        "target": text,
                        "rank": reported_rank(scale(mass), req.rank_scale),
                    })
                })
                .collect();
            Ok(json!({ "items_count": items.len(), "items": items }))
        };
        run().map_err(internal)
    }
}

/// The one row of a `FORMAT JSONCompact` answer.
fn only_row(body: &str) -> Result<Vec<Value>, ChError> {
    let mut doc: Value =
        serde_json::from_str(body).map_err(|e| ChError::decode(format!("not JSON: {e}")))?;
    match doc.get_mut("data").map(Value::take) {
        Some(Value::Array(mut rows)) if rows.len() == 1 => match rows.pop() {
            Some(Value::Array(row)) => Ok(row),
            _ => Err(ChError::decode("a row that is not an array")),
        },
        _ => Err(ChError::decode("not exactly one row")),
    }
}

/// `[total, [(rn, D, ic, slot columns...), ...]]` to the engine's answer, rows in `rn` order.
fn decode(req: &Request, body: &str) -> Result<Answer, ChError> {
    let row = only_row(body)?;
    let [total, rows] = row.as_slice() else {
        return Err(ChError::decode("expected [total, rows]"));
    };
    let total_count = uint(total)?;
    let Value::Array(rows) = rows else {
        return Err(ChError::decode("rows is not an array"));
    };
    let width = 3 + req.targets.len();
    let mut numbered = Vec::with_capacity(rows.len());
    for r in rows {
        let cols = r
            .as_array()
            .filter(|c| c.len() == width)
            .ok_or_else(|| ChError::decode(format!("a row without {width} columns")))?;
        let host = cols[1]
            .as_str()
            .ok_or_else(|| ChError::decode("a host that is not a string"))?;
        let metrics = cols[3..]
            .iter()
            .map(|slot| match slot.as_array() {
                Some(slot) if slot.len() == SLOT_COLUMNS.len() => slot_metrics(host, slot),
                _ => Err(ChError::decode("a target's columns are not a tuple")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let row = Row {
            intersections: uint(&cols[2])? as usize,
            metrics,
        };
        numbered.push((uint(&cols[0])?, row));
    }
    numbered.sort_by_key(|(rn, _)| *rn);
    Ok(Answer {
        total_count,
        rows: numbered.into_iter().map(|(_, r)| r).collect(),
    })
}

fn slot_metrics(host: &str, c: &[Value]) -> Result<Option<Metrics>, ChError> {
    if uint(&c[0])? == 0 {
        return Ok(None);
    }
    let optional = |m: CountMap| (!m.is_empty()).then_some(m);
    Ok(Some(Metrics {
        target: host.to_string(),
        rank: uint(&c[1])? as u16,
        backlinks: uint(&c[2])?,
        first_seen: int(&c[3])?,
        lost_date: if c[4].is_null() {
            None
        } else {
            Some(int(&c[4])?)
        },
        backlinks_spam_score: uint(&c[5])?,
        broken_backlinks: uint(&c[6])?,
        broken_pages: uint(&c[7])?,
        nofollow: uint(&c[8])? != 0,
        referring_ips: uint(&c[9])?,
        referring_subnets: uint(&c[10])?,
        referring_pages: uint(&c[11])?,
        referring_pages_nofollow: uint(&c[12])?,
        tld: count_map(&c[13])?,
        types: count_map(&c[14])?,
        attributes: optional(count_map(&c[15])?),
        platform_types: count_map(&c[16])?,
        semantic_locations: count_map(&c[17])?,
        countries: optional(count_map(&c[18])?),
    }))
}

fn count_map(v: &Value) -> Result<CountMap, ChError> {
    let bad = || ChError::decode(format!("not a list of (value, count): {v}"));
    v.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([k, n]) => Ok((k.as_str().ok_or_else(bad)?.to_string(), uint(n)?)),
            _ => Err(bad()),
        })
        .collect()
}

/// An unsigned integer, as a JSON number or (64-bit integers on some servers) a string.
fn uint(v: &Value) -> Result<u64, ChError> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| ChError::decode(format!("not an unsigned integer: {v}")))
}

fn int(v: &Value) -> Result<i64, ChError> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| ChError::decode(format!("not an integer: {v}")))
}
