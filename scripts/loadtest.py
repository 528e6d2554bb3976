#!/usr/bin/env python3
"""Load test of a running linkdex server over loopback (standard library only).

Phase 1, sustained: --rate requests/minute (default 2000, the per-login limit) spread evenly
over --duration seconds from --clients concurrent keep-alive clients (default 30).
Phase 2, burst: --burst requests as fast as --burst-clients clients can send them, which pushes
the login past its requests-per-minute window (40202) and, with slow enough queries, past its
in-flight limit (40209).

Both phases are bounded in count and time and stop by themselves. Reports p50/p99 latency,
counts by "HTTP status/envelope status/task status", and the server's RSS (--pid, or found from
the listening port in /proc).

  scripts/loadtest.py --url http://127.0.0.1:8080 --login alice --password secret
"""

import argparse
import base64
import http.client
import json
import os
import threading
import time
import urllib.parse
from collections import Counter

MAX_SECONDS = 600  # hard cap on the whole run, whatever the arguments say


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default=os.environ.get("LINKDEX_URL", "http://127.0.0.1:8080"))
    p.add_argument("--login", default=os.environ.get("LINKDEX_LOGIN", "alice"))
    p.add_argument("--password", default=os.environ.get("LINKDEX_PASSWORD", "secret"))
    p.add_argument("--targets", default=os.environ.get("LINKDEX_TARGETS", "moz.com,ahrefs.com"))
    p.add_argument("--rate", type=float, default=2000, help="sustained requests per minute")
    p.add_argument("--duration", type=float, default=30, help="sustained phase, seconds")
    p.add_argument("--clients", type=int, default=30)
    p.add_argument("--burst", type=int, help="requests in the burst phase (default: --rate, so the window "
                   "overflows by what the sustained phase sent; 0: no burst)")
    p.add_argument("--burst-clients", type=int, default=60)
    p.add_argument("--pid", type=int, help="server pid for RSS (default: found from the port)")
    return p.parse_args()


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, url, auth, body):
        u = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = u.hostname, u.port or 80, "/v3/backlinks/domain_intersection/live"
        assert self.host in ("127.0.0.1", "localhost", "::1"), "load tests target loopback only"
        self.headers = {"Authorization": auth, "Content-Type": "application/json"}
        self.body = body
        self.conn = None

    def send(self):
        start = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=150)
            self.conn.request("POST", self.path, self.body, self.headers)
            resp = self.conn.getresponse()
            data = resp.read()
            env = json.loads(data)
            tasks = env.get("tasks") or [{}]
            key = f"{resp.status}/{env.get('status_code')}/{tasks[0].get('status_code', '-')}"
        except Exception as e:  # noqa: BLE001 - every failure is a counted outcome
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            key = f"error/{type(e).__name__}"
        return key, time.perf_counter() - start


def run_phase(make_client, clients, total, interval, deadline):
    """Sends `total` requests, the i-th not before start + i*interval, from `clients` threads."""
    lock = threading.Lock()
    state = {"next": 0}
    results = []
    start = time.perf_counter()

    def worker():
        client = make_client()
        while True:
            with lock:
                i = state["next"]
                if i >= total:
                    return
                state["next"] += 1
            due = start + i * interval
            now = time.perf_counter()
            if now > deadline:
                return
            if due > now:
                time.sleep(due - now)
            outcome = client.send()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.perf_counter()) + 5)
    return results, time.perf_counter() - start


def listening_pid(port):
    """The pid owning the TCP socket listening on `port` (Linux /proc), or None."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in list(f)[1:]:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(fields[9])
        except OSError:
            pass
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(pid)
        except OSError:
            continue
    return None


def rss(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS", "VmHWM")):
                    yield line.split(":")[0], line.split(":")[1].strip()
    except (OSError, TypeError):
        return


def report(name, results, elapsed):
    lat = sorted(l for _, l in results)
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")
    print(f"{name}: {len(results)} requests in {elapsed:.1f} s ({len(results) / max(elapsed, 1e-9) * 60:.0f}/min), "
          f"p50 {pct(0.50):.1f} ms, p99 {pct(0.99):.1f} ms, max {pct(1.0):.1f} ms")
    for key, n in sorted(Counter(k for k, _ in results).items()):
        print(f"  {key:24} {n}")


def main():
    args = parse_args()
    if args.burst is None:
        args.burst = int(args.rate)
    auth = "Basic " + base64.b64encode(f"{args.login}:{args.password}".encode()).decode()
    targets = {str(i + 1): t for i, t in enumerate(args.targets.split(","))}
    body = json.dumps([{"targets": targets, "limit": 10}])
    make_client = lambda: Client(args.url, auth, body)
    pid = args.pid or listening_pid(urllib.parse.urlsplit(args.url).port or 80)
    hard_deadline = time.perf_counter() + MAX_SECONDS

    print(f"server pid {pid}: " + ", ".join(f"{k} {v}" for k, v in rss(pid)))
    total = int(args.rate * args.duration / 60)
    results, elapsed = run_phase(make_client, args.clients, total, 60.0 / args.rate,
                                 min(hard_deadline, time.perf_counter() + args.duration + 150))
    report(f"sustained ({args.clients} clients, {args.rate:.0f}/min)", results, elapsed)
    if args.burst:
        results, elapsed = run_phase(make_client, args.burst_clients, args.burst, 0.0,
                                     min(hard_deadline, time.perf_counter() + 300))
        report(f"burst ({args.burst_clients} clients, unpaced)", results, elapsed)
    print(f"server pid {pid}: " + ", ".join(f"{k} {v}" for k, v in rss(pid)))


if __name__ == "__main__":
    main()
