//! Times one request against an index in-process: `time_query <data dir> <request.json> [reps]`.

use std::time::Instant;

use linkdex_query::{parse_request, Engine};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, file) = (&args[1], &args[2]);
    let reps: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(10);
    if std::env::var_os("MERGE").is_some() {
        let t = Instant::now();
        let index = linkdex_store::Index::open(dir.as_ref()).expect("index opens");
        index.writer().expect("writer").merge_all().expect("merge");
        println!("merge: {:.1} s", t.elapsed().as_secs_f64());
    }
    let started = Instant::now();
    let engine = Engine::open(dir.as_ref()).expect("index opens");
    println!("open: {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    let body: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("request")).expect("json");
    let task = body
        .as_array()
        .map_or(&body, |a| &a[0])
        .as_object()
        .expect("task")
        .clone();
    let req = parse_request(&task).expect("valid request");
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let out = engine.run(&req).expect("runs");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        total = out["total_count"].as_u64().unwrap_or(0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "total_count {total}; p50 {:.2} ms, min {:.2} ms, max {:.2} ms",
        times[reps / 2],
        times[0],
        times[reps - 1]
    );
}
