#!/usr/bin/env bash
# The benchmark of docs/benchmarks.md: linkdex against DuckDB on the same records.
#
#   scripts/bench.sh SIZE            # SIZE: records, e.g. 20k, 1M, 3M, 10M, or a plain number
#
# 1. `linkdex gen --seed 42 --out recs.jsonl.zst` (kept under target/bench/SIZE/ and reused),
# 2. `linkdex import` into a fresh index: wall time, records/s, index bytes/record,
# 3. a correctness check: the DuckDB translation of every class must give linkdex's exact answer
#    (total_count, hosts, order, every metric and map) on a 20k index, and on SIZE when SIZE ≤ 1M,
# 4. `linkdex bench` (in-process, Engine::run) and scripts/bench_duckdb.py, one after the other,
#    then the ratio per class.
#
# Knobs (environment): BENCH_REPS (20), BENCH_WARMUP (2), BENCH_MAX_SECONDS (60: a class stops repeating after
# this, with at least 3 runs), BENCH_NO_BUILD=1 (use the existing target/release/linkdex),
# BENCH_REUSE_INDEX=1 (keep an index already built from the same recs.jsonl.zst: no import
# figure; for sizes whose import was timed separately).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:?usage: scripts/bench.sh SIZE (e.g. 1M)}"
case "$size" in
  *[kK]) records=$(( ${size%[kK]} * 1000 )) ;;
  *[mM]) records=$(( ${size%[mM]} * 1000000 )) ;;
  *) records="$size" ;;
esac
reps="${BENCH_REPS:-20}"
warmup="${BENCH_WARMUP:-2}"
max_s="${BENCH_MAX_SECONDS:-60}"

[ "${BENCH_NO_BUILD:-}" = 1 ] || cargo build --release -p linkdex
bin="$root/target/release/linkdex"
venv="$root/target/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q duckdb
fi
py="$venv/bin/python"

echo "== machine"
echo "nproc $(nproc); $(lscpu | grep -m1 'Model name' | tr -s ' '); RAM $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "uptime: $(uptime)"

mkdir -p "$root/target/bench"
"$bin" bench --print-mix > "$root/target/bench/mix.json"
mix="$root/target/bench/mix.json"

# gen (cached) + import (always fresh); prints wall time, records/s, bytes/record.
build() {
  local n="$1" dir="$2"
  mkdir -p "$dir"
  if [ ! -s "$dir/recs.jsonl.zst" ]; then
    local t0=$SECONDS
    "$bin" gen --records "$n" --seed 42 --out "$dir/recs.tmp.jsonl.zst" >/dev/null
    mv "$dir/recs.tmp.jsonl.zst" "$dir/recs.jsonl.zst"
    echo "gen: $n records in $(( SECONDS - t0 )) s"
  fi
  if [ "${BENCH_REUSE_INDEX:-}" = 1 ] && [ -s "$dir/idx/MANIFEST" ]; then
    echo "import: reusing $dir/idx (BENCH_REUSE_INDEX=1)"
    return
  fi
  rm -rf "$dir/idx"
  local start end
  start=$(date +%s.%N)
  "$bin" --data "$dir/idx" import "$dir/recs.jsonl.zst"
  end=$(date +%s.%N)
  local bytes
  bytes=$(du -sb "$dir/idx" | cut -f1)
  python3 -c "n=$n; s=$end-$start; b=$bytes; print(f'import: {n} records in {s:.1f} s wall = {n/s:,.0f} records/s; index {b:,} bytes = {b/n:.1f} bytes/record (per input line)')"
}

echo "== correctness check on 20k records (DuckDB translation vs linkdex query)"
build 20000 "$root/target/bench/20k"
"$py" scripts/bench_duckdb.py --jsonl "$root/target/bench/20k/recs.jsonl.zst" --mix "$mix" \
  --check "$bin" "$root/target/bench/20k/idx"

dir="$root/target/bench/$size"
echo "== $size: gen + import"
build "$records" "$dir"
if [ "$records" -le 1000000 ] && [ "$records" -ne 20000 ]; then
  echo "== correctness check on $size"
  "$py" scripts/bench_duckdb.py --jsonl "$dir/recs.jsonl.zst" --mix "$mix" --check "$bin" "$dir/idx"
fi

echo "== $size: linkdex bench (in-process Engine::run, $reps reps after $warmup warm-ups, ≤ ${max_s}s per class)"
"$bin" --data "$dir/idx" bench --reps "$reps" --warmup "$warmup" --max-seconds "$max_s" --json "$dir/linkdex.json"
echo "== $size: DuckDB (same mix, same records)"
"$py" scripts/bench_duckdb.py --jsonl "$dir/recs.jsonl.zst" --mix "$mix" --reps "$reps" --warmup "$warmup" \
  --max-seconds "$max_s" --json "$dir/duckdb.json" --linkdex-json "$dir/linkdex.json"
echo "uptime after: $(uptime)"
