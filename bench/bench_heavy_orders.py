"""Times creating the heavy targets' link orders (index/heavy_orders.py) on a copy of a built
store: their WHERE term as "IN (...)", as written before, beside schema.heavy_targets_condition's;
then a page of the heaviest root domain in each sort, read through each form's indexes.

Usage: PYTHONPATH=src .venv/bin/python bench/bench_heavy_orders.py [--store FILE] [--rounds 2]
(default store: bench_build's 10M snapshot; the copy goes to work/heavy-orders/).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

from benchutil import WORK, loadavg, work_dir, work_home, write_result

from linkindex.index import heavy_orders, schema
from linkindex.index.link_queries import LinkQuery, links

# The writer's settings while it indexes (index/writer.py).
PRAGMAS = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA locking_mode = EXCLUSIVE",
    "PRAGMA cache_size = -262144",
    "PRAGMA temp_store = MEMORY",
)


def in_list_statements(scope: str, ids: list[int]) -> list[str]:
    """The statements as the store writer wrote them before: the same indexes, an IN list."""
    column = schema.LINK_TARGET_COLUMNS[scope]
    term = f"{column} IN ({', '.join(str(i) for i in ids)})"
    return [
        s.rsplit(" WHERE ", 1)[0] + f" WHERE {term}"
        for s in schema.heavy_order_statements(scope, ids)
    ]


def heavy_ids(con: sqlite3.Connection) -> dict[str, list[int]]:
    """Each scope's indexed targets, from the store's own orders."""
    found = {}
    for scope in schema.LINK_TARGET_COLUMNS:
        index = schema.heavy_order_index(scope, "source_page_authority")
        sql = con.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (index,)).fetchone()[0]
        found[scope] = sorted(heavy_orders._indexed(sql)[1])
    return found


def timed(con: sqlite3.Connection, statements: list[str]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for statement in statements:
        con.execute(statement)
    return time.perf_counter() - wall, time.process_time() - cpu


def heaviest_root_domain(con: sqlite3.Connection) -> str:
    sql = (
        "SELECT key FROM link_keys_root_domain WHERE id = (SELECT target_root_id FROM link_rows"
        " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)"
    )
    return con.execute(sql).fetchone()[0]


def page_us(con: sqlite3.Connection, target: str, repeat: int = 300) -> float:
    """Microseconds a page of 25 live links of ``target``, every sort in turn."""
    queries = [
        LinkQuery(scope="root_domain", target=target, sort=sort, filters=frozenset({"not_deleted"}))
        for sort in schema.LINK_SORT_COLUMNS
    ]
    started = time.perf_counter()
    for _ in range(repeat):
        for query in queries:
            links(con, query, date(2026, 1, 1))
    return (time.perf_counter() - started) / (repeat * len(queries)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = next((work_home(work_dir(10_000_000)) / "snapshots").glob("*/index.sqlite"), None)
    parser.add_argument("--store", type=Path, default=default)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    copy = WORK / "heavy-orders" / "index.sqlite"
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(args.store, copy)
    con = sqlite3.connect(copy, isolation_level=None)
    for pragma in PRAGMAS:
        con.execute(pragma)
    ids = heavy_ids(con)
    target = heaviest_root_domain(con)
    names = [schema.heavy_order_index(s, sort) for s in ids for sort in schema.LINK_SORT_COLUMNS]
    forms = {
        "in_list": [s for scope in ids for s in in_list_statements(scope, ids[scope])],
        "equalities": [
            s for scope in ids for s in schema.heavy_order_statements(scope, ids[scope])
        ],
    }
    runs: dict[str, list[dict[str, object]]] = {form: [] for form in forms}
    for round_ in range(args.rounds):
        for form in forms if round_ % 2 == 0 else reversed(forms):
            for name in names:
                con.execute(f"DROP INDEX IF EXISTS {name}")
            wall, cpu = timed(con, forms[form])
            page = page_us(con, target)
            runs[form].append(
                {
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "page_us": round(page),
                    "load": loadavg(),
                }
            )
            print(
                f"round {round_} {form:10s} {len(names)} indexes: wall {wall:6.1f} s, CPU"
                f" {cpu:6.1f} s, a heavy page {page:.0f} us, load {loadavg()}",
                flush=True,
            )
    best = {form: min(r["cpu_s"] for r in rs) for form, rs in runs.items()}
    print(f"CPU, best of {args.rounds}: in_list / equalities = "
          f"{best['in_list'] / best['equalities']:.2f}x")  # fmt: skip
    write_result("heavy-orders.json", {"store": str(args.store), "runs": runs})


if __name__ == "__main__":
    main()
