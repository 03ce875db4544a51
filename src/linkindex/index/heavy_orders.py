"""Heavy targets' link orders: which targets get a partial index per links sort when a store is
written, and how a link query finds the one that walks its target in its sort's order.

Why and what they cost: schema.py, "Heavy targets' link orders"; docs/architecture.md.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from dataclasses import dataclass

from linkindex.index import schema
from linkindex.urls import Scope

_SCOPES: tuple[Scope, ...] = ("page", "subdomain", "root_domain")
_INDEX_SQL = "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?"


def create(con: sqlite3.Connection, threshold: int | None = None) -> None:
    """Index the orders of every target with more than ``threshold`` (by default
    schema.HEAVY_LINK_ROWS) link rows in this file, chosen from the rows written, so every
    build engine and shard layout gets the same."""
    threshold = schema.HEAVY_LINK_ROWS if threshold is None else threshold
    for scope in _SCOPES:
        column = schema.LINK_TARGET_COLUMNS[scope]
        sql = f"SELECT {column} FROM link_rows GROUP BY {column} HAVING count(*) > ? ORDER BY 1"
        ids = [row[0] for row in con.execute(sql, (threshold,))]
        if ids:
            for statement in schema.heavy_order_statements(scope, ids):
                con.execute(statement)


@dataclass(frozen=True)
class HeavyOrder:
    """How a query walks a heavy target in a sort: from this index, with a term that implies
    the index's WHERE term."""

    index: str
    term: str


def heavy_order(con: sqlite3.Connection, scope: Scope, target: int, sort: str) -> HeavyOrder | None:
    """The order of ``target``'s links in ``sort``, if this file indexed it; None otherwise
    (a light target, or a store written before these orders existed)."""
    index = schema.heavy_order_index(scope, sort)
    found = con.execute(_INDEX_SQL, (index,)).fetchone()
    if found is None:
        return None
    term, targets = _indexed(found[0])
    if target not in targets:
        return None
    if " IN (" in term:  # a store written before the equalities
        return HeavyOrder(index, term)
    # The target's own equality implies the OR of them all, and SQLite tests it on every entry
    # walked: one comparison, not one a target (a page of the heaviest root domain: 47 vs 69 us).
    return HeavyOrder(index, f"{schema.LINK_TARGET_COLUMNS[scope]} = {int(target)}")


# 18 indexes a store file (6 sorts x 3 scopes), so room for the files of a server with dozens
# of shards: with fewer entries than that, a round of queries over every file would evict each
# entry before its next use and parse its id list on every call.
@functools.lru_cache(maxsize=1024)
def _indexed(create_sql: str) -> tuple[str, frozenset[int]]:
    """A partial index's WHERE term (as schema.heavy_targets_condition wrote it) and its ids."""
    term = create_sql.rsplit(" WHERE ", 1)[1]
    # Every number in the term is an id, in either form it was written: "c = 1 OR c = 2", or
    # "c IN (1, 2)" in the stores written before.
    return term, frozenset(int(i) for i in re.findall(r"\b\d+\b", term))
