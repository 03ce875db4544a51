"""Heavy targets' history summaries: when a snapshot's files are written, each heavy target at a
scope (heavy_orders.heavy_targets) gets its histories' counts stored beside its rows.

Why and what they cost: schema.py, "Heavy targets' history summaries"; docs/metrics.md.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from linkindex.index import heavy_orders, histories, schema
from linkindex.index.shards import shard_count, shard_paths
from linkindex.index.stores import global_store
from linkindex.urls import Scope

_SCOPES: tuple[Scope, ...] = ("page", "subdomain", "root_domain")


def create(folder: Path, threshold: int | None = None) -> int:
    """Store the summaries of every heavy target of the snapshot in ``folder`` (those its files'
    heavy orders index, or with ``threshold``, those over it), each in its target's file; the
    number of summaries. Run once every file is written and indexed: the links into the
    pages that hop to a target are read from every file, as a request reads them, so every
    build engine and shard layout stores the same."""
    count = shard_count(folder)
    paths = shard_paths(folder, count) if count else [global_store(folder)]
    files = [sqlite3.connect(path, isolation_level=None) for path in paths]
    meta = sqlite3.connect(global_store(folder))
    try:
        when = histories.calendar_of(
            {k: json.loads(v) for k, v in meta.execute("SELECT key, value FROM meta")}
        )
        written = 0
        for con in files:
            con.execute("PRAGMA journal_mode = OFF")  # written before publishing, as writer.py
            con.execute("PRAGMA synchronous = OFF")
            rows = [
                (scope, target, *row)
                for scope in _SCOPES
                for target in heavy_orders.heavy_targets(con, scope, threshold)
                for row in histories.summary_rows(con, scope, target, when, files)
            ]
            con.execute("BEGIN")
            con.executemany(
                f"INSERT INTO {schema.HISTORY_SUMMARY_TABLE} VALUES (?, ?, ?, ?, ?, ?)", rows
            )
            con.execute("COMMIT")
            written += len({(scope, target) for scope, target, *_ in rows})
        return written
    finally:
        meta.close()
        for con in files:
            con.close()
