//! `GET /overlap.json?<Link Gap query>`: the numbers behind the page's pictures — how many
//! referring sites each combination of competitors shares (an UpSet chart), and how the ranks of
//! the gap sites are spread.
//!
//! Why an endpoint rather than extra API calls from the page: with API calls alone, each
//! combination's exact count needs its own query (2^N − N − 1 of them for N competitors), and a
//! result filter can say "links to target k" but never "does not link to k". One walk over the
//! query's result in `partial` mode instead yields every combination that occurs, exactly, in
//! ⌈shared / 1000⌉ queries, and the same rows give the rank distribution. It reuses the backend
//! (and so linkdex-query's validation and semantics) through `result_pages`, nothing more.
//!
//! Everything else in the query applies (exclusions, status, dofollow, subdomains, result
//! filters). A site is in the user's result when it links to at least `threshold` competitors:
//! all of them in `all` mode, min(2, N) in `partial` (contract §5) — in `partial` mode the
//! walked rows are exactly the result.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use linkdex_query::{ApiError, ErrorCode};
use serde_json::{json, Value};

use crate::app::App;
use crate::auth::Login;
use crate::gap_query::task_from_query;
use crate::log;
use crate::result_pages::{json_response, later_offsets, later_page, page, Page, PagesError};
use crate::transport::Task;

/// Combinations beyond this many (largest first) are summed into `other_combinations`.
const MAX_COMBINATIONS: usize = 40;
/// Rank histogram: 10 buckets of 100 on the 0–1000 scale (1000 falls in the last).
const BUCKETS: usize = 10;
const BUCKET_WIDTH: i64 = 100;
/// Pages read at once; the machine this runs on may have two cores and other users.
const WORKERS: usize = 2;

pub(crate) async fn overlap_json(
    State(app): State<Arc<App>>,
    Extension(login): Extension<Login>,
    uri: Uri,
) -> Response {
    let permit = match app.limiter.admit(&login.0) {
        Ok(p) => p,
        Err(e) => return PagesError::Api(e).into_response(),
    };
    let task = task_from_query(uri.query().unwrap_or(""));
    let backend = Arc::clone(&app.backend);
    let outcome = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        compute(&*backend, task)
    })
    .await;
    match outcome {
        Ok(Ok(body)) => json_response(StatusCode::OK, &body),
        Ok(Err(e)) => e.into_response(),
        Err(join) => {
            log::internal_error("overlap.json", &join.to_string());
            PagesError::Api(ApiError::new(ErrorCode::Internal)).into_response()
        }
    }
}

/// What the walk counts.
#[derive(Default)]
struct Tally {
    /// Sorted target slots a site links to → sites.
    combinations: HashMap<Vec<usize>, u64>,
    /// Per target slot: walked sites linking to it.
    sets: Vec<u64>,
    result_total: u64,
    ranks: [u64; BUCKETS],
}

