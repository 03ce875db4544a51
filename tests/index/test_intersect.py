"""Link intersect's combining (index/intersect.py) on heavy-sized generated targets: every sort,
minimum, negative and page boundary gives what the plain computation over Python dicts gives."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from linkindex.index.intersect import ranked
from linkindex.index.linking_sources import Sources, from_rows

SORTS = ("matching_target_count", "source_spam_score", "source_domain_authority")
LIMIT = 50


def plain(negatives: list[dict], positives: list[dict], sort, minimum, after, limit) -> list:
    """The definition: each target's sources as {source: (DA, spam)}, combined in Python."""
    excluded = set().union(*negatives)
    matches: dict = {}
    scores: dict = {}
    for index, sources in enumerate(positives):
        for source, score in sources.items():
            if source not in excluded:
                matches.setdefault(source, []).append(index)
                scores[source] = score

    def key(source) -> tuple:
        da, spam = scores[source]
        if sort == "matching_target_count":
            return (-len(matches[source]), -da, source)
        if sort == "source_spam_score":
            return (-spam, source)
        return (-da, source)

    keys = sorted(key(s) for s, found in matches.items() if len(found) >= minimum)
    if after is not None:
        keys = [k for k in keys if k > tuple(after)]
    return [(k[-1], *scores[k[-1]], matches[k[-1]], k) for k in keys[:limit]]


def generated(seed: int, names: bool) -> list[dict]:
    """Four targets of 10,000 to 30,000 sources drawn from 50,000, so they overlap; a
    source's DA and spam are its own whichever target lists it."""
    rng = random.Random(seed)
    universe = [f"s{n:06d}.com" if names else n * 7 for n in range(50_000)]
    scores = {source: (rng.randrange(101), rng.randrange(18)) for source in universe}
    return [
        {s: scores[s] for s in rng.sample(universe, rng.randrange(10_000, 30_000))}
        for _ in range(4)
    ]


def arrays(sources: dict, names: bool) -> Sources:
    return from_rows([(s, da, spam) for s, (da, spam) in sources.items()], names=names)


def pages(negatives, positives, sort, minimum, names, count=3) -> list[list]:
    """The first ``count`` pages, each after the last row of the one before."""
    found, after = [], None
    for _ in range(count):
        page = ranked(
            [arrays(n, names) for n in negatives],
            [arrays(p, names) for p in positives],
            sort, minimum, after, LIMIT,
        )  # fmt: skip
        found.append([(m.source, m.domain_authority, m.spam_score, *m[3:]) for m in page])
        after = page[-1].cursor if page else None
    return found


def plain_pages(negatives, positives, sort, minimum, count=3) -> list[list]:
    found, after = [], None
    for _ in range(count):
        page = plain(negatives, positives, sort, minimum, after, LIMIT)
        found.append(page)
        after = page[-1][-1] if page else None
    return found


@pytest.mark.parametrize("names", [False, True], ids=["page ids", "root domain names"])
def test_every_sort_and_minimum_pages_as_the_plain_computation(names):
    targets = generated(1, names)
    for sort, minimum in itertools.product(SORTS, (1, 3)):
        expected = plain_pages([], targets[:3], sort, minimum)
        assert pages([], targets[:3], sort, minimum, names) == expected, (sort, minimum)


@pytest.mark.parametrize("names", [False, True], ids=["page ids", "root domain names"])
def test_a_negative_target_removes_its_sources(names):
    targets = generated(2, names)
    for sort in SORTS:
        expected = plain_pages(targets[3:], targets[:3], sort, 1)
        assert pages(targets[3:], targets[:3], sort, 1, names) == expected, sort


def test_a_page_after_a_key_no_source_has_starts_where_that_key_would_be():
    targets = generated(3, False)
    for after in [(-2, -50, 1), (-1, -100, -5), (-3, 0, 10**9), (-2, -50, 350_001)]:
        got = ranked([], [arrays(t, False) for t in targets[:2]], SORTS[0], 1, after, LIMIT)
        expected = plain([], targets[:2], SORTS[0], 1, after, LIMIT)
        assert [(m.source, m.domain_authority, m.spam_score, *m[3:]) for m in got] == expected


def test_a_source_listed_by_no_positive_target_or_every_one_removed_gives_an_empty_page():
    empty = from_rows([])
    one = from_rows([(5, 40, 2)])
    assert ranked([], [empty, empty], SORTS[0], 1, None, LIMIT) == []
    assert ranked([one], [one], SORTS[0], 1, None, LIMIT) == []


def test_cursors_and_values_are_python_numbers_for_the_next_token():
    got = ranked([], [from_rows([(5, 40, 2)]), from_rows([(5, 40, 2)])], SORTS[0], 1, None, 1)
    assert got[0].cursor == (-2, -40, 5)
    assert all(type(v) is int for v in (*got[0].cursor, got[0].source, got[0].domain_authority))
    assert not any(isinstance(v, np.generic) for v in got[0].matching_target_indexes)


def test_a_source_read_twice_keeps_the_scores_of_its_last_row():
    found = from_rows([(5, 40, 2), (6, 10, 1), (5, 41, 3)])
    assert dict(zip(found.sources.tolist(), found.domain_authorities.tolist(), strict=True)) == {
        5: 41,
        6: 10,
    }
    assert sorted(found.spam_scores.tolist()) == [1, 3]
