"""The logical tables a build hands to the index: one SELECT per table of names, dates, booleans
and plain scores; the index's encoding (index/encoding.py) turns them into the stored rows.

Joins counts, scores and crawl facts into rows for pages, subdomains, root domains and the
linking-root-domain lists of every scope.
"""

from __future__ import annotations

from linkindex.builder import page_lists
from linkindex.builder.steps import Output
from linkindex.index import encoding, schema
from linkindex.scoring.spam_signals import SIGNAL_NAMES

# Pages a link touches but that were never crawled still get a row (zeros, http_code 0).
PAGES = """
SELECT n.page, n.subdomain, n.root_domain,
       coalesce(pl.title, '') AS title,
       CAST(pl.latest_time AS DATE) AS last_crawled,
       coalesce(pl.http_status, 0)::INTEGER AS http_code,
       coalesce(c.pages_to, 0) AS pages_to_page,
       coalesce(c.nofollow_pages_to, 0) AS nofollow_pages_to_page,
       coalesce(c.redirect_pages_to, 0) AS redirect_pages_to_page,
       coalesce(c.external_pages_to, 0) AS external_pages_to_page,
       coalesce(c.external_nofollow_pages_to, 0) AS external_nofollow_pages_to_page,
       coalesce(c.external_redirect_pages_to, 0) AS external_redirect_pages_to_page,
       coalesce(c.deleted_pages_to, 0) AS deleted_pages_to_page,
       coalesce(c.root_domains_to, 0) AS root_domains_to_page,
       coalesce(i.indirect_root_domains_to, 0) AS indirect_root_domains_to_page,
       coalesce(c.deleted_root_domains_to, 0) AS deleted_root_domains_to_page,
       coalesce(c.nofollow_root_domains_to, 0) AS nofollow_root_domains_to_page,
       s.page_authority::INTEGER AS page_authority,
       coalesce(f.root_domains_from, 0) AS root_domains_from_page,
       coalesce(f.nofollow_root_domains_from, 0) AS nofollow_root_domains_from_page,
       coalesce(f.pages_from, 0) AS pages_from_page,
       coalesce(f.nofollow_pages_from, 0) AS nofollow_pages_from_page
FROM page_nodes n
LEFT JOIN page_latest pl ON pl.page = n.page
LEFT JOIN counts_to_page c ON c.target = n.page
LEFT JOIN indirect_to_page i ON i.target = n.page
LEFT JOIN page_scores s ON s.page = n.page
LEFT JOIN counts_from_page f ON f.page = n.page
"""

SUBDOMAINS = """
SELECT d.subdomain,
       coalesce(c.pages_to, 0) AS pages_to_subdomain,
       coalesce(c.nofollow_pages_to, 0) AS nofollow_pages_to_subdomain,
       coalesce(c.redirect_pages_to, 0) AS redirect_pages_to_subdomain,
       coalesce(c.external_pages_to, 0) AS external_pages_to_subdomain,
       coalesce(c.external_nofollow_pages_to, 0) AS external_nofollow_pages_to_subdomain,
       coalesce(c.external_redirect_pages_to, 0) AS external_redirect_pages_to_subdomain,
       coalesce(c.deleted_pages_to, 0) AS deleted_pages_to_subdomain,
       coalesce(c.root_domains_to, 0) AS root_domains_to_subdomain,
       coalesce(c.deleted_root_domains_to, 0) AS deleted_root_domains_to_subdomain,
       coalesce(c.nofollow_root_domains_to, 0) AS nofollow_root_domains_to_subdomain
FROM (SELECT DISTINCT subdomain FROM page_nodes) d
LEFT JOIN counts_to_subdomain c ON c.target = d.subdomain
ORDER BY d.subdomain
"""

