"""Link-graph centrality for the build: PageRank by power iteration on a scipy CSR matrix.

Pure numpy in, numpy out, so the Spark build can run the same algorithm on its own edge arrays.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

DAMPING = 0.85
TOLERANCE = 1e-10
MAX_ITERATIONS = 100


def pagerank(sources: np.ndarray, targets: np.ndarray, node_count: int) -> np.ndarray:
    """PageRank of ``node_count`` nodes over unweighted edges ``sources[i] -> targets[i]``.

    Duplicate edges count once; the mass of nodes without out-links is spread evenly, so
    the result sums to 1 and does not depend on edge order.
    """
    if node_count == 0:
        return np.zeros(0, dtype=np.float64)
    adjacency = sp.csr_matrix(
        (np.ones(len(sources), dtype=np.float64), (targets, sources)),
        shape=(node_count, node_count),
    )
    adjacency.sum_duplicates()
    adjacency.data[:] = 1.0  # a repeated edge is still one vote
    out_degree = np.asarray(adjacency.sum(axis=0)).ravel()
    dangling = out_degree == 0
    inverse_degree = np.divide(1.0, out_degree, out=np.zeros_like(out_degree), where=~dangling)
    # Column-normalise once so each iteration is a single CSR mat-vec.
    transition = adjacency @ sp.diags(inverse_degree)
    transition = sp.csr_matrix(transition)
    rank = np.full(node_count, 1.0 / node_count)
    teleport = (1.0 - DAMPING) / node_count
    for _ in range(MAX_ITERATIONS):
        dangling_share = DAMPING * rank[dangling].sum() / node_count
        updated = DAMPING * (transition @ rank) + teleport + dangling_share
        if np.abs(updated - rank).sum() < TOLERANCE:
            rank = updated
            break
        rank = updated
    return rank


def scale_1_100(rank: np.ndarray) -> np.ndarray:
    """Log-scale ranks onto integer scores 1..100 (the floor of the graph maps to 1).

    Moz describes its scores as log-transformed inputs rescaled linearly to 1-100, which makes
    a step from 70 to 80 much harder than one from 20 to 30; this keeps that shape.
    """
    if rank.size == 0:
        return np.zeros(0, dtype=np.int16)
    logs = np.log(rank)
    low, high = logs.min(), logs.max()
    if high - low < 1e-12:
        return np.ones(rank.size, dtype=np.int16)
    scores = 1.0 + 99.0 * (logs - low) / (high - low)
    return np.clip(np.rint(scores), 1, 100).astype(np.int16)
