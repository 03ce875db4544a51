"""What the build asks of an engine: hold named tables, make one from a step's SELECT, hand
tables to Python steps as Arrow and take theirs back, or run a step's distributed body itself,
and write the snapshot's tables from their SELECTs.

Inputs and their digests, and the saved link state's files, are each engine's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyarrow as pa

from linkindex.builder.inputs import InputPart, PartDigest
from linkindex.builder.state import BuildState
from linkindex.index.writer import Writer
from linkindex.locations import Location

if TYPE_CHECKING:
    from linkindex.builder.steps import Step

# The input tables of every build: the records of the parts it reads, and the saved link
# state it merges them into (an incremental build only).
RAW_INPUTS = ("raw_pages", "raw_links")
SAVED_INPUTS = ("saved_captures", "saved_links", "saved_latest_links")
# The rows of a snapshot query handed over at a time.
BATCH_ROWS = 65536


class SnapshotTables(Protocol):
    """How the build writes a snapshot: each table from its SELECT, then meta, then finish()
    (indexes and statistics), which is called after the engine is closed."""

    def write(self, table: str, columns: tuple[str, ...], sql: str) -> int: ...

    def set_meta(self, values: dict[str, object]) -> None: ...

    def finish(self) -> None: ...


class Engine(Protocol):
    # The SQL dialect of the queries query() takes (builder/dialects.py); create_table takes
    # the portable subset, DuckDB's, on every engine.
    dialect: str

    def digest_parts(self, crawls: Location, parts: list[InputPart]) -> list[PartDigest]:
        """Count and digest each part's records (builder/record_digest.py). ``crawls`` is
        the crawls folder, or a Hadoop URI on an engine that reads those (Spark)."""
        ...

    def register_inputs(
        self, crawls: Location, parts: list[InputPart], saved: BuildState | None
    ) -> tuple[str, ...]:
        """Make RAW_INPUTS (and SAVED_INPUTS from ``saved``) readable; return their names."""
        ...

    def create_table(self, table: str, sql: str) -> None:
        """Make ``table`` from a SELECT written in the portable subset (DuckDB's dialect)."""
        ...

    def read_table(self, table: str) -> pa.Table: ...

    def write_table(self, table: str, data: pa.Table | pa.RecordBatchReader) -> None: ...

    def run_distributed(self, step: Step) -> bool:
        """Run ``step.distributed`` over this engine's own tables and write what it makes, if
        this engine has such tables and the step's graph is past what its driver may hold;
        False (nothing done) to have the step's Arrow body run instead."""
        ...

    def drop_tables(self, tables: Sequence[str]) -> None: ...

    def query(self, sql: str, batch_rows: int) -> pa.RecordBatchReader:
        """The rows of a SELECT, streamed in batches (how snapshot tables are written)."""
        ...

    def save_parquet(self, table: str, path: Path) -> None:
        """Write a table as one zstd Parquet file (the saved link state)."""
        ...

    def snapshot_tables(self, folder: Path, shards: int) -> SnapshotTables:
        """The writer of a snapshot of ``shards`` files in ``folder`` from this engine's queries
        (StreamedTables unless the engine writes the files itself)."""
        ...


@dataclass
class StreamedTables:
    """Each table's rows streamed from the engine's query to a writer in this process."""

    engine: Engine
    writer: Writer

    def write(self, table: str, columns: tuple[str, ...], sql: str) -> int:
        return self.writer.write(table, columns, self.engine.query(sql, BATCH_ROWS))

    def set_meta(self, values: dict[str, object]) -> None:
        self.writer.set_meta(values)

    def finish(self) -> None:
        self.writer.finish()
