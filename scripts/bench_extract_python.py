#!/usr/bin/env python3
"""The link extraction a Python user would write, timed like examples/extract_bench.rs:
selectolax (lexbor) parses each page, every a/area[href], img[src], link[href] is resolved with
urllib.parse.urljoin against <base href> or the page URL, http(s) only, split into internal and
external by host. Pages are gunzipped into memory first (decompression excluded). One core.

Setup: python3 -m venv target/venv-extract && target/venv-extract/bin/pip install selectolax
Run:   target/venv-extract/bin/python scripts/bench_extract_python.py [ROUNDS]
"""
import gzip, json, os, sys, time
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as Parser

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")


def pages():
    out = []
    gt = json.load(open(os.path.join(DATA, "html-aeb/ground-truth.json")))
    for sha, o in gt.items():
        out.append((o["url"], gzip.open(os.path.join(DATA, f"html-aeb/html/{sha}.html.gz")).read()))
    for line in open(os.path.join(DATA, "html-python311-docs/manifest.jsonl")):
        o = json.loads(line)
        out.append((o["url"], gzip.open(os.path.join(DATA, "html-python311-docs", o["file"])).read()))
    return out


def extract(url, body):
    tree = Parser(body)
    base = url
    b = tree.css_first("base[href]")
    if b is not None:
        base = urljoin(url, b.attributes.get("href") or "")
    host = urlsplit(url).hostname
    links, internal = [], 0
    for node in tree.css("a[href], area[href], img[src], link[href]"):
        attr = "src" if node.tag == "img" else "href"
        href = (node.attributes.get(attr) or "").strip()
        if not href or href.startswith("#"):
            continue
        try:
            u = urljoin(base, href)
            p = urlsplit(u)
        except ValueError:
            continue
        if p.scheme not in ("http", "https"):
            continue
        if p.hostname == host:
            internal += 1
            continue
        rel = (node.attributes.get("rel") or "").lower().split()
        text = " ".join(node.text(deep=True).split())[:256] if node.tag == "a" else None
        links.append((u.split("#")[0], node.tag, rel, text))
    return links, internal


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    ps = pages()
    size = sum(len(b) for _, b in ps)
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        n = 0
        for url, body in ps:
            links, internal = extract(url, body)
            n += len(links) + internal
        best = min(best, time.perf_counter() - t)
    print(f"pages={len(ps)} bytes={size} links={n} best_of={rounds} secs={best:.3f} "
          f"pages_per_s={len(ps)/best:.0f} mb_per_s={size/1e6/best:.1f}")


if __name__ == "__main__":
    main()
