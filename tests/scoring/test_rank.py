"""PageRank and the 1-100 scale, checked against a dense computation written out here."""

from __future__ import annotations

import numpy as np

from linkindex.scoring.rank import pagerank


def dense_pagerank(sources: np.ndarray, targets: np.ndarray, n: int) -> np.ndarray:
    adjacency = np.zeros((n, n))
    adjacency[targets, sources] = 1.0  # a repeated edge is one vote
    degree = adjacency.sum(axis=0)
    columns = np.where(degree > 0, adjacency / np.where(degree == 0, 1, degree), 1.0 / n)
    google = 0.85 * columns + 0.15 / n
    rank = np.full(n, 1.0 / n)
    for _ in range(1000):
        rank = google @ rank
    return rank


def random_graph(seed: int, n: int, edges: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sources, targets = rng.integers(0, n, edges), rng.integers(0, n, edges)
    keep = sources != targets
    return sources[keep], targets[keep]


def test_pagerank_equals_the_dense_google_matrix_power_iteration():
    sources, targets = random_graph(3, 200, 1500)
    assert np.allclose(pagerank(sources, targets, 200), dense_pagerank(sources, targets, 200),
                       atol=1e-9)  # fmt: skip


def test_ranks_sum_to_one_with_dangling_nodes():
    sources, targets = np.array([0, 1, 2]), np.array([1, 2, 3])  # node 3 links nowhere
    assert abs(pagerank(sources, targets, 5).sum() - 1.0) < 1e-12


def test_duplicate_edges_count_once():
    once = pagerank(np.array([0, 1]), np.array([1, 2]), 3)
    twice = pagerank(np.array([0, 0, 1]), np.array([1, 1, 2]), 3)
    assert np.allclose(once, twice)


def test_edge_order_does_not_matter():
    sources, targets = random_graph(5, 100, 600)
    order = np.random.default_rng(1).permutation(len(sources))
    assert np.allclose(pagerank(sources, targets, 100),
                       pagerank(sources[order], targets[order], 100))  # fmt: skip


def dense_weighted_pagerank(
    sources: np.ndarray, targets: np.ndarray, weights: np.ndarray, n: int
) -> np.ndarray:
    """Each node passes weight/out-degree of its rank per edge; what it keeps back goes to all."""
    degree = np.bincount(sources, minlength=n)
    passing = np.zeros((n, n))
    passing[targets, sources] = weights / degree[sources]
    leak = 1.0 - passing.sum(axis=0)
    google = 0.85 * (passing + np.outer(np.ones(n), leak) / n) + 0.15 / n
    rank = np.full(n, 1.0 / n)
    for _ in range(1000):
        rank = google @ rank
    return rank


def unique_edges(sources: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.unique(np.column_stack([sources, targets]), axis=0)
    return pairs[:, 0], pairs[:, 1]


def test_weighted_pagerank_equals_the_dense_computation():
    sources, targets = unique_edges(*random_graph(4, 150, 1200))
    weights = np.random.default_rng(2).uniform(0.0, 1.0, len(sources))
    expected = dense_weighted_pagerank(sources, targets, weights, 150)
    assert np.allclose(pagerank(sources, targets, 150, weights), expected, atol=1e-9)


def test_weights_of_one_are_plain_pagerank():
    sources, targets = unique_edges(*random_graph(6, 100, 500))
    assert np.allclose(pagerank(sources, targets, 100, np.ones(len(sources))),
                       pagerank(sources, targets, 100), atol=1e-12)  # fmt: skip


def test_a_zero_weight_edge_passes_nothing():
    # 0 -> 2 carries weight 0: node 2 ranks like node 3, which nobody links to.
    rank = pagerank(np.array([0, 1]), np.array([2, 4]), 5, np.array([0.0, 1.0]))
    assert abs(rank[2] - rank[3]) < 1e-12
    assert abs(rank.sum() - 1.0) < 1e-12


def test_rank_over_floor_solves_x_equals_1_plus_damped_votes_whatever_else_is_in_the_graph():
    from linkindex.scoring.rank import DAMPING, rank_over_floor

    rng = np.random.default_rng(5)
    sources, targets = rng.integers(0, 40, 300), rng.integers(0, 40, 300)
    keep = sources != targets
    sources, targets = sources[keep], targets[keep]
    x = rank_over_floor(sources, targets, 40)
    # Dense check: each node splits its vote evenly over its distinct out-links.
    m = np.zeros((40, 40))
    m[targets, sources] = 1.0
    m /= np.maximum(m.sum(axis=0), 1)
    assert np.allclose(x, np.linalg.solve(np.eye(40) - DAMPING * m, np.ones(40)), atol=1e-6)
    # A disconnected second graph beside it changes nothing.
    beside = rank_over_floor(
        np.concatenate([sources, sources + 40]),
        np.concatenate([targets, [40 + (i * 7) % 40 for i in targets]]),
        80,
    )
    assert np.allclose(beside[:40], x, atol=1e-6)


def test_driver_peak_bytes_bounds_what_rank_over_floor_allocates():
    import tracemalloc

    from linkindex.scoring.rank import driver_peak_bytes, rank_over_floor

    nodes = 50_000
    sources, targets = unique_edges(*random_graph(8, nodes, 500_000))
    sources, targets = sources.astype(np.int32), targets.astype(np.int32)
    weights = np.random.default_rng(3).uniform(0.0, 1.0, len(sources))
    tracemalloc.start()  # numpy reports its arrays to tracemalloc
    try:
        rank_over_floor(sources, targets, nodes, weights)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    held = peak + sources.nbytes + targets.nbytes + weights.nbytes
    # The formula adds each phase's largest arrays, so it is a bound, and a close one.
    assert 0.85 * driver_peak_bytes(nodes, len(sources)) < held
    assert held <= driver_peak_bytes(nodes, len(sources))
