"""Ingest on Spark local mode beside the embedded runner, on the same files, in one run.

Writes bench/results/spark-ingest.json: pages/s per core of each (Spark local[N] against the
embedded runner with N workers), what starting a SparkSession costs, measured apart, and with
--cluster the same ingest on the tests' standalone cluster (tests/spark_cluster.py). The input
is a generated web of four WARC files, about 20,000 pages (bench/work/spark-ingest/), unless
files are given: on the bundled sample's 445 pages a Spark job's fixed cost (about a quarter
of a second) is most of the time.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchutil import REPO, WORK, write_result

from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.ingest.spark_runner import run_spark_ingest
from linkindex.ingest.summary import IngestSummary
from linkindex.spark_session import spark_session
from linkindex.synth import SynthParams, build_web, write_warcs

GENERATED = WORK / "spark-ingest"
# Four crawls of one web: four files, so two cores have a task each to run at once.
INPUT = SynthParams(seed=7, root_domains=500, pages_per_domain=12, crawls=4)


def generated_input() -> list[Path]:
    """The generated web's WARC files, written once."""
    files = sorted(GENERATED.glob("*/*.warc.gz"))
    return files or write_warcs(build_web(INPUT), GENERATED)


def _timed(run: Callable[[Home], IngestSummary]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as home_dir:
        started = time.perf_counter()
        summary = run(Home(Path(home_dir)).ensure())
        return time.perf_counter() - started, summary.pages


def compare(files: list[Path], cores: int, repeat: int) -> dict:
    """Best of ``repeat`` interleaved runs of each engine on ``cores`` cores."""
    started = time.perf_counter()
    spark = spark_session(f"local[{cores}]")
    session_seconds = time.perf_counter() - started
    try:

        def embedded(home: Home) -> IngestSummary:
            return run_ingest(files, home, "bench", workers=cores, progress=False)

        def on_spark(home: Home) -> IngestSummary:
            return run_spark_ingest(files, home, spark, "bench")

        _timed(on_spark)  # warm-up: the executors' Python workers start on first use
        runs = {"embedded": [], "spark": []}
        for _ in range(repeat):
            runs["embedded"].append(_timed(embedded))
            runs["spark"].append(_timed(on_spark))
    finally:
        spark.stop()
    pages = runs["embedded"][0][1]
    best = {engine: min(seconds for seconds, _ in timed) for engine, timed in runs.items()}
    return {
        "cores": cores,
        "pages": pages,
        # The first session of a process starts the JVM; later ones reuse it.
        "session_seconds": round(session_seconds, 2),
        "embedded_seconds": round(best["embedded"], 3),
        "spark_seconds": round(best["spark"], 3),
        "embedded_pages_per_s_per_core": round(pages / best["embedded"] / cores, 1),
        "spark_pages_per_s_per_core": round(pages / best["spark"] / cores, 1),
        "ratio": round(best["embedded"] / best["spark"], 3),
        "all_seconds": {e: [round(s, 3) for s, _ in timed] for e, timed in runs.items()},
    }


def on_cluster(files: list[Path], workers: int, repeat: int) -> dict:
    """Start the tests' standalone cluster, then ingest on it ``repeat`` times."""
    sys.path.insert(0, str(REPO / "tests"))
    from spark_cluster import standalone_cluster

    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        with standalone_cluster(Path(workdir), workers) as cluster:
            cluster_seconds = time.perf_counter() - started
            started = time.perf_counter()
            spark = spark_session(cluster.master_url, {"spark.executor.memory": "512m"})
            session_seconds = time.perf_counter() - started
            try:
                runs = [
                    _timed(lambda home: run_spark_ingest(files, home, spark, "bench"))
                    for _ in range(repeat)
                ]
            finally:
                spark.stop()
    return {
        "workers": workers,
        "cluster_start_seconds": round(cluster_seconds, 2),
        "session_seconds": round(session_seconds, 2),
        # The first run starts the executors' Python workers; the best is the steady state.
        "first_seconds": round(runs[0][0], 3),
        "best_seconds": round(min(s for s, _ in runs), 3),
        "all_seconds": [round(s, 3) for s, _ in runs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--cores", type=int, nargs="+", default=[1, 2], help="local[N] for each")
    parser.add_argument(
        "--cluster", type=int, default=0, metavar="WORKERS",
        help="also on a standalone cluster of this many one-core workers on 127.0.0.1",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, help="write the result here instead of results/spark-ingest.json"
    )
    parser.add_argument(
        "files", nargs="*", type=Path,
        help=f"WARC files (default: a generated web in {GENERATED.relative_to(REPO)})",
    )  # fmt: skip
    args = parser.parse_args()
    files = args.files or generated_input()
    result = {
        "files": [f.name for f in files],
        "runs": [compare(files, cores, args.repeat) for cores in args.cores],
        "cluster": on_cluster(files, args.cluster, args.repeat) if args.cluster else None,
        "target_ratio": 0.9,
        "repeat": args.repeat,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if args.out:  # bench_spark.py runs this in a child and keeps the result in its own file
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    else:
        write_result("spark-ingest.json", result)


if __name__ == "__main__":
    main()
