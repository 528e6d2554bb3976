#!/usr/bin/env python3
"""The `linkdex bench` query mix as DuckDB SQL over the same records: the baseline of
docs/benchmarks.md.

  target/bench-venv/bin/python scripts/bench_duckdb.py --jsonl recs.jsonl.zst --mix mix.json \
      [--reps 20] [--json duckdb.json] [--linkdex-json linkdex.json] [--check BIN IDX]

* Loads the JSONL that `linkdex gen --out` writes into one DuckDB table (not timed; reported as
  the load time). Observations of the same key (url_from, url_to, item_type) are folded as
  `Record::merge` does (first_seen = min, every other field from the one with the latest
  last_seen, on a tie the later line), and the contract's derived fields are computed once:
  domain_from/domain_to, tld_from, registrable domain, dofollow, lost_date, the IPv4 /24.
  The public-suffix derivation here knows only the suffixes `linkdex gen` uses (com, net, org,
  co.uk, de, io, ru, fr): this script is a baseline for generated data, not a general importer.
* Translates each request of the mix (`linkdex bench --print-mix`) to one SQL statement that
  computes what the API returns (contract §4–§9): the per-(target, referring host) metrics, the
  intersection (all / partial), exclude_targets, backlinks_filters, filters, order_by,
  offset/limit and total_count, and for the returned page the count maps
  (referring_links_tld/types/attributes/platform_types/semantic_locations/countries) cut to
  internal_list_limit. Each class is run --warmup times, then timed --reps times.
* --check BIN IDX: runs every class through `BIN --data IDX query` and compares total_count and
  every returned item (host, order, every metric and map) with DuckDB's answer; any difference is
  printed loudly and the exit status is 1.
* --linkdex-json: the report of `linkdex bench --json`; prints the ratio table per class.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime

import duckdb

TIME_FMT = "%Y-%m-%d %H:%M:%S +00:00"
NOFOLLOW = "['nofollow', 'ugc', 'sponsored']"
METRICS = [
    "target", "rank", "backlinks", "first_seen", "lost_date", "backlinks_spam_score",
    "broken_backlinks", "broken_pages", "referring_domains", "referring_domains_nofollow",
    "referring_main_domains", "referring_main_domains_nofollow", "referring_ips",
    "referring_subnets", "referring_pages", "referring_pages_nofollow",
]
MAPS = ["tld", "types", "attributes", "platform_types", "semantic_locations", "countries"]


def q(s):
    """A SQL string literal."""
    return "'" + str(s).replace("'", "''") + "'"


def registrable(host):
    """Registrable domain for the suffixes of `linkdex gen` (see the module doc)."""
    labels = host.split(".")
    n = 3 if host.endswith(".co.uk") else 2
    return ".".join(labels[-n:])


# ---------------------------------------------------------------- loading


def load(con, path):
    src = path
    if path.endswith(".zst") or path.endswith(".gz"):
        comp = "zstd" if path.endswith(".zst") else "gzip"
    else:
        comp = "none"
    cols = {
        "url_from": "VARCHAR", "url_to": "VARCHAR", "item_type": "VARCHAR",
        "attributes": "VARCHAR[]", "anchor": "VARCHAR", "semantic_location": "VARCHAR",
        "links_count": "BIGINT", "first_seen": "VARCHAR", "last_seen": "VARCHAR",
        "is_lost": "BOOLEAN", "is_broken": "BOOLEAN", "is_indirect_link": "BOOLEAN",
        "rank": "INTEGER", "backlink_spam_score": "INTEGER", "domain_from_ip": "VARCHAR",
        "domain_from_country": "VARCHAR", "domain_from_platform_type": "VARCHAR[]",
    }
    colspec = "{" + ", ".join(f"{q(k)}: {q(v)}" for k, v in cols.items()) + "}"
    con.execute(f"""
        CREATE TEMP TABLE raw AS
        SELECT row_number() OVER () AS line, *
        FROM read_json({q(src)}, format = 'newline_delimited', compression = {q(comp)},
                       columns = {colspec})""")
    host = lambda c: f"lower(regexp_extract({c}, '^[A-Za-z]+://([^/:?#]+)', 1))"
    con.execute(f"""
        CREATE TABLE recs AS
        WITH folded AS (
            SELECT *, min(first_seen_t) OVER k AS first_seen_min,
                   row_number() OVER (PARTITION BY url_from, url_to, coalesce(item_type, 'anchor')
                                      ORDER BY last_seen_t DESC, line DESC) AS rn
            FROM (SELECT *, strptime(first_seen, '{TIME_FMT}') AS first_seen_t,
                            strptime(last_seen, '{TIME_FMT}') AS last_seen_t FROM raw)
            WINDOW k AS (PARTITION BY url_from, url_to, coalesce(item_type, 'anchor'))
        ), derived AS (
            SELECT url_from, url_to, {host('url_from')} AS domain_from, {host('url_to')} AS domain_to,
                   coalesce(item_type, 'anchor') AS item_type,
                   coalesce(attributes, []) AS attributes,
                   NOT list_has_any(coalesce(attributes, []), {NOFOLLOW}) AS dofollow,
                   anchor, semantic_location, coalesce(links_count, 1) AS links_count,
                   first_seen_min AS first_seen, last_seen_t AS last_seen,
                   coalesce(is_lost, false) AS is_lost,
                   CASE WHEN coalesce(is_lost, false) THEN last_seen_t END AS lost_date,
                   coalesce(is_broken, false) AS is_broken,
                   coalesce(is_indirect_link, false) AS is_indirect_link,
                   coalesce(rank, 0) AS rank, coalesce(backlink_spam_score, 0) AS backlink_spam_score,
                   domain_from_ip, regexp_extract(domain_from_ip, '^(\\d+\\.\\d+\\.\\d+)\\.\\d+$', 1) AS subnet,
                   domain_from_country,
                   coalesce(domain_from_platform_type, []) AS domain_from_platform_type
            FROM folded WHERE rn = 1
        )
        SELECT *,
               CASE WHEN domain_from LIKE '%.co.uk' THEN regexp_extract(domain_from, '([^.]+\\.co\\.uk)$', 1)
                    ELSE regexp_extract(domain_from, '([^.]+\\.[^.]+)$', 1) END AS reg_from,
               CASE WHEN domain_from LIKE '%.co.uk' THEN 'co.uk'
                    ELSE regexp_extract(domain_from, '([^.]+)$', 1) END AS tld_from,
               array_to_string(list_reverse(string_split(domain_to, '.')), '.') AS rev_to
        FROM derived
        ORDER BY rev_to, domain_from""")
    raw = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    con.execute("DROP TABLE raw")
    return raw, con.execute("SELECT count(*) FROM recs").fetchone()[0]


# ---------------------------------------------------------------- translation


def normalize_page(p):
    scheme, rest = p.split("://", 1)
    rest = rest.split("#", 1)[0]
    cut = min([i for i in (rest.find("/"), rest.find("?")) if i >= 0], default=len(rest))
    host, path = rest[:cut].lower(), rest[cut:]
    scheme = scheme.lower()
    if (scheme, host.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")) and ":" in host:
        host = host.rsplit(":", 1)[0]
    if not path or path.startswith("?"):
        path = "/" + path
    return f"{scheme}://{host}{path}", host.replace("*", "").split(":")[0]


def rev(host):
    """linkdex's host order key: labels reversed (`t0.com` → `com.t0`)."""
    return ".".join(reversed(host.split(".")))


