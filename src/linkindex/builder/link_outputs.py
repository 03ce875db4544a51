"""The link-level tables a build hands to the index: link rows and anchor-text counts.

Feeds the links, anchor_text, link_status and link_intersect endpoints (docs/api.md).
"""

from __future__ import annotations

import duckdb

from linkindex.index import schema

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
LINK_ROWS = f"""
CREATE TABLE link_rows_all AS
WITH base AS (
    SELECT l.source_page, l.source_subdomain, l.source_root_domain AS source_root,
           l.target_page AS link_page, l.target_subdomain AS link_subdomain,
           l.target_root_domain AS link_root,
           (CASE WHEN l.followed THEN 0 ELSE {schema.LINK_NOFOLLOW} END)
           + (CASE WHEN l.redirect THEN {schema.LINK_REDIRECT} ELSE 0 END)
           + (CASE WHEN l.rel_canonical THEN {schema.LINK_REL_CANONICAL} ELSE 0 END)
           + (CASE WHEN l.live THEN 0 ELSE {schema.LINK_DELETED} END) AS link_flags,
           l.date_gained, l.date_lost, CAST(l.last_seen AS DATE) AS last_seen,
           {_NORMALIZED_ANCHOR} AS anchor_text
    FROM links l
), hops AS (
    SELECT source_page AS via_page, target_page, target_subdomain,
           target_root_domain AS target_root,
           (CASE WHEN redirect THEN {schema.LINK_VIA_REDIRECT} ELSE 0 END)
           + (CASE WHEN rel_canonical THEN {schema.LINK_VIA_REL_CANONICAL} ELSE 0 END)
               AS via_flags
    FROM links WHERE live AND (redirect OR rel_canonical)
)
SELECT b.*, b.link_page AS target_page, b.link_subdomain AS target_subdomain,
       b.link_root AS target_root, b.link_flags AS flags
FROM base b
UNION ALL
SELECT b.*, h.target_page, h.target_subdomain, h.target_root,
       b.link_flags + h.via_flags
       + (CASE WHEN b.link_subdomain = h.target_subdomain
               THEN {schema.LINK_SHADOWED_SUBDOMAIN} ELSE 0 END)
       + (CASE WHEN b.link_root = h.target_root
               THEN {schema.LINK_SHADOWED_ROOT_DOMAIN} ELSE 0 END)
FROM base b JOIN hops h ON h.via_page = b.link_page
WHERE b.source_page <> h.target_page
"""

# Pages, subdomains and root domains are numbered in key order, so the link rows store small
# integers (a link row is about a third of its size with text keys) and ordering by number is
# ordering by name.
LINK_KEYS = """
CREATE TABLE link_keys_page AS
SELECT row_number() OVER (ORDER BY page) AS id, page AS key FROM page_nodes;
CREATE TABLE link_keys_subdomain AS
SELECT row_number() OVER (ORDER BY subdomain) AS id, subdomain AS key
FROM (SELECT DISTINCT subdomain FROM page_nodes);
CREATE TABLE link_keys_root_domain AS
SELECT row_number() OVER (ORDER BY root_domain) AS id, root_domain AS key
FROM (SELECT DISTINCT root_domain FROM page_nodes);
"""

# Sort values are the source's own metrics exactly as url_metrics serves them, negated so every
# (descending) sort is an ascending key range. link_id 0: the linked page is the target itself.
LINK_ROWS_OUT = """
SELECT t.id AS target_id,
       (r.source_root <> r.target_root)::INTEGER AS external,
       -s.page_authority::INTEGER AS neg_page_authority,
       sp.id AS source_id,
       CASE WHEN r.link_page = r.target_page THEN 0 ELSE lp.id END AS link_id,
       ts.id AS target_subdomain_id, tr.id AS target_root_id,
       ss.id AS source_subdomain_id, sr.id AS source_root_id,
       r.flags,
       -rd.domain_authority AS neg_domain_authority,
       -rd.link_propensity AS neg_link_propensity,
       -rd.spam_score AS neg_spam_score,
       -coalesce(c.root_domains_to, 0) AS neg_root_domains_to_source_page,
       -rd.root_domains_to_root_domain AS neg_root_domains_to_source_root_domain,
       r.date_gained - DATE '1970-01-01' AS first_day,
       r.last_seen - DATE '1970-01-01' AS last_day,
       r.date_lost - DATE '1970-01-01' AS lost_day,
       r.anchor_text
FROM link_rows_all r
JOIN page_scores s ON s.page = r.source_page
JOIN out_root_domains rd ON rd.root_domain = r.source_root
LEFT JOIN counts_to_page c ON c.target = r.source_page
JOIN link_keys_page t ON t.key = r.target_page
JOIN link_keys_page sp ON sp.key = r.source_page
JOIN link_keys_page lp ON lp.key = r.link_page
JOIN link_keys_subdomain ts ON ts.key = r.target_subdomain
JOIN link_keys_root_domain tr ON tr.key = r.target_root
JOIN link_keys_subdomain ss ON ss.key = r.source_subdomain
JOIN link_keys_root_domain sr ON sr.key = r.source_root
ORDER BY target_id, external, neg_page_authority, source_id, link_id
"""


def anchor_texts_sql(scope: str) -> str:
    """Anchor texts of one scope: only followed, live, direct links from other root domains.

    Redirects and canonicals have no anchor text of their own, so they are not counted.
    """
    target = {"page": "target_page", "subdomain": "target_subdomain", "root_domain": "target_root"}[
        scope
    ]
    excluded = (
        schema.LINK_NOFOLLOW | schema.LINK_REDIRECT | schema.LINK_REL_CANONICAL
        | schema.LINK_DELETED | schema.LINK_VIA_REDIRECT | schema.LINK_VIA_REL_CANONICAL
    )  # fmt: skip
    return f"""
SELECT {target} AS target,
       -count(DISTINCT source_root) AS neg_root_domains,
       -count(DISTINCT source_page) AS neg_pages,
       anchor_text
FROM link_rows_all
WHERE flags & {excluded} = 0 AND source_root <> target_root
GROUP BY {target}, anchor_text
ORDER BY target, neg_root_domains, neg_pages, anchor_text
"""


def prepare_link_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, tuple[str, ...], str]]:
    """Build the link-level DuckDB tables; return (index table, columns, SELECT) to write.

    Needs the link state, page and root-domain scores (``page_scores``, ``out_root_domains``)
    and ``counts_to_page``.
    """
    con.execute(LINK_ROWS)
    con.execute(LINK_KEYS)
    queries = [
        (
            schema.link_key_table(scope),
            schema.LINK_KEY_COLUMNS,
            f"SELECT id, key FROM {t} ORDER BY id",
        )
        for scope in schema.LINKING_ROOT_SCOPES
        for t in [schema.link_key_table(scope)]
    ]
    queries.append(("link_rows", schema.LINK_ROW_COLUMNS, LINK_ROWS_OUT))
    for scope in schema.LINKING_ROOT_SCOPES:
        queries.append(
            (schema.anchor_text_table(scope), schema.ANCHOR_TEXT_COLUMNS, anchor_texts_sql(scope))
        )
    return queries
