"""Driver memory of the rank steps (builder/authority.py's Python steps), per node and per edge.

Each step runs alone in a child process on random graphs whose tables are Parquet files read with
pyarrow, as the Spark engine hands them to a Python step; its peak RSS (VmHWM, which unlike
ru_maxrss does not carry the parent's over exec) over its RSS before reading is the step's.
Doubling one size at a time gives bytes per page edge, page, root-domain edge and root domain.
Writes bench/results/rank-memory.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchutil import RESULTS, code_version, machine

STEPS = ("root_ranks", "page_strength", "page_ranks")
NODE_COLUMNS = {"node", "root", "source", "target", "source_root"}
BASE = {"pages": 1_000_000, "page_edges": 8_000_000, "roots": 100_000, "root_edges": 2_000_000}


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def generate(folder: Path, sizes: dict[str, int], seed: int = 1) -> None:
    """The rank steps' input tables, with the columns and integer types the engines give."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    pages, roots = sizes["pages"], sizes["roots"]
    page_root = rng.integers(0, roots, pages)
    source = rng.integers(0, pages, sizes["page_edges"])
    target = rng.integers(0, pages, sizes["page_edges"])
    tables = {
        "page_roots": {"node": np.arange(pages), "root": page_root},
        "page_edges": {"source": source, "target": target, "source_root": page_root[source],
                       "same_root_pages": rng.integers(1, 4, len(source))},
        "page_voters": {"target": target[::2], "source_root": page_root[source[::2]]},
        "root_edges": {"source": rng.integers(0, roots, sizes["root_edges"]),
                       "target": rng.integers(0, roots, sizes["root_edges"]),
                       "pages": rng.integers(1, 20, sizes["root_edges"])},
        "root_support": {"node": np.arange(roots), "followed_roots_out": rng.integers(0, 50, roots),
                         "linkers": rng.integers(0, 50, roots),
                         "independent_linkers": rng.integers(0, 50, roots)},
        "root_spam": {"node": np.arange(roots),
                      "spam_score": rng.integers(-1, 100, roots).astype(np.int16)},
    }  # fmt: skip
    for name, columns in tables.items():
        # Node ids are INTEGER in the build's tables (authority.py's node columns), counts BIGINT.
        typed = {c: v.astype(np.int32) if c in NODE_COLUMNS else v for c, v in columns.items()}
        pq.write_table(pa.table(typed), folder / f"{name}.parquet")


def child(folder: Path, name: str) -> None:
    import pyarrow.parquet as pq

    from linkindex.builder import authority

    (step,) = [s for s in authority.STEPS if s.name == name]
    before = _rss()
    tables = {t: pq.read_table(folder / f"{t}.parquet") for t in step.reads}
    assert step.body is not None
    made = step.body(tables)
    peak = _peak_rss()
    for table, data in made.items():
        pq.write_table(data, folder / f"{table}.parquet")
    print(json.dumps({"peak_bytes": peak - before}))


def measure(sizes: dict[str, int]) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, sizes)
        peaks = {}
        for name in STEPS:
            run = subprocess.run(
                [sys.executable, __file__, "--child", name, "--folder", str(folder)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            peaks[name] = json.loads(run.stdout.splitlines()[-1])["peak_bytes"]
        return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.folder, args.child)
        return
    runs = {"base": (BASE, measure(BASE))}
    for size in BASE:
        doubled = {**BASE, size: BASE[size] * 2}
        runs[size] = (doubled, measure(doubled))
        print(size, runs[size][1], flush=True)
    base = runs["base"][1]
    per_unit = {
        step: {size: round((runs[size][1][step] - base[step]) / BASE[size], 1) for size in BASE}
        for step in STEPS
    }
    report = {
        "runs": {k: {"sizes": s, "peak_bytes": p} for k, (s, p) in runs.items()},
        "bytes_per_unit": per_unit,
        "machine": machine(),
        "code": code_version(),
    }
    (RESULTS / "rank-memory.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(per_unit, indent=1))


if __name__ == "__main__":
    main()