impl Tally {
    fn add(&mut self, page: &Page, keys: &[String], threshold: usize) {
        for item in &page.items {
            let per_target = &item["domain_intersection"];
            let slots: Vec<usize> = (0..keys.len())
                .filter(|&i| per_target.get(keys[i].as_str()).is_some())
                .collect();
            for &s in &slots {
                self.sets[s] += 1;
            }
            if slots.len() >= threshold {
                self.result_total += 1;
                // The best rank the site passes to any competitor: how much its link is worth.
                let best = slots
                    .iter()
                    .filter_map(|&s| per_target[keys[s].as_str()]["rank"].as_i64())
                    .max()
                    .unwrap_or(0);
                let bucket = usize::try_from(best / BUCKET_WIDTH).unwrap_or(0);
                self.ranks[bucket.min(BUCKETS - 1)] += 1;
            }
            *self.combinations.entry(slots).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Tally) {
        for (k, n) in other.combinations {
            *self.combinations.entry(k).or_default() += n;
        }
        for (a, b) in self.sets.iter_mut().zip(other.sets) {
            *a += b;
        }
        self.result_total += other.result_total;
        for (a, b) in self.ranks.iter_mut().zip(other.ranks) {
            *a += b;
        }
    }
}

fn compute(backend: &dyn linkdex_query::Backend, mut task: Task) -> Result<Value, PagesError> {
    let keys = target_keys(&task);
    let n = keys.len();
    let threshold = match task.get("intersection_mode").and_then(Value::as_str) {
        Some("partial") => n.min(2),
        _ => n,
    };
    task.remove("offset");
    task.remove("limit");
    task.insert("intersection_mode".into(), "partial".into());
    let first = page(backend, &task, 0)?;
    let total = first.total;
    let mut tally = Tally {
        sets: vec![0; n],
        ..Tally::default()
    };
    tally.add(&first, &keys, threshold);
    let offsets: Vec<u64> = later_offsets(total).collect();
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<PagesError>> = Mutex::new(None);
    let parts: Vec<Tally> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..WORKERS.min(offsets.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut part = Tally {
                        sets: vec![0; n],
                        ..Tally::default()
                    };
                    while let Some(&offset) = offsets.get(next.fetch_add(1, Ordering::Relaxed)) {
                        match later_page(backend, &task, offset, total) {
                            Ok(p) => part.add(&p, &keys, threshold),
                            Err(e) => {
                                *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                                // Make the other worker stop too.
                                next.store(offsets.len(), Ordering::Relaxed);
                                break;
                            }
                        }
                    }
                    part
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    for part in parts {
        tally.merge(part);
    }
    Ok(render(&task, &keys, total, tally))
}

fn target_keys(task: &Task) -> Vec<String> {
    let mut keys: Vec<String> = task
        .get("targets")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort_by_key(|k| k.parse::<u32>().unwrap_or(u32::MAX));
    keys
}

fn render(task: &Task, keys: &[String], shared_total: u64, tally: Tally) -> Value {
    let targets = task.get("targets").cloned().unwrap_or(Value::Null);
    let mut combos: Vec<(Vec<usize>, u64)> = tally.combinations.into_iter().collect();
    // Largest first; ties by fewer competitors, then by slots, so the order is stable.
    combos.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.len().cmp(&b.0.len()))
            .then(a.0.cmp(&b.0))
    });
    let rest = combos.split_off(combos.len().min(MAX_COMBINATIONS));
    let combination = |(slots, count): (Vec<usize>, u64)| {
        json!({
            "keys": slots.iter().map(|&s| keys[s].as_str()).collect::<Vec<_>>(),
            "count": count,
        })
    };
    json!({
        "targets": targets,
        "shared_total": shared_total,
        "result_total": tally.result_total,
        "sets": keys.iter().zip(&tally.sets).map(|(k, n)| json!({
            "key": k,
            "target": targets[k.as_str()],
            "count": n,
        })).collect::<Vec<_>>(),
        "combinations": combos.into_iter().map(combination).collect::<Vec<_>>(),
        "other_combinations": {
            "combinations": rest.len(),
            "count": rest.iter().map(|(_, n)| n).sum::<u64>(),
        },
        "rank_histogram": {"bucket_width": BUCKET_WIDTH, "counts": tally.ranks},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_combinations_sets_and_the_result() {
        let item = |keys: &[(&str, i64)]| {
            let per: serde_json::Map<String, Value> = keys
                .iter()
                .map(|(k, r)| (k.to_string(), json!({"rank": r})))
                .collect();
            json!({"domain_intersection": per})
        };
        let page = Page {
            total: 4,
            items: vec![
                item(&[("1", 150), ("2", 990)]),
                item(&[("1", 0), ("2", 1000), ("3", 10)]),
                item(&[("1", 5), ("3", 250)]),
                item(&[("2", 7), ("1", 3)]),
            ],
        };
        let keys: Vec<String> = ["1", "2", "3"].map(String::from).to_vec();
        let mut tally = Tally {
            sets: vec![0; 3],
            ..Tally::default()
        };
        tally.add(&page, &keys, 2);
        assert_eq!(tally.combinations[&vec![0, 1]], 2);
        assert_eq!(tally.combinations[&vec![0, 1, 2]], 1);
        assert_eq!(tally.combinations[&vec![0, 2]], 1);
        assert_eq!(tally.sets, [4, 3, 2]);
        assert_eq!(tally.result_total, 4);
        assert_eq!(tally.ranks, [1, 0, 1, 0, 0, 0, 0, 0, 0, 2]);

        let mut all = Tally {
            sets: vec![0; 3],
            ..Tally::default()
        };
        all.add(&page, &keys, 3);
        assert_eq!((all.result_total, all.ranks[9]), (1, 1));
    }
}