# Link Propensity is seed 002's ratio, not clamped; a root domain with no crawled page has 0.
# Spam Score is -1 ("does not exist") for root domains without a page that answered 200.
ROOT_DOMAINS = """
CREATE TABLE out_root_domains AS
SELECT n.root_domain,
       coalesce(c.pages_to, 0) AS pages_to_root_domain,
       coalesce(c.nofollow_pages_to, 0) AS nofollow_pages_to_root_domain,
       coalesce(c.redirect_pages_to, 0) AS redirect_pages_to_root_domain,
       coalesce(c.external_pages_to, 0) AS external_pages_to_root_domain,
       coalesce(i.external_indirect_pages_to, 0) AS external_indirect_pages_to_root_domain,
       coalesce(c.external_nofollow_pages_to, 0) AS external_nofollow_pages_to_root_domain,
       coalesce(c.external_redirect_pages_to, 0) AS external_redirect_pages_to_root_domain,
       coalesce(c.deleted_pages_to, 0) AS deleted_pages_to_root_domain,
       coalesce(c.root_domains_to, 0) AS root_domains_to_root_domain,
       coalesce(i.indirect_root_domains_to, 0) AS indirect_root_domains_to_root_domain,
       coalesce(c.deleted_root_domains_to, 0) AS deleted_root_domains_to_root_domain,
       coalesce(c.nofollow_root_domains_to, 0) AS nofollow_root_domains_to_root_domain,
       s.domain_authority::INTEGER AS domain_authority,
       CASE WHEN coalesce(cr.pages_crawled, 0) = 0 THEN 0.0
            ELSE coalesce(f.root_domains_from, 0) / cr.pages_crawled END AS link_propensity,
       coalesce(sp.spam_score, -1)::INTEGER AS spam_score,
       coalesce(f.root_domains_from, 0) AS root_domains_from_root_domain,
       coalesce(f.nofollow_root_domains_from, 0) AS nofollow_root_domains_from_root_domain,
       coalesce(f.pages_from, 0) AS pages_from_root_domain,
       coalesce(f.nofollow_pages_from, 0) AS nofollow_pages_from_root_domain,
       coalesce(cr.pages_crawled, 0) AS pages_crawled_from_root_domain
FROM root_nodes n
LEFT JOIN counts_to_root_domain c ON c.target = n.root_domain
LEFT JOIN indirect_to_root_domain i ON i.target = n.root_domain
LEFT JOIN root_scores s ON s.root_domain = n.root_domain
LEFT JOIN counts_from_root_domain f ON f.root_domain = n.root_domain
LEFT JOIN crawled_per_root_domain cr ON cr.root_domain = n.root_domain
LEFT JOIN spam_scores sp ON sp.root_domain = n.root_domain
"""

# Which Spam Score signals hit: none for a root domain without a Spam Score.
_SPAM_HITS = ", ".join(
    f"coalesce(sp.{c}, false) AS {c}" for c in map(encoding.spam_hit_column, SIGNAL_NAMES)
)
ROOT_DOMAIN_SCORES = f"""
SELECT s.root_domain, s.domain_rank, s.authority_evidence, s.trust, s.followed_roots_out,
       s.independent_linkers, s.brand_authority, s.branded_linkers, {_SPAM_HITS},
       coalesce(sp.spam_signals, '{{}}') AS spam_signals
FROM root_scores s LEFT JOIN spam_scores sp USING (root_domain)
"""


def linking_roots_sql(scope: str) -> str:
    """Rows of one scope's linking-root-domain list; only other root domains link "externally"."""
    return f"""
SELECT lr.target, lr.source_root AS source,
       r.domain_authority, r.link_propensity, r.spam_score, r.root_domains_to_root_domain,
       lr.pages, lr.nofollow_pages, lr.redirect_pages, lr.deleted_pages,
       lr.has_follow, lr.date_gained, lr.date_lost
FROM linking_roots_{scope} lr
JOIN out_root_domains r ON r.root_domain = lr.source_root
WHERE lr.source_root <> lr.target_root
"""


def table_queries() -> list[Output]:
    """Every table of a snapshot but the link-level and history ones, and its query."""
    queries = [
        Output("pages", schema.PAGE_COLUMNS, PAGES, stored=True),
        Output("subdomains", schema.SUBDOMAIN_COLUMNS, SUBDOMAINS),
        Output(
            "root_domains",
            schema.ROOT_DOMAIN_COLUMNS,
            "SELECT * FROM out_root_domains ORDER BY root_domain",
        ),
        Output(
            "root_domain_scores",
            schema.ROOT_DOMAIN_SCORE_COLUMNS,
            ROOT_DOMAIN_SCORES,
            stored=True,
        ),
        Output(
            "authority_sources",
            schema.AUTHORITY_SOURCE_COLUMNS,
            "SELECT scope, target, source, share FROM authority_sources ORDER BY ALL",
        ),
    ]
    for scope in schema.LINKING_ROOT_SCOPES:
        queries.append(
            Output(
                schema.linking_root_table(scope),
                schema.LINKING_ROOT_COLUMNS,
                linking_roots_sql(scope),
                stored=True,
            )
        )
    queries += page_lists.table_queries()
    return queries
