"""PageRank over Spark DataFrames: scoring/rank.py's rank_over_floor, by iterated joins.

Owns the distributed iteration (partitioned joins, lineage cut by checkpoints) and the choice
between it and ranking in the driver with scipy, from the graph's size and the driver's memory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linkindex.scoring import rank
from linkindex.scoring.rank import DAMPING, TOLERANCE, driver_peak_bytes

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Iterations between checkpoints written to the checkpoint directory (when one is set).
CHECKPOINT_EVERY = 5
# The setting that says how much memory ranking in the driver may use. Without it: where the
# driver runs in the cluster (deploy mode "cluster"), its container's size, spark.driver.memory
# (Spark's default 1g); where it runs here (local mode, and "client", Spark's default), the
# memory this machine has available, since the rank runs in this Python process, beside the
# JVM that spark.driver.memory sizes.
DRIVER_MEMORY_CONF = "linkindex.rank.driverMemory"
SPARK_DRIVER_MEMORY = "spark.driver.memory"
SPARK_DEFAULT_DRIVER_MEMORY = "1g"
SPARK_DEPLOY_MODE = "spark.submit.deployMode"
# Of that budget, the share a rank step may take (step_driver_bytes): the rest is the
# interpreter with numpy, scipy and pyarrow loaded, and the allocator's slack.
DRIVER_SHARE = 0.8
# What a rank step holds beside rank.py's own arrays (rank.driver_peak_bytes), per edge and per
# node of its graph: its Arrow tables read from Parquet, the node-indexed columns and the edge
# weights built from them. Measured for the whole step, each alone in a process
# (bench/bench_rank_memory.py, bench/results/rank-memory.json): root_ranks 89.5 bytes a
# root-domain edge and 23 a root domain, page_strength 71 a page edge and 29 a page, on int32
# node ids as the build's tables have them (94 and 62, 98 and 40 on int64 ones); rounded up to
# cover all four, 100 and 64, of which rank.py's arrays are 36 and 44.
STEP_BYTES_PER_EDGE = 100 - 36
STEP_BYTES_PER_NODE = 64 - 44
BAD_MEMORY = "{key} takes a size such as 512m, 16g or 1t, not {value!r}"
_UNITS = {"b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}
_SIZE = re.compile(r"(\d+)\s*(b|[kmgtp]b?)?")


@dataclass(frozen=True)
class SparkRanks:
    """Each node's rank over the floor (columns node, rank) and the iterations it took."""

    ranks: DataFrame
    iterations: int


def rank_over_floor(edges: DataFrame, nodes: DataFrame) -> SparkRanks:
    """rank.rank_over_floor of ``nodes`` (column ``node``) over ``edges`` (``source``,
    ``target`` and, optionally, ``weight``), every node of an edge being in ``nodes``.

    The same maths as rank.py: a node splits its vote evenly over its distinct out-links; a
    weight scales an edge's share (repeated edges' weights add up) and what is not passed on
    leaks evenly to every node, as a node without out-links does; power iteration from 1/N
    until the L1 change is below TOLERANCE, at most MAX_ITERATIONS times; each rank divided by
    the rank of an unlinked node. The edges are cached hash-partitioned by source into
    spark.sql.shuffle.partitions parts, so an iteration moves ranks and votes, never edges.
    """
    from pyspark.sql import functions as F

    parts = int(edges.sparkSession.conf.get("spark.sql.shuffle.partitions"))
    # Ids as longs on both sides: Spark hashes an int and a long differently, and the ranks
    # must hash as the cached edges do to join them where they lie.
    node_ids = nodes.select(F.col("node").cast("long").alias("node"))
    links, leak = _transition(edges, parts)
    state = (
        node_ids.join(leak, "node", "left")
        .select("node", F.coalesce("leak", F.lit(1.0)).alias("leak"))
        .localCheckpoint(eager=True)
    )
    node_count = state.count()
    if node_count == 0:
        return SparkRanks(state.select("node", F.lit(0.0).alias("rank")), 0)
    state = state.withColumn("rank", F.lit(1.0 / node_count))
    dot = state.agg(F.sum(F.col("rank") * F.col("leak"))).first()[0]
    teleport = (1.0 - DAMPING) / node_count
    # Read at call time, as power_iterate reads it, so a test can cap both alike.
    iterations = rank.MAX_ITERATIONS
    for iteration in range(1, iterations + 1):
        leaked_share = DAMPING * dot / node_count
        # Shuffle-hash joins: the edges stay where they are and unsorted; each task hashes
        # its part's ranks (a sort-merge join would sort every edge every iteration).
        ranks = state.select(F.col("node").alias("source"), "rank").hint("shuffle_hash")
        incoming = (
            links.join(ranks, "source")
            .groupBy("target")
            .agg(F.sum(F.col("value") * F.col("rank")).alias("incoming"))
            .withColumnRenamed("target", "node")
            .hint("shuffle_hash")
        )
        # As rank.py: (M x) * DAMPING + (teleport + leaked_share), the constant summed first.
        voted = F.coalesce("incoming", F.lit(0.0)) * DAMPING + F.lit(teleport + leaked_share)
        updated = state.join(incoming, "node", "left").select(
            "node", "leak", voted.alias("rank"), F.col("rank").alias("previous")
        )
        updated = _materialise(updated, iteration)
        change, dot = updated.agg(
            F.sum(F.abs(F.col("rank") - F.col("previous"))),
            F.sum(F.col("rank") * F.col("leak")),
        ).first()
        state = updated.select("node", "leak", "rank")
        if change < TOLERANCE:
            iterations = iteration
            break
    links.unpersist()
    floor = ((1.0 - DAMPING) + DAMPING * dot) / node_count
    return SparkRanks(state.select("node", (F.col("rank") / floor).alias("rank")), iterations)


