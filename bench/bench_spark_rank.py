"""The rank on Spark beside the rank in the driver: one generated graph ranked by scoring/rank.py
(scipy) and by builder/engines/spark_rank.py in Spark local mode, each in its own process.

Writes bench/results/spark-rank.json: wall time and peak memory of each, as ratios, the
iterations each took and how far apart their ranks are.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from bench_rank import power_law_edges
from benchutil import (
    RESULTS,
    WORK,
    code_version,
    machine,
    proc_status_bytes,
    size_label,
    tree_peak_bytes,
)

OUT = RESULTS / "spark-rank.json"


def generate(nodes: int, edges: int, seed: int, folder: Path) -> Path:
    """bench_rank's power-law graph, one weight per distinct edge, as one Parquet file."""
    sources, targets = power_law_edges(nodes, edges, seed)
    packed = np.unique(sources.astype(np.int64) * nodes + targets)
    sources, targets = (packed // nodes).astype(np.int32), (packed % nodes).astype(np.int32)
    weights = np.random.default_rng(seed + 1).uniform(0.2, 1.0, len(sources))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "edges.parquet"
    pq.write_table(pa.table({"source": sources, "target": targets, "weight": weights}), path)
    return path


def side_driver(edges_path: Path, nodes: int, ranks_out: Path) -> dict:
    from linkindex.scoring.rank import (
        driver_peak_bytes,
        power_iterate,
        rank_over_floor,
        transition_matrix,
    )

    table = pq.read_table(edges_path)
    sources, targets, weights = (table.column(c).to_numpy() for c in ("source", "target", "weight"))
    before = proc_status_bytes("self", "VmRSS")
    started = time.perf_counter()
    ranks = rank_over_floor(sources, targets, nodes, weights)
    seconds = time.perf_counter() - started
    peak = tree_peak_bytes()
    np.save(ranks_out, ranks)
    del ranks
    iterations = power_iterate(*transition_matrix(sources, targets, nodes, weights))[1]
    return {
        "seconds": round(seconds, 2),
        "iterations": iterations,
        "peak_rss_gib": round(peak / 2**30, 3),
        "rss_with_input_gib": round(before / 2**30, 3),
        "formula_gib": round(driver_peak_bytes(nodes, len(sources)) / 2**30, 3),
    }


def side_spark(edges_path: Path, nodes: int, ranks_out: Path, master: str, memory: str) -> dict:
    from linkindex.builder.engines.spark_rank import rank_over_floor
    from linkindex.spark_session import spark_session

    cores = master.removeprefix("local[").removesuffix("]")
    conf = {
        "spark.driver.memory": memory,
        "spark.sql.shuffle.partitions": cores,
        "spark.default.parallelism": cores,
        "spark.ui.showConsoleProgress": "false",
    }
    spark = spark_session(master, conf)
    try:
        edges = spark.read.parquet(str(edges_path)).cache()
        edges.count()  # the input as a build step would hold it, read before the clock starts
        node_ids = spark.range(nodes).withColumnRenamed("id", "node")
        before = tree_peak_bytes()
        started = time.perf_counter()
        result = rank_over_floor(edges, node_ids)
        result.ranks.agg({"rank": "sum"}).first()
        seconds = time.perf_counter() - started
        peak = tree_peak_bytes()
        table = result.ranks.toArrow().sort_by("node")
        np.save(ranks_out, table.column("rank").to_numpy())
    finally:
        spark.stop()
    return {
        "seconds": round(seconds, 2),
        "iterations": result.iterations,
        "peak_rss_gib": round(peak / 2**30, 3),
        "peak_rss_with_input_gib": round(before / 2**30, 3),
        "master": master,
        "spark.driver.memory": memory,
    }


def _run_side(args: argparse.Namespace, side: str, edges_path: Path, out: Path) -> dict:
    command = [sys.executable, __file__, "--side", side, "--input", str(edges_path)]
    command += ["--nodes", str(args.nodes), "--master", args.master, "--memory", args.memory]
    command += ["--ranks-out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--memory", default="2g", help="spark.driver.memory (local mode)")
    parser.add_argument("--side", choices=["driver", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ranks-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.side == "driver":
        print(json.dumps(side_driver(args.input, args.nodes, args.ranks_out)))
        return
    if args.side == "spark":
        side = side_spark(args.input, args.nodes, args.ranks_out, args.master, args.memory)
        print(json.dumps(side))
        return

    folder = WORK / f"spark-rank-{size_label(args.edges)}"
    edges_path = generate(args.nodes, args.edges, args.seed, folder)
    distinct = pq.read_metadata(edges_path).num_rows
    driver = _run_side(args, "driver", edges_path, folder / "driver.npy")
    spark = _run_side(args, "spark", edges_path, folder / "spark.npy")
    expected, got = np.load(folder / "driver.npy"), np.load(folder / "spark.npy")
    result = {
        "benchmark": "spark-rank",
        "nodes": args.nodes,
        "edges_generated": args.edges,
        "edges_distinct": distinct,
        "weights": "uniform(0.2, 1) per distinct edge (bench_rank's power-law graph)",
        "driver": driver,
        "spark": spark,
        "ratio_seconds_spark_over_driver": round(spark["seconds"] / driver["seconds"], 1),
        "ratio_peak_rss_spark_over_driver": round(
            spark["peak_rss_gib"] / driver["peak_rss_gib"], 1
        ),
        "max_relative_difference": float(np.max(np.abs(got - expected) / expected)),
        "memory_note": "peak RSS: the sum of each process's own peak (Spark: Python and JVM)",
        "machine": machine(),
        "code": code_version(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    print(f"-> {OUT}")


if __name__ == "__main__":
    main()
