"""The page lists a build hands to the index: top pages per subdomain and root domain, the
global top 500 pages and root domains, and each page's live HTTP redirect.

One SELECT per table, columns in schema order; outputs.table_queries() appends them.
"""

from __future__ import annotations

from linkindex.builder.steps import Output
from linkindex.index import schema
from linkindex.link_metrics import BUCKETS, LINKING_ROOT_ATTRIBUTE_COLUMNS, NOFOLLOW, sql

# Every page the index knows (crawled or only linked to), with the values the top_pages sorts
# and filters read; the same expressions as the pages table, so the two never disagree.
_PAGE_VALUES = """
SELECT n.page, n.subdomain, n.root_domain,
       coalesce(s.page_authority, 1)::INTEGER AS page_authority,
       coalesce(c.root_domains_to, 0) AS root_domains_to_page,
       coalesce(c.external_pages_to, 0) AS external_pages_to_page,
       coalesce(pl.http_status, 0)::INTEGER AS http_code
FROM page_nodes n
LEFT JOIN page_latest pl ON pl.page = n.page
LEFT JOIN counts_to_page c ON c.target = n.page
LEFT JOIN page_scores s ON s.page = n.page
"""


def top_pages_sql(scope: str) -> str:
    return f"""
SELECT {scope} AS target, page, page_authority, root_domains_to_page, external_pages_to_page,
       http_code
FROM ({_PAGE_VALUES})
"""


# Ties in PA go to the page more root domains link to, then to the alphabetically first page.
GLOBAL_TOP_PAGES = f"""
SELECT row_number() OVER (
           ORDER BY page_authority DESC, root_domains_to_page DESC, page) AS rank,
       page
FROM ({_PAGE_VALUES})
ORDER BY rank
LIMIT {schema.GLOBAL_TOP_LIMIT}
"""

# Ties in DA go to the root domain with more linking root domains, then alphabetically.
GLOBAL_TOP_ROOT_DOMAINS = f"""
SELECT row_number() OVER (
           ORDER BY domain_authority DESC, root_domains_to_root_domain DESC, root_domain)
           AS rank,
       root_domain
FROM out_root_domains
ORDER BY rank
LIMIT {schema.GLOBAL_TOP_LIMIT}
"""

# A redirect is live when the source page's newest capture was the 3xx that made it. One
# capture has one Location, so one target per page; min() only makes a tie deterministic.
REDIRECTS = """
SELECT source_page AS page, min(target_page) AS target
FROM links
WHERE live AND redirect
GROUP BY source_page
ORDER BY page
"""


# Targets with at least this many linking root domains (at a scope) get their distributions
# grouped at build time; below it, grouping at request time reads at most this many rows.
DISTRIBUTION_PRECOMPUTE_MIN = 1000

# The buckets of link_metrics.BUCKETS (docs/api.md), as index/distributions.py groups them.
_BUCKETS = f"""
       {BUCKETS["root_domains"].sql("r.root_domains_to_root_domain")} AS by_root_domains,
       {BUCKETS["domain_authority"].sql("r.domain_authority")} AS by_domain_authority,
       {BUCKETS["spam_score"].sql("r.spam_score")} AS by_spam_score,
       ({sql(NOFOLLOW, {k: f"lr.{v}" for k, v in LINKING_ROOT_ATTRIBUTE_COLUMNS.items()})})::INTEGER
           AS nofollow_only"""


def distribution_groups_sql(min_roots: int) -> str:
    """Linking root domains now (other root domains only, as in the serving tables) of every
    target with at least ``min_roots`` of them, counted per bucket combination."""
    parts = [
        f"""
SELECT '{scope}' AS scope, lr.target,{_BUCKETS},
       count(*) AS roots, sum(lr.pages)::BIGINT AS pages,
       sum(lr.nofollow_pages)::BIGINT AS nofollow_pages
FROM linking_roots_{scope} lr
JOIN out_root_domains r ON r.root_domain = lr.source_root
WHERE lr.source_root <> lr.target_root AND lr.pages > 0
  AND lr.target IN (
      SELECT target FROM linking_roots_{scope}
      WHERE source_root <> target_root AND pages > 0
      GROUP BY target HAVING count(*) >= {int(min_roots)})
GROUP BY ALL"""
        for scope in schema.LINKING_ROOT_SCOPES
    ]
    return " UNION ALL ".join(parts) + "\nORDER BY ALL"


def table_queries() -> list[Output]:
    """The page-list tables of a snapshot and their queries."""
    queries = [
        Output("global_top_pages", schema.GLOBAL_TOP_PAGE_COLUMNS, GLOBAL_TOP_PAGES),
        Output(
            "global_top_root_domains",
            schema.GLOBAL_TOP_ROOT_DOMAIN_COLUMNS,
            GLOBAL_TOP_ROOT_DOMAINS,
        ),
        Output("redirects", schema.REDIRECT_COLUMNS, REDIRECTS),
        Output(
            "distribution_groups",
            schema.DISTRIBUTION_GROUP_COLUMNS,
            distribution_groups_sql(DISTRIBUTION_PRECOMPUTE_MIN),
        ),
    ]
    for scope in schema.TOP_PAGES_SCOPES:
        table = schema.top_pages_table(scope)
        queries.append(Output(table, schema.TOP_PAGES_COLUMNS, top_pages_sql(scope), stored=True))
    return queries