def pattern_sql(p, req):
    """(SQL condition on a record for rule 1, the pattern's host for rule 4).

    The table is sorted by `rev_to` (the target host, labels reversed, as linkdex's segments
    are), and every condition also bounds `rev_to`, so DuckDB's min/max zone maps skip the row
    groups of other targets instead of scanning the whole table."""
    if p.lower().startswith(("http://", "https://")):
        norm, host = normalize_page(p)
        host_raw = norm.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
        prune = "" if "*" in host_raw else f"rev_to = {q(rev(host))} AND "
        if "*" in norm:
            like = norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
            return f"({prune}url_to LIKE {q(like)} ESCAPE '\\')", host
        return f"({prune}url_to = {q(norm)})", host
    d = p.lower().rstrip(".")
    r = rev(d)
    cond = f"rev_to = {q(r)} OR rev_to = {q(r + '.www')}"
    if req.get("include_subdomains", True) is not False:
        cond += f" OR starts_with(rev_to, {q(r + '.')})"
    # Every match lies in ["<r>", "<r>/") ('/' follows '.'): a plain range the scan can prune on.
    return f"(rev_to >= {q(r)} AND rev_to < {q(r + '/')} AND ({cond}))", d


def like_sql(v):
    return v.replace("\\", "\\\\").replace("_", "\\_")


