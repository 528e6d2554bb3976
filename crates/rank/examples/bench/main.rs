//! PageRank benchmark on a fixed-seed power-law graph.
//!
//! `cargo run --release -p linkdex-rank --example bench -- --edges 10M [--threads 2]
//!  [--tolerance 1e-7] [--max-iter 200] [--seed 42] [--double] [--write-edges F]
//!  [--write-scores F]`  (`--double`: `Precision::Double`)
//!
//! `--write-edges` writes the generated graph for `scripts/bench_pagerank_scipy.py`:
//! little-endian `u64 node_count, u64 edge_count`, then `edge_count` pairs of `u32 src, u32 dst`.
//! `--write-scores` writes the PR vector as little-endian `f64`s, by node id.

mod powerlaw;

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use linkdex_rank::{node_ranks, pagerank_with_progress, Graph, Options, Precision};

struct Args {
    edges: u64,
    seed: u64,
    options: Options,
    write_edges: Option<String>,
    write_scores: Option<String>,
}

fn parse_count(text: &str) -> Result<u64, Box<dyn Error>> {
    let (digits, factor) = match text.as_bytes().last() {
        Some(b'K' | b'k') => (&text[..text.len() - 1], 1_000),
        Some(b'M' | b'm') => (&text[..text.len() - 1], 1_000_000),
        Some(b'G' | b'g') => (&text[..text.len() - 1], 1_000_000_000),
        _ => (text, 1),
    };
    Ok(digits.parse::<u64>()? * factor)
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let mut args = Args {
        edges: 10_000_000,
        seed: 42,
        options: Options::default(),
        write_edges: None,
        write_scores: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--edges" => args.edges = parse_count(&value()?)?,
            "--seed" => args.seed = value()?.parse()?,
            "--threads" => args.options.threads = value()?.parse()?,
            "--tolerance" => args.options.tolerance = value()?.parse()?,
            "--max-iter" => args.options.max_iter = value()?.parse()?,
            "--double" => args.options.precision = Precision::Double,
            "--write-edges" => args.write_edges = Some(value()?),
            "--write-scores" => args.write_scores = Some(value()?),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(args)
}

/// Peak resident set size so far (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn write_edges(path: &str, n: u32, edges: &[(u32, u32)]) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    w.write_all(&u64::from(n).to_le_bytes())?;
    w.write_all(&(edges.len() as u64).to_le_bytes())?;
    for &(s, d) in edges {
        w.write_all(&s.to_le_bytes())?;
        w.write_all(&d.to_le_bytes())?;
    }
    w.flush()
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let mb = |bytes: u64| bytes as f64 / 1e6;

    let t = Instant::now();
    let (n, edges) = powerlaw::generate(args.edges, args.seed);
    println!(
        "generate: {} nodes, {} edges (seed {}) in {:.2?}",
        n,
        edges.len(),
        args.seed,
        t.elapsed()
    );
    if let Some(path) = &args.write_edges {
        write_edges(path, n, &edges)?;
        println!("wrote {path}");
    }
    let input_bytes = (edges.len() * 8) as u64;

    let t = Instant::now();
    let graph = Graph::from_edges(n, &edges)?;
    let build = t.elapsed();
    drop(edges);
    let e = graph.edge_count();
    println!(
        "build: {} distinct edges in {:.2?}; graph {:.1} MB = {:.2} B/edge",
        e,
        build,
        mb(graph.heap_bytes() as u64),
        graph.heap_bytes() as f64 / e as f64
    );
    let peak_build = peak_rss();

    let t = Instant::now();
    let mut steps = Vec::new();
    let result = pagerank_with_progress(&graph, &args.options, &mut |p| steps.push(p.elapsed))?;
    let total = t.elapsed();
    let per_iter = steps.iter().sum::<std::time::Duration>() / steps.len().max(1) as u32;
    let fastest = steps.iter().min().copied().unwrap_or_default();
    println!(
        "pagerank: {} iterations (converged {}, residual {:.2e}) in {:.2?}; {:.2?}/iteration (min {:.2?}); {:.2} ns/edge/iteration",
        result.iterations,
        result.converged,
        result.residual,
        total,
        per_iter,
        fastest,
        per_iter.as_nanos() as f64 / e as f64
    );
    let peak_after = peak_rss();
    // Working set: graph + x (8 B) + contributions (4 or 8 B) + scores out (8 B) per node.
    let per_node = if args.options.precision == Precision::Single {
        20
    } else {
        24
    };
    let working = graph.heap_bytes() as u64 + per_node * u64::from(n);
    println!(
        "memory: input edge list {:.1} MB ({:.1} B/edge); graph + pagerank vectors {:.1} MB ({:.2} B/edge); \
         peak RSS (VmHWM, includes the input) {:.1} MB = {:.2} B/edge",
        mb(input_bytes),
        input_bytes as f64 / e as f64,
        mb(working),
        working as f64 / e as f64,
        mb(peak_after.max(peak_build)),
        peak_after.max(peak_build) as f64 / e as f64
    );

    let ranks = node_ranks(&graph, &result);
    let mut histogram = [0u64; 11];
    for &r in &ranks {
        histogram[usize::from(r / 100)] += 1;
    }
    println!("page rank histogram by hundreds (0-99, 100-199, ...): {histogram:?}");
    let sum: f64 = result.scores.iter().sum();
    println!("sum of PR = {sum:.12}");

    if let Some(path) = &args.write_scores {
        let mut w = BufWriter::new(File::create(path)?);
        for s in &result.scores {
            w.write_all(&s.to_le_bytes())?;
        }
        w.flush()?;
        println!("wrote {path}");
    }
    Ok(())
}
