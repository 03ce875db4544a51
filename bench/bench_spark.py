"""`make bench-spark`: the Spark engines beside the embedded ones, in one run, as ratios.

1. Ingest: pages/s per core of `linkindex ingest --engine spark` in local[1] and local[2]
   against the embedded runner with 1 and 2 workers, on the same WARC files
   (bench_spark_ingest.py, run in a child so its JVM is gone before the builds).
2. Scaling: one generated web (`--scaling-records`) built with `linkindex build --engine spark`
   on a standalone cluster on 127.0.0.1 (tests/spark_cluster.py) of 1 worker x 1 core, then of
   2 workers x 1 core, and by DuckDB for the reference `index_id`: the ratio of wall times.
3. Build: a generated web of `--records` link records (default 10M, bench_build's input)
   built by `linkindex build` (DuckDB) and `linkindex build --engine spark --master local[2]`:
   wall time and peak memory of each, the RSS of the build's whole process tree sampled every
   0.2 s (for Spark: the Python driver, its JVM and the JVM's Python workers).

Every build is the CLI in a child process, on a fresh home whose crawls link to the input. The
result, with inputs, sizes, load averages and the code, goes to bench/results/spark.json; it
is rewritten after each part, so a run cut short keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_build import generate, reusable
from benchutil import (
    FULL_LINKS,
    REPO,
    RESULTS,
    WORK,
    code_version,
    linked_home,
    loadavg,
    machine,
    root_domains_for,
    run_tree_sampled,
    size_label,
    work_dir,
    work_home,
    write_result,
)

GIB = 2**30
RESULT = "spark.json"
SEED = 7
HERE = Path(__file__).resolve().parent
CLI = [sys.executable, "-c", "from linkindex.cli import app; app()"]
# DuckDB's build runs with its default memory_limit of 4GB; Spark's driver gets the same heap.
SPARK_LOCAL_CONF = {"spark.driver.memory": "4g", "spark.ui.showConsoleProgress": "false"}
WORKER_MEMORY = "2g"
SPARK_CLUSTER_CONF = {
    "spark.driver.memory": "2g",
    "spark.executor.memory": WORKER_MEMORY,
    "spark.ui.showConsoleProgress": "false",
}


def records_input(records: int, reuse: bool, timeout: float) -> tuple[Path, dict]:
    """bench_build's generated web of ``records`` link records (bench/work/links-<N>/), its
    crawls folder and generation record; generated once per run (``reuse``: once at all)."""
    work = work_dir(records)
    root_domains = root_domains_for(records)
    synth = reusable(work, records, root_domains, SEED) if reuse or records in _GENERATED else None
    if synth is None:
        print(f"generating {records:,} link records into {work} ...", flush=True)
        synth = generate(work, records, root_domains, SEED, timeout)
        _GENERATED.add(records)
    return work_home(work) / "crawls", synth


_GENERATED: set[int] = set()


def build(crawls: Path, label: str, timeout: float, master: str | None = None, conf=None) -> dict:
    """`linkindex build --json` (with --engine spark when ``master``) on a fresh home over
    ``crawls``, in a child whose process tree is sampled; the home is removed after."""
    scratch = WORK / "spark"
    scratch.mkdir(parents=True, exist_ok=True)
    home = linked_home(crawls, scratch)
    command = [*CLI, "build", "--json", "--home", str(home)]
    if master:
        command += ["--engine", "spark", "--master", master]
        command += [arg for k, v in (conf or {}).items() for arg in ("--conf", f"{k}={v}")]
    load = loadavg()
    print(f"{label}: {' '.join(command[3:])}", flush=True)
    run = run_tree_sampled(command, log=scratch / f"{label}.log", timeout=timeout)
    shutil.rmtree(home, ignore_errors=True)
    outcome: dict[str, object] = {
        "engine": "spark" if master else "duckdb",
        "master": master,
        "conf": conf or {},
        "wall_seconds": run.wall_seconds,
        "peak_tree_rss_gib": round(run.peak_tree_rss_bytes / GIB, 3),
        "rss_samples": run.samples,
        "loadavg_before": load,
        "loadavg_after": loadavg(),
    }
    if run.returncode != 0:
        outcome["failed"] = (
            f"killed after {timeout:.0f} s"
            if run.returncode == -9
            else f"exit code {run.returncode}, stderr in {scratch / (label + '.log')}"
        )
    else:
        # The JSON object is the last thing printed: DuckDB's progress bar, drawn on stdout
        # for its longer queries, may come before it, on the same line.
        result = json.loads(run.stdout[run.stdout.rindex('{\n  "index_id"') :])
        outcome["index_id"] = result["index_id"]
        outcome["build_index_seconds"] = round(result["seconds"], 2)
        outcome["counts"] = {k: result["counts"].get(k) for k in ("links", "pages", "root_domains")}
    shown = ("wall_seconds", "peak_tree_rss_gib", "index_id", "failed")
    print("  " + json.dumps({k: outcome[k] for k in shown if k in outcome}), flush=True)
    return outcome


def ingest(repeat: int, timeout: float) -> dict:
    """bench_spark_ingest.py's local[1] and local[2] comparison, in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ingest.json"
        command = [sys.executable, str(HERE / "bench_spark_ingest.py"), "--repeat", str(repeat)]
        command += ["--cores", "1", "2", "--out", str(out)]
        load = loadavg()
        print("ingest:", " ".join(command[1:]), flush=True)
        run = run_tree_sampled(command, log=Path(tmp) / "ingest.log", timeout=timeout)
        if run.returncode != 0:
            return {"failed": f"exit code {run.returncode}", "loadavg_before": load}
        measured = json.loads(out.read_text())
    return {
        "files": measured["files"],
        "pages": measured["runs"][0]["pages"],
        "repeat": repeat,
        "runs": measured["runs"],
        "spark_over_embedded_per_core": {
            f"local[{r['cores']}]": r["ratio"] for r in measured["runs"]
        },
        "target_ratio": measured["target_ratio"],
        "wall_seconds": run.wall_seconds,
        "loadavg_before": load,
        "loadavg_after": loadavg(),
    }