def _transition(edges: DataFrame, parts: int) -> tuple[DataFrame, DataFrame]:
    """The matrix as rows (source, target, value), cached hash-partitioned by source, and the
    leaked share of each node with out-links (the others leak all): rank.transition_matrix's."""
    from pyspark.sql import functions as F

    weighted = "weight" in edges.columns
    pairs = edges.select(
        F.col("source").cast("long").alias("source"),
        F.col("target").cast("long").alias("target"),
        (F.col("weight").cast("double") if weighted else F.lit(1.0)).alias("weight"),
    )
    # Without weights a repeated edge counts once; with weights repeated edges' weights add,
    # as scipy's sum_duplicates does. Either way the out-degree counts distinct targets.
    merged = pairs.groupBy("source", "target").agg(
        (F.sum("weight") if weighted else F.lit(1.0)).alias("weight")
    )
    degree = merged.groupBy("source").agg(F.count(F.lit(1)).alias("degree"))
    # Cached, not checkpointed: a cached plan keeps its hash partitioning, which the
    # iterations' joins then reuse; a checkpoint's scan loses it and every edge would move.
    links = (
        merged.join(degree, "source")
        .select("source", "target", (F.col("weight") / F.col("degree")).alias("value"))
        .repartition(parts, "source")
        .persist()
    )
    links.count()
    passed = links.groupBy("source").agg(F.sum("value").alias("passed"))
    # rank.py: exactly 0 for a node with out-links when unweighted, not 1 - sum(1/degree).
    leak = (
        F.least(F.greatest(1.0 - F.col("passed"), F.lit(0.0)), F.lit(1.0))
        if weighted
        else F.lit(0.0)
    )
    has_out = passed.select(F.col("source").alias("node"), leak.alias("leak"))
    return links, has_out


def _materialise(ranks: DataFrame, iteration: int) -> DataFrame:
    """One iteration's ranks, kept with the plan cut there. Every iteration: its plan holds
    the previous ranks twice (votes in, and the change), so an uncut plan doubles in size each
    time. A local checkpoint is kept by the executors, filled by the first job that reads it
    (the iteration's aggregate, so one job an iteration, not two); every CHECKPOINT_EVERY
    iterations, if the SparkContext has a checkpoint directory, the ranks are written there
    instead, so a lost executor costs at most that many iterations again."""
    if iteration % CHECKPOINT_EVERY == 0 and ranks.sparkSession.sparkContext.getCheckpointDir():
        return ranks.checkpoint(eager=True)
    return ranks.localCheckpoint(eager=False)


def parse_memory(value: str, key: str = SPARK_DRIVER_MEMORY) -> int:
    """Bytes of a size written as Spark writes driver memory ("512m", "16g", "1t"; a bare
    number is MiB, as spark.driver.memory reads it); raises ValueError with BAD_MEMORY."""
    match = _SIZE.fullmatch(value.strip().lower())
    if not match:
        raise ValueError(BAD_MEMORY.format(key=key, value=value))
    return int(match[1]) * _UNITS[(match[2] or "m")[0]]


def driver_budget(conf: Mapping[str, str], available: int) -> int:
    """Bytes ranking in the driver may use: DRIVER_MEMORY_CONF if set; else, for a driver in
    the cluster, spark.driver.memory; else ``available``, this machine's free memory."""
    if conf.get(DRIVER_MEMORY_CONF):
        return parse_memory(conf[DRIVER_MEMORY_CONF], DRIVER_MEMORY_CONF)
    if conf.get(SPARK_DEPLOY_MODE) == "cluster":
        value = conf.get(SPARK_DRIVER_MEMORY) or SPARK_DEFAULT_DRIVER_MEMORY
        return parse_memory(value, SPARK_DRIVER_MEMORY)
    return available


def available_memory() -> int:
    """Bytes this machine can give a process now (MemAvailable), else its physical memory."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def session_budget(spark: SparkSession) -> int:
    """driver_budget of a running session's settings, on this machine."""
    keys = (DRIVER_MEMORY_CONF, SPARK_DRIVER_MEMORY, SPARK_DEPLOY_MODE)
    conf = {key: spark.conf.get(key, "") or "" for key in keys}
    return driver_budget(conf, available_memory())


def step_driver_bytes(node_count: int, edge_count: int) -> int:
    """The most bytes a rank step holds in the driver for a graph: rank.py's arrays
    (rank.driver_peak_bytes, with scipy's int64 indices past 2^31 edges) and what the step
    holds beside them (STEP_BYTES_PER_EDGE, STEP_BYTES_PER_NODE). Up to 2^31 edges: 100 bytes
    an edge and 64 a node; past it, 112 and 68."""
    beside = STEP_BYTES_PER_EDGE * edge_count + STEP_BYTES_PER_NODE * node_count
    return driver_peak_bytes(node_count, edge_count) + beside


def ranks_in_driver(node_count: int, edge_count: int, driver_memory: int) -> bool:
    """Whether a rank step over this graph (step_driver_bytes) fits in DRIVER_SHARE of
    ``driver_memory`` bytes; if not, the step ranks with rank_over_floor here, on the cluster."""
    return step_driver_bytes(node_count, edge_count) <= DRIVER_SHARE * driver_memory
