"""Build benchmark: a synthetic web of N link records, then build_index timed step by step.

Owns bench/work/links-<N>/ (the generated home, reused by bench_serve) and results/build-<N>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchutil import (
    FULL_LINKS,
    PAGES_PER_DOMAIN,
    RESULTS,
    code_version,
    machine,
    root_domains_for,
    rss_bytes,
    size_label,
    work_dir,
    work_home,
)

from linkindex.builder.pipeline import DEFAULT_MEMORY_LIMIT

MARKER = "synth.json"  # beside home/, never inside home/crawls/<crawl>/
GIB = 2**30


# --- children: each runs in its own process so its peak RSS is its own ---------------------------


def child_generate(work: Path, links: int, root_domains: int, seed: int, out: Path) -> None:
    from linkindex.synth import SynthParams, write_link_records

    params = SynthParams(
        seed=seed, root_domains=root_domains, pages_per_domain=PAGES_PER_DOMAIN, links=links
    )
    crawls = work_home(work) / "crawls"
    started = time.perf_counter()
    per_crawl = write_link_records(params, crawls)
    seconds = time.perf_counter() - started
    import pyarrow.parquet as pq

    page_rows = sum(pq.ParquetFile(p).metadata.num_rows for p in crawls.glob("*/pages-*.parquet"))
    parquet_bytes = sum(p.stat().st_size for p in crawls.glob("*/*.parquet"))
    out.write_text(
        json.dumps(
            {
                "params": params.to_json(),
                "link_rows_per_crawl": per_crawl,
                "link_rows": sum(per_crawl.values()),
                "page_rows": page_rows,
                "parquet_bytes": parquet_bytes,
                "seconds": round(seconds, 2),
            }
        )
    )


class _Sampler(threading.Thread):
    """Polls RSS (every 0.2 s) and the build folder's disk use (every 2 s) between steps."""

    def __init__(self, snapshots: Path) -> None:
        super().__init__(daemon=True)
        self.snapshots = snapshots
        self.peak_rss = 0
        self.peak_disk = 0
        self._stop_event = threading.Event()

    def take(self) -> tuple[int, int]:
        """Peaks since the last take(), then start over."""
        rss = max(self.peak_rss, rss_bytes())
        disk = max(self.peak_disk, _building_bytes(self.snapshots))
        self.peak_rss, self.peak_disk = 0, 0
        return rss, disk

    def run(self) -> None:
        tick = 0
        while not self._stop_event.wait(0.2):
            self.peak_rss = max(self.peak_rss, rss_bytes())
            tick += 1
            if tick % 10 == 0:
                self.peak_disk = max(self.peak_disk, _building_bytes(self.snapshots))

    def stop(self) -> None:
        self._stop_event.set()


def _building_bytes(snapshots: Path) -> int:
    total = 0
    for folder in snapshots.glob(".building-*"):
        for root, _dirs, files in os.walk(folder):
            for name in files:
                with contextlib.suppress(FileNotFoundError):
                    total += os.stat(os.path.join(root, name)).st_size
    return total


def child_build(work: Path, memory_limit: str | None, out: Path, merge: bool = False) -> None:
    """One build of the home in ``work``: a full one, or (``merge``) what build_index chooses."""
    from linkindex.builder.pipeline import build_index
    from linkindex.home import Home

    home = Home(work_home(work))
    sampler = _Sampler(home.snapshots)
    marks: list[tuple[str, float, int, int]] = []
    current = ["listing input parts and the saved link state"]
    started = time.perf_counter()

    def on_step(name: str) -> None:
        rss, disk = sampler.take()
        marks.append((current[0], time.perf_counter(), rss, disk))
        current[0] = name

    sampler.start()
    result = build_index(
        home, force=True, full=not merge, memory_limit=memory_limit, keep=2, on_step=on_step
    )
    on_step("")
    sampler.stop()
    steps, previous = [], started
    for name, at, rss, disk in marks:
        steps.append(
            {
                "step": name,
                "seconds": round(at - previous, 3),
                "peak_rss_gib": round(rss / GIB, 3),
                "peak_build_folder_gib": round(disk / GIB, 3),
            }
        )
        previous = at
    out.write_text(json.dumps({"steps": steps, "result": result.as_dict()}))


