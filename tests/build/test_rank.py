"""PageRank and the 1-100 scale, checked against a dense computation written out here."""

from __future__ import annotations

import numpy as np

from linkindex.build.rank import pagerank, scale_1_100


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


def test_scale_maps_the_weakest_to_1_and_the_strongest_to_100_on_a_log_scale():
    scores = scale_1_100(np.array([1e-6, 1e-5, 1e-2]))
    assert scores.tolist() == [1, 26, 100]  # 1 + 99 * ln(10) / ln(10^4) = 25.75
