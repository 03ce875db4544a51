"""Each target's sources with a live external link to it, as link intersect reads them: packed
into arrays for the heavy targets when a store file is written, read as arrays for every target.

Why and what the packed rows cost: schema.py, "Heavy targets' linking sources, packed".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from linkindex.index import heavy_orders, schema
from linkindex.index.encoding import flag_mask
from linkindex.urls import Scope

# The states a live link that points at the target itself (not via a hop) does not have.
LIVE_DIRECT_CLEAR = flag_mask(("deleted", "via_redirect", "via_rel_canonical"))
_SCOPES: tuple[Scope, ...] = ("page", "subdomain", "root_domain")
_PAGE = "<i8"
_SCORE = "<i2"


class Sources(NamedTuple):
    """One target's linking sources (page ids, or root domain names) and their DA and Spam Score,
    position by position; each source once."""

    sources: np.ndarray
    domain_authorities: np.ndarray
    spam_scores: np.ndarray


def live_pages_sql(scope: Scope) -> str:
    """The source pages of one target (its number the parameter) with a live external link."""
    return (
        "SELECT DISTINCT source_id, -neg_domain_authority, -neg_spam_score FROM link_rows"
        f" WHERE {schema.LINK_TARGET_COLUMNS[scope]} = ? AND external = 1"
        f" AND flags & {LIVE_DIRECT_CLEAR} = 0"
    )


def packed_or_rows_sql(scope: Scope) -> str:
    """One statement for a target of a file that has packed rows: its one packed row when it is
    heavy, else its live source pages as rows (``unpacked`` tells them apart). Parameters: the
    target's number three times."""
    table = schema.PACKED_SOURCES_TABLE
    packed = f"FROM {table} WHERE scope = '{scope}' AND target = ?"
    # LIMIT 0 when the packed row is there: SQLite reads the limit before any link row, where a
    # NOT EXISTS term would be tested on every row (a heavy target's: 460 vs 0.1 ms).
    return (
        f"SELECT sources, domain_authorities, spam_scores {packed} UNION ALL SELECT * FROM"
        f" ({live_pages_sql(scope)} LIMIT (SELECT -(count(*) = 0) {packed}))"
    )


def has_packed_sql() -> str:
    """A term that is 1 when the file has packed rows (stores written before them do not)."""
    table = schema.PACKED_SOURCES_TABLE
    return f"EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '{table}')"


def from_rows(rows: Sequence[tuple], names: bool = False) -> Sources:
    """(source, DA, Spam Score) rows as arrays; a source listed twice keeps its last scores."""
    sources, authorities, spam = zip(*rows, strict=True) if rows else ((), (), ())
    if len(set(sources)) < len(sources):
        scored = {source: (da, score) for source, da, score in rows}
        sources, (authorities, spam) = tuple(scored), zip(*scored.values(), strict=True)
    return Sources(
        np.array(sources, dtype=np.str_ if names else np.int64),
        np.array(authorities, dtype=np.int64),
        np.array(spam, dtype=np.int64),
    )


def unpacked(rows: Sequence[tuple]) -> Sources:
    """The answer of ``packed_or_rows_sql``: the packed row's arrays, or the rows'."""
    if rows and isinstance(rows[0][0], bytes):
        sources, authorities, spam = rows[0]
        return Sources(
            np.frombuffer(sources, _PAGE).astype(np.int64),
            np.frombuffer(authorities, _SCORE).astype(np.int64),
            np.frombuffer(spam, _SCORE).astype(np.int64),
        )
    return from_rows(rows)


def create(con: sqlite3.Connection, threshold: int | None = None) -> None:
    """Pack the live source pages of this file's heavy targets (heavy_orders.heavy_targets:
    those its heavy orders index, or with ``threshold``, those over it), chosen from the rows
    written, so every build engine and shard layout packs the same."""
    con.execute(schema.PACKED_SOURCES_DDL)
    insert = f"INSERT INTO {schema.PACKED_SOURCES_TABLE} VALUES (?, ?, ?, ?, ?)"
    for scope in _SCOPES:
        for target in heavy_orders.heavy_targets(con, scope, threshold):
            found = from_rows(con.execute(live_pages_sql(scope), (target,)).fetchall())
            order = np.argsort(found.sources, kind="stable")
            packed = [
                found.sources[order].astype(_PAGE).tobytes(),
                found.domain_authorities[order].astype(_SCORE).tobytes(),
                found.spam_scores[order].astype(_SCORE).tobytes(),
            ]
            con.execute(insert, (scope, target, *packed))
