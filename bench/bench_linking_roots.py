"""Where a linking_root_domains page should walk an index instead of sorting, and what the
heavy targets' orders (index/linking_root_orders.py) cost to create.

1. Sort cost vs rows: one target of N rows (10,000 to 400,000) in a file of its own, a page of 50
   in the link propensity sort, sorted (the target's key range, then a temp b-tree) or walked.
2. On a copy of a built store: the 12 per-sort indexes over every row (as written before)
   beside marking the heavy targets and indexing their rows alone, alternating.

Usage: PYTHONPATH=src .venv/bin/python bench/bench_linking_roots.py [--store FILE] [--rounds 2]
(default store: bench_build's 10M snapshot; the copies go to work/linking-roots/).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

from benchutil import WORK, loadavg, work_dir, work_home, write_result

from linkindex.index import linking_root_orders, schema

PRAGMAS = (  # the writer's settings while it indexes (index/writer.py)
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA cache_size = -262144",
    "PRAGMA temp_store = MEMORY",
)
SIZES = (10_000, 25_000, 50_000, 100_000, 200_000, 400_000)
PAGE = (
    "SELECT source, neg_link_propensity FROM linking_roots_page WHERE target = ? AND pages > 0"
    " ORDER BY {order}, source LIMIT 51"
)


def sort_cost(folder: Path, calls: int = 9) -> list[dict[str, float]]:
    path = folder / "sort-cost.sqlite"
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute(next(s for s in schema.create_statements() if "linking_roots_page" in s))
    rnd = random.Random(1)
    for n, size in enumerate(SIZES):
        rows = (
            (f"t{n}", -rnd.randint(1, 100), f"s{i:07d}.example", -rnd.random(),
             -rnd.randint(-1, 100), 1, 1, 0, 0, 0, 1, -rnd.randint(19000, 20500), None)
            for i in range(size)
        )  # fmt: skip
        columns = ", ".join(schema.LINKING_ROOT_COLUMNS)
        values = ", ".join("?" * len(schema.LINKING_ROOT_COLUMNS))
        con.executemany(f"INSERT INTO linking_roots_page ({columns}) VALUES ({values})", rows)
    con.commit()
    # Every row indexed, so the walk is there to compare with.
    con.execute("CREATE INDEX by_lp ON linking_roots_page (target, neg_link_propensity, source)")
    con.close()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found = []
    for n, size in enumerate(SIZES):
        row: dict[str, float] = {"rows": size}
        # "+" keeps the index from giving the order: the target's rows are read and sorted.
        for how, order in (("walk", "neg_link_propensity"), ("sort", "+neg_link_propensity")):
            taken = []
            for _ in range(calls):
                started = time.perf_counter()
                con.execute(PAGE.format(order=order), (f"t{n}",)).fetchall()
                taken.append(time.perf_counter() - started)
            row[f"{how}_p50_ms"] = round(statistics.median(taken) * 1000, 3)
        row["sort_us_a_row"] = round(row["sort_p50_ms"] * 1000 / size, 3)
        print(row, flush=True)
        found.append(row)
    con.close()
    path.unlink()
    return found


def creation(store: Path, folder: Path, rounds: int) -> list[dict[str, object]]:
    copy = folder / "store.sqlite"
    shutil.copy(store, copy)
    con = sqlite3.connect(copy, isolation_level=None)
    for pragma in PRAGMAS:
        con.execute(pragma)
    ours = [s for s in schema.index_statements() if s.startswith("CREATE INDEX linking_roots_")]
    term = f" WHERE {schema.LINKING_ROOT_HEAVY_TERM}"

    def reset() -> None:
        for statement in ours:
            con.execute(f"DROP INDEX IF EXISTS {statement.split()[2]}")
        for scope in schema.LINKING_ROOT_SCOPES:
            con.execute(f"UPDATE {schema.linking_root_table(scope)} SET heavy = 0")

    def every_row() -> None:
        for statement in ours:
            con.execute(statement.removesuffix(term))

    def heavy_only() -> None:
        linking_root_orders.mark(con)
        for statement in ours:
            con.execute(statement)

    found: list[dict[str, object]] = []
    for turn in range(rounds):
        sides = [("every row", every_row), ("heavy targets", heavy_only)]
        for name, make in sides if turn % 2 == 0 else sides[::-1]:
            reset()
            wall, cpu = time.perf_counter(), time.process_time()
            make()
            found.append({
                "round": turn, "indexes": name, "wall_s": round(time.perf_counter() - wall, 2),
                "cpu_s": round(time.process_time() - cpu, 2), "loadavg": loadavg(),
            })  # fmt: skip
            print(found[-1], flush=True)
    con.close()
    copy.unlink()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a built index.sqlite (default: 10M)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    snapshots = work_home(work_dir(10_000_000)) / "snapshots"
    store = args.store or snapshots / (snapshots / "CURRENT").read_text().strip() / "index.sqlite"
    folder = WORK / "linking-roots"
    folder.mkdir(parents=True, exist_ok=True)
    result = {
        "store": str(store),
        "threshold": schema.HEAVY_LINKING_ROOTS,
        "loadavg_before": loadavg(),
        "sort_cost": sort_cost(folder),
        "creation": creation(store, folder, args.rounds),
        "loadavg_after": loadavg(),
    }
    print(f"wrote {write_result('linking-roots.json', result)}")


if __name__ == "__main__":
    main()