# --- parent --------------------------------------------------------------------------------------


def run_child(args: list[str], timeout: float, script: Path | None = None) -> tuple[float, int]:
    """Run this script (or ``script``) in a child process; return (wall seconds, peak RSS bytes
    of that child)."""
    command = [sys.executable, str(script or Path(__file__).resolve()), *args]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            raise SystemExit(f"child {args[:2]} killed after {timeout:.0f} s")
        time.sleep(0.05)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it, not Popen
    if process.returncode != 0:
        raise SystemExit(f"child {args[:2]} failed with exit code {process.returncode}")
    return wall, usage.ru_maxrss * 1024  # Linux reports kilobytes


def timed_build(
    work: Path, memory_limit: str | None, timeout: float, merge: bool = False
) -> tuple[dict, float, int]:
    """Build the home in ``work`` in a child; return its steps and result, wall s, peak RSS."""
    tmp = work / "build.json.tmp"
    wall, peak = run_child(
        ["--child", "build", "--work", str(work), "--out", str(tmp)]
        + (["--memory-limit", memory_limit] if memory_limit else [])
        + (["--merge"] if merge else []),
        timeout,
    )
    built = json.loads(tmp.read_text())
    tmp.unlink()
    return built, wall, peak


def generate(work: Path, links: int, root_domains: int, seed: int, timeout: float) -> dict:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    tmp = work / "generate.json.tmp"
    wall, peak = run_child(
        ["--child", "generate", "--work", str(work), "--links", str(links),
         "--root-domains", str(root_domains), "--seed", str(seed), "--out", str(tmp)],
        timeout,
    )  # fmt: skip
    info = json.loads(tmp.read_text())
    tmp.unlink()
    info.update(wall_seconds=round(wall, 2), peak_rss_gib=round(peak / GIB, 3))
    (work / MARKER).write_text(json.dumps(info, indent=2) + "\n")
    return info


def reusable(work: Path, links: int, root_domains: int, seed: int) -> dict | None:
    try:
        info = json.loads((work / MARKER).read_text())
    except (FileNotFoundError, ValueError):
        return None
    params = info.get("params", {})
    wanted = {"links": links, "root_domains": root_domains, "seed": seed}
    return info if all(params.get(k) == v for k, v in wanted.items()) else None


