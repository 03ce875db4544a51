"""Writes one snapshot's SQLite serving store from Arrow record batches.

The build hands over logical tables; only this module and the reader know how they are stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from linkindex.index import heavy_orders, linking_root_orders, linking_sources
from linkindex.index.schema import create_statements, index_statements

STORE_FILE = "index.sqlite"


class Writer(Protocol):
    """What the build writes a snapshot through, whatever its number of files."""

    def write(
        self, table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]
    ) -> int: ...

    def set_meta(self, values: dict[str, object]) -> None: ...

    def finish(self) -> None: ...


class StoreFile:
    """One SQLite file of a snapshot being written: every table created, bulk-load settings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # A sharded snapshot's files are each written by one thread at a time, not always the
        # one that opened them.
        self.con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
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
            self.con.execute(pragma)
        for statement in create_statements():
            self.con.execute(statement)

    def insert(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        placeholders = ", ".join("?" for _ in columns)
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        self.con.executemany(insert, rows)

    def set_meta(self, values: dict[str, object]) -> None:
        self.con.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [(k, json.dumps(v)) for k, v in values.items()],
        )

    def index_and_close(self) -> None:
        linking_root_orders.mark(self.con)  # before the partial indexes over the marked rows
        for statement in index_statements():
            self.con.execute(statement)
        heavy_orders.create(self.con)
        linking_sources.create(self.con)
        self.con.execute("PRAGMA analysis_limit = 1000")  # sampled statistics suffice here
        self.con.execute("ANALYZE")
        self.con.close()


def checked(
    table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """The batches, each checked to carry the table's stored columns in order."""
    for batch in batches:
        if batch.schema.names != list(columns):
            raise ValueError(f"{table}: columns {batch.schema.names} != {list(columns)}")
        yield batch


def batch_rows(batch: pa.RecordBatch) -> Iterator[tuple]:
    return zip(*(c.to_pylist() for c in batch.columns), strict=True)


def write_rows(
    store: StoreFile, table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]
) -> int:
    """Insert one table's batches into one file in one transaction, in the batches' order: how
    every file of a snapshot gets its rows, on the driver or in a Spark task."""
    rows = 0
    store.con.execute("BEGIN")
    for batch in checked(table, columns, batches):
        store.insert(table, columns, batch_rows(batch))
        rows += batch.num_rows
    store.con.execute("COMMIT")
    return rows


class SnapshotWriter:
    """The unsharded store: every table in one file, index.sqlite."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / STORE_FILE
        self._store = StoreFile(self.path)

    def write(self, table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]) -> int:
        return write_rows(self._store, table, columns, batches)

    def set_meta(self, values: dict[str, object]) -> None:
        self._store.set_meta(values)

    def finish(self) -> None:
        self._store.index_and_close()
