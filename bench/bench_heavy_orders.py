"""Times creating the heavy targets' link orders (index/heavy_orders.py) on a copy of a built
store: with each row's heavy level (schema.heavy_level_update) beside the term written before,
one equality per heavy target; then how each cost grows with the number of heavy targets.

Usage: PYTHONPATH=src .venv/bin/python bench/bench_heavy_orders.py [--store FILE] [--rounds 2]
(default store: bench_build's 10M snapshot; the copy goes to work/heavy-orders/ and is left
with the levels' orders, for bench_queries.py --work work/heavy-orders).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import time
from datetime import date
from functools import partial
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
INDEXES = [
    schema.heavy_order_index(scope, sort)
    for scope in schema.LINK_TARGET_COLUMNS
    for sort in schema.LINK_SORT_COLUMNS
]


def equalities_term(column: str, ids: list[int]) -> str:
    """The term written before the levels: one equality per heavy target."""
    return "(" + " OR ".join(f"{column} = {int(i)}" for i in ids) + ")"


def create_equalities(con: sqlite3.Connection) -> None:
    """heavy_orders.create as written before the levels: the same indexes over a term naming
    every heavy target."""
    for scope, column in schema.LINK_TARGET_COLUMNS.items():
        sql = f"SELECT {column} FROM link_rows GROUP BY {column} HAVING count(*) > ? ORDER BY 1"
        ids = [r[0] for r in con.execute(sql, (schema.HEAVY_LINK_ROWS,))]
        for statement in schema.heavy_order_statements(scope):
            head = statement.rsplit(" WHERE ", 1)[0].replace(", heavy)", ")")
            con.execute(f"{head} WHERE {equalities_term(column, ids)}")


def reset(con: sqlite3.Connection) -> None:
    """No orders and no levels, as a store is before heavy_orders.create."""
    for name in INDEXES:
        con.execute(f"DROP INDEX IF EXISTS {name}")
    con.execute("BEGIN")
    con.execute("UPDATE link_rows SET heavy = 0 WHERE target_root_id IN"
                " (SELECT target FROM heavy_targets WHERE scope = 'root_domain')")  # fmt: skip
    con.execute("DELETE FROM heavy_targets")
    con.execute("COMMIT")


def as_levels_store(con: sqlite3.Connection) -> None:
    """A store written before the levels, given the levels' column and table (its rows then
    store no level until one is set: read as the default)."""
    columns = [r[1] for r in con.execute("PRAGMA table_info(link_rows)")]
    if "heavy" not in columns:
        for name in INDEXES:
            con.execute(f"DROP INDEX IF EXISTS {name}")
        con.execute(f"ALTER TABLE link_rows ADD COLUMN {schema.HEAVY_LEVEL_COLUMN}")
        con.execute(schema.HEAVY_TARGETS_DDL)
    reset(con)
    heavy_orders.create(con)  # once untimed, so each heavy row stores its level from then on
    reset(con)


def timed(create) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    create()
    return time.perf_counter() - wall, time.process_time() - cpu


def set_levels(con: sqlite3.Connection, ids: list[int]) -> None:
    """The levels' way on the probe's table: the heavy rows marked, then one comparison a row."""
    marks = ", ".join("?" for _ in ids)
    con.execute(f"UPDATE r SET heavy = 1 WHERE t IN ({marks})", ids)
    con.execute("CREATE INDEX o ON r (t, v, heavy) WHERE heavy >= 1")


def probe(
    heavy_counts: tuple[int, ...], rows: int = 1_000_000
) -> dict[str, dict[int, float | str]]:
    """CPU seconds to index one sort of a synthetic link table's heavy rows, by the number of
    heavy targets: the equalities' term, and the levels' (setting them included)."""
    con = sqlite3.connect(":memory:", isolation_level=None)
    con.execute(
        "CREATE TABLE r (t INTEGER, k INTEGER, v INTEGER, heavy INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (t, k)) WITHOUT ROWID"
    )
    rng = random.Random(7)
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO r (t, k, v) VALUES (?, ?, ?)",
        ((rng.randrange(20_000), k, rng.randrange(10**6)) for k in range(rows)),
    )
    con.execute("COMMIT")
    found: dict[str, dict[int, float | str]] = {"equalities": {}, "levels": {}}
    for count in heavy_counts:
        ids = list(range(0, 20_000, 20_000 // count))[:count]
        con.execute("DROP INDEX IF EXISTS o")
        term = equalities_term("t", ids)
        try:
            _, cpu = timed(partial(con.execute, f"CREATE INDEX o ON r (t, v) WHERE {term}"))
            found["equalities"][count] = round(cpu, 3)
        except sqlite3.OperationalError as error:  # past about 1,000 equalities SQLite refuses
            found["equalities"][count] = str(error)
        con.execute("DROP INDEX IF EXISTS o")
        con.execute("UPDATE r SET heavy = 0 WHERE heavy != 0")
        _, cpu = timed(partial(set_levels, con, ids))
        found["levels"][count] = round(cpu, 3)
        print(f"{count:5d} heavy targets of {rows} rows, CPU s: equalities"
              f" {found['equalities'][count]}, levels {found['levels'][count]};"
              f" load {loadavg()}", flush=True)  # fmt: skip
    return found


def stored_bytes(con: sqlite3.Connection, every: int = 20) -> dict[str, float]:
    """Bytes a link row takes in the table with and without its level (every ``every``th
    source's rows, written anew as the writer writes them), and the orders' bytes an entry."""
    found: dict[str, float] = {}
    stat = "SELECT sum(payload), sum(pgsize) FROM dbstat WHERE name = ?"
    count = "SELECT count(*) FROM link_rows INDEXED BY {} WHERE {}"
    found["orders_entries"] = sum(
        con.execute(count.format(n, w)).fetchone()[0] for n, w in _orders(con)
    )
    found["orders_bytes"] = sum(con.execute(stat, (n,)).fetchone()[1] for n, _ in _orders(con))
    if "heavy" not in [r[1] for r in con.execute("PRAGMA table_info(link_rows)")]:
        return found  # a store written before the levels
    sample = sqlite3.connect(":memory:", isolation_level=None)
    ddl = next(s for s in schema.create_statements() if "TABLE link_rows " in s)
    sample.execute(ddl)
    sample.execute(
        ddl.replace(f",\n  {schema.HEAVY_LEVEL_COLUMN}", "").replace("link_rows", "plain")
    )
    columns = ", ".join((*schema.LINK_ROW_COLUMNS, "heavy"))
    key = "target_id, external, neg_page_authority, source_id, link_id"
    rows = con.execute(
        f"SELECT {columns} FROM link_rows WHERE source_id % {every} = 0 ORDER BY {key}"
    ).fetchall()
    sample.execute("BEGIN")
    sample.executemany(f"INSERT INTO link_rows VALUES ({', '.join('?' * len(rows[0]))})", rows)
    sample.executemany(
        f"INSERT INTO plain VALUES ({', '.join('?' * (len(rows[0]) - 1))})", (r[:-1] for r in rows)
    )
    sample.execute("COMMIT")
    found["sampled_rows"] = len(rows)
    for table in ("plain", "link_rows"):
        payload, pages = sample.execute(stat, (table,)).fetchone()
        found[f"{table}_payload_per_row"] = round(payload / len(rows), 3)
        found[f"{table}_page_bytes_per_row"] = round(pages / len(rows), 3)
    return found


def _orders(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """The store's heavy order indexes, each with its WHERE term."""
    listed = "SELECT name, sql FROM sqlite_schema WHERE name LIKE 'link_rows_heavy_%'"
    return [(name, sql.rsplit(" WHERE ", 1)[1]) for name, sql in con.execute(listed)]


def heaviest_light_ms(con: sqlite3.Connection, repeat: int = 20) -> dict[str, object]:
    """Milliseconds a page of 25 links of the root domain with the most link rows not over
    schema.HEAVY_LINK_ROWS takes in each sort but the clustered one, per link and per source
    root domain: the sort of every row that the threshold bounds (median and worst)."""
    target_id, rows = con.execute(
        "SELECT target_root_id, count(*) FROM link_rows GROUP BY 1 HAVING count(*) <= ?"
        " ORDER BY 2 DESC LIMIT 1",
        (schema.HEAVY_LINK_ROWS,),
    ).fetchone()
    (target,) = con.execute(
        "SELECT key FROM link_keys_root_domain WHERE id = ?", (target_id,)
    ).fetchone()
    found: dict[str, object] = {"target": target, "rows": rows}
    for source_scope in ("page", "root_domain"):
        times = []
        for sort in list(schema.LINK_SORT_COLUMNS)[1:]:
            query = LinkQuery(scope="root_domain", target=target, sort=sort,
                              source_scope=source_scope)  # fmt: skip
            for _ in range(repeat):
                started = time.perf_counter()
                links(con, query, date(2026, 1, 1))
                times.append((time.perf_counter() - started) * 1e3)
        found[source_scope] = {"p50_ms": round(statistics.median(times), 2),
                               "max_ms": round(max(times), 2)}  # fmt: skip
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = next((work_home(work_dir(10_000_000)) / "snapshots").glob("*/index.sqlite"), None)
    parser.add_argument("--store", type=Path, default=default)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--probe-only", action="store_true")
    parser.add_argument("--bytes-of", type=Path, help="only the bytes of this store's rows")
    parser.add_argument("--light-of", type=Path, help="only the heaviest light target's pages")
    args = parser.parse_args()
    if args.bytes_of:
        print(stored_bytes(sqlite3.connect(args.bytes_of)))
        return
    if args.light_of:
        print(heaviest_light_ms(sqlite3.connect(args.light_of)), f"load {loadavg()}")
        return
    probed = probe((20, 200, 900, 2_000))
    if args.probe_only:
        return
    snapshot = WORK / "heavy-orders" / "home" / "snapshots" / "heavy-orders"
    snapshot.mkdir(parents=True, exist_ok=True)
    (snapshot.parent / "CURRENT").write_text("heavy-orders\n")
    shutil.copy(args.store.parent / "published_at", snapshot / "published_at")
    copy = snapshot / "index.sqlite"
    shutil.copy(args.store, copy)
    con = sqlite3.connect(copy, isolation_level=None)
    for pragma in PRAGMAS:
        con.execute(pragma)
    as_levels_store(con)
    forms = {
        "equalities": partial(create_equalities, con),
        "levels": partial(heavy_orders.create, con),
    }
    runs: dict[str, list[dict[str, object]]] = {form: [] for form in forms}
    for round_ in range(args.rounds):
        for form in forms if round_ % 2 == 0 else reversed(forms):
            reset(con)
            wall, cpu = timed(forms[form])
            runs[form].append({"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load": loadavg()})
            print(f"round {round_} {form:10s}: wall {wall:6.1f} s, CPU {cpu:6.1f} s,"
                  f" load {loadavg()}", flush=True)  # fmt: skip
    reset(con)
    heavy_orders.create(con)
    best = {form: min(r["cpu_s"] for r in rs) for form, rs in runs.items()}
    print(f"CPU, best of {args.rounds}: equalities / levels = "
          f"{best['equalities'] / best['levels']:.2f}x")  # fmt: skip
    write_result("heavy-orders.json", {"store": str(args.store), "runs": runs, "probe": probed})


if __name__ == "__main__":
    main()