def store_facts(snapshot: Path) -> dict[str, object]:
    import sqlite3

    store = snapshot / "index.sqlite"
    con = sqlite3.connect(f"file:{store}?mode=ro&immutable=1", uri=True)
    try:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
        ]
        try:  # per-table bytes, when SQLite was compiled with the dbstat table
            sizes = dict(
                con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
            )
        except sqlite3.OperationalError:
            sizes = {}
    finally:
        con.close()
    return {
        "sqlite_bytes": store.stat().st_size,
        "sqlite_gib": round(store.stat().st_size / GIB, 3),
        "sqlite_page_size": page_size,
        "tables": tables,
        "bytes_by_btree": dict(sorted(sizes.items(), key=lambda kv: -kv[1])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=FULL_LINKS, help="link rows to generate")
    parser.add_argument("--work", type=Path, help="work folder (default bench/work/links-<N>)")
    parser.add_argument("--reuse", action="store_true", help="keep generated records if present")
    parser.add_argument("--root-domains", type=int, help="default: 20000 scaled to --links")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--memory-limit", help=f"DuckDB memory_limit for the build (default {DEFAULT_MEMORY_LIMIT})"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="kill a child after this")
    parser.add_argument("--child", choices=("generate", "build"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--merge", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    root_domains = args.root_domains or root_domains_for(args.links)
    work = work_dir(args.links, args.work)

    if args.child == "generate":
        child_generate(work, args.links, root_domains, args.seed, args.out)
        return
    if args.child == "build":
        child_build(work, args.memory_limit, args.out, merge=args.merge)
        return

    machine_facts = machine()
    code_at_start = code_version()  # src may change while a long run goes on
    synth = reusable(work, args.links, root_domains, args.seed) if args.reuse else None
    reused = synth is not None
    if synth is None:
        print(f"generating {args.links:,} link rows into {work} ...", flush=True)
        synth = generate(work, args.links, root_domains, args.seed, args.timeout)
    print(f"building the index from {work_home(work)} ...", flush=True)
    built, wall, peak = timed_build(work, args.memory_limit, args.timeout)
    build = built["result"]
    snapshot = work_home(work) / "snapshots" / build["snapshot"]
    counts = build["counts"]
    report = {
        "benchmark": "build",
        "label": size_label(args.links),
        "work": str(work),
        "home": str(work_home(work)),
        "snapshot": str(snapshot),
        "input": {
            "link_rows": synth["link_rows"],
            "page_rows": synth["page_rows"],
            "crawls": len(synth["link_rows_per_crawl"]),
            "parquet_gib": round(synth["parquet_bytes"] / GIB, 3),
            "synth_params": synth["params"],
        },
        "generation": {
            "reused": reused,
            "wall_seconds": synth["wall_seconds"],
            "peak_rss_gib": synth["peak_rss_gib"],
        },
        "index": {
            "links": counts.get("links"),
            "live_links": counts.get("live_links"),
            "pages": counts.get("pages"),
            "subdomains": counts.get("subdomains"),
            "root_domains": counts.get("root_domains"),
            "rows_per_table": {k: v for k, v in counts.items() if k not in ("links", "live_links")},
            **store_facts(snapshot),
        },
        "build": {
            "wall_seconds": round(wall, 2),
            "build_index_seconds": round(build["seconds"], 2),
            "peak_rss_gib": round(peak / GIB, 3),
            "memory_limit": args.memory_limit or DEFAULT_MEMORY_LIMIT,
            "steps": built["steps"],
        },
        "machine": machine_facts,
        "code": code_at_start,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"build-{size_label(args.links)}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_summary(report, out)


def print_summary(report: dict, out: Path) -> None:
    inp, idx, build, gen = report["input"], report["index"], report["build"], report["generation"]
    m = report["machine"]
    print(f"\nbuild benchmark ({report['label']} link rows)  ->  {out}")
    print(f"  machine: {m['nproc']} CPU {m['cpu_model']}, {m['ram_gib']} GiB, py {m['python']},"
          f" duckdb {m['duckdb']}, sqlite {m['sqlite']}")  # fmt: skip
    print(f"  input: {inp['link_rows']:,} link rows, {inp['page_rows']:,} page rows,"
          f" {inp['parquet_gib']} GiB parquet; generation {gen['wall_seconds']} s,"
          f" peak {gen['peak_rss_gib']} GiB{' (reused)' if gen['reused'] else ''}")  # fmt: skip
    print(f"  index: {idx['links']:,} links ({idx['live_links']:,} live), {idx['pages']:,} pages,"
          f" {idx['subdomains']:,} subdomains, {idx['root_domains']:,} root domains;"
          f" SQLite {idx['sqlite_gib']} GiB")  # fmt: skip
    for table, rows in idx["rows_per_table"].items():
        print(f"    {table:28s} {rows:>12,} rows")
    print(f"  build: {build['wall_seconds']} s wall, peak RSS {build['peak_rss_gib']} GiB")
    for step in build["steps"]:
        share = 100 * step["seconds"] / build["wall_seconds"]
        print(f"    {step['step']:40s} {step['seconds']:8.1f} s {share:5.1f} %"
              f"   rss<= {step['peak_rss_gib']:.2f} GiB"
              f"   disk<= {step['peak_build_folder_gib']:.2f} GiB")  # fmt: skip


if __name__ == "__main__":
    main()