def scaling(crawls: Path, timeout: float, rounds: int) -> dict:
    """The same build on a standalone cluster of 1 worker and of 2 workers (1 core each),
    alternating for ``rounds`` rounds, so both sizes meet the same spells of the shared
    machine's load; the best of each is compared."""
    sys.path.insert(0, str(REPO / "tests"))
    from spark_cluster import standalone_cluster

    runs: dict[str, list[dict]] = {"cluster-1x1": [], "cluster-2x1": []}
    for _ in range(rounds):
        for workers in (1, 2):
            with tempfile.TemporaryDirectory(dir=WORK) as workdir:
                started = time.perf_counter()
                with standalone_cluster(Path(workdir), workers, WORKER_MEMORY) as cluster:
                    start_seconds = round(time.perf_counter() - started, 2)
                    label = f"cluster-{workers}x1"
                    run = build(crawls, label, timeout, cluster.master_url, SPARK_CLUSTER_CONF)
                    run["workers"] = workers
                    run["cluster_start_seconds"] = start_seconds
                    runs[label].append(run)
    best = {label: min(done, key=lambda r: r.get("wall_seconds", float("inf")))
            for label, done in runs.items()}  # fmt: skip
    one, two = best["cluster-1x1"], best["cluster-2x1"]
    return {
        **best,
        "rounds": rounds,
        "all_wall_seconds": {
            label: [r.get("wall_seconds") for r in done] for label, done in runs.items()
        },
        "speedup_2_over_1_workers": (
            round(one["wall_seconds"] / two["wall_seconds"], 3)
            if "failed" not in one and "failed" not in two
            else None
        ),
        "target_speedup": 1.7,
        "rss_note": "a cluster build's peak_tree_rss_gib is its driver's (Python and JVM); "
        "the executors run under the worker daemons",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=FULL_LINKS, help="link records to build")
    parser.add_argument(
        "--scaling-records", type=int, default=1_000_000,
        help="link records of the cluster scaling build",
    )  # fmt: skip
    parser.add_argument("--ingest-repeat", type=int, default=3, help="runs of each, best kept")
    parser.add_argument(
        "--scaling-rounds", type=int, default=2,
        help="alternating rounds of the 1- and 2-worker builds, best of each kept",
    )  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="keep generated records if present")
    parser.add_argument("--timeout", type=float, default=7200, help="kill a build after this")
    parser.add_argument(
        "--skip", action="append", default=[], choices=("ingest", "scaling", "build"),
        help="leave a part out (repeatable); its figures in results/spark.json are kept",
    )  # fmt: skip
    args = parser.parse_args()

    report: dict[str, object] = {
        "benchmark": "spark",
        "command": " ".join(["bench/bench_spark.py", *sys.argv[1:]]),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "code": code_version(),
        "note": "2 cores shared with other jobs: compare figures within this run only",
    }
    out: list[Path] = []
    earlier = RESULTS / RESULT
    if args.skip and earlier.exists():  # a skipped part keeps its figures from the last run
        last = json.loads(earlier.read_text())
        for part in args.skip:
            if part in last:
                report[part] = last[part]
                measured_at = last.get("kept_from_run_started", {}).get(part, last["started_at"])
                report.setdefault("kept_from_run_started", {})[part] = measured_at
                # The code that measured it, not this run's (the README's table checks it); a
                # part the last run had kept itself keeps that part's code, or none if unknown.
                was_kept = part in last.get("kept_from_run_started", {})
                code = last.get("kept_code", {}).get(part) if was_kept else last.get("code")
                report.setdefault("kept_code", {})[part] = code

    def save() -> None:
        report["loadavg_at_end"] = loadavg()
        report["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        out[:] = [write_result(RESULT, report)]

    if "ingest" not in args.skip:
        report["ingest"] = ingest(args.ingest_repeat, args.timeout)
        save()
    if "scaling" not in args.skip:
        crawls, synth = records_input(args.scaling_records, args.reuse, args.timeout)
        duckdb = build(crawls, f"duckdb-{size_label(args.scaling_records)}", args.timeout)
        report["scaling"] = {
            "records": args.scaling_records,
            "input": _input_facts(synth),
            "duckdb_reference": duckdb,
            **scaling(crawls, args.timeout, args.scaling_rounds),
        }
        report["scaling"]["same_index_id"] = _same_ids(report["scaling"])
        save()
    if "build" not in args.skip:
        crawls, synth = records_input(args.records, args.reuse, args.timeout)
        label = size_label(args.records)
        duckdb = build(crawls, f"duckdb-{label}", args.timeout)
        spark = build(crawls, f"spark-local2-{label}", args.timeout, "local[2]", SPARK_LOCAL_CONF)
        both_done = "failed" not in duckdb and "failed" not in spark
        report["build"] = {
            "records": args.records,
            "input": _input_facts(synth),
            "duckdb": duckdb,
            "spark_local2": spark,
            "spark_over_duckdb_wall": (
                round(spark["wall_seconds"] / duckdb["wall_seconds"], 2) if both_done else None
            ),
            "spark_over_duckdb_peak_rss": (
                round(spark["peak_tree_rss_gib"] / duckdb["peak_tree_rss_gib"], 2)
                if both_done
                else None
            ),
            "same_index_id": _same_ids({"duckdb": duckdb, "spark": spark}),
        }
        save()
    save()
    print(f"-> {out[0]}")


def _input_facts(synth: dict) -> dict:
    return {
        "link_records": synth["link_rows"],
        "page_records": synth["page_rows"],
        "crawls": len(synth["link_rows_per_crawl"]),
        "parquet_gib": round(synth["parquet_bytes"] / GIB, 3),
        "root_domains": synth["params"]["root_domains"],
        "seed": synth["params"]["seed"],
    }


def _same_ids(runs: dict) -> bool | None:
    """Whether every build among ``runs`` gave one index_id (None when one of them failed)."""
    builds = [r for r in runs.values() if isinstance(r, dict) and "engine" in r]
    if any("index_id" not in r for r in builds):
        return None
    return len({r["index_id"] for r in builds}) == 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