def value_sql(v, ftype):
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if ftype == "time":
        return f"strptime({q(v)}, '{TIME_FMT}')"
    if isinstance(v, (int, float)):
        return repr(v)
    if ftype == "num":
        return repr(float(v))
    return q(v)


TIME_FIELDS = {"first_seen", "last_seen", "prev_seen", "lost_date"}
NUM_METRICS = set(METRICS) - {"target", "first_seen", "lost_date"}


def cond_sql(cond, column):
    """One [field, op, value] condition; `column(field)` gives (SQL expression, type)."""
    field, op, value = cond
    col, ftype = column(field)
    if op in ("like", "not_like", "ilike", "not_ilike"):
        fn = "ILIKE" if "ilike" in op else "LIKE"
        neg = "NOT " if op.startswith("not_") else ""
        return f"({col} {neg}{fn} {q(like_sql(value))} ESCAPE '\\')"
    if op in ("in", "not_in"):
        vals = ", ".join(value_sql(v, ftype) for v in value)
        return f"({col} {'NOT ' if op == 'not_in' else ''}IN ({vals}))"
    if op in ("has", "has_not"):
        return f"({'NOT ' if op == 'has_not' else ''}list_contains({col}, {q(value)}) AND {col} IS NOT NULL)"
    if op in ("<", "<=", ">", ">=", "=", "<>"):
        return f"({col} {op} {value_sql(value, ftype)})"
    raise SystemExit(f"bench_duckdb: operator {op!r} is not translated")


def expr_sql(e, column):
    if isinstance(e, list) and e and isinstance(e[0], str):
        return cond_sql(e, column)
    parts = []
    for x in e:
        if isinstance(x, str):
            parts.append(" AND " if x.lower() == "and" else " OR ")
        else:
            parts.append(expr_sql(x, column))
    return "(" + "".join(parts) + ")"


def record_column(field):
    t = "time" if field in TIME_FIELDS else ("num" if field in (
        "links_count", "rank", "backlink_spam_score") else "str")
    if field in ("dofollow", "is_lost", "is_broken", "is_indirect_link"):
        t = "bool"
    return field, t


