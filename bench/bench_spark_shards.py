"""A sharded Spark build's write time, this code against another checkout's, in alternating runs.

Each run is a child process building the same generated web with `--shards N` on Spark, with
PYTHONPATH at one source tree; writes bench/results/spark-shards-<N>.json: each run's wall time,
its time from the first table written to the snapshot published, the load average around it,
the ratios of the medians (this code / the other), and whether every index_id agrees.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import (
    PAGES_PER_DOMAIN,
    RESULTS,
    WORK,
    code_version,
    linked_home,
    machine,
    root_domains_for,
    size_label,
)

SRC = Path(__file__).resolve().parent.parent / "src"


def child(home: Path, shards: int, master: str, out: Path) -> None:
    """One build in this process; writes its step times and result to ``out``."""
    from linkindex.builder.pipeline import build_index
    from linkindex.home import Home
    from linkindex.spark_session import spark_session

    spark = spark_session(master, {"spark.ui.showConsoleProgress": "false"})
    steps: list[tuple[str, float]] = []
    started = time.perf_counter()
    try:
        result = build_index(
            Home(home), spark=spark, shards=shards,
            on_step=lambda name: steps.append((name, time.perf_counter() - started)),
        )  # fmt: skip
    finally:
        spark.stop()
    total = time.perf_counter() - started
    at = {name: seconds for name, seconds in reversed(steps)}  # each step's first time
    first_write = min(s for name, s in steps if name.startswith("writing "))
    facts = {
        "index_id": result.index_id,
        "build_seconds": round(total, 2),
        # The tables from their queries, then the last step (indexes; on the executors' side
        # also the shard files themselves), to the rename that publishes the folder.
        "write_seconds": round(at["publishing"] - first_write, 2),
        "tables_seconds": round(at["indexing"] - first_write, 2),
        "indexing_seconds": round(at["publishing"] - at["indexing"], 2),
    }
    out.write_text(json.dumps(facts))


def run(label: str, src: Path, crawls: Path, args: argparse.Namespace) -> dict:
    root = WORK / "spark-shards"
    root.mkdir(parents=True, exist_ok=True)
    home = linked_home(crawls, root)
    out = Path(tempfile.mkstemp(dir=root, suffix=".json")[1])
    env = {**os.environ, "PYTHONPATH": str(src)}
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--child", str(home), "--shards", str(args.shards),
         "--master", args.master, "--out", str(out)],
        env=env, check=True, timeout=args.timeout,
    )  # fmt: skip
    facts = json.loads(out.read_text())
    facts.update(
        code=label,
        wall_seconds=round(time.perf_counter() - started, 2),
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
    )
    out.unlink()
    shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(facts), flush=True)
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--crawls", type=Path, help="crawls folder (default: bench_build's web)")
    parser.add_argument("--other", type=Path, help="the other code's src folder (required)")
    parser.add_argument("--other-label", default="before")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.shards, args.master, args.out)
        return
    if args.other is None:
        parser.error("--other SRC: the source folder of the code to compare with")
    crawls = args.crawls or WORK / f"links-{size_label(args.links)}" / "home" / "crawls"
    if not crawls.is_dir():
        raise SystemExit(f"{crawls}: no crawls (make bench-build LINKS={args.links} writes them)")
    codes = [("after", SRC), (args.other_label, args.other.resolve())]
    runs = []
    for number in range(args.rounds):
        ordered = codes if number % 2 else codes[::-1]  # the other code first in round 0
        runs += [run(label, src, crawls, args) for label, src in ordered]
    medians = {
        label: {key: statistics.median(r[key] for r in runs if r["code"] == label)
                for key in ("build_seconds", "write_seconds", "indexing_seconds")}
        for label, _ in codes
    }  # fmt: skip
    other = medians[args.other_label]
    report = {
        "links": args.links,
        "root_domains": root_domains_for(args.links),
        "pages_per_domain": PAGES_PER_DOMAIN,
        "shards": args.shards,
        "master": args.master,
        "runs": runs,
        "medians": medians,
        "ratio_after_to_other": {k: round(v / other[k], 3) for k, v in medians["after"].items()},
        "same_index_id": len({r["index_id"] for r in runs}) == 1,
        "machine": machine(),
        "code": code_version(),
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"spark-shards-{size_label(args.links)}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("medians", "ratio_after_to_other", "same_index_id")}))


if __name__ == "__main__":
    main()
