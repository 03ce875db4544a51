"""The link-level tables a build hands to the index: link rows and anchor-text counts, as
logical rows (names, dates, booleans, plain scores) the index's encoding stores (docs/api.md).
"""

from __future__ import annotations

import duckdb

from linkindex.builder.steps import Output
from linkindex.index import encoding, schema

# Anchor text as the API matches it: tags stripped, whitespace collapsed, trimmed, lowercase.
# linkindex.api.link_params.normalize_anchor is the same rule for a request's anchor_text.
# The link state keeps the raw anchor of the newest capture that had the link.
_NORMALIZED_ANCHOR = (
    "lower(trim(regexp_replace(regexp_replace(coalesce(l.anchor_raw, ''), '<[^>]*>', '', 'g'),"
    " '\\s+', ' ', 'g')))"
)

# Every link to a reached target: direct (the linked page is the target) and via one live
# hop, when the linked page redirects or declares rel=canonical to the target (the rule of
# indirect_root_domains_to_*, docs/metrics.md). A via row is "shadowed" at a scope when the
# linked page is already inside the target there, so the link is listed once, as direct.
# Every state is a boolean that is never NULL (a NULL `followed` counts as nofollow).
LINK_ROWS = f"""
CREATE TABLE link_rows_all AS
WITH base AS (
    SELECT l.source_page, l.source_subdomain, l.source_root_domain AS source_root,
           l.target_page AS link_page, l.target_subdomain AS link_subdomain,
           l.target_root_domain AS link_root,
           NOT coalesce(l.followed, false) AS nofollow,
           coalesce(l.redirect, false) AS redirect,
           coalesce(l.rel_canonical, false) AS rel_canonical,
           NOT coalesce(l.live, false) AS deleted,
           l.date_gained, l.date_lost, CAST(l.last_seen AS DATE) AS last_seen,
           {_NORMALIZED_ANCHOR} AS anchor_text
    FROM links l
), hops AS (
    SELECT source_page AS via_page, target_page, target_subdomain,
           target_root_domain AS target_root,
           coalesce(redirect, false) AS via_redirect,
           coalesce(rel_canonical, false) AS via_rel_canonical
    FROM links WHERE live AND (redirect OR rel_canonical)
)
SELECT b.*, b.link_page AS target_page, b.link_subdomain AS target_subdomain,
       b.link_root AS target_root, false AS via_redirect, false AS via_rel_canonical,
       false AS shadowed_subdomain, false AS shadowed_root_domain
FROM base b
UNION ALL
SELECT b.*, h.target_page, h.target_subdomain, h.target_root,
       h.via_redirect, h.via_rel_canonical,
       coalesce(b.link_subdomain = h.target_subdomain, false) AS shadowed_subdomain,
       coalesce(b.link_root = h.target_root, false) AS shadowed_root_domain
FROM base b JOIN hops h ON h.via_page = b.link_page
WHERE b.source_page <> h.target_page
"""

# The source's own metrics exactly as url_metrics serves them, for the links sorts.
LINK_ROWS_OUT = """
SELECT r.target_page, r.target_subdomain, r.target_root AS target_root_domain,
       r.source_page, r.source_subdomain, r.source_root AS source_root_domain, r.link_page,
       r.source_root <> r.target_root AS external,
       r.nofollow, r.redirect, r.rel_canonical, r.via_redirect, r.via_rel_canonical, r.deleted,
       r.shadowed_subdomain, r.shadowed_root_domain,
       s.page_authority::INTEGER AS source_page_authority,
       rd.domain_authority AS source_domain_authority,
       rd.link_propensity AS source_link_propensity,
       rd.spam_score AS source_spam_score,
       coalesce(c.root_domains_to, 0) AS root_domains_to_source_page,
       rd.root_domains_to_root_domain AS root_domains_to_source_root_domain,
       r.date_gained, r.last_seen, r.date_lost, r.anchor_text
FROM link_rows_all r
JOIN page_scores s ON s.page = r.source_page
JOIN out_root_domains rd ON rd.root_domain = r.source_root
LEFT JOIN counts_to_page c ON c.target = r.source_page
"""


def anchor_texts_sql(scope: str) -> str:
    """Anchor texts of one scope: only followed, live, direct links from other root domains.

    Redirects and canonicals have no anchor text of their own, so they are not counted.
    """
    target = {"page": "target_page", "subdomain": "target_subdomain", "root_domain": "target_root"}[
        scope
    ]
    return f"""
SELECT {target} AS target,
       count(DISTINCT source_root) AS root_domains,
       count(DISTINCT source_page) AS pages,
       anchor_text
FROM link_rows_all
WHERE NOT (nofollow OR redirect OR rel_canonical OR deleted OR via_redirect OR via_rel_canonical)
  AND source_root <> target_root
GROUP BY {target}, anchor_text
"""


def prepare_link_tables(con: duckdb.DuckDBPyConnection) -> list[Output]:
    """Build the link-level DuckDB tables; return the snapshot tables to write from them.

    Needs the link state, page and root-domain scores (``page_scores``, ``out_root_domains``)
    and ``counts_to_page``.
    """
    con.execute(LINK_ROWS)
    for statement in encoding.key_table_statements("page_nodes"):
        con.execute(statement)
    queries = [
        Output(schema.link_key_table(scope), schema.LINK_KEY_COLUMNS, encoding.key_table_sql(scope))
        for scope in schema.LINKING_ROOT_SCOPES
    ]
    queries.append(Output("link_rows", schema.LINK_ROW_COLUMNS, LINK_ROWS_OUT, stored=True))
    for scope in schema.LINKING_ROOT_SCOPES:
        table = schema.anchor_text_table(scope)
        queries.append(
            Output(table, schema.ANCHOR_TEXT_COLUMNS, anchor_texts_sql(scope), stored=True)
        )
    return queries
