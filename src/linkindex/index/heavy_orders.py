"""Heavy targets' link orders: which targets get a partial index per links sort when a store is
written, and how a link query finds the one that walks its target in its sort's order.

Why and what they cost: schema.py, "Heavy targets' link orders"; docs/architecture.md.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from linkindex.index import schema
from linkindex.urls import Scope

_SCOPES: tuple[Scope, ...] = ("page", "subdomain", "root_domain")
_INDEX_SQL = "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?"
_LISTED_SQL = "SELECT 1 FROM heavy_targets WHERE scope = ? AND target = ?"


def create(con: sqlite3.Connection, threshold: int | None = None) -> None:
    """Index the orders of every target with more than ``threshold`` (by default
    schema.HEAVY_LINK_ROWS) link rows in this file, chosen from the rows written, so every
    build engine and shard layout gets the same: list them, set their rows' heavy level, then
    index each scope that has any."""
    threshold = schema.HEAVY_LINK_ROWS if threshold is None else threshold
    con.execute("BEGIN")
    for scope in _SCOPES:
        column = schema.LINK_TARGET_COLUMNS[scope]
        con.execute(
            f"INSERT INTO heavy_targets SELECT ?, {column} FROM link_rows"
            f" GROUP BY {column} HAVING count(*) > ?",
            (scope, threshold),
        )
    con.execute(schema.heavy_level_update())
    con.execute("COMMIT")
    for scope in _SCOPES:
        if con.execute("SELECT 1 FROM heavy_targets WHERE scope = ?", (scope,)).fetchone():
            for statement in schema.heavy_order_statements(scope):
                con.execute(statement)


def heavy_targets(con: sqlite3.Connection, scope: Scope, threshold: int | None = None) -> list[int]:
    """The heavy targets at ``scope`` of this file, ascending: those ``create`` listed, or with
    another ``threshold``, those with more link rows than it here (a target's rows are all in
    one file). The one choice of heavy targets the other per-target summaries follow."""
    if threshold is None:
        sql = "SELECT target FROM heavy_targets WHERE scope = ? ORDER BY 1"
        return [row[0] for row in con.execute(sql, (scope,))]
    column = schema.LINK_TARGET_COLUMNS[scope]
    sql = f"SELECT {column} FROM link_rows GROUP BY {column} HAVING count(*) > ? ORDER BY 1"
    return [row[0] for row in con.execute(sql, (threshold,))]


@dataclass(frozen=True)
class HeavyOrder:
    """How a query walks a heavy target in a sort: from this index, with a term that implies
    the index's WHERE term."""

    index: str
    term: str


def heavy_order(con: sqlite3.Connection, scope: Scope, target: int, sort: str) -> HeavyOrder | None:
    """The order of ``target``'s links in ``sort``, if this file indexed it; None otherwise
    (a light target, or a store written before the heavy levels, which sorts its rows instead
    until the next build replaces it: its layout digest differs)."""
    index = schema.heavy_order_index(scope, sort)
    term = schema.heavy_targets_condition(scope)
    found = con.execute(_INDEX_SQL, (index,)).fetchone()
    if found is None or not found[0].endswith(f" WHERE {term}"):
        return None
    if con.execute(_LISTED_SQL, (scope, target)).fetchone() is None:
        return None
    return HeavyOrder(index, term)
