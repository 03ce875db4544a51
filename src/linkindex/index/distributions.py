"""The 13 link distributions of a target (spec 2.5): its linking root domains and pages counted
in 10 buckets of the linkers' own root-domain count, Domain Authority or Spam Score.

Read from the linking-root tables of a snapshot; Snapshot.url_distributions exposes it.
"""

from __future__ import annotations

import sqlite3

from linkindex.index.schema import linking_root_table
from linkindex.urls import CanonicalURL

BUCKETS = 10

# The 13 arrays in the order of spec 2.5.
DISTRIBUTION_NAMES: tuple[str, ...] = (
    "root_domains_to_page_by_root_domains",
    "root_domains_to_root_domain_by_root_domains",
    "nofollow_root_domains_to_root_domain_by_root_domains",
    "root_domains_to_page_by_domain_authority",
    "root_domains_to_subdomain_by_domain_authority",
    "root_domains_to_root_domain_by_domain_authority",
    "nofollow_root_domains_to_root_domain_by_domain_authority",
    "pages_to_root_domain_by_spam_score",
    "nofollow_pages_to_root_domain_by_spam_score",
    "root_domains_to_page_by_spam_score",
    "root_domains_to_subdomain_by_spam_score",
    "root_domains_to_root_domain_by_spam_score",
    "nofollow_root_domains_to_root_domain_by_spam_score",
)

# Bucket numbers, 0-9. By root domains: [0, 1-9, 10-99, ..., 100000000+], i.e. the number of
# decimal digits. By DA or Spam Score: [1-10, 11-20, ..., 91-100]. A linker without a Spam
# Score (-1) has spam bucket -1 and is left out of the by_spam_score arrays. The build groups
# heavily linked targets the same way ahead of time (builder/page_lists.py, distribution_groups).
ROOT_DOMAINS_BUCKET_SQL = "CASE WHEN n <= 0 THEN 0 ELSE min(length(CAST(n AS TEXT)), 9) END"
SCORE_BUCKET_SQL = "max(0, min(9, ({v} - 1) / 10))"
_BUCKETED = f"""
SELECT {ROOT_DOMAINS_BUCKET_SQL} AS by_rd,
       {SCORE_BUCKET_SQL.format(v="da")} AS by_da,
       CASE WHEN spam < 0 THEN -1 ELSE {SCORE_BUCKET_SQL.format(v="spam")} END AS by_spam,
       has_follow = 0 AS nofollow_only,
       count(*) AS roots, sum(pages) AS pages, sum(nofollow_pages) AS nofollow_pages
FROM (
    SELECT root_domains_to_root_domain AS n, -neg_domain_authority AS da,
           -neg_spam_score AS spam, has_follow, pages, nofollow_pages
    FROM {{table}} WHERE target = ? AND pages > 0
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
    arrays = {name: [0] * BUCKETS for name in DISTRIBUTION_NAMES}

    def add(name: str, bucket: int | None, amount: int) -> None:
        if bucket is not None:
            arrays[name][bucket] += amount

    for scope, key in (
        ("page", target.page),
        ("subdomain", target.subdomain),
        ("root_domain", target.root_domain),
    ):
        for by_rd, by_da, spam, nofollow_only, roots, pages, nofollow_pages in _groups(
            con, scope, key
        ):
            by_spam = spam if spam >= 0 else None
            add(f"root_domains_to_{scope}_by_domain_authority", by_da, roots)
            add(f"root_domains_to_{scope}_by_spam_score", by_spam, roots)
            if scope == "page":
                add("root_domains_to_page_by_root_domains", by_rd, roots)
            if scope != "root_domain":
                continue
            add("root_domains_to_root_domain_by_root_domains", by_rd, roots)
            add("pages_to_root_domain_by_spam_score", by_spam, pages)
            add("nofollow_pages_to_root_domain_by_spam_score", by_spam, nofollow_pages)
            if nofollow_only:
                add("nofollow_root_domains_to_root_domain_by_root_domains", by_rd, roots)
                add("nofollow_root_domains_to_root_domain_by_domain_authority", by_da, roots)
                add("nofollow_root_domains_to_root_domain_by_spam_score", by_spam, roots)
    return arrays


def _groups(con: sqlite3.Connection, scope: str, key: str) -> list[tuple]:
    """A heavily linked target's groups were made by the build; others are made here, from at
    most DISTRIBUTION_PRECOMPUTE_MIN rows."""
    rows = con.execute(_PREGROUPED, (scope, key)).fetchall()
    if rows:
        return rows
    return con.execute(_BUCKETED.format(table=linking_root_table(scope)), (key,)).fetchall()
