"""Link-state benchmark: the statements of "tracking links across crawls" (builder/link_state.py
FULL_STEPS) timed one by one on the DuckDB engine, over a generated web's records.

Reads bench/work/links-<N>/home/crawls (made by bench_build.py) and writes nothing there: the
database lives in a temporary folder. Prints one JSON line per statement, then the total.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import threading
import time
from pathlib import Path

from benchutil import rss_bytes, work_home

from linkindex.builder.engines.duckdb_engine import DuckDBEngine
from linkindex.builder.inputs import list_parts
from linkindex.builder.link_state import FULL_STEPS

GIB = 2**30


class _PeakRss(threading.Thread):
    """This process's peak RSS since the last take(), polled every 0.2 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0

    def take(self) -> int:
        peak, self.peak = max(self.peak, rss_bytes()), 0
        return peak

    def run(self) -> None:
        while True:
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.2)


def _cpu_seconds() -> float:
    """User and system time of this process (every DuckDB thread): on a shared machine it
    says what a statement costs when its wall time says how busy the others were."""
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, required=True, help="a bench_build work folder")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit (default: the build's)")
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: every core)")
    parser.add_argument("--explain", help="EXPLAIN ANALYZE this step's statement instead")
    parser.add_argument("--tmp", type=Path, help="folder for the database (default: /tmp)")
    args = parser.parse_args()

    crawls = work_home(args.work.resolve()) / "crawls"
    with tempfile.TemporaryDirectory(prefix="link-state-", dir=args.tmp) as folder:
        engine = DuckDBEngine.open(Path(folder), args.memory_limit)
        if args.threads:
            engine.con.execute(f"SET threads = {args.threads}")
        engine.register_inputs(crawls, list_parts(crawls), None)
        sampler = _PeakRss()
        sampler.start()
        total = total_cpu = 0.0
        for step in FULL_STEPS:
            sql = step.sql
            if step.name == args.explain:
                plan = engine.con.sql(f"EXPLAIN ANALYZE {sql}").fetchall()
                print(plan[0][1])
                break
            started, cpu = time.perf_counter(), _cpu_seconds()
            engine.create_table(step.name, sql)
            seconds = time.perf_counter() - started
            total += seconds
            total_cpu += _cpu_seconds() - cpu
            spill = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
            row = {"step": step.name, "seconds": round(seconds, 2),
                   "cpu_seconds": round(_cpu_seconds() - cpu, 2),
                   "peak_rss_gib": round(sampler.take() / GIB, 3),
                   "folder_gib": round(spill / GIB, 3)}  # fmt: skip
            print(json.dumps(row), flush=True)
        engine.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"total_seconds": round(total, 2), "cpu_seconds": round(total_cpu, 2),
                      "peak_rss_gib": round(peak / GIB, 3), "load": os.getloadavg()}))  # fmt: skip


if __name__ == "__main__":
    main()
