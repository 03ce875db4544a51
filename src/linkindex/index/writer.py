"""Writes one snapshot's SQLite serving store from Arrow record batches.

The build hands over logical tables; only this module and the reader know how they are stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from linkindex.index.schema import create_statements, index_statements

STORE_FILE = "index.sqlite"


class SnapshotWriter:
    def __init__(self, folder: Path) -> None:
        self.path = folder / STORE_FILE
        self._con = sqlite3.connect(self.path, isolation_level=None)
        # A snapshot is written once by one process and published only when complete, so
        # journaling and fsync per statement buy nothing here; publish() makes it durable.
        for pragma in (
            "PRAGMA page_size = 8192",
            "PRAGMA journal_mode = OFF",
            "PRAGMA synchronous = OFF",
            "PRAGMA locking_mode = EXCLUSIVE",
            "PRAGMA cache_size = -262144",
            "PRAGMA temp_store = MEMORY",
        ):
            self._con.execute(pragma)
        for statement in create_statements():
            self._con.execute(statement)

    def write(self, table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]) -> int:
        placeholders = ", ".join("?" for _ in columns)
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        rows = 0
        self._con.execute("BEGIN")
        for batch in batches:
            if batch.schema.names != list(columns):
                raise ValueError(f"{table}: columns {batch.schema.names} != {list(columns)}")
            self._con.executemany(insert, zip(*(c.to_pylist() for c in batch.columns), strict=True))
            rows += batch.num_rows
        self._con.execute("COMMIT")
        return rows

    def set_meta(self, values: dict[str, object]) -> None:
        self._con.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [(k, json.dumps(v)) for k, v in values.items()],
        )

    def finish(self) -> None:
        for statement in index_statements():
            self._con.execute(statement)
        self._con.execute("PRAGMA analysis_limit = 1000")  # sampled statistics suffice here
        self._con.execute("ANALYZE")
        self._con.close()
