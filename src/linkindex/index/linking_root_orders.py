"""Heavy targets' linking-root orders: which targets' rows are marked heavy when a store is
written, and the index a linking_root_domains page of one of them walks.

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
    name = schema.linking_root_order_index("page", "date_gained")
    found = con.execute(_INDEX_SQL, (name,)).fetchone()
    return found is not None and found[0].endswith(f" WHERE {schema.LINKING_ROOT_HEAVY_TERM}")


def heavy_order(con: sqlite3.Connection, scope: str, target: str, sort: str) -> str | None:
    """The index a page of ``target`` in ``sort`` walks, named by the query, which repeats
    schema.LINKING_ROOT_HEAVY_TERM: for a heavy target; None for a light one (sorted)."""
    table = schema.linking_root_table(scope)
    # The target's first row in key order: one seek.
    row = con.execute(f"SELECT heavy FROM {table} WHERE target = ? LIMIT 1", (target,)).fetchone()
    return schema.linking_root_order_index(scope, sort) if row is not None and row[0] == 1 else None
