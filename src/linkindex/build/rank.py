"""Link-graph centrality for the build: PageRank by power iteration on a scipy CSR matrix.

Pure numpy in, numpy out, so the Spark build can run the same algorithm on its own edge arrays.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

DAMPING = 0.85
TOLERANCE = 1e-10
MAX_ITERATIONS = 100


def transition_matrix(
    sources: np.ndarray, targets: np.ndarray, node_count: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    """The column-stochastic CSR matrix of unweighted edges, and the mask of dangling nodes.

    Duplicate edges count once (a repeated edge is still one vote). Built in one CSR with the
    1/out-degree weights already in place, so memory stays near the edge arrays' own size.
    """
    # COO -> CSR conversion sorts by row in C++; sum_duplicates then merges repeated edges
    # (np.unique on packed int64 keys was 7x slower here).
    transition = sp.csr_matrix(
        (np.ones(len(sources)), (targets, sources)), shape=(node_count, node_count)
    )
    transition.sum_duplicates()
    # Column j's entries are node j's out-links: weight each 1/out-degree, in place.
    out_degree = np.bincount(transition.indices, minlength=node_count)
    transition.data = 1.0 / out_degree[transition.indices]
    return transition, out_degree == 0


def power_iterate(transition: sp.csr_matrix, dangling: np.ndarray) -> tuple[np.ndarray, int]:
    """Power iteration to TOLERANCE (L1); returns the ranks and the iterations it took."""
    node_count = transition.shape[0]
    rank = np.full(node_count, 1.0 / node_count)
    teleport = (1.0 - DAMPING) / node_count
    dangling_nodes = np.flatnonzero(dangling)
    for iteration in range(1, MAX_ITERATIONS + 1):
        dangling_share = DAMPING * rank[dangling_nodes].sum() / node_count
        updated = transition @ rank
        updated *= DAMPING
        updated += teleport + dangling_share
        change = np.abs(updated - rank).sum()
        rank = updated
        if change < TOLERANCE:
            return rank, iteration
    return rank, MAX_ITERATIONS


def pagerank(sources: np.ndarray, targets: np.ndarray, node_count: int) -> np.ndarray:
    """PageRank of ``node_count`` nodes over unweighted edges ``sources[i] -> targets[i]``.

    Duplicate edges count once; the mass of nodes without out-links is spread evenly, so
    the result sums to 1 and does not depend on edge order.
    """
    if node_count == 0:
        return np.zeros(0, dtype=np.float64)
    transition, dangling = transition_matrix(sources, targets, node_count)
    return power_iterate(transition, dangling)[0]


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