def build_sql(req):
    keys = sorted(req["targets"], key=int)
    slots = {k: i for i, k in enumerate(keys)}
    status = req.get("backlinks_status_type") or "live"
    base = []
    if status == "live":
        base.append("NOT is_lost")
    elif status == "lost":
        base.append("is_lost")
    if req.get("include_indirect_links") is False:
        base.append("NOT is_indirect_link")
    if req.get("backlinks_filters") is not None:
        base.append(expr_sql(req["backlinks_filters"], record_column))
    exclude_internal = req.get("exclude_internal_backlinks", True) is not False

    def feeding(pattern):
        cond, host = pattern_sql(pattern, req)
        conds = [cond] + base
        if exclude_internal:
            conds.append(f"reg_from <> {q(registrable(host))}")
        return " AND ".join(conds)

    f_parts = [f"SELECT {slots[k]} AS slot, domain_from AS d, * FROM recs WHERE {feeding(req['targets'][k])}"
               for k in keys]
    excl = req.get("exclude_targets") or []
    ex_sql = (" UNION ".join(f"SELECT domain_from AS d FROM recs WHERE {feeding(p)}" for p in excl)
              if excl else "SELECT NULL::VARCHAR AS d WHERE false")
    n_targets = len(keys)
    threshold = n_targets if (req.get("intersection_mode") or "all") == "all" else min(2, n_targets)
    rank_expr = ("CASE WHEN mass <= 0 THEN 0 ELSE least(greatest(round(1000 + 100 * log10(mass)), 0), 1000) END")
    if req.get("rank_scale") == "one_hundred":
        rank_expr = f"round(sin(({rank_expr}) / 636.62) * 100)"

    # Result fields used by filters and order: "<key>.<metric>" → a column of `hosts`.
    needed = {}

    def result_column(field):
        if field == "intersections_count":
            return "n", "num"
        key, metric = field.split(".", 1)
        name = f'"{key}.{metric}"'
        needed[name] = (slots[key], metric)
        t = "time" if metric in ("first_seen", "lost_date") else ("str" if metric == "target" else "num")
        return name, t

    filt = expr_sql(req["filters"], result_column) if req.get("filters") is not None else "TRUE"
    order_by = req.get("order_by") or ["intersections_count,desc", f"{keys[0]}.rank,desc"]
    order = []
    for rule in order_by:
        field, direction = [s.strip() for s in rule.split(",")]
        col, _ = result_column(field)
        order.append(f"{col} {'DESC' if direction == 'desc' else 'ASC'} NULLS LAST")
    order.append("d ASC")
    order_sql = ", ".join(order)
    host_cols = "".join(
        f", max({'d' if m == 'target' else m}) FILTER (WHERE slot = {s}) AS {name}" for name, (s, m) in needed.items())
    limit = req.get("limit") or 100
    offset = req.get("offset") or 0
    list_limit = req.get("internal_list_limit") or 10
    fmap = lambda kind, k, src="fp", where="": (
        f"SELECT slot, d, '{kind}' AS kind, {k} AS k, url_from FROM {src} {where}")
    return f"""
WITH f AS MATERIALIZED ({' UNION ALL '.join(f_parts)}),
agg AS MATERIALIZED (
  SELECT slot, d, d AS target,
         {rank_expr.replace('mass', 'mass')}::INTEGER AS rank, backlinks, first_seen, lost_date,
         backlinks_spam_score, broken_backlinks, broken_pages,
         1 AS referring_domains, nofollow AS referring_domains_nofollow,
         1 AS referring_main_domains, nofollow AS referring_main_domains_nofollow,
         referring_ips, referring_subnets, referring_pages, referring_pages_nofollow
  FROM (
    SELECT slot, d,
           coalesce(sum(CASE WHEN dofollow AND NOT is_broken AND rank > 0
                             THEN pow(10, (rank - 1000) / 100.0) END), 0) AS mass,
           sum(links_count) AS backlinks,
           min(first_seen) AS first_seen,
           CASE WHEN bool_or(NOT is_lost) THEN NULL ELSE max(lost_date) END AS lost_date,
           (2 * sum(backlink_spam_score) + count(*)) // (2 * count(*)) AS backlinks_spam_score,
           coalesce(sum(links_count) FILTER (WHERE is_broken), 0) AS broken_backlinks,
           count(DISTINCT url_to) FILTER (WHERE is_broken) AS broken_pages,
           CASE WHEN bool_or(dofollow) THEN 0 ELSE 1 END AS nofollow,
           count(DISTINCT domain_from_ip) AS referring_ips,
           count(DISTINCT subnet) FILTER (WHERE subnet <> '') AS referring_subnets,
           count(DISTINCT url_from) AS referring_pages,
           count(DISTINCT url_from) - count(DISTINCT url_from) FILTER (WHERE dofollow) AS referring_pages_nofollow
    FROM f GROUP BY slot, d)),
ex AS ({ex_sql}),
hosts AS (SELECT d, count(*) AS n{host_cols} FROM agg GROUP BY d HAVING count(*) >= {threshold}),
qual AS (SELECT * FROM hosts WHERE d NOT IN (SELECT d FROM ex WHERE d IS NOT NULL) AND {filt}),
page AS MATERIALIZED (
  SELECT d, n, count(*) OVER () AS total, row_number() OVER (ORDER BY {order_sql}) AS pos
  FROM qual ORDER BY {order_sql} LIMIT {limit} OFFSET {offset}),
fp AS (SELECT * FROM f WHERE d IN (SELECT d FROM page)),
pm AS (
  SELECT slot, d, kind, list_slice(list({{'k': k, 'c': c}} ORDER BY c DESC, k ASC), 1, {list_limit}) AS m
  FROM (SELECT slot, d, kind, k, count(DISTINCT url_from) AS c FROM (
          {fmap('tld', 'tld_from')}
          UNION ALL {fmap('types', 'item_type')}
          UNION ALL {fmap('attributes', 'unnest(attributes)')}
          UNION ALL {fmap('platform_types', "unnest(CASE WHEN len(domain_from_platform_type) = 0 THEN ['unknown'] ELSE domain_from_platform_type END)")}
          UNION ALL {fmap('semantic_locations', "coalesce(semantic_location, '')")}
          UNION ALL {fmap('countries', 'domain_from_country', where='WHERE domain_from_country IS NOT NULL')}
        ) GROUP BY ALL)
  GROUP BY ALL),
pmp AS (SELECT slot, d, {', '.join(f"max(m) FILTER (WHERE kind = '{k}') AS map_{k}" for k in MAPS)}
        FROM pm GROUP BY slot, d)
SELECT page.pos, page.d, page.n, page.total, agg.slot, {', '.join('agg.' + m for m in METRICS)},
       {', '.join('pmp.map_' + k for k in MAPS)}
FROM page JOIN agg ON agg.d = page.d LEFT JOIN pmp ON pmp.slot = agg.slot AND pmp.d = agg.d
ORDER BY page.pos, agg.slot"""


