"""The organic body of the link graph and what it reaches (scoring/organic_reach.py)."""

from __future__ import annotations

import numpy as np

from linkindex.scoring.organic_reach import reached_from_core


def edges(*pairs: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([s for s, _ in pairs]), np.array([t for _, t in pairs])


def test_two_sites_linking_each_other_are_a_body_and_reach_what_they_link_to():
    # 0 <-> 1 link both ways; 1 links 2; 3 links 0 but nothing links 3.
    sources, targets = edges((0, 1), (1, 0), (1, 2), (3, 0))
    reached = reached_from_core(sources, targets, np.zeros(4, dtype=bool))
    assert reached.tolist() == [True, True, True, False]


def test_a_ring_of_pushers_is_no_body_however_large_and_what_it_pushes_stays_unreached():
    ring = [(i, (i + 1) % 12) for i in range(12)] + [(i, 12) for i in range(12)]
    sources, targets = edges(*ring)
    pushers = np.array([True] * 12 + [False])
    assert not reached_from_core(sources, targets, pushers).any()


def test_a_body_is_judged_on_its_own_members_so_an_unrelated_graph_changes_nothing():
    sources, targets = edges((0, 1), (1, 0), (1, 2))
    alone = reached_from_core(sources, targets, np.zeros(3, dtype=bool))
    # Beside it, a pushers' ring of 3 (nodes 3-5) and an organic pair (6, 7).
    more_s, more_t = edges((0, 1), (1, 0), (1, 2), (3, 4), (4, 5), (5, 3), (6, 7), (7, 6))
    pushers = np.array([False, False, False, True, True, True, False, False])
    together = reached_from_core(more_s, more_t, pushers)
    assert together[:3].tolist() == alone.tolist()
    assert together.tolist()[3:] == [False, False, False, True, True]


def _ring_of(size: int, pushing: int) -> bool:
    """Whether a ring of ``size`` root domains, ``pushing`` of them pushers, is organic body."""
    sources, targets = edges(*[(i, (i + 1) % size) for i in range(size)])
    pushers = np.arange(size) < pushing
    return bool(reached_from_core(sources, targets, pushers).all())


def test_a_set_of_which_at_most_a_third_push_is_organic():
    assert _ring_of(3, 1)  # a blog that sold a post, and the two friends it links in a circle
    assert _ring_of(9, 3)


def test_a_set_of_which_more_than_a_third_push_is_a_network():
    assert not _ring_of(8, 3)  # the farm that "under half" took for organic
    assert not _ring_of(2, 1)
