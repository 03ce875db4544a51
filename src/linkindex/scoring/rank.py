"""Link-graph centrality for the build: PageRank by power iteration on a scipy CSR matrix.

Pure numpy in, numpy out, so the Spark build can run the same algorithm on its own edge arrays.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

DAMPING = 0.85
TOLERANCE = 1e-10
MAX_ITERATIONS = 100
# scipy keeps a sparse matrix's indices as int32 up to this many entries, int64 past it.
INT32_INDEX_LIMIT = 2**31 - 1


def transition_matrix(
    sources: np.ndarray,
    targets: np.ndarray,
    node_count: int,
    weights: np.ndarray | None = None,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """The column-(sub)stochastic CSR matrix of the edges, and each node's leaked share.

    A node splits its vote evenly over its distinct out-links; ``weights`` (one per edge, in
    [0, 1]) scales the share an edge passes on, and what it does not pass (1 - weight) leaks,
    like the whole vote of a node without out-links, to every node evenly. Without weights a
    repeated edge still counts once; with weights the caller passes each edge once. Built in
    one CSR with the final values in place, so memory stays near the edge arrays' own size.
    """
    # COO -> CSR conversion sorts by row in C++; sum_duplicates then merges repeated edges
    # (np.unique on packed int64 keys was 7x slower here).
    data = np.ones(len(sources)) if weights is None else np.asarray(weights, dtype=np.float64)
    transition = sp.csr_matrix((data, (targets, sources)), shape=(node_count, node_count))
    transition.sum_duplicates()
    # Column j's entries are node j's out-links: each passes weight / out-degree of j.
    out_degree = np.bincount(transition.indices, minlength=node_count)
    if weights is None:
        transition.data = 1.0 / out_degree[transition.indices]
        return transition, (out_degree == 0).astype(np.float64)
    transition.data /= out_degree[transition.indices]
    passed = np.bincount(transition.indices, weights=transition.data, minlength=node_count)
    return transition, np.clip(1.0 - passed, 0.0, 1.0)


def power_iterate(transition: sp.csr_matrix, leak: np.ndarray) -> tuple[np.ndarray, int]:
    """Power iteration to TOLERANCE (L1); returns the ranks and the iterations it took."""
    node_count = transition.shape[0]
    rank = np.full(node_count, 1.0 / node_count)
    teleport = (1.0 - DAMPING) / node_count
    for iteration in range(1, MAX_ITERATIONS + 1):
        leaked_share = DAMPING * float(rank @ leak) / node_count
        updated = transition @ rank
        updated *= DAMPING
        updated += teleport + leaked_share
        change = np.abs(updated - rank).sum()
        rank = updated
        if change < TOLERANCE:
            return rank, iteration
    return rank, MAX_ITERATIONS


def pagerank(
    sources: np.ndarray,
    targets: np.ndarray,
    node_count: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """PageRank of ``node_count`` nodes over edges ``sources[i] -> targets[i]``.

    Leaked mass (nodes without out-links, edges weighted below 1) is spread evenly, so the
    result sums to 1 and does not depend on edge order.
    """
    return _ranks_and_leak(sources, targets, node_count, weights)[0]


def _ranks_and_leak(
    sources: np.ndarray, targets: np.ndarray, node_count: int, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    if node_count == 0:
        return np.zeros(0, dtype=np.float64), np.zeros(0, dtype=np.float64)
    transition, leak = transition_matrix(sources, targets, node_count, weights)
    return power_iterate(transition, leak)[0], leak


def rank_over_floor(
    sources: np.ndarray,
    targets: np.ndarray,
    node_count: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Each node's PageRank over the PageRank of a node nobody links to.

    That floor is the teleport plus the evenly spread leak, the same for every node, so the
    ratio x solves x = 1 + DAMPING * M x: it depends only on the node's own neighbourhood, not
    on the size of the graph nor on parts of it that do not link to the node. 1 when unlinked.
    """
    rank, leak = _ranks_and_leak(sources, targets, node_count, weights)
    if node_count == 0:
        return rank
    floor = ((1.0 - DAMPING) + DAMPING * float(rank @ leak)) / node_count
    return rank / floor


def driver_peak_bytes(node_count: int, edge_count: int) -> int:
    """The most bytes rank_over_floor holds at once, its int32 sources and targets and float64
    weights included (16 bytes an edge), counted from the code above.

    Per edge: the inputs, the CSR's float64 value and int32 index (12), and while dividing by
    the out-degree an int64 gather of it (8): 36. Per node: row pointers (4), and while
    iterating the leak, rank and update vectors and the change's two temporaries (5 x 8): 44.
    Past INT32_INDEX_LIMIT edges scipy makes int64 indices and int64 copies of the coordinates
    while converting: 16 + 16 + 16 = 48 an edge, 8 + 40 a node. Measured: docs/architecture.md.
    """
    if edge_count > INT32_INDEX_LIMIT:
        return 48 * edge_count + 48 * node_count
    return 36 * edge_count + 44 * node_count