def answer(con, req, sql):
    """Runs the statement; returns (total_count, items) in the API's item shape."""
    rows = con.execute(sql).fetchall()
    keys = sorted(req["targets"], key=int)
    total = rows[0][3] if rows else 0
    items = {}
    for row in rows:
        pos, d, n, _total, slot = row[:5]
        metrics = dict(zip(METRICS, row[5:5 + len(METRICS)]))
        maps = dict(zip(MAPS, row[5 + len(METRICS):]))
        out = {"type": "backlinks_domain_intersection"}
        for m in METRICS:
            v = metrics[m]
            if isinstance(v, datetime):
                v = v.strftime(TIME_FMT)
            elif isinstance(v, float):
                v = int(v)
            out[m] = v
        for k in MAPS:
            entries = maps[k]
            out[f"referring_links_{k}"] = None if entries is None else {e["k"]: e["c"] for e in entries}
        for k in ("tld", "types", "platform_types", "semantic_locations"):
            if out[f"referring_links_{k}"] is None:
                out[f"referring_links_{k}"] = {}
        item = items.setdefault(pos, {"domain_intersection": {}, "summary": {"intersections_count": n}})
        item["domain_intersection"][keys[slot]] = out
    return total, [items[p] for p in sorted(items)]


# ---------------------------------------------------------------- timing, check, report


def percentile(sorted_samples, p):
    if not sorted_samples:
        return float("nan")
    rank = max(1, math.ceil(p * len(sorted_samples)))
    return sorted_samples[min(rank, len(sorted_samples)) - 1]


