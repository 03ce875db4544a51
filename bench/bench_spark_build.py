"""The build on Spark local mode beside DuckDB, on one generated web, in alternating runs.

Writes bench/results/spark-build-<N>.json: wall time of each full build, whether the index_ids
agree, and the Spark engine's two ways to keep a step's table: Parquet files in the build folder
(the engine's) against persist() on the executors (CachedTablesEngine below, for comparison).
With --cluster-ranks, also the Spark build with a driver budget of 1 KiB, so both rank steps run
on the cluster (builder/engines/spark_rank.py) instead of in the driver.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import pyarrow as pa
from benchutil import (
    PAGES_PER_DOMAIN,
    RESULTS,
    WORK,
    code_version,
    linked_home,
    machine,
    root_domains_for,
    size_label,
)

from linkindex.builder.dialects import SPARK, to_dialect
from linkindex.builder.engines import spark_engine
from linkindex.builder.engines.spark_rank import DRIVER_MEMORY_CONF
from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.spark_session import parse_conf, spark_session
from linkindex.synth import SynthParams, write_link_records


class CachedTablesEngine(spark_engine.SparkEngine):
    """Each step's table persisted (memory, then the executors' disks), its lineage kept."""

    def __init__(self, spark, work: Path) -> None:
        super().__init__(spark, work)
        self._cached: dict[str, object] = {}

    def create_table(self, table: str, sql: str) -> None:
        from pyspark import StorageLevel

        df = self.spark.sql(to_dialect(sql, SPARK)).persist(StorageLevel.MEMORY_AND_DISK)
        df.count()
        df.createOrReplaceTempView(table)
        self._cached[table] = df

    def read_table(self, table: str) -> pa.Table:
        if table not in self._cached:
            return super().read_table(table)
        arrow = self._cached[table].toArrow()  # type: ignore[attr-defined]
        return pa.Table.from_batches(
            [spark_engine._as_duckdb_types(b) for b in arrow.to_batches()],
            spark_engine._schema_of(arrow.schema, spark_engine._as_duckdb_types),
        )

    def drop_tables(self, tables) -> None:
        for table in tables:
            cached = self._cached.pop(table, None)
            if cached is not None:
                cached.unpersist()  # type: ignore[attr-defined]
        super().drop_tables(tables)

    def save_parquet(self, table: str, path: Path) -> None:
        import pyarrow.parquet as pq

        pq.write_table(self.read_table(table), path, compression="zstd")


CLUSTER_RANKS = "spark_ranks_on_cluster"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1, help="alternating runs of each")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--conf", action="append", default=[], help="a Spark setting k=v")
    parser.add_argument("--no-cache", action="store_true", help="skip the persist() variant")
    parser.add_argument("--cluster-ranks", action="store_true", help="add the 1 KiB budget build")
    parser.add_argument("--work", type=Path, default=WORK / "spark-build")
    args = parser.parse_args()
    work = args.work / size_label(args.links)
    crawls = work / "crawls"
    if not crawls.exists():
        params = SynthParams(
            seed=7, root_domains=root_domains_for(args.links),
            pages_per_domain=PAGES_PER_DOMAIN, links=args.links,
        )  # fmt: skip
        write_link_records(params, crawls)
    conf = parse_conf(args.conf)
    spark = spark_session(args.master, conf)
    variants = {"duckdb": None, "spark": spark_engine.SparkEngine}
    if not args.no_cache:
        variants["spark_cached_tables"] = CachedTablesEngine
    if args.cluster_ranks:
        variants[CLUSTER_RANKS] = spark_engine.SparkEngine
    times: dict[str, list[float]] = {name: [] for name in variants}
    ids: dict[str, set[str]] = {name: set() for name in variants}
    failures: dict[str, str] = {}
    original = spark_engine.SparkEngine
    try:
        for _ in range(args.runs):
            for name, engine in variants.items():
                home = Home(linked_home(crawls, work))
                spark_engine.SparkEngine = engine or original  # what build_index opens
                # An empty budget is no budget: spark.driver.memory's (spark_rank.driver_budget).
                budget = "1k" if name == CLUSTER_RANKS else conf.get(DRIVER_MEMORY_CONF, "")
                spark.conf.set(DRIVER_MEMORY_CONF, budget)
                started = time.perf_counter()
                try:
                    result = build_index(home, spark=spark if engine else None)
                    ids[name].add(result.index_id)
                except Exception as exc:  # a variant that fails is a finding, not the end
                    failures[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
                times[name].append(round(time.perf_counter() - started, 1))
                shutil.rmtree(home.root)
                print(name, times[name][-1], ids[name] or failures.get(name), flush=True)
    finally:
        spark_engine.SparkEngine = original
        spark.stop()
    report = {
        "links": args.links,
        "master": args.master,
        "conf": conf,
        "seconds": times,
        "same_index_id": len(set().union(*ids.values())) == 1,
        "failed": failures,
        "machine": machine(),
        "code": code_version(),
    }
    out = RESULTS / f"spark-build-{size_label(args.links)}.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report["seconds"]), "same index_id:", report["same_index_id"])


if __name__ == "__main__":
    main()
