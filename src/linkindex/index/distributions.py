"""The 13 link distributions of a target (spec 2.5, declared in linkindex.link_metrics), read
from the linking-root tables of a snapshot; Snapshot.url_distributions exposes it.
"""

from __future__ import annotations

import sqlite3

from linkindex.index.schema import linking_root_table
from linkindex.link_metrics import (
    BUCKET_COUNT,
    BUCKETS,
    DISTRIBUTIONS,
    LINKING_ROOT_ATTRIBUTE_COLUMNS,
    LIVE,
    NOFOLLOW,
    SCOPES,
    sql,
)
from linkindex.urls import CanonicalURL

# The 13 arrays in the order of spec 2.5.
DISTRIBUTION_NAMES: tuple[str, ...] = tuple(d.name for d in DISTRIBUTIONS)

# Bucket numbers 0-9 of link_metrics.BUCKETS; a linker without a Spam Score has spam bucket -1
# and is left out of the by_spam_score arrays. The build groups heavily linked targets the same
# way ahead of time (builder/page_lists.py, distribution_groups).
_ROOT_ATTRIBUTES = LINKING_ROOT_ATTRIBUTE_COLUMNS
_BUCKETED = f"""
SELECT {BUCKETS["root_domains"].sql("n")} AS by_rd,
       {BUCKETS["domain_authority"].sql("da")} AS by_da,
       {BUCKETS["spam_score"].sql("spam")} AS by_spam,
       {sql(NOFOLLOW, _ROOT_ATTRIBUTES)} AS nofollow_only,
       count(*) AS roots, sum(pages) AS pages, sum(nofollow_pages) AS nofollow_pages
FROM (
    SELECT root_domains_to_root_domain AS n, -neg_domain_authority AS da,
           -neg_spam_score AS spam, has_follow, pages, nofollow_pages
    FROM {{table}} WHERE target = ? AND {sql(LIVE, _ROOT_ATTRIBUTES)}
)
GROUP BY by_rd, by_da, by_spam, nofollow_only
"""
_PREGROUPED = (
    "SELECT by_root_domains, by_domain_authority, by_spam_score, nofollow_only, roots, pages,"
    " nofollow_pages FROM distribution_groups WHERE scope = ? AND target = ?"
)


def url_distributions(con: sqlite3.Connection, target: CanonicalURL) -> dict[str, list[int]]:
    """The 13 arrays for a target; all zeros for a target nothing links to.

    Only other root domains link to a target at any scope (the linking-root tables hold no
    others), so each array sums to its metric, less the linkers without a Spam Score."""
    arrays = {name: [0] * BUCKET_COUNT for name in DISTRIBUTION_NAMES}
    for scope in SCOPES:
        wanted = [d for d in DISTRIBUTIONS if d.scope == scope]
        for by_rd, by_da, by_spam, nofollow_only, roots, pages, nofollow_pages in _groups(
            con, scope, target.key(scope)
        ):
            # A group's linking root domains (all live) and their pages, by count.
            amounts = {
                "root_domains": roots,
                "nofollow_root_domains": roots if nofollow_only else 0,
                "pages": pages,
                "nofollow_pages": nofollow_pages,
            }
            buckets = {"root_domains": by_rd, "domain_authority": by_da, "spam_score": by_spam}
            for d in wanted:
                bucket = buckets[d.by]
                if bucket is not None and bucket >= 0:
                    arrays[d.name][bucket] += amounts[d.count]
    return arrays


def _groups(con: sqlite3.Connection, scope: str, key: str) -> list[tuple]:
    """A heavily linked target's groups were made by the build; others are made here, from at
    most DISTRIBUTION_PRECOMPUTE_MIN rows."""
    rows = con.execute(_PREGROUPED, (scope, key)).fetchall()
    if rows:
        return rows
    return con.execute(_BUCKETED.format(table=linking_root_table(scope)), (key,)).fetchall()
