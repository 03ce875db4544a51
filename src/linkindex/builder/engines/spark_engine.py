"""The Spark engine: every SQL step a Spark SQL job, each table Parquet in the build folder.

Owns reading the inputs as DuckDB's engine does, their digests, and handing tables to the
Python steps and the snapshot writer as Arrow, or to a rank step's distributed twin as
DataFrames when the step is past the driver's budget.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from linkindex import locations
from linkindex.builder import record_digest
from linkindex.builder.dialects import SPARK, to_dialect
from linkindex.builder.engines import spark_rank
from linkindex.builder.engines.engine import (
    RAW_INPUTS,
    SAVED_INPUTS,
    SnapshotTables,
    StreamedTables,
)
from linkindex.builder.inputs import PART_KINDS, InputPart, PartDigest, records_sql
from linkindex.builder.state import BuildState
from linkindex.index.sharded_writer import open_writer
from linkindex.locations import Location, file_key
from linkindex.spark_session import BUILD_SQL_CONF

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from linkindex.builder.steps import Step

_CARRY = ("_file",)  # each record's part, as input_file_name() gives it


def _part(crawls: Location, name: str) -> str:
    """A part's file as Spark is asked to read it: an absolute path, or a URI."""
    if isinstance(crawls, Path):
        return os.path.abspath(crawls / name)  # normalised as Hadoop's paths are, links kept
    return str(locations.join(crawls, name))