def check(bin_path, idx, name, req, total, items):
    """Compares DuckDB's answer with `linkdex query`; returns a list of differences."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump([req], fh)
        body = fh.name
    try:
        out = subprocess.run([bin_path, "--data", idx, "query", body], check=True,
                             capture_output=True, text=True).stdout
    finally:
        os.unlink(body)
    res = json.loads(out)["tasks"][0]["result"][0]
    diffs = []
    if res["total_count"] != total:
        diffs.append(f"total_count: linkdex {res['total_count']}, duckdb {total}")
    lh = [next(iter(i["domain_intersection"].values()))["target"] for i in res["items"]]
    dh = [next(iter(i["domain_intersection"].values()))["target"] for i in items]
    if lh[:10] != dh[:10]:
        diffs.append(f"top-10 hosts differ:\n      linkdex {lh[:10]}\n      duckdb  {dh[:10]}")
    elif lh != dh:
        diffs.append(f"returned hosts differ beyond the top 10 ({len(lh)} vs {len(dh)} items)")
    for pos, (a, b) in enumerate(zip(res["items"], items)):
        if json.dumps(a) == json.dumps(b):  # order-sensitive: map order is part of the answer
            continue
        if a["summary"] != b["summary"]:
            diffs.append(f"item {pos}: summary linkdex {a['summary']} duckdb {b['summary']}")
        for key in sorted(set(a["domain_intersection"]) | set(b["domain_intersection"])):
            ma, mb = a["domain_intersection"].get(key), b["domain_intersection"].get(key)
            if json.dumps(ma) == json.dumps(mb):
                continue
            if ma is None or mb is None:
                diffs.append(f"item {pos} key {key}: present in only one answer")
                continue
            for field in ma:
                if json.dumps(ma.get(field)) != json.dumps(mb.get(field)):
                    diffs.append(f"item {pos} ({ma['target']}) key {key} {field}: "
                                 f"linkdex {ma.get(field)!r}, duckdb {mb.get(field)!r}")
        if len(diffs) > 12:
            diffs.append("... (more differences not shown)")
            break
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jsonl", required=True)
    ap.add_argument("--mix", required=True, help="output of `linkdex bench --print-mix`")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=60.0)
    ap.add_argument("--min-reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--json", help="write the report here")
    ap.add_argument("--linkdex-json", help="report of `linkdex bench --json`: print the ratio table")
    ap.add_argument("--check", nargs=2, metavar=("BIN", "IDX"),
                    help="compare every class with `BIN --data IDX query` (no timing)")
    args = ap.parse_args()
    mix = json.load(open(args.mix))

    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    started = time.perf_counter()
    raw, folded = load(con, args.jsonl)
    load_s = time.perf_counter() - started
    print(f"duckdb {duckdb.__version__} ({args.threads} threads): loaded {raw} lines "
          f"({folded} records after folding equal keys) from {args.jsonl} in {load_s:.1f} s (not timed below)")

    if args.check:
        bad = 0
        for name, req in mix.items():
            total, items = answer(con, req, build_sql(req))
            diffs = check(args.check[0], args.check[1], name, req, total, items)
            if diffs:
                bad += 1
                print(f"!!!! MISMATCH {name}: linkdex and DuckDB disagree on the same data:")
                for d in diffs:
                    print(f"    {d}")
            else:
                print(f"check {name:<14} ok: total_count {total}, {len(items)} items identical "
                      f"(hosts, order, every metric and map)")
        print("check: " + ("ALL CLASSES AGREE" if not bad else f"!!!! {bad} CLASSES DISAGREE !!!!"))
        return 1 if bad else 0

    print(f"{'class':<14} {'runs':>5} {'p50 ms':>10} {'p99 ms':>10} {'min ms':>10} {'total_count':>12}")
    report = []
    for name, req in mix.items():
        sql = build_sql(req)
        total = None
        for _ in range(args.warmup):
            total, _items = answer(con, req, sql)
        samples = []
        budget = time.perf_counter()
        for i in range(args.reps):
            if i >= args.min_reps and time.perf_counter() - budget > args.max_seconds:
                break
            t0 = time.perf_counter()
            total, _items = answer(con, req, sql)
            samples.append((time.perf_counter() - t0) * 1e3)
        s = sorted(samples)
        p50, p99 = percentile(s, 0.5), percentile(s, 0.99)
        print(f"{name:<14} {len(s):>5} {p50:>10.2f} {p99:>10.2f} {s[0]:>10.2f} {total:>12}")
        report.append({"class": name, "runs": len(s), "p50_ms": p50, "p99_ms": p99, "min_ms": s[0],
                       "max_ms": s[-1], "total_count": total, "samples_ms": samples})
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"duckdb": duckdb.__version__, "threads": args.threads, "lines": raw,
                       "records": folded, "load_seconds": load_s, "classes": report}, fh, indent=2)
    if args.linkdex_json:
        lx = {c["class"]: c for c in json.load(open(args.linkdex_json))["classes"]}
        print()
        print("| class | linkdex p50 ms | linkdex p99 ms | DuckDB p50 ms | DuckDB / linkdex (p50) | total_count linkdex / DuckDB |")
        print("|---|---:|---:|---:|---:|---|")
        for c in report:
            l = lx.get(c["class"])
            if not l:
                continue
            ratio = c["p50_ms"] / l["p50_ms"]
            same = "" if l["total_count"] == c["total_count"] else " **MISMATCH**"
            print(f"| {c['class']} | {l['p50_ms']:.2f} | {l['p99_ms']:.2f} | {c['p50_ms']:.2f} | "
                  f"{ratio:.2f}× | {l['total_count']} / {c['total_count']}{same} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
