"""Link intersect's combining: the sources linking to enough positive targets and to none of the
negative ones, ranked in a sort's order, one page of them; numpy over each target's arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from linkindex.index.linking_sources import Sources


class Match(NamedTuple):
    source: int | str  # a page id, or a root domain name
    domain_authority: int
    spam_score: int
    matching_target_indexes: list[int]
    cursor: tuple  # the sort's key: the page goes on after it


def ranked(
    negatives: Sequence[Sources],
    positives: Sequence[Sources],
    sort: str,
    minimum_matching: int,
    after: tuple | None,
    limit: int,
) -> list[Match]:
    """The page of sources after ``after`` in ``sort``'s key: matching_target_count sorts by
    (-matching targets, -DA, source), source_spam_score by (-Spam Score, source), otherwise by
    (-DA, source). A source's scores are those its last matching target gave."""
    sources = np.concatenate([p.sources for p in positives])
    targets = np.concatenate([np.full(len(p.sources), n) for n, p in enumerate(positives)])
    authorities = np.concatenate([p.domain_authorities for p in positives])
    spam = np.concatenate([p.spam_scores for p in positives])
    if negatives:
        kept = ~np.isin(sources, np.concatenate([n.sources for n in negatives]))
        sources, targets = sources[kept], targets[kept]
        authorities, spam = authorities[kept], spam[kept]
    if not len(sources):
        return []
    # A stable sort groups each source's entries with its targets ascending (a packed target's
    # sources are already in order, and timsort merges such runs in about linear time); a
    # group's last entry is the last target that matched it.
    grouped = np.argsort(sources, kind="stable")
    ordered = sources[grouped]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    names = ordered[starts]
    ends = np.append(starts[1:], len(ordered)).astype(np.int64)
    counts = ends - starts
    last = grouped[ends - 1]
    authority, spam_score = authorities[last], spam[last]
    rank = np.arange(len(names))  # names are sorted: a source's rank orders it as its name does
    if sort == "matching_target_count":
        columns = [-counts, -authority, rank]
    elif sort == "source_spam_score":
        columns = [-spam_score, rank]
    else:
        columns = [-authority, rank]
    chosen = counts >= minimum_matching
    if after is not None:
        chosen &= _after(columns, tuple(after), names)
    picked = np.flatnonzero(chosen)
    page = picked[_first(_one_key([c[picked] for c in columns]), limit)]
    matches = []
    for n in page.tolist():
        source = names[n].item()
        found = targets[grouped[starts[n] : ends[n]]].tolist()
        cursor = (*(int(c[n]) for c in columns[:-1]), source)
        matches.append(Match(source, int(authority[n]), int(spam_score[n]), found, cursor))
    return matches


def _after(columns: list[np.ndarray], after: tuple, names: np.ndarray) -> np.ndarray:
    """Whether each source's key comes after ``after`` (tuples compared as Python does)."""
    # The last key is the source: a rank at or past the names up to after's comes after it.
    bounds = [*after[:-1], int(np.searchsorted(names, after[-1], side="right")) - 1]
    later = np.zeros(len(names), dtype=bool)
    equal = np.ones(len(names), dtype=bool)
    for column, bound in zip(columns, bounds, strict=True):
        later |= equal & (column > bound)
        equal &= column == bound
    return later


def _one_key(columns: list[np.ndarray]) -> np.ndarray:
    """The columns as one int64 key that orders as the tuples do: each column's offset from its
    least value, in mixed radix. The last column is the rank, unique, so the keys are too; the
    widths' product (targets x 101 DA or Spam Score values x sources) is far below 2**63."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        if not len(column):
            break
        low = int(column.min())
        width = int(column.max()) - low + 1
        key = key * width + (column - low)
    return key


def _first(key: np.ndarray, limit: int) -> np.ndarray:
    """The places of the ``limit`` least keys, least first: a partition, then a small sort."""
    if limit < len(key):
        near = np.argpartition(key, limit)[:limit]
        return near[np.argsort(key[near])]
    return np.argsort(key)
