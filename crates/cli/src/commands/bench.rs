//! `linkdex bench`: a fixed query mix over an existing index, timed in-process.
//!
//! Every class is one domain_intersection request over the popular targets of `linkdex gen`
//! (`t0.com` the most linked). Each request is validated once (`parse_request`), run
//! `--warmup` times untimed, then timed `--reps` times through `Engine::run` (so the figures are
//! the engine's: no HTTP, no JSON parsing of the body). The same mix, printed with `--print-mix`,
//! is what `scripts/bench_duckdb.py` translates to SQL, so both sides answer the same requests.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use linkdex_query::{parse_request, Engine, Request};

use super::clickhouse::Connection;

/// Runs one validated request on the backend under test.
type Runner = Box<dyn Fn(&Request) -> anyhow::Result<Value>>;
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Timed repetitions of each class (after the warm-up).
    #[arg(long, default_value_t = 20)]
    reps: usize,
    /// Untimed runs of each class before timing.
    #[arg(long, default_value_t = 2)]
    warmup: usize,
    /// Stop repeating a class once its timed runs took this many seconds (at least --min-reps
    /// runs are made anyway), so a slow class on a big index stays bounded.
    #[arg(long, default_value_t = 60.0)]
    max_seconds: f64,
    /// Timed runs made even when --max-seconds is exceeded.
    #[arg(long, default_value_t = 3)]
    min_reps: usize,
    /// Only these classes (comma-separated names; default: the whole mix).
    #[arg(long)]
    classes: Option<String>,
    /// Write the report as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Print the query mix (a JSON object: class name → request body) and exit.
    #[arg(long)]
    print_mix: bool,
}

/// `{"1": "t0.com", ..., "n": "t<n-1>.com"}`.
fn popular(n: usize) -> Value {
    Value::Object(
        (0..n)
            .map(|i| ((i + 1).to_string(), json!(format!("t{i}.com"))))
            .collect(),
    )
}

