"""The DuckDB engine: the build on one machine, in an on-disk database in the build folder.

Runs each step's SQL as written (the portable subset is DuckDB's own dialect).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from linkindex.builder import inputs
from linkindex.builder.dialects import DUCKDB
from linkindex.builder.engines.engine import (
    RAW_INPUTS,
    SAVED_INPUTS,
    SnapshotTables,
    StreamedTables,
)
from linkindex.builder.inputs import InputPart, PartDigest
from linkindex.builder.state import BuildState
from linkindex.index.sharded_writer import open_writer

if TYPE_CHECKING:
    from linkindex.builder.steps import Step

# DuckDB's own default is 80% of RAM. A fixed budget keeps the whole build's peak predictable
# (DuckDB, plus the rank arrays and SQLite beside it); past it DuckDB spills to the build folder.
DEFAULT_MEMORY_LIMIT = "4GB"


def connect(work: Path | None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A build database in ``work`` (in memory when None, for tests of single steps)."""
    # An on-disk database in the build folder lets DuckDB spill instead of running out of RAM.
    con = duckdb.connect(str(work / "build.duckdb") if work else ":memory:")
    # Capture times are UTC; without this DuckDB shows them in the machine's zone, and dates,
    # the order of captures around a DST change and the index_id would depend on it.
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    # DuckDB draws its own progress bar on stdout for a query past 2 s, over the build's own
    # progress and into the summary `linkindex build --json` prints there.
    con.execute("SET enable_progress_bar = false")
    if work is not None:
        spill = str(work / "spill").replace("'", "''")
        con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET memory_limit = ?", [memory_limit or DEFAULT_MEMORY_LIMIT])
    return con


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class DuckDBEngine:
    """The Engine of builder/engines/engine.py over one DuckDB connection."""

    dialect = DUCKDB

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._views: set[str] = set()

    @classmethod
    def open(cls, work: Path | None, memory_limit: str | None = None) -> DuckDBEngine:
        return cls(connect(work, memory_limit))

    def close(self) -> None:
        self.con.close()

    def digest_parts(self, crawls: Path, parts: list[InputPart]) -> list[PartDigest]:
        return inputs.digest_parts(self.con, crawls, parts)

    def register_inputs(
        self, crawls: Path, parts: list[InputPart], saved: BuildState | None
    ) -> tuple[str, ...]:
        inputs.create_views(self.con, crawls, parts)
        names = list(RAW_INPUTS)
        if saved is not None:
            for name in SAVED_INPUTS:
                source = _quoted(saved.path(name.removeprefix("saved_")))
                self.con.execute(
                    f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({source})"
                )
                names.append(name)
        self._views.update(names)
        return tuple(names)

    def create_table(self, table: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")

    def read_table(self, table: str) -> pa.Table:
        return self.con.sql(f"SELECT * FROM {table}").to_arrow_table()

    def write_table(self, table: str, data: pa.Table | pa.RecordBatchReader) -> None:
        self.con.register("step_output", data)
        try:
            self.con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM step_output")
        finally:
            self.con.unregister("step_output")

    def run_distributed(self, step: Step) -> bool:
        return False  # one machine: every Python step runs its Arrow body

    def drop_tables(self, tables: Sequence[str]) -> None:
        # One transaction: each commit of an on-disk database costs a few ms of its own.
        self.con.execute("BEGIN TRANSACTION")
        for table in tables:
            kind = "VIEW" if table in self._views else "TABLE"
            self.con.execute(f"DROP {kind} IF EXISTS {table}")
        self.con.execute("COMMIT")

    def query(self, sql: str, batch_rows: int) -> pa.RecordBatchReader:
        return self.con.sql(sql).to_arrow_reader(batch_rows)

    def save_parquet(self, table: str, path: Path) -> None:
        self.con.execute(f"COPY {table} TO {_quoted(path)} (FORMAT parquet, COMPRESSION zstd)")

    def snapshot_tables(self, folder: Path, shards: int) -> SnapshotTables:
        return StreamedTables(self, open_writer(folder, shards))
