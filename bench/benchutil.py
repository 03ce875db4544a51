"""Shared by the build and serving benchmarks: the work-folder layout, synth sizing, machine facts.

Both scripts find one generated home through work_home(), so bench_serve reuses bench_build's.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sqlite3
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "work"  # gitignored
RESULTS = REPO / "bench" / "results"

FULL_LINKS = 10_000_000
# The brief's full-size web: 20k root domains of ~15 pages for 10M link rows over 3 crawls.
# Smaller runs keep the same links per page by scaling the root domains with the link count.
FULL_ROOT_DOMAINS = 20_000
PAGES_PER_DOMAIN = 15


def root_domains_for(links: int) -> int:
    return max(100, round(FULL_ROOT_DOMAINS * links / FULL_LINKS))


def size_label(n: int) -> str:
    """10000000 -> '10M', 250000 -> '250k'; used in folder and result-file names."""
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if n >= size and n % (size // 10) == 0:
            text = f"{n / size:.1f}".removesuffix(".0")
            return text + unit
    return str(n)


def work_dir(links: int, explicit: Path | None = None) -> Path:
    return explicit.resolve() if explicit else WORK / f"links-{size_label(links)}"


def work_home(work: Path) -> Path:
    """The linkindex home inside a work folder (synth.json sits beside it, outside crawls/)."""
    return work / "home"


def rss_bytes() -> int:
    """The current resident set size of this process."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def machine() -> dict[str, object]:
    import duckdb

    cpu_model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    mem_total = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                mem_total = int(line.split()[1]) * 1024
                break
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model,
        "ram_gib": round(mem_total / 2**30, 1),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "kernel": platform.release(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


def code_version() -> dict[str, object]:
    """Which code was measured: HEAD, plus a digest of uncommitted changes under src/."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else ""

    diff = git("diff", "HEAD", "--", "src")
    return {
        "head": git("rev-parse", "--short", "HEAD").strip(),
        "src_changed_files": git("diff", "HEAD", "--name-only", "--", "src").split(),
        "src_diff_sha256": hashlib.sha256(diff.encode()).hexdigest()[:12] if diff else "",
    }


def write_result(name: str, result: dict[str, object]) -> Path:
    """Write results/<name> as indented JSON and print it; returns the file."""
    out = RESULTS / name
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2)
    out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return out