def _as_duckdb_types(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Timestamps as plain UTC wall-clock times, as DuckDB's TIMESTAMP hands them over, so
    Python steps and the saved state see the same types from both engines."""
    columns = [
        c.cast(pa.timestamp("us")) if pa.types.is_timestamp(c.type) and c.type.tz else c
        for c in batch.columns
    ]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _as_spark_types(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Plain timestamps marked UTC (Spark would read zone-less ones as TIMESTAMP_NTZ)."""
    columns = [
        c.cast(pa.timestamp("us", tz="UTC"))
        if pa.types.is_timestamp(c.type) and not c.type.tz
        else c
        for c in batch.columns
    ]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _schema_of(
    batch_schema: pa.Schema, convert: Callable[[pa.RecordBatch], pa.RecordBatch]
) -> pa.Schema:
    empty = pa.RecordBatch.from_pylist([], schema=batch_schema)
    return convert(empty).schema


class SparkEngine:
    """The Engine of builder/engines/engine.py on a SparkSession the caller owns.

    Every table a step makes is written as Parquet under ``work`` and read back from there: a
    step's plan starts at its inputs' files, not at the build's first records, so a lost task
    reruns one step, and no plan grows with the chain of ~100 steps (docs/architecture.md,
    "The Spark engine"). ``work`` must be a folder every executor sees at the same path.
    """

    dialect = SPARK

    def __init__(self, spark: SparkSession, work: Path) -> None:
        self.spark = spark
        self.folder = work / "spark-tables"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._written: dict[str, Path] = {}  # table -> its Parquet folder
        self._views: set[str] = set()
        self._serial = itertools.count()
        self._last_query: str | None = None
        # The session is the caller's: it keeps the build's SQL settings while the build runs
        # (a session made by spark_session() has them already) and gets its own values back.
        self._callers_conf = {key: spark.conf.get(key, None) for key in BUILD_SQL_CONF}
        for key, value in BUILD_SQL_CONF.items():
            spark.conf.set(key, value)

    @classmethod
    def open(cls, spark: SparkSession, work: Path) -> SparkEngine:
        return cls(spark, work)

    def close(self) -> None:
        self.drop_tables([self._last_query] if self._last_query else [])
        for table in [*self._views, *self._written]:
            self.spark.catalog.dropTempView(table)
        self._views.clear()
        self._written.clear()
        for key, value in self._callers_conf.items():
            if value is None:
                self.spark.conf.unset(key)
            else:
                self.spark.conf.set(key, value)

    # --- inputs ------------------------------------------------------------------------------
    def _records(self, files: list[str], schema: pa.Schema) -> DataFrame:
        """A part list's records by the rule DuckDB's engine reads them with
        (inputs.records_sql), carrying each record's file as ``_file`` for the digests."""
        from pyspark.sql import functions as F

        if not files:
            return self.spark.sql(records_sql(None, schema, (), SPARK, _CARRY))
        # mergeSchema: parts written before a column existed lack it, others have it.
        raw = self.spark.read.option("mergeSchema", "true").parquet(*files)
        view = f"parts_{next(self._serial)}"
        raw.withColumn("_file", F.input_file_name()).createOrReplaceTempView(view)
        self._views.add(view)
        return self.spark.sql(records_sql(view, schema, raw.columns, SPARK, _CARRY))

    def digest_parts(self, crawls: Location, parts: list[InputPart]) -> list[PartDigest]:
        """Each part's count, digest sum and crawls: one job per kind, grouped by file."""
        from pyspark.sql import functions as F

        digests: dict[str, PartDigest] = {}
        for kind, schema in PART_KINDS.items():
            mine = [p for p in parts if p.kind == kind]
            if not mine:
                continue
            files = {_part(crawls, p.name): p for p in mine}
            sums = (
                self._records(list(files), schema)
                .groupBy("_file")
                .agg(
                    F.count("*"),
                    F.expr(record_digest.sum_sql(schema, SPARK)),
                    F.sort_array(F.collect_set("crawl")),
                )
                .collect()
            )
            # input_file_name() spells a file its own way (file:/..., quoted): one key for both.
            found = {file_key(file): (rows, total, names) for file, rows, total, names in sums}
            if not set(found) <= {file_key(f) for f in files}:  # else a part would count as empty
                raise RuntimeError(f"Spark read parts under other names: {sorted(found)[:3]}")
            for file, part in files.items():
                # A part whose records all lack a capture time has no group: none are read.
                rows, total, names = found.get(file_key(file), (0, 0, []))
                digests[part.name] = PartDigest(part, rows, int(total), tuple(names))
        return [digests[p.name] for p in parts]

    def register_inputs(
        self, crawls: Location, parts: list[InputPart], saved: BuildState | None
    ) -> tuple[str, ...]:
        names = list(RAW_INPUTS)
        for kind, schema in PART_KINDS.items():
            files = [_part(crawls, p.name) for p in parts if p.kind == kind]
            self._records(files, schema).drop("_file").createOrReplaceTempView(f"raw_{kind}")
        if saved is not None:
            for name in SAVED_INPUTS:
                path = os.path.abspath(saved.path(name.removeprefix("saved_")))
                self.spark.read.parquet(path).createOrReplaceTempView(name)
                names.append(name)
        self._views.update(names)
        return tuple(names)

    # --- tables ------------------------------------------------------------------------------
    def _new_folder(self, table: str) -> Path:
        # A folder per write: a table made again never overwrites files a plan still reads.
        return self.folder / f"{table}-{next(self._serial)}"

    def _adopt(self, table: str, folder: Path) -> None:
        self.spark.read.parquet(str(folder)).createOrReplaceTempView(table)
        old = self._written.pop(table, None)
        self._written[table] = folder
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def create_table(self, table: str, sql: str) -> None:
        folder = self._new_folder(table)
        self.spark.sql(to_dialect(sql, SPARK)).write.parquet(str(folder))
        self._adopt(table, folder)

    def _batches(self, table: str, batch_rows: int) -> Iterator[pa.RecordBatch]:
        """A written table's rows, file by file in name order (Spark names a sorted result's
        files in its order)."""
        for path in sorted(self._written[table].glob("part-*.parquet")):
            for batch in pq.ParquetFile(path).iter_batches(batch_rows):
                yield _as_duckdb_types(batch)

    def _schema(self, table: str) -> pa.Schema:
        files = sorted(self._written[table].glob("part-*.parquet"))
        return _schema_of(pq.read_schema(files[0]), _as_duckdb_types)

    def read_table(self, table: str) -> pa.Table:
        if table not in self._written:  # an input: never read by a Python step so far
            arrow = self.spark.table(table).toArrow()
            batches = [_as_duckdb_types(b) for b in arrow.to_batches()]
            return pa.Table.from_batches(batches, _schema_of(arrow.schema, _as_duckdb_types))
        return pa.Table.from_batches(self._batches(table, 65536), self._schema(table))

    def write_table(self, table: str, data: pa.Table | pa.RecordBatchReader) -> None:
        # Written by pyarrow where Spark reads it: nothing passes through the driver's JVM.
        folder = self._new_folder(table)
        folder.mkdir()
        reader = (
            data
            if isinstance(data, pa.RecordBatchReader)
            else pa.RecordBatchReader.from_batches(data.schema, data.to_batches())
        )
        schema = _schema_of(reader.schema, _as_spark_types)
        with pq.ParquetWriter(folder / "part-00000.parquet", schema) as writer:
            for batch in reader:
                writer.write_batch(_as_spark_types(batch))
        self._adopt(table, folder)

    def _rows(self, table: str) -> int:
        """A written table's row count, from its Parquet footers (no Spark job)."""
        files = self._written[table].glob("part-*.parquet")
        return sum(pq.ParquetFile(path).metadata.num_rows for path in files)

    def run_distributed(self, step: Step) -> bool:
        """Run the step's distributed body over DataFrames of its tables when its graph's step
        would not fit the driver (spark_rank.ranks_in_driver against session_budget); its
        tables are written by the executors, as a SQL step's are."""
        graph = step.distributed
        if graph is None:
            return False
        budget = spark_rank.session_budget(self.spark)
        if spark_rank.ranks_in_driver(self._rows(graph.nodes), self._rows(graph.edges), budget):
            return False
        made = graph.body({table: self.spark.table(table) for table in step.reads})
        step.check_made(made)
        for table in step.writes:
            folder = self._new_folder(table)
            made[table].write.parquet(str(folder))
            self._adopt(table, folder)
        return True

    def drop_tables(self, tables: Sequence[str]) -> None:
        for table in tables:
            self.spark.catalog.dropTempView(table)
            self._views.discard(table)
            folder = self._written.pop(table, None)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    def query(self, sql: str, batch_rows: int) -> pa.RecordBatchReader:
        """The rows of a Spark SQL SELECT: written as Parquet by the executors, then streamed
        from its files in order, so the driver holds one batch at a time."""
        # The build reads each snapshot table whole before asking for the next.
        if self._last_query:
            self.drop_tables([self._last_query])
        table = self._last_query = f"query_{next(self._serial)}"
        folder = self._new_folder(table)
        self.spark.sql(sql).write.parquet(str(folder))
        self._written[table] = folder
        return pa.RecordBatchReader.from_batches(
            self._schema(table), self._batches(table, batch_rows)
        )

    def save_parquet(self, table: str, path: Path) -> None:
        """One zstd Parquet file, as DuckDB's engine writes it (the saved state is either
        engine's to read)."""
        with pq.ParquetWriter(path, self._schema(table), compression="zstd") as writer:
            for batch in self._batches(table, 65536):
                writer.write_batch(batch)

    def snapshot_tables(self, folder: Path, shards: int) -> SnapshotTables:
        """One file: streamed to the driver's writer. Shards: written on the executors, one
        task per shard (engines/spark_shards.py)."""
        if shards == 1:
            return StreamedTables(self, open_writer(folder, shards))
        from linkindex.builder.engines.spark_shards import SparkShardTables

        return SparkShardTables(self, folder, shards)
