"""A sharded snapshot written on the Spark executors: each table's rows staged as Parquet by
shard in key order, then one task per shard writing that shard's whole SQLite file.

Routes, the shard of a key, the row insertion and a shard's last step (its key tables, indexes
and statistics) are index/sharded_writer.py's; this module only brings each shard's rows to the
task that writes them (docs/scale.md, "Writing the shards").
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from linkindex.builder.engines.engine import BATCH_ROWS
from linkindex.index import schema
from linkindex.index.sharded_writer import (
    KEY_TABLES,
    REFERENCED,
    Route,
    copy_global_metrics,
    finish_shard,
    route_of,
    shards_of_keys,
)
from linkindex.index.shards import GLOBAL_FILE, shard_paths
from linkindex.index.writer import StoreFile, write_rows

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

    from linkindex.builder.engines.spark_engine import SparkEngine

# The staged rows' shard; Spark keeps it in the folder names (``shard=3/``), not in the files.
SHARD = "shard"
OWN = "own"  # a staged key of a shard is its own, not only named by its link rows


def _shard_column(route: Route, count: int) -> Column:
    """The shard of each row's key, by shards_of_keys on the executors, a batch at a time."""
    from pyspark.sql import functions as F
    from pyspark.sql.functions import arrow_udf

    if route.scope_column:

        def scoped(scopes: pa.Array, keys: pa.Array) -> pa.Array:  # hints: a scalar Arrow UDF
            return pa.array(shards_of_keys(scopes, keys, count), pa.int16())

        return arrow_udf(scoped, "smallint")(F.col(route.scope_column), F.col(route.column))
    scope = route.scope

    def named(keys: pa.Array) -> pa.Array:
        return pa.array(shards_of_keys(scope, keys, count), pa.int16())

    return arrow_udf(named, "smallint")(F.col(route.column))


def _parquet_rows(folder: Path) -> int:
    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.rglob("part-*.parquet"))


class SparkShardTables:
    """The SnapshotTables of engine.py for a snapshot of ``count`` shards on Spark: write()
    stages each table by shard, finish() runs one task per shard, then fills global.sqlite."""

    def __init__(self, engine: SparkEngine, folder: Path, count: int) -> None:
        if count < 2:
            raise ValueError("a sharded snapshot has at least 2 shards")
        self.engine = engine
        self.spark = engine.spark
        self.folder = folder
        self.count = count
        # Beside the snapshot in the build folder, which every executor sees at the same path.
        self.staging = folder.parent / "shard-rows"
        self.staging.mkdir()
        self._global = StoreFile(folder / GLOBAL_FILE)
        self._tables: list[tuple[str, tuple[str, ...]]] = []  # staged by shard, in write order
        self.tasks: list[dict] = []  # what each shard's task reported, once finished

    def write(self, table: str, columns: tuple[str, ...], sql: str) -> int:
        route = route_of(table)
        if route.kind == "global":  # at most GLOBAL_TOP_LIMIT rows: written here
            return write_rows(self._global, table, columns, self.engine.query(sql, BATCH_ROWS))
        frame = self.spark.sql(sql)
        if frame.columns != list(columns):
            raise ValueError(f"{table}: columns {frame.columns} != {list(columns)}")
        if route.kind == "keys":
            # Every key with its shard, for the numbered tables' shards and finish()'s key rule.
            folder = self._keys(route.scope)
            frame.withColumn(SHARD, _shard_column(route, self.count)).write.parquet(str(folder))
            return _parquet_rows(folder)
        if route.kind == "numbered":
            keys = self.spark.read.parquet(str(self._keys(route.scope)))
            frame = frame.join(keys.select(keys.id.alias(route.column), SHARD), route.column)
        else:
            frame = frame.withColumn(SHARD, _shard_column(route, self.count))
        self._stage(table, frame.select(*columns, SHARD), schema.primary_key(table))
        self._tables.append((table, columns))
        return _parquet_rows(self.staging / table)

    def _keys(self, scope: str) -> Path:
        return self.staging / f"keys-{scope}"

    def _stage(self, name: str, frame: DataFrame, order: tuple[str, ...]) -> None:
        """One job of exactly ``count`` partitions: each shard's rows in one task, sorted in
        the order the file's rows are inserted in (the table's key, as its query orders them)."""
        (
            frame.repartition(self.count, SHARD)
            .sortWithinPartitions(SHARD, *order)
            .write.partitionBy(SHARD)
            .parquet(str(self.staging / name))
        )

    def _stage_keys(self, table: str, scope: str) -> None:
        """Each shard's candidates for its key table: its own keys, and the keys its link rows
        name; finish_shard keeps exactly the rule's keys of them, as the driver's writer does."""
        from pyspark.sql import functions as F

        keys = self.spark.read.parquet(str(self._keys(scope)))
        shard = F.col(SHARD).cast("smallint").alias(SHARD)
        candidates = keys.select(shard, "id", "key", F.lit(True).alias(OWN))
        link_rows = self.staging / "link_rows"
        if any(link_rows.rglob("part-*.parquet")):
            rows = self.spark.read.parquet(str(link_rows))
            named = functools.reduce(
                lambda a, b: a.union(b),
                [rows.select(shard, F.col(c).alias("id")) for c in REFERENCED[scope]],
            ).distinct()
            named = named.join(keys.select("id", "key"), "id")
            candidates = (
                candidates.unionByName(named.select(SHARD, "id", "key", F.lit(False).alias(OWN)))
                .groupBy(SHARD, "id", "key")
                .agg(F.max(OWN).alias(OWN))
            )
        self._stage(f"keys-{table}", candidates.select("id", "key", OWN, SHARD), ("id",))

    def set_meta(self, values: dict[str, object]) -> None:
        self._global.set_meta(values)

    def finish(self) -> None:
        for table, scope in KEY_TABLES.items():
            self._stage_keys(table, scope)
        task = functools.partial(
            write_shard,
            count=self.count,
            folder=str(self.folder),
            staging=str(self.staging),
            tables=tuple(self._tables),
        )
        context = self.spark.sparkContext
        self.tasks = context.parallelize(range(self.count), self.count).map(task).collect()
        # What a failed or speculative attempt left: its file and its candidate keys' file.
        for leftover in [*self.folder.glob("*.sqlite.part*"), *self.folder.glob("*.sqlite.keys*")]:
            leftover.unlink(missing_ok=True)
        copy_global_metrics(self._global, shard_paths(self.folder, self.count))
        self._global.index_and_close()
        shutil.rmtree(self.staging, ignore_errors=True)


