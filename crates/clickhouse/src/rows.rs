//! Records as rows of the `links` table (JSONEachRow) and back.

use linkdex_model::{format_time, registrable_domain, subnet, Record};
use linkdex_store::host_order_key;
use serde_json::{Map, Value};

use crate::error::ChError;

const TIME_FIELDS: &[&str] = &["first_seen", "prev_seen", "last_seen", "lost_date"];
const BOOL_FIELDS: &[&str] = &[
    "url_from_https",
    "url_to_https",
    "dofollow",
    "is_new",
    "is_lost",
    "is_broken",
    "is_indirect_link",
    "domain_from_is_ip",
    "original",
];

/// One JSONEachRow line (with its newline) for `r` stored under `version`.
pub fn to_row(r: &Record, version: u64, out: &mut Vec<u8>) {
    let Value::Object(mut row) = r.to_json() else {
        unreachable!("a record is a JSON object")
    };
    row.remove("type");
    for f in TIME_FIELDS {
        let secs = match *f {
            "first_seen" => Some(r.first_seen),
            "last_seen" => Some(r.last_seen),
            "prev_seen" => r.prev_seen,
            _ => r.lost_date,
        };
        row.insert((*f).into(), secs.into());
    }
    for f in BOOL_FIELDS {
        let b = row.get(*f).and_then(Value::as_bool).unwrap_or(false);
        row.insert((*f).into(), u8::from(b).into());
    }
    let path = r
        .indirect_link_path
        .as_ref()
        .map(|p| serde_json::to_string(p).expect("hops serialize"));
    row.insert("indirect_link_path".into(), path.into());
    row.insert("target_key".into(), host_order_key(&r.domain_to).into());
    row.insert(
        "domain_from_reg".into(),
        registrable_domain(&r.domain_from).into(),
    );
    let net = r.domain_from_ip.as_deref().and_then(subnet);
    row.insert("domain_from_subnet".into(), net.unwrap_or_default().into());
    row.insert("version".into(), version.into());
    serde_json::to_writer(&mut *out, &Value::Object(row)).expect("a row serializes");
    out.push(b'\n');
}

/// A stored row (JSONEachRow object) back to its record and version.
pub fn from_row(mut row: Map<String, Value>) -> Result<(Record, u64), ChError> {
    let bad = |reason: String| ChError::BadRow { reason };
    let version = row
        .remove("version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| bad("no version".into()))?;
    for f in TIME_FIELDS {
        if let Some(v) = row.get(*f).and_then(Value::as_i64) {
            row.insert((*f).into(), format_time(v).into());
        }
    }
    for f in BOOL_FIELDS {
        if let Some(v) = row.get(*f).and_then(Value::as_u64) {
            row.insert((*f).into(), (v != 0).into());
        }
    }
    if let Some(Value::String(path)) = row.get("indirect_link_path") {
        let hops: Value = serde_json::from_str(path).map_err(|e| bad(e.to_string()))?;
        row.insert("indirect_link_path".into(), hops);
    }
    let r = Record::from_json(&row, 0).map_err(bad)?;
    Ok((r, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkdex_testkit::gen_records;

    #[test]
    fn records_round_trip_through_rows() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for r in gen_records(&mut rng, 300) {
            let mut line = Vec::new();
            to_row(&r, 3, &mut line);
            let Value::Object(row) = serde_json::from_slice(&line).unwrap() else {
                panic!("not an object")
            };
            assert_eq!(row["target_key"], host_order_key(&r.domain_to));
            let (back, version) = from_row(row).unwrap();
            assert_eq!(back, r);
            assert_eq!(version, 3);
        }
    }
}
