"""Link counts at page, subdomain and root-domain scope, and the linking-root-domain rows:
the SQL over the ``links`` table rendered from the declarations of linkindex.link_metrics.
"""

from __future__ import annotations

import duckdb

from linkindex.link_metrics import (
    HOP,
    INTO_HOP,
    LINKING_ROOT_ATTRIBUTE_COLUMNS,
    PAGE_ATTRIBUTES,
    PAGE_COUNTS,
    ROOT_DOMAIN_COUNTS,
    sql,
)

# scope name -> (target column, source column at the same scope)
SCOPE_COLUMNS = {
    "page": ("target_page", "source_page"),
    "subdomain": ("target_subdomain", "source_subdomain"),
    "root_domain": ("target_root_domain", "source_root_domain"),
}
_EXTERNAL = "source_root <> target_root"


def _linking_roots_sql(scope: str) -> str:
    target_col, source_col = SCOPE_COLUMNS[scope]
    page_attributes = "".join(
        f"\n       bool_or({sql(where)}) AS {name}," for name, where in PAGE_ATTRIBUTES.items()
    )
    root_columns = "".join(
        f"\n       count(*) FILTER (WHERE {sql(c.where)}) AS {c.name}," for c in PAGE_COUNTS
    )
    page_sums = []
    for c in PAGE_COUNTS:
        page_sums.append(f"sum({c.name})::BIGINT AS {c.name}_to")
        if c.external:
            page_sums.append(
                f"coalesce(sum({c.name}) FILTER (WHERE {_EXTERNAL}), 0)::BIGINT"
                f" AS external_{c.name}_to"
            )
    root_counts = [
        f"count(*) FILTER (WHERE {_EXTERNAL} AND"
        f" {sql(c.where, LINKING_ROOT_ATTRIBUTE_COLUMNS)}) AS {c.name}_to"
        for c in ROOT_DOMAIN_COUNTS
    ]
    counts = ",\n       ".join(page_sums + root_counts)
    # A source page counts once per target; links from inside the target itself are not counted.
    return f"""
CREATE TABLE source_pages_{scope} AS
SELECT {target_col} AS target,
       any_value(target_root_domain) AS target_root,
       source_page,
       source_root_domain AS source_root,{page_attributes}
       min(date_gained) AS date_gained,
       max(date_lost) AS date_lost
FROM links
WHERE {source_col} <> {target_col}
GROUP BY {target_col}, source_page, source_root_domain;

CREATE TABLE linking_roots_{scope} AS
SELECT target, any_value(target_root) AS target_root, source_root,{root_columns}
       bool_or(live_follow) AS has_follow,
       min(date_gained) AS date_gained,
       CASE WHEN bool_or(live) THEN NULL ELSE max(date_lost) END AS date_lost
FROM source_pages_{scope}
GROUP BY target, source_root;

DROP TABLE source_pages_{scope};

CREATE TABLE counts_to_{scope} AS
SELECT target,
       {counts}
FROM linking_roots_{scope}
GROUP BY target;
"""


# One hop (link_metrics.HOP): S links to P, and P redirects (or declares its canonical) to T.
_INTO_HOP = sql(INTO_HOP, {"live": "l.live"})
INDIRECT = f"""
CREATE TABLE hops AS
SELECT source_page AS via_page, target_page, target_root_domain AS target_root
FROM links WHERE {sql(HOP)};

CREATE TABLE indirect_to_page AS
SELECT h.target_page AS target,
       count(DISTINCT l.source_root_domain) AS indirect_root_domains_to
FROM links l JOIN hops h ON l.target_page = h.via_page
WHERE {_INTO_HOP} AND l.source_root_domain <> h.target_root
GROUP BY h.target_page;

CREATE TABLE indirect_to_root_domain AS
SELECT h.target_root AS target,
       count(DISTINCT l.source_root_domain) AS indirect_root_domains_to,
       count(DISTINCT l.source_page) AS external_indirect_pages_to
FROM links l JOIN hops h ON l.target_page = h.via_page
WHERE {_INTO_HOP} AND l.source_root_domain <> h.target_root
GROUP BY h.target_root;

DROP TABLE hops;
"""

# Out-links of pages (every other page) and of root domains (pages on other root domains).
COUNTS_FROM = """
CREATE TABLE counts_from_page AS
WITH per_root AS (
    SELECT source_page, target_root_domain, bool_or(followed) AS any_follow,
           any_value(source_root_domain) AS source_root
    FROM links WHERE live GROUP BY source_page, target_root_domain
), roots AS (
    SELECT source_page,
           count(*) FILTER (WHERE target_root_domain <> source_root) AS root_domains_from,
           count(*) FILTER (WHERE target_root_domain <> source_root AND NOT any_follow)
               AS nofollow_root_domains_from
    FROM per_root GROUP BY source_page
), pages AS (
    SELECT source_page, count(*) AS pages_from,
           count(*) FILTER (WHERE NOT followed) AS nofollow_pages_from
    FROM links WHERE live GROUP BY source_page
)
SELECT pages.source_page AS page, roots.root_domains_from, roots.nofollow_root_domains_from,
       pages.pages_from, pages.nofollow_pages_from
FROM pages JOIN roots USING (source_page);

CREATE TABLE counts_from_root_domain AS
WITH external AS (
    SELECT source_root_domain, target_root_domain, target_page, followed
    FROM links WHERE live AND source_root_domain <> target_root_domain
), per_root AS (
    SELECT source_root_domain, target_root_domain, bool_or(followed) AS any_follow
    FROM external GROUP BY ALL
), per_page AS (
    SELECT source_root_domain, target_page, bool_or(followed) AS any_follow
    FROM external GROUP BY ALL
), roots AS (
    SELECT source_root_domain, count(*) AS root_domains_from,
           count(*) FILTER (WHERE NOT any_follow) AS nofollow_root_domains_from
    FROM per_root GROUP BY ALL
), pages AS (
    SELECT source_root_domain, count(*) AS pages_from,
           count(*) FILTER (WHERE NOT any_follow) AS nofollow_pages_from
    FROM per_page GROUP BY ALL
)
SELECT roots.source_root_domain AS root_domain, roots.root_domains_from,
       roots.nofollow_root_domains_from, pages.pages_from, pages.nofollow_pages_from
FROM roots JOIN pages USING (source_root_domain);

-- "Crawled" means the newest capture got an HTTP response (status > 0), whatever it was.
CREATE TABLE crawled_per_root_domain AS
SELECT root_domain, count(*) AS pages_crawled
FROM page_latest WHERE http_status > 0 GROUP BY root_domain;
"""


def build_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    for scope in SCOPE_COLUMNS:
        con.execute(_linking_roots_sql(scope))
    con.execute(INDIRECT)
    con.execute(COUNTS_FROM)
