"""Which root domains the organic body of the link graph reaches by followed links.

The body: every strongly connected set of root domains at most a third of which push with keywords.
A network of pushers that nothing outside it links to stays unreached, however it interlinks.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

# Root domains that link to each other both ways, directly or round a cycle, form a strongly
# connected set; one with at most this share of pushers belongs to the organic body. Each set
# is judged on its own members, so an unrelated web added to the index changes nothing. With
# "under half" (the first rule) a farm of eight, three of which push with keywords, passed as
# organic, and its other five then showed no evidence of manipulation (docs/metrics.md).
PUSHER_SHARE = Fraction(1, 3)


def reached_from_core(sources: np.ndarray, targets: np.ndarray, pushers: np.ndarray) -> np.ndarray:
    """bool[nodes]: in a strongly connected set of 2+ nodes at most PUSHER_SHARE pushers, or
    reachable from one. ``pushers`` is bool[nodes]."""
    nodes = len(pushers)
    if nodes == 0 or len(sources) == 0:
        return np.zeros(nodes, dtype=bool)
    # One extra node links to every core node: a breadth-first walk from it reaches exactly
    # what the core reaches (scipy walks from one node).
    graph = sp.csr_matrix((np.ones(len(sources)), (sources, targets)), shape=(nodes, nodes))
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels)
    pushing = np.bincount(labels, weights=pushers.astype(np.float64))
    # In whole numbers: pushing / sizes <= numerator / denominator.
    share = PUSHER_SHARE
    organic = (sizes >= 2) & (pushing * share.denominator <= share.numerator * sizes)
    core = np.flatnonzero(organic[labels])
    if core.size == 0:
        return np.zeros(nodes, dtype=bool)
    start = nodes
    rows = np.concatenate([sources, np.full(len(core), start)])
    cols = np.concatenate([targets, core])
    walk = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(nodes + 1, nodes + 1))
    order = breadth_first_order(walk, start, directed=True, return_predecessors=False)
    reached = np.zeros(nodes + 1, dtype=bool)
    reached[order] = True
    return reached[:nodes]