def _staged_batches(folder: Path, number: int) -> Iterator[pa.RecordBatch]:
    """Shard ``number``'s staged rows of one table, file by file in name order (one file: one
    task held the shard), with DuckDB's types as the driver's writer gets them."""
    from linkindex.builder.engines.spark_engine import _as_duckdb_types

    for path in sorted((folder / f"{SHARD}={number}").glob("part-*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches(BATCH_ROWS):
            yield _as_duckdb_types(batch)


def write_shard(
    number: int, *, count: int, folder: str, staging: str, tables: tuple[tuple[str, tuple], ...]
) -> dict[str, object]:
    """One Spark task: shard ``number``'s whole file from its staged rows, by the driver's
    writer's functions in its order (tables in write order, key tables, indexes); written under
    a name of its own and renamed, so a task run again never appends to a file it left."""
    from pyspark import TaskContext

    started = time.monotonic()
    context = TaskContext.get()
    attempt = context.attemptNumber() if context is not None else 0
    final = shard_paths(Path(folder), count)[number]
    part, staged = (final.with_name(f"{final.name}.{kind}{attempt}") for kind in ("part", "keys"))
    for leftover in (part, staged):
        leftover.unlink(missing_ok=True)
    store = StoreFile(part)
    rows = {}
    for table, columns in tables:
        batches = _staged_batches(Path(staging) / table, number)
        rows[table] = write_rows(store, table, tuple(columns), batches)
    keys = StoreFile(staged)
    own: dict[str, np.ndarray] = {}
    for table, scope in KEY_TABLES.items():
        mine: list[np.ndarray] = []

        def noted(batch: pa.RecordBatch, mine: list[np.ndarray] = mine) -> pa.RecordBatch:
            ids = batch.column("id").to_numpy()
            mine.append(ids[batch.column(OWN).to_numpy(zero_copy_only=False)])
            return batch.select(list(schema.LINK_KEY_COLUMNS))

        batches = map(noted, _staged_batches(Path(staging) / f"keys-{table}", number))
        write_rows(keys, table, schema.LINK_KEY_COLUMNS, batches)
        own[scope] = np.concatenate(mine) if mine else np.zeros(0, np.int64)
    keys.con.close()
    finish_shard(store, staged, own)
    staged.unlink()
    os.replace(part, final)
    seconds = round(time.monotonic() - started, 3)
    return {"shard": number, "pid": os.getpid(), "host": socket.gethostname(),
            "attempt": attempt, "rows": rows, "seconds": seconds}  # fmt: skip