/// The fixed query mix: (class, what it exercises, task object).
pub fn mix() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "default_2t",
            "2 popular targets, defaults (default path)",
            json!({"targets": popular(2)}),
        ),
        (
            "default_5t",
            "5 popular targets, defaults (default path)",
            json!({"targets": popular(5)}),
        ),
        (
            "default_20t",
            "20 popular targets, defaults (default path)",
            json!({"targets": popular(20)}),
        ),
        (
            "exclude_2t",
            "2 targets, 2 exclude_targets",
            json!({"targets": popular(2), "exclude_targets": ["t2.com", "t3.com"]}),
        ),
        (
            "exclude_5t",
            "5 targets, 3 exclude_targets",
            json!({"targets": popular(5), "exclude_targets": ["t5.com", "t6.com", "t7.com"]}),
        ),
        (
            "filters_order",
            "3 targets, result filters + order_by, limit 50",
            json!({
                "targets": popular(3),
                "filters": [["1.backlinks", ">", 1], "or", ["2.referring_pages", ">=", 2]],
                "order_by": ["2.backlinks,desc", "1.first_seen,asc"],
                "limit": 50
            }),
        ),
        (
            "bl_dofollow",
            "2 targets, backlinks_filters dofollow = true",
            json!({"targets": popular(2), "backlinks_filters": ["dofollow", "=", true]}),
        ),
        (
            "bl_anchor",
            "2 targets, backlinks_filters dofollow = true and anchor like %seo%",
            json!({
                "targets": popular(2),
                "backlinks_filters": [["dofollow", "=", true], "and", ["anchor", "like", "%seo%"]]
            }),
        ),
        (
            "partial_5t",
            "5 targets, intersection_mode partial",
            json!({"targets": popular(5), "intersection_mode": "partial"}),
        ),
        (
            "page_2t",
            "2 page targets (exact url_to)",
            json!({"targets": {"1": "https://t0.com/p1", "2": "https://t1.com/p0"}}),
        ),
        (
            "wildcard_2t",
            "2 wildcard targets",
            json!({"targets": {"1": "https://t0.com/*", "2": "https://t1.com/p1*"}}),
        ),
    ]
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A line of /proc/self/status in kB (`VmHWM`, `VmRSS`), if the platform has it.
fn proc_status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Total bytes of the regular files directly in `dir` (the index is flat).
fn dir_bytes(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| dir.display().to_string())? {
        let meta = entry?.metadata()?;
        if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

pub fn run(data: &Path, ch: Option<&Connection>, args: Args) -> anyhow::Result<ExitCode> {
    let classes: Vec<_> = mix()
        .into_iter()
        .filter(|(name, _, _)| {
            args.classes
                .as_ref()
                .is_none_or(|c| c.split(',').any(|x| x.trim() == *name))
        })
        .collect();
    if args.print_mix {
        let out: serde_json::Map<String, Value> = classes
            .into_iter()
            .map(|(name, _, body)| (name.to_string(), body))
            .collect();
        println!("{}", serde_json::to_string_pretty(&Value::Object(out))?);
        return Ok(ExitCode::SUCCESS);
    }
    anyhow::ensure!(!classes.is_empty(), "--classes matches no class of the mix");

    let opened = Instant::now();
    let (runner, records, segments, bytes, open_ms): (Runner, u64, usize, u64, f64) = match ch {
        Some(conn) => {
            let backend = super::clickhouse::backend(conn)?;
            let (records, bytes) = super::clickhouse::table_size(&backend)?;
            let open_ms = opened.elapsed().as_secs_f64() * 1e3;
            println!(
                "clickhouse {} (database {}): {records} stored records, {bytes} bytes on disk \
                 ({:.1} bytes/record)",
                backend.client().config().url,
                backend.client().config().database,
                bytes as f64 / records.max(1) as f64
            );
            let run: Runner = Box::new(move |req| Ok(backend.run(req)?));
            (run, records, 0, bytes, open_ms)
        }
        None => {
            let engine = Engine::open(data)?;
            let snap = engine.snapshot()?;
            let open_ms = opened.elapsed().as_secs_f64() * 1e3;
            let records = snap.record_count();
            let segments = snap.segments.len();
            drop(snap);
            let bytes = dir_bytes(data)?;
            println!(
                "index {}: {records} stored records in {segments} segments, {bytes} bytes on disk \
                 ({:.1} bytes/record), opened in {open_ms:.1} ms",
                data.display(),
                bytes as f64 / records.max(1) as f64
            );
            let run: Runner = Box::new(move |req| Ok(engine.run(req)?));
            (run, records, segments, bytes, open_ms)
        }
    };
    let bytes_per_record = bytes as f64 / records.max(1) as f64;
    println!(
        "{:<14} {:>5} {:>10} {:>10} {:>10} {:>10} {:>12} {:>10}",
        "class", "runs", "p50 ms", "p99 ms", "min ms", "max ms", "total_count", "first ms"
    );

    let mut report = Vec::new();
    for (name, what, body) in classes {
        let task = body.as_object().context("a task is an object")?;
        let req = parse_request(task)
            .map_err(|e| anyhow::anyhow!("class {name}: invalid request: {e}"))?;
        let mut total_count = None;
        // The class's first run: it pays for what the engine keeps between queries (a popular
        // target's bitmaps), unless an earlier class already read the same targets.
        let mut first_ms = None;
        for _ in 0..args.warmup {
            let started = Instant::now();
            let out = runner(&req)?;
            first_ms.get_or_insert(started.elapsed().as_secs_f64() * 1e3);
            total_count = out["total_count"].as_u64();
        }
        let mut samples = Vec::with_capacity(args.reps);
        let budget = Instant::now();
        for i in 0..args.reps {
            if i >= args.min_reps && budget.elapsed().as_secs_f64() > args.max_seconds {
                break;
            }
            let started = Instant::now();
            let out = runner(&req)?;
            samples.push(started.elapsed().as_secs_f64() * 1e3);
            first_ms.get_or_insert(samples[0]);
            total_count = out["total_count"].as_u64();
            std::hint::black_box(out);
        }
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let (p50, p99) = (percentile(&sorted, 0.50), percentile(&sorted, 0.99));
        let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
        println!(
            "{name:<14} {:>5} {p50:>10.2} {p99:>10.2} {min:>10.2} {max:>10.2} {:>12} {:>10.2}",
            samples.len(),
            total_count.map_or("-".to_string(), |t| t.to_string()),
            first_ms.unwrap_or(f64::NAN),
        );
        report.push(json!({
            "class": name,
            "description": what,
            "request": body,
            "runs": samples.len(),
            "warmup": args.warmup,
            "p50_ms": p50,
            "p99_ms": p99,
            "min_ms": min,
            "max_ms": max,
            "mean_ms": samples.iter().sum::<f64>() / samples.len() as f64,
            "total_count": total_count,
            "first_ms": first_ms,
            "samples_ms": samples,
        }));
    }

    let peak_rss_kb = proc_status_kb("VmHWM");
    let rss_kb = proc_status_kb("VmRSS");
    println!(
        "peak RSS (VmHWM) {} kB, RSS now {} kB, index {bytes} bytes",
        peak_rss_kb.map_or("?".into(), |v| v.to_string()),
        rss_kb.map_or("?".into(), |v| v.to_string()),
    );
    if let Some(path) = &args.json {
        let out = json!({
            "index": data.display().to_string(),
            "records": records,
            "segments": segments,
            "index_bytes": bytes,
            "bytes_per_record": bytes_per_record,
            "open_ms": open_ms,
            "peak_rss_kb": peak_rss_kb,
            "rss_kb": rss_kb,
            "reps": args.reps,
            "warmup": args.warmup,
            "max_seconds": args.max_seconds,
            "classes": report,
        });
        std::fs::write(path, serde_json::to_string_pretty(&out)? + "\n")
            .with_context(|| path.display().to_string())?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
