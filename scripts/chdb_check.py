#!/usr/bin/env python3
"""Runs linkdex's ClickHouse SQL on a current ClickHouse engine (chdb) and on the 18.16 server,
and checks both give the same answer.

    python scripts/chdb_check.py --linkdex BIN --clickhouse-url URL --workdir DIR

1. `linkdex gen` 5000 records (fixed seed), `clickhouse init` + `import` them into a fresh
   database `chdbcheck_<pid>` on the 18.16 server at URL.
2. Copies the table to a chdb Session (in DIR/chdb-session): the server's own `SHOW CREATE TABLE`
   DDL, then every row as JSONEachRow. Row counts must match.
3. For each request of REQUESTS: `linkdex clickhouse sql` → the statement, run on both engines,
   `data` of both JSONCompact answers compared exactly.
4. Drops the server database (also on failure).

Exit 0 when every request gives identical data on both engines and at least MIN_NONEMPTY of
them have a non-zero total; 1 otherwise. Python 3.11, stdlib + chdb only.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

RECORDS = 5000
SEED = 7
MIN_NONEMPTY = 15
COPY_CHUNK = 2000  # rows per INSERT into chdb
SERVER_SETTINGS = {
    "output_format_json_quote_64bit_integers": "0",
    "optimize_move_to_prewhere": "0",
    "wait_end_of_query": "1",
}

# Strings that must arrive in SQL literals unharmed (quotes, backslashes, LIKE metacharacters,
# a newline, non-ASCII, an injection attempt).
HOSTILE = ["'", "\\", "a\\'b", "%", "_", "100%_off", "line\nbreak", "é✓",
           "'); DROP TABLE links; --"]

T2 = {"1": "t0.com", "2": "t1.com"}
T3 = {"1": "t0.com", "2": "t1.com", "3": "t2.com"}
T5 = {str(i + 1): "t%d.com" % i for i in range(5)}
T20 = {str(i + 1): "t%d.com" % i for i in range(20)}

# (name, request task). Targets are hosts/pages of the generated data (seed 7): t0.com, t1.com, …
# are the popular targets; https://t0.com/p1 etc. are pages that exist.
REQUESTS = [
    ("one_target", {"targets": {"1": "t0.com"}}),
    ("two_domains_default", {"targets": T2}),
    ("three_domains_order", {"targets": T3, "order_by": ["1.rank,desc", "2.backlinks,asc"]}),
    ("five_partial", {"targets": T5, "intersection_mode": "partial",
                      "order_by": ["intersections_count,desc", "3.referring_pages,desc"]}),
    ("five_all_status_all", {"targets": T5, "backlinks_status_type": "all",
                             "order_by": ["5.first_seen,asc"]}),
    ("twenty_partial_list50", {"targets": T20, "intersection_mode": "partial", "limit": 50,
                               "internal_list_limit": 50}),
    ("twenty_all", {"targets": T20}),
    ("pages_partial", {"targets": {"1": "https://t0.com/p1", "2": "https://t1.com/p0"},
                       "intersection_mode": "partial"}),
    ("pages_all", {"targets": {"1": "https://t0.com/p0", "2": "https://t1.com/p0"},
                   "backlinks_status_type": "live"}),
    ("wildcard_and_domain", {"targets": {"1": "https://t1.com/*", "2": "t0.com"},
                             "include_subdomains": True, "order_by": ["1.referring_pages,desc"]}),
    ("wildcard_prefix_mixed", {"targets": {"1": "https://t0.com/p1*", "2": "https://t2.com/*",
                                           "3": "t1.com"}, "intersection_mode": "partial"}),
    ("exclude_targets", {"targets": T2, "exclude_targets": ["t2.com", "https://t3.com/*"]}),
    ("exclude_page", {"targets": T3, "intersection_mode": "partial",
                      "exclude_targets": ["https://t4.com/p0"]}),
    ("status_all_lost_date", {"targets": T2, "backlinks_status_type": "all",
                              "order_by": ["1.lost_date,desc", "2.lost_date,asc"]}),
    ("status_lost_partial", {"targets": T3, "backlinks_status_type": "lost",
                             "intersection_mode": "partial", "order_by": ["1.lost_date,asc"]}),
    ("flags_off", {"targets": T2, "include_subdomains": False, "include_indirect_links": False,
                   "exclude_internal_backlinks": False}),
    ("rank_scale_100", {"targets": T2, "rank_scale": "one_hundred",
                        "filters": ["1.rank", ">=", 20], "order_by": ["2.rank,asc"]}),
    ("internal_list_limit_1", {"targets": T3, "internal_list_limit": 1,
                               "backlinks_status_type": "all"}),
    ("paging_target_asc", {"targets": T2, "offset": 10, "limit": 7, "order_by": ["1.target,asc"]}),
    ("paging_target_desc", {"targets": T2, "offset": 150, "limit": 100,
                            "order_by": ["1.target,desc"]}),
    ("order_many_metrics", {"targets": T3, "intersection_mode": "partial",
                            "order_by": ["intersections_count,asc", "1.referring_ips,desc",
                                         "2.backlinks_spam_score,asc"]}),
    ("filter_num_or", {"targets": T2, "filters": [["1.backlinks", ">=", 2], "or",
                                                  ["2.referring_pages", "<", 2]],
                       "order_by": ["1.backlinks,desc"]}),
    ("filter_in_not_in", {"targets": T3, "intersection_mode": "partial",
                          "filters": [["intersections_count", "in", [2, 3]], "and",
                                      ["1.backlinks_spam_score", "not_in", [0, 1, 2, 3]]]}),
    ("filter_like_not_like", {"targets": T2, "filters": [["1.target", "like", "%.de"], "or",
                                                         ["2.target", "not_like", "www.%"]]}),
    ("filter_ilike_regex", {"targets": T2, "filters": [["1.target", "ilike", "%R1%"], "and",
                                                       ["1.target", "regex",
                                                        "^(www\\.)?r[0-9]+\\.(de|ru|io|fr)$"]]}),
    ("filter_match_ne_time", {"targets": T2, "filters": [
        ["1.target", "match", "www"], "and", ["1.target", "<>", "www.r15.fr"], "and",
        [["1.first_seen", "<", "2021-06-01 00:00:00 +00:00"], "or",
         ["2.first_seen", ">=", "2022-01-01 00:00:00 +00:00"]]]}),
    ("filter_lost_date", {"targets": T2, "backlinks_status_type": "all",
                          "filters": ["1.lost_date", ">", "2021-01-01 00:00:00 +00:00"]}),
    ("bl_anchor_like", {"targets": T2, "backlinks_filters": ["anchor", "like", "%seo%"]}),
    ("bl_anchor_ilike_regex", {"targets": T2, "intersection_mode": "partial",
                               "backlinks_filters": [["anchor", "ilike", "%SEO%"], "or",
                                                     ["anchor", "regex", "^(best|free) "]]}),
    ("bl_anchor_match_in", {"targets": T3, "intersection_mode": "partial",
                            "backlinks_filters": [["anchor", "match", "tools Marketing"], "or",
                                                  ["anchor", "in", ["seo", "data", "blog"]]]}),
    ("bl_domain_from_eq", {"targets": {"1": "t0.com", "2": "t1.com", "3": "t3.com"},
                           "intersection_mode": "partial",
                           "backlinks_filters": ["domain_from", "=", "r167.fr"]}),
    ("bl_num", {"targets": T2, "intersection_mode": "partial",
                "backlinks_filters": [["links_count", ">", 1], "or", ["rank", ">=", 300]]}),
    ("bl_time_bool", {"targets": T2, "backlinks_filters": [
        ["first_seen", ">", "2021-01-01 00:00:00 +00:00"], "and", ["dofollow", "=", True]]}),
    ("bl_nofollow", {"targets": T2, "intersection_mode": "partial",
                     "backlinks_filters": ["dofollow", "=", False]}),
    ("bl_attributes", {"targets": T3, "intersection_mode": "partial", "backlinks_filters": [
        [["attributes", "has", "noopener"], "and", ["attributes", "has_not", "nofollow"]], "or",
        ["attributes", "=", ["ugc", "noopener"]]]}),
    ("bl_attributes_empty", {"targets": T2, "backlinks_filters": ["attributes", "=", []]}),
    ("hostile_in", {"targets": T2, "intersection_mode": "partial",
                    "backlinks_filters": [["anchor", "not_in", HOSTILE], "and",
                                          ["domain_from", "<>", HOSTILE[-1]]]}),
    ("hostile_like", {"targets": T2, "intersection_mode": "partial", "backlinks_filters": [
        ["anchor", "not_like", "%'%"], "and", ["anchor", "not_like", "%\\%"], "and",
        ["anchor", "not_ilike", "%é✓%"], "and", ["anchor", "not_like", "%line\nbreak%"], "and",
        ["anchor", "not_like", "%100%_off%"]]}),
    ("hostile_match_regex", {"targets": T2, "intersection_mode": "partial", "backlinks_filters": [
        ["anchor", "match", "é✓ '); DROP TABLE links; --"], "or",
        ["anchor", "regex", "\\\\'|\\n|é✓|_%"], "or", ["domain_from", "=", HOSTILE[-1]], "or",
        ["attributes", "has", "'\\"]]}),
    ("hostile_result_filters", {"targets": T2, "filters": [
        ["1.target", "not_like", "%'%"], "and", ["1.target", "<>", HOSTILE[-1]], "and",
        ["2.target", "not_in", HOSTILE], "and", ["1.target", "not_regex", "'|\\\\|é✓"], "and",
        ["1.target", "not_ilike", "%\\_%"]]}),
    ("hostile_match_hit", {"targets": T2, "filters": ["1.target", "match", "r53 'io"]}),
]


def log(msg):
    print(msg, flush=True)


class Server:
    def __init__(self, url, database):
        self.url = url.rstrip("/") + "/"
        self.database = database

    def query(self, sql, database=True, timeout=120):
        params = dict(SERVER_SETTINGS)
        if database:
            params["database"] = self.database
        req = urllib.request.Request(self.url + "?" + urllib.parse.urlencode(params),
                                     data=sql.encode("utf-8"), method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace").strip()
            raise RuntimeError("18.16 server HTTP %d: %s" % (e.code, short_error(body))) from None


def short_error(msg):
    """A ClickHouse error without the echo of the whole statement ("In scope ...")."""
    msg = " ".join(msg.split())
    cut = msg.find(" In scope ")
    if cut >= 0:
        msg = msg[:cut] + " [statement omitted]"
    return msg[:600]


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (" ".join(cmd), p.returncode,
                                                        (p.stderr or p.stdout).strip()[:2000]))
    return p.stdout


def first_diff(a, b, path="data"):
    """Path and values of the first difference between a and b, or None."""
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        if len(a) != len(b):
            return "%s: length %d (18.16) vs %d (chdb)" % (path, len(a), len(b))
        return None
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))
                                       and not isinstance(a, bool) and not isinstance(b, bool)):
        return "%s: %r (18.16) vs %r (chdb)" % (path, a, b)
    if a != b:
        return "%s: %r (18.16) vs %r (chdb)" % (path, a, b)
    return None


def copy_table(server, sess, database):
    ddl = server.query("SHOW CREATE TABLE links FORMAT TabSeparatedRaw").strip()
    sess.query("CREATE DATABASE IF NOT EXISTS %s" % database)
    sess.query(ddl)  # qualified with the database name, as the server prints it
    sess.query("USE %s" % database)
    dump = server.query("SELECT * FROM links FORMAT JSONEachRow")
    lines = dump.splitlines()
    for i in range(0, len(lines), COPY_CHUNK):
        chunk = "\n".join(lines[i:i + COPY_CHUNK])
        sess.query("INSERT INTO links FORMAT JSONEachRow\n" + chunk)
    n_server = int(server.query("SELECT count() FROM links").strip())
    n_chdb = int(sess.query("SELECT count() FROM links", "TabSeparated").bytes().decode().strip())
    n_final_s = int(server.query("SELECT count() FROM links FINAL").strip())
    n_final_c = int(sess.query("SELECT count() FROM links FINAL",
                               "TabSeparated").bytes().decode().strip())
    if n_server != n_chdb or n_final_s != n_final_c or n_chdb != len(lines):
        raise RuntimeError("row counts differ: 18.16 %d (FINAL %d), dumped %d, chdb %d (FINAL %d)"
                           % (n_server, n_final_s, len(lines), n_chdb, n_final_c))
    return n_server


def check(args):
    from chdb import session as chdb_session
    import chdb

    pid = os.getpid()
    database = "chdbcheck_%d" % pid
    workdir = os.path.abspath(args.workdir)
    os.makedirs(workdir, exist_ok=True)
    reqdir = os.path.join(workdir, "requests")
    os.makedirs(reqdir, exist_ok=True)
    sess_dir = os.path.join(workdir, "chdb-session")
    shutil.rmtree(sess_dir, ignore_errors=True)
    server = Server(args.clickhouse_url, database)
    ld = [args.linkdex]
    ch = ["--clickhouse-url", args.clickhouse_url, "--clickhouse-database", database]

    assert len(REQUESTS) >= 25 and len({n for n, _ in REQUESTS}) == len(REQUESTS)
    server_version = server.query("SELECT version()", database=False).strip()
    sess = None
    try:
        t0 = time.monotonic()
        gen = os.path.join(workdir, "gen.jsonl")
        run(ld + ["gen", "--records", str(RECORDS), "--seed", str(SEED), "--out", gen])
        run(ld + ch + ["clickhouse", "init"])
        run(ld + ["--backend", "clickhouse"] + ch + ["import", gen])
        sess = chdb_session.Session(sess_dir)
        sess.query("SET output_format_json_quote_64bit_integers = 0")
        for setting in args.chdb_setting:  # investigation only: the check runs on defaults
            name, _, value = setting.partition("=")
            sess.query("SET %s = %s" % (name.strip(), value.strip()))
        engine = sess.query("SELECT version()", "TabSeparated").bytes().decode().strip()
        rows = copy_table(server, sess, database)
        log("chdb check: %d rows in %s on ClickHouse %s and in chdb %s (engine %s), %.1fs"
            % (rows, database, server_version, chdb.__version__, engine, time.monotonic() - t0))

        identical = nonempty = 0
        for name, task in REQUESTS:
            path = os.path.join(reqdir, name + ".json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump([task], f, ensure_ascii=False)
            try:
                sql = run(ld + ch + ["clickhouse", "sql", path])
                with open(os.path.join(reqdir, name + ".sql"), "w", encoding="utf-8") as f:
                    f.write(sql)
                old = json.loads(server.query(sql))["data"]
                try:
                    new = json.loads(sess.query(sql).bytes().decode("utf-8"))["data"]
                except Exception as e:  # chdb raises on a query error
                    raise RuntimeError("chdb: %s" % short_error(str(e))) from None
            except Exception as e:
                log("ERR   %s  %s" % (name, e))
                continue
            diff = first_diff(old, new)
            if diff:
                where = ""
                try:  # data[0][1][i][k]: column k of result row i; column 1 is the host D
                    i = int(diff.split("[")[3].rstrip("]"))
                    where = " (row %d, D=%s)" % (i, old[0][1][i][1])
                except (IndexError, ValueError, TypeError):
                    pass
                log("DIFF  %s  %s%s" % (name, diff, where))
                continue
            identical += 1
            total = old[0][0] if old and old[0] else 0
            items = len(old[0][1]) if old and len(old[0]) > 1 else 0
            nonempty += total > 0
            log("ok    %-24s total=%d rows=%d" % (name, total, items))

        log("chdb check: %d requests, %d identical (chdb %s, engine %s; server %s)"
            % (len(REQUESTS), identical, chdb.__version__, engine, server_version))
        ok = identical == len(REQUESTS)
        if nonempty < MIN_NONEMPTY:
            log("chdb check: only %d identical answers have total_count > 0 (need %d): requests "
                "failed, or the data or the request list changed" % (nonempty, MIN_NONEMPTY))
            ok = False
        return 0 if ok else 1
    finally:
        if sess is not None:
            try:
                sess.close()
            except Exception:
                pass
        try:
            server.query("DROP DATABASE IF EXISTS %s" % database, database=False)
        except Exception as e:
            log("chdb check: could not drop %s: %s" % (database, e))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--linkdex", required=True, help="the linkdex binary")
    ap.add_argument("--clickhouse-url", required=True, help="HTTP URL of a ClickHouse 18.16 node")
    ap.add_argument("--workdir", required=True, help="scratch directory (chdb session, files)")
    ap.add_argument("--chdb-setting", action="append", default=[], metavar="NAME=VALUE",
                    help="SET this in the chdb session first (to investigate a difference)")
    args = ap.parse_args()
    # SIGTERM/SIGINT unwind through the finally that drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return check(args)
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        log("chdb check: FAILED: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
