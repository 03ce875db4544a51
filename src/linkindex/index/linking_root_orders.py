"""Heavy targets' linking-root orders: which targets' rows are marked heavy when a store is
written, and the term a linking_root_domains query repeats to walk their per-sort indexes.

Why and what they cost: schema.py, "Heavy targets' linking-root orders"; docs/scale.md.
"""

from __future__ import annotations

import sqlite3

from linkindex.index import schema

_INDEX_SQL = "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?"


def mark(con: sqlite3.Connection, threshold: int | None = None) -> None:
    """Set heavy = 1 on every row of each target with more than ``threshold`` (by default
    schema.HEAVY_LINKING_ROOTS) rows in this file's linking-root tables, before their indexes
    are made: counted from the rows written, so every build engine and shard layout marks the
    same targets."""
    threshold = schema.HEAVY_LINKING_ROOTS if threshold is None else threshold
    con.execute("BEGIN")
    for scope in schema.LINKING_ROOT_SCOPES:
        table = schema.linking_root_table(scope)
        # The key's first column is the target: one pass in key order, then one range a target.
        heavy = con.execute(
            f"SELECT target FROM {table} GROUP BY target HAVING count(*) > ?", (threshold,)
        ).fetchall()
        con.executemany(f"UPDATE {table} SET heavy = 1 WHERE target = ?", heavy)
    con.execute("COMMIT")


def partial(con: sqlite3.Connection) -> bool:
    """Whether this store indexes only its heavy targets' orders; a store written before
    indexes every target's, which its queries walk without the term."""
    name = f"{schema.linking_root_table('page')}_by_date_gained"
    found = con.execute(_INDEX_SQL, (name,)).fetchone()
    return found is not None and found[0].endswith(f" WHERE {schema.LINKING_ROOT_HEAVY_TERM}")


def heavy_term(con: sqlite3.Connection, scope: str, target: str) -> str | None:
    """The term that lets a query of ``target`` walk its per-sort index: schema's
    LINKING_ROOT_HEAVY_TERM for a heavy target, None for a light one (sorted in memory)."""
    table = schema.linking_root_table(scope)
    # The target's first row in key order: one seek.
    row = con.execute(f"SELECT heavy FROM {table} WHERE target = ? LIMIT 1", (target,)).fetchone()
    return schema.LINKING_ROOT_HEAVY_TERM if row is not None and row[0] == 1 else None
