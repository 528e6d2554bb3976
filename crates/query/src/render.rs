//! The result object of a task, in the exact JSON shape and key order of the API.

use serde_json::{json, Map, Value};

use linkdex_model::format_time;

use crate::exec::Answer;
use crate::metrics::{CountMap, Metrics};
use crate::request::Request;

fn count_map(m: &CountMap) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

fn metrics_json(m: &Metrics) -> Value {
    let nofollow = u64::from(m.nofollow);
    json!({
        "type": "backlinks_domain_intersection",
        "target": m.target,
        "rank": m.rank,
        "backlinks": m.backlinks,
        "first_seen": format_time(m.first_seen),
        "lost_date": m.lost_date.map(format_time),
        "backlinks_spam_score": m.backlinks_spam_score,
        "broken_backlinks": m.broken_backlinks,
        "broken_pages": m.broken_pages,
        "referring_domains": 1,
        "referring_domains_nofollow": nofollow,
        "referring_main_domains": 1,
        "referring_main_domains_nofollow": nofollow,
        "referring_ips": m.referring_ips,
        "referring_subnets": m.referring_subnets,
        "referring_pages": m.referring_pages,
        "referring_pages_nofollow": m.referring_pages_nofollow,
        "referring_links_tld": count_map(&m.tld),
        "referring_links_types": count_map(&m.types),
        "referring_links_attributes": m.attributes.as_ref().map(count_map),
        "referring_links_platform_types": count_map(&m.platform_types),
        "referring_links_semantic_locations": count_map(&m.semantic_locations),
        "referring_links_countries": m.countries.as_ref().map(count_map),
    })
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
            json!({
                "domain_intersection": per_target,
                "summary": { "intersections_count": row.intersections },
            })
        })
        .collect();
    json!({
        "targets": req.targets_json,
        "total_count": answer.total_count,
        "items_count": items.len(),
        "items": items,
    })
}
