"""Where ingest's time goes: cProfile's top entries for run_ingest (one worker), and the share of
wall time spent in the garbage collector, measured apart (unprofiled) with gc.callbacks.

Prints both; bench/README.md ("profile_ingest.py") keeps them before and after a change.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import tempfile
import time
from pathlib import Path

from benchutil import REPO

from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.ingest.extract import clear_caches

SAMPLE = REPO / "src" / "linkindex" / "data" / "sample"


def ingest_once(files: list[Path]) -> None:
    clear_caches()  # each run starts cold, as a fresh process would
    with tempfile.TemporaryDirectory() as home_dir:
        run_ingest(files, Home(Path(home_dir)), crawl="profile", progress=False)


def gc_share(files: list[Path], repeat: int) -> tuple[float, float]:
    """(wall seconds, seconds inside collections) of the best of ``repeat`` unprofiled runs."""
    started: list[float] = []
    spent = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            spent[0] += time.perf_counter() - started.pop()

    best = (float("inf"), 0.0)
    gc.callbacks.append(on_gc)
    try:
        for _ in range(repeat):
            spent[0] = 0.0
            wall = time.perf_counter()
            ingest_once(files)
            best = min(best, (time.perf_counter() - wall, spent[0]))
    finally:
        gc.callbacks.remove(on_gc)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=15, help="entries to print, by own time")
    parser.add_argument("--repeat", type=int, default=3, help="runs profiled (and timed apart)")
    parser.add_argument("files", nargs="*", type=Path, help="WARC/WAT files (default: the sample)")
    args = parser.parse_args()
    files = args.files or sorted(SAMPLE.glob("*.warc.gz"))
    ingest_once(files)  # warm-up: imports, page cache
    wall, in_gc = gc_share(files, args.repeat)
    print(f"best unprofiled run {wall:.3f} s, of which garbage collection {in_gc:.3f} s "
          f"({100 * in_gc / wall:.0f} %)")  # fmt: skip
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.repeat):
        ingest_once(files)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"profiled: {args.repeat} runs, {total:.3f} s; top {args.top} by own time:")
    entries = sorted(stats.stats.items(), key=lambda item: -item[1][2])  # type: ignore[attr-defined]
    for (path, line, name), (_, calls, own, cumulative, _) in entries[: args.top]:
        where = f"{Path(path).name}:{line}({name})" if line else name
        print(f"  {100 * own / total:5.1f} %  own {own:6.3f} s  cum {cumulative:6.3f} s  "
              f"{calls:>8} calls  {where}")  # fmt: skip


if __name__ == "__main__":
    main()
