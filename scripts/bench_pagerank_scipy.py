#!/usr/bin/env python3
"""Reference PageRank with scipy sparse power iteration, for comparison with linkdex-rank.

Reads the edge file written by
    cargo run --release -p linkdex-rank --example bench -- --edges 10M --write-edges F
(little-endian u64 node_count, u64 edge_count, then u32 src, u32 dst pairs) and runs the same
iteration as the crate: self-loops dropped, parallel edges kept once, uniform teleport and
dangling redistribution, stop when the L1 change < tolerance. Single-threaded (scipy's matvec).

    target/venv/bin/python scripts/bench_pagerank_scipy.py F [--tolerance 1e-7]
        [--max-iter 200] [--scores S]

--scores S compares with the f64 vector written by the bench's --write-scores.
"""

import argparse
import time

import numpy as np
import scipy.sparse as sp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("--damping", type=float, default=0.85)
    ap.add_argument("--tolerance", type=float, default=1e-7)
    ap.add_argument("--max-iter", type=int, default=200)
    ap.add_argument("--scores")
    args = ap.parse_args()
    d = args.damping

    t0 = time.perf_counter()
    n, m = (int(v) for v in np.fromfile(args.edges, dtype="<u8", count=2))
    pairs = np.fromfile(args.edges, dtype="<u4", offset=16).reshape(-1, 2)
    assert len(pairs) == m
    t_read = time.perf_counter() - t0

    t0 = time.perf_counter()
    keep = pairs[:, 0] != pairs[:, 1]
    src = pairs[keep, 0].astype(np.int32)
    dst = pairs[keep, 1].astype(np.int32)
    del pairs, keep
    # Rows are destinations (pull), so x' = d * M @ x + base with M[v, u] = 1 / out(u).
    ones = np.ones(len(src), dtype=np.float64)
    mat = sp.csr_matrix((ones, (dst, src)), shape=(n, n))
    del src, dst, ones
    mat.sum_duplicates()
    mat.data[:] = 1.0  # parallel edges count once
    out = np.asarray(mat.sum(axis=0)).ravel()
    dangling = out == 0
    inv = np.zeros(n)
    inv[~dangling] = 1.0 / out[~dangling]
    mat = mat @ sp.diags(inv)
    mat = sp.csr_matrix(mat)
    t_setup = time.perf_counter() - t0

    x = np.full(n, 1.0 / n)
    steps = []
    residual = float("inf")
    t0 = time.perf_counter()
    for _ in range(args.max_iter):
        ts = time.perf_counter()
        base = (1.0 - d) / n + d * x[dangling].sum() / n
        nxt = d * (mat @ x) + base
        residual = np.abs(nxt - x).sum()
        x = nxt
        steps.append(time.perf_counter() - ts)
        if residual < args.tolerance:
            break
    t_iter = time.perf_counter() - t0

    print(f"scipy {sp.__name__} numpy {np.__version__}: {n} nodes, {mat.nnz} distinct edges")
    print(f"read {t_read:.2f}s, setup (CSR, dedup, normalize) {t_setup:.2f}s")
    print(
        f"pagerank: {len(steps)} iterations (residual {residual:.2e}) in {t_iter:.2f}s; "
        f"{1e3 * t_iter / len(steps):.1f} ms/iteration (min {1e3 * min(steps):.1f} ms); "
        f"{1e9 * t_iter / len(steps) / mat.nnz:.2f} ns/edge/iteration"
    )
    print(f"sum of PR = {x.sum():.12f}")
    if args.scores:
        ours = np.fromfile(args.scores, dtype="<f8")
        diff = np.abs(ours - x)
        print(f"vs linkdex-rank: max |diff| {diff.max():.3e}, L1 {diff.sum():.3e}")


if __name__ == "__main__":
    main()
