"""The distributed PageRank (builder/engines/spark_rank.py) against scoring/rank.py on the same
graphs, in Spark local mode: the same ranks to rounding, the same DA and PA from them."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from linkindex.builder.engines import spark_rank
from linkindex.builder.engines.spark_rank import (
    DRIVER_MEMORY_CONF,
    DRIVER_SHARE,
    driver_budget,
    parse_memory,
    ranks_in_driver,
    session_budget,
    step_driver_bytes,
)
from linkindex.builder.engines.spark_rank import rank_over_floor as spark_rank_over_floor
from linkindex.scoring import calibration, rank
from linkindex.scoring.evidence import linker_votes, page_depth

# Both engines run the same iterations; when they stop at the same one (asserted) they differ
# only in the order floats are summed. Every term is positive, so a reordered sum of m terms
# is off by at most m ulps relative, and an iteration adds no more than that to the error it
# inherits: after k iterations at most k x (largest in-degree + N, for the leak's sum) ulps,
# under 1e-11 for these graphs. 1e-9 leaves room and still catches any slip in the maths.
RELATIVE = 1e-9

# Hand-made shapes, each on its own block of node ids, ranked as one graph.
SHAPES = {
    "chain": [(0, 1), (1, 2), (2, 3), (3, 4)],  # 4 links nowhere: a dangling node
    "star in": [(i, 5) for i in range(6, 11)],
    "star out": [(11, i) for i in range(12, 17)],
    "cycle": [(17, 18), (18, 19), (19, 17)],
    "self-loop": [(20, 20), (20, 21)],
    "repeated edge": [(22, 23), (22, 23), (23, 22), (23, 24)],
}
HAND_NODES = 27  # 25 and 26 are linked by nobody and link nowhere


def _hand_edges() -> tuple[np.ndarray, np.ndarray]:
    pairs = np.array([edge for edges in SHAPES.values() for edge in edges])
    return pairs[:, 0], pairs[:, 1]


def _on_spark(spark, sources, targets, node_count, weights=None) -> tuple[np.ndarray, int]:
    columns = {"source": sources.astype(np.int32), "target": targets.astype(np.int32)}
    if weights is not None:
        columns["weight"] = weights
    edges = spark.createDataFrame(pa.table(columns))
    nodes = spark.range(node_count).withColumnRenamed("id", "node")
    result = spark_rank_over_floor(edges, nodes)
    table = result.ranks.toArrow().sort_by("node")
    assert table.column("node").to_pylist() == list(range(node_count))
    return table.column("rank").to_numpy(), result.iterations


def _in_driver(sources, targets, node_count, weights=None) -> tuple[np.ndarray, int]:
    transition, leak = rank.transition_matrix(sources, targets, node_count, weights)
    iterations = rank.power_iterate(transition, leak)[1]
    return rank.rank_over_floor(sources, targets, node_count, weights), iterations


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_hand_made_shapes_rank_as_in_the_driver(spark, monkeypatch, weighted):
    # Dangling nodes make these take 20-100 iterations to converge; capped at 4 on both sides,
    # the two must hold the very same iterate.
    monkeypatch.setattr(rank, "MAX_ITERATIONS", 4)
    sources, targets = _hand_edges()
    # Weights in [0, 1], one of them 0; the repeated edge's two weights add up.
    weights = np.linspace(0.0, 1.0, len(sources)) if weighted else None
    expected, expected_iterations = _in_driver(sources, targets, HAND_NODES, weights)
    got, iterations = _on_spark(spark, sources, targets, HAND_NODES, weights)
    assert iterations == expected_iterations == 4
    for shape, edges in SHAPES.items():
        block = sorted({node for edge in edges for node in edge})
        assert np.allclose(got[block], expected[block], rtol=RELATIVE, atol=0), shape
    assert np.allclose(got, expected, rtol=RELATIVE, atol=0)


def test_random_graph_converges_alike_and_gives_the_same_da_and_pa(spark):
    rng = np.random.default_rng(11)
    node_count = 2000
    sources, targets = rng.integers(0, node_count, (2, 20_000))
    keep = sources != targets
    sources, targets = sources[keep], targets[keep]
    # Weights drawn per edge: this graph converges in 13 iterations (weights of the source's
    # trust, as the build's, take 90 here, too slow for a test).
    weights = rng.uniform(0.0, 1.0, len(sources))
    trust = rng.uniform(0.0, 1.0, node_count)
    expected, expected_iterations = _in_driver(sources, targets, node_count, weights)
    got, iterations = _on_spark(spark, sources, targets, node_count, weights)
    assert iterations == expected_iterations < rank.MAX_ITERATIONS  # converged, not capped
    assert np.allclose(got, expected, rtol=RELATIVE, atol=0)

    # DA as authority.py sums it (votes by page depth), PA as a page's share of its group's
    # evidence: the same integers from either engine's ranks.
    scale = calibration.moz_scale()
    pages = rng.integers(1, 50, len(sources))
    group = rng.integers(0, 300, node_count)

    def scores(strength: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        votes = linker_votes(strength, trust)
        evidence = np.bincount(targets, votes[sources] * page_depth(pages), minlength=node_count)
        strongest = np.zeros(node_count)
        np.maximum.at(strongest, group, strength)
        share = strength / strongest[group] * evidence[group]
        return scale.score(evidence), scale.score(share)

    for ours, theirs in zip(scores(got), scores(expected), strict=True):
        assert np.array_equal(ours, theirs)


def test_no_nodes_no_ranks(spark):
    empty = np.array([], dtype=np.int32)
    got, iterations = _on_spark(spark, empty, empty, 0)
    assert len(got) == 0 and iterations == 0


def test_driver_memory_sizes_read_as_spark_reads_them():
    assert parse_memory("512m") == parse_memory("512") == 512 * 2**20  # bare: MiB
    assert parse_memory("16g") == parse_memory("16GB") == 16 * 2**30
    assert parse_memory("2048b") == 2048
    with pytest.raises(ValueError, match="512m, 16g or 1t"):
        parse_memory("lots")


def test_the_drivers_budget_is_the_setting_else_its_container_else_this_machine():
    free = 20 * 2**30
    # Local and client mode: the rank runs in this process, beside the JVM.
    assert driver_budget({}, free) == free
    assert driver_budget({"spark.driver.memory": "4g"}, free) == free
    cluster = {"spark.submit.deployMode": "cluster"}
    assert driver_budget(cluster, free) == 2**30  # Spark's default driver memory
    assert driver_budget({**cluster, "spark.driver.memory": "4g"}, free) == 4 * 2**30
    given = {**cluster, "spark.driver.memory": "4g", DRIVER_MEMORY_CONF: "64g"}
    assert driver_budget(given, free) == 64 * 2**30
    assert driver_budget({DRIVER_MEMORY_CONF: "1k"}, free) == 1024


def test_a_rank_step_stays_in_the_driver_up_to_its_share_of_the_budget():
    nodes, edges = 1_000, 10_000
    # The whole step (bench/bench_rank_memory.py): 100 bytes an edge and 64 a node.
    assert step_driver_bytes(nodes, edges) == 100 * edges + 64 * nodes
    budget = math.ceil(step_driver_bytes(nodes, edges) / DRIVER_SHARE)
    assert ranks_in_driver(nodes, edges, budget)  # at the line: the driver
    assert not ranks_in_driver(nodes, edges + 1, budget)  # an edge past it: the cluster
    assert not ranks_in_driver(nodes + 1, edges, budget)
    assert not ranks_in_driver(nodes, edges, budget - 2)
    # Past scipy's int32 indices rank.py holds 48 + 48, the step 112 an edge and 68 a node.
    past = rank.INT32_INDEX_LIMIT + 1
    assert step_driver_bytes(nodes, past) == 112 * past + 68 * nodes


def test_the_line_between_driver_and_cluster():
    gib = 2**30
    # Common Crawl's root-domain graph: 119M nodes, 4.3B edges (past scipy's int32 indices):
    # 456 GiB for the step, so a budget of 571 GiB.
    common_crawl = (119_000_000, 4_300_000_000)
    assert not ranks_in_driver(*common_crawl, 512 * gib)
    assert ranks_in_driver(*common_crawl, 576 * gib)
    # At its ratio of 36 edges a node: 8.4M edges fit Spark's default 1g, 135M fit 16 GiB.
    assert ranks_in_driver(8_400_000 // 36, 8_400_000, gib)
    assert not ranks_in_driver(8_500_000 // 36, 8_500_000, gib)
    assert ranks_in_driver(135_000_000 // 36, 135_000_000, 16 * gib)
    assert not ranks_in_driver(136_000_000 // 36, 136_000_000, 16 * gib)


def test_a_local_sessions_budget_is_this_machines_free_memory_unless_set(spark, monkeypatch):
    monkeypatch.setattr(spark_rank, "available_memory", lambda: 12_345_678)
    assert session_budget(spark) == 12_345_678
    # A key of linkindex's own, read from the session like --conf would have set it.
    spark.conf.set(DRIVER_MEMORY_CONF, "64g")
    try:
        assert session_budget(spark) == 64 * 2**30
    finally:
        spark.conf.unset(DRIVER_MEMORY_CONF)
