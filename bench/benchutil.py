"""Shared by the benchmarks: the work-folder layout, synth sizing, machine facts, and the memory
of a process tree (a child and everything it starts, Spark's JVM included).

The build and serving scripts find one generated home through work_home(), so bench_serve
reuses bench_build's.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
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


def linked_home(crawls: Path, root: Path) -> Path:
    """A new linkindex home under ``root`` whose crawls/ links to each crawl in ``crawls``: builds
    of one input, each from nothing, without copying the records."""
    import tempfile

    from linkindex.home import Home

    home = Home(Path(tempfile.mkdtemp(dir=root))).ensure()
    for crawl in sorted(crawls.iterdir()):
        (home.crawls / crawl.name).symlink_to(crawl.resolve())
    return home.root


def rss_bytes() -> int:
    """The current resident set size of this process."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def proc_status_bytes(pid: int | str, field: str) -> int:
    """A VmRSS / VmHWM line of /proc/PID/status, in bytes (0 once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``: its children, theirs, and so on."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_peak_bytes(pid: int | None = None) -> int:
    """The sum of each process's own peak RSS (VmHWM), ``pid`` (default this one) and every
    process below it. An upper bound: the peaks need not fall at the same moment."""
    pid = pid or os.getpid()
    return sum(proc_status_bytes(p, "VmHWM") for p in [pid, *descendants(pid)])


def tree_rss_bytes(pid: int) -> int:
    """The resident memory of ``pid`` and every process below it, now."""
    return sum(proc_status_bytes(p, "VmRSS") for p in [pid, *descendants(pid)])


@dataclass
class TreeRun:
    """A finished child: wall seconds, the peak of its tree's summed RSS as sampled, its stdout."""

    wall_seconds: float
    peak_tree_rss_bytes: int
    samples: int
    returncode: int
    stdout: str


def run_tree_sampled(
    command: list[str], *, log: Path, timeout: float, interval: float = 0.2, env=None
) -> TreeRun:
    """Run ``command`` in its own process group and sample the RSS of its whole process tree
    every ``interval`` s (a JVM it starts, and that JVM's Python workers, count). stderr goes to
    ``log``. After ``timeout`` s the group is killed and returncode is -9."""
    peak, samples, done = [0], [0], threading.Event()
    with open(log, "wb") as err, open(log.with_suffix(".stdout"), "w+b") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )  # fmt: skip

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_bytes(process.pid))
                samples[0] += 1
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            returncode = -9
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        out.seek(0)
        stdout = out.read().decode(errors="replace")
    return TreeRun(round(wall, 2), peak[0], samples[0], returncode, stdout)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


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
        "loadavg_at_start": loadavg(),
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
    """Write results/<name> as indented JSON and print it; returns the file. A result that does
    not say which code it measured, when, or the load at its end gets them here, so the README's
    table (readme_table.py) can tell whether the figure is stale."""
    result.setdefault("code", code_version())
    result.setdefault("measured_at", time.strftime("%Y-%m-%dT%H:%M:%S%z", time.gmtime()))
    result.setdefault("loadavg_at_end", loadavg())
    out = RESULTS / name
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2)
    out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return out


def ingest_in_child(src: Path, files: list[Path]) -> dict[str, float]:
    """One timed run_ingest of ``files`` by the code in the source tree ``src`` (a ``src``
    folder: this checkout's, or another version's, e.g. ``git archive <commit> src``), in a
    child process after one warm-up run (bench/ingest_child.py): seconds, CPU seconds, pages
    and links."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    child = REPO / "bench" / "ingest_child.py"
    done = subprocess.run(
        [sys.executable, str(child), *map(str, files)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])
