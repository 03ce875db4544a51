"""Rank computation benchmark: linkindex's PageRank iteration beside a bare scipy CSR mat-vec.

Generates a seeded power-law graph (default 10M nodes, 100M edges) with per-edge trust weights
(as the build's Page Authority graph has), and times both on one matrix.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from benchutil import RESULTS, code_version, machine, size_label

from linkindex.scoring.rank import power_iterate, transition_matrix


def power_law_edges(nodes: int, edges: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform sources; targets drawn with a Zipf-like bias so a few nodes get most links."""
    rng = np.random.default_rng(seed)
    sources = rng.integers(0, nodes, edges, dtype=np.int32)
    # Pareto(1.1) ranks folded into [0, nodes): in-degree follows a power law.
    targets = (rng.pareto(1.1, edges) * nodes / 50).astype(np.int64) % nodes
    return sources, targets.astype(np.int32)


def rss_now_gib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def high_water_gib() -> float:
    """This process's peak RSS since the last reset_high_water() (VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def reset_high_water() -> None:
    """Start VmHWM over at the current RSS (Linux), so a phase's own peak can be read."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=10_000_000)
    parser.add_argument("--edges", type=int, default=100_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--matvecs", type=int, default=10, help="bare mat-vecs to time")
    args = parser.parse_args()

    started = time.perf_counter()
    sources, targets = power_law_edges(args.nodes, args.edges, args.seed)
    generated = time.perf_counter() - started
    # The build passes one weight per distinct edge (trust / same-root pages): dedupe first.
    packed = np.unique(sources.astype(np.int64) * args.nodes + targets)
    sources, targets = (
        (packed // args.nodes).astype(np.int32),
        (packed % args.nodes).astype(np.int32),
    )
    del packed
    weights = np.random.default_rng(args.seed + 1).uniform(0.2, 1.0, len(sources))
    raw_bytes = sources.nbytes + targets.nbytes + weights.nbytes
    generation_peak = high_water_gib()
    reset_high_water()  # from here: the edge arrays, the matrix and the iteration
    before_matrix = rss_now_gib()

    started = time.perf_counter()
    transition, leak = transition_matrix(sources, targets, args.nodes, weights)
    built = time.perf_counter() - started
    del sources, targets, weights
    matrix_bytes = transition.data.nbytes + transition.indices.nbytes + transition.indptr.nbytes

    vector = np.full(args.nodes, 1.0 / args.nodes)
    transition @ vector  # warm caches the same way for both
    started = time.perf_counter()
    for _ in range(args.matvecs):
        vector = transition @ vector
    bare_per_matvec = (time.perf_counter() - started) / args.matvecs

    started = time.perf_counter()
    _, iterations = power_iterate(transition, leak)
    ours_per_iteration = (time.perf_counter() - started) / iterations

    result = {
        "benchmark": "rank",
        "nodes": args.nodes,
        "edges_generated": args.edges,
        "edges_unique": int(transition.nnz),
        "generate_seconds": round(generated, 2),
        "build_matrix_seconds": round(built, 2),
        "bare_matvec_seconds": round(bare_per_matvec, 4),
        "pagerank_iteration_seconds": round(ours_per_iteration, 4),
        "iterations": iterations,
        "ratio_iteration_over_matvec": round(ours_per_iteration / bare_per_matvec, 3),
        "target_ratio": 2.0,
        "raw_edge_arrays_gib": round(raw_bytes / 2**30, 3),
        "csr_bytes_per_edge": round(matrix_bytes / transition.nnz, 2),
        # clear_refs also resets ru_maxrss: the whole run's peak is the larger of the phases'.
        "peak_rss_gib": round(max(generation_peak, high_water_gib()), 2),
        "generation_peak_rss_gib": round(generation_peak, 2),
        "rss_before_matrix_gib": round(before_matrix, 2),
        "rank_peak_rss_gib": round(high_water_gib(), 2),
        "matrix_extra_bytes_per_edge": round(
            (high_water_gib() - before_matrix) * 2**30 / transition.nnz, 1
        ),
        "machine": machine(),
        "code": code_version(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"rank-{size_label(args.edges)}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    print(f"-> {out}")


if __name__ == "__main__":
    main()
