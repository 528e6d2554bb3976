//! The result object of a task, in the exact JSON shape and key order of the API.

use serde_json::{Map, Value};

use linkdex_model::format_time;

use crate::exec::Answer;
use crate::metrics::{CountMap, Metrics};
use crate::request::Request;

fn count_map(m: &CountMap) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::from(*v)))
            .collect(),
    )
}

/// One target's metrics, built as a map directly (the `json!` macro would re-serialize every
/// nested value).
fn metrics_json(m: &Metrics) -> Value {
    let nofollow = u64::from(m.nofollow);
    let mut o = Map::with_capacity(23);
    let mut put = |k: &str, v: Value| {
        o.insert(k.to_string(), v);
    };
    put("type", "backlinks_domain_intersection".into());
    put("target", m.target.clone().into());
    put("rank", m.rank.into());
    put("backlinks", m.backlinks.into());
    put("first_seen", format_time(m.first_seen).into());
    put("lost_date", m.lost_date.map(format_time).into());
    put("backlinks_spam_score", m.backlinks_spam_score.into());
    put("broken_backlinks", m.broken_backlinks.into());
    put("broken_pages", m.broken_pages.into());
    put("referring_domains", 1.into());
    put("referring_domains_nofollow", nofollow.into());
    put("referring_main_domains", 1.into());
    put("referring_main_domains_nofollow", nofollow.into());
    put("referring_ips", m.referring_ips.into());
    put("referring_subnets", m.referring_subnets.into());
    put("referring_pages", m.referring_pages.into());
    put(
        "referring_pages_nofollow",
        m.referring_pages_nofollow.into(),
    );
    put("referring_links_tld", count_map(&m.tld));
    put("referring_links_types", count_map(&m.types));
    put(
        "referring_links_attributes",
        m.attributes.as_ref().map_or(Value::Null, count_map),
    );
    put(
        "referring_links_platform_types",
        count_map(&m.platform_types),
    );
    put(
        "referring_links_semantic_locations",
        count_map(&m.semantic_locations),
    );
    put(
        "referring_links_countries",
        m.countries.as_ref().map_or(Value::Null, count_map),
    );
    Value::Object(o)
}

/// `{targets, total_count, items_count, items}`.
pub fn render(req: &Request, answer: &Answer) -> Value {
    let items: Vec<Value> = answer
        .rows
        .iter()
        .map(|row| {
            let mut per_target = Map::new();
            for (t, m) in req.targets.iter().zip(&row.metrics) {
                if let Some(m) = m {
                    per_target.insert(t.key.clone(), metrics_json(m));
                }
            }
            let mut summary = Map::new();
            summary.insert("intersections_count".into(), row.intersections.into());
            let mut item = Map::new();
            item.insert("domain_intersection".into(), Value::Object(per_target));
            item.insert("summary".into(), Value::Object(summary));
            Value::Object(item)
        })
        .collect();
    let mut out = Map::new();
    out.insert("targets".into(), req.targets_json.clone());
    out.insert("total_count".into(), answer.total_count.into());
    out.insert("items_count".into(), items.len().into());
    out.insert("items".into(), Value::Array(items));
    Value::Object(out)
}
