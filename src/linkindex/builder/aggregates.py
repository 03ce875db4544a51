"""Link counts at page, subdomain and root-domain scope, and the linking-root-domain rows:
steps over the ``links`` table, their SQL rendered from the declarations of link_metrics.
"""

from __future__ import annotations

from linkindex.builder.steps import Step, sql_step
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


def _linking_roots_steps(scope: str) -> list[Step]:
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
    source_pages = f"""
SELECT {target_col} AS target,
       any_value(target_root_domain) AS target_root,
       source_page,
       source_root_domain AS source_root,{page_attributes}
       min(date_gained) AS date_gained,
       max(date_lost) AS date_lost
FROM links
WHERE {source_col} <> {target_col}
GROUP BY {target_col}, source_page, source_root_domain
"""
    linking_roots = f"""
SELECT target, any_value(target_root) AS target_root, source_root,{root_columns}
       bool_or(live_follow) AS has_follow,
       min(date_gained) AS date_gained,
       CASE WHEN bool_or(live) THEN NULL ELSE max(date_lost) END AS date_lost
FROM source_pages_{scope}
GROUP BY target, source_root
"""
    counts_to = f"""
SELECT target,
       {counts}
FROM linking_roots_{scope}
GROUP BY target
"""
    return [
        sql_step(f"source_pages_{scope}", ["links"], source_pages),
        sql_step(f"linking_roots_{scope}", [f"source_pages_{scope}"], linking_roots),
        sql_step(f"counts_to_{scope}", [f"linking_roots_{scope}"], counts_to),
    ]


# One hop (link_metrics.HOP): S links to P, and P redirects (or declares its canonical) to T.
_INTO_HOP = sql(INTO_HOP, {"live": "l.live"})
HOPS = f"""
SELECT source_page AS via_page, target_page, target_root_domain AS target_root
FROM links WHERE {sql(HOP)}
"""
INDIRECT_TO_PAGE = f"""
SELECT h.target_page AS target,
       count(DISTINCT l.source_root_domain) AS indirect_root_domains_to
FROM links l JOIN hops h ON l.target_page = h.via_page
WHERE {_INTO_HOP} AND l.source_root_domain <> h.target_root
GROUP BY h.target_page
"""
INDIRECT_TO_ROOT_DOMAIN = f"""
SELECT h.target_root AS target,
       count(DISTINCT l.source_root_domain) AS indirect_root_domains_to,
       count(DISTINCT l.source_page) AS external_indirect_pages_to
FROM links l JOIN hops h ON l.target_page = h.via_page
WHERE {_INTO_HOP} AND l.source_root_domain <> h.target_root
GROUP BY h.target_root
"""

# Out-links of pages (every other page) and of root domains (pages on other root domains).
COUNTS_FROM_PAGE = """
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
FROM pages JOIN roots USING (source_page)
"""
COUNTS_FROM_ROOT_DOMAIN = """
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
FROM roots JOIN pages USING (source_root_domain)
"""
# "Crawled" means the newest capture got an HTTP response (status > 0), whatever it was.
CRAWLED_PER_ROOT_DOMAIN = """
SELECT root_domain, count(*) AS pages_crawled
FROM page_latest WHERE http_status > 0 GROUP BY root_domain
"""

STEPS: tuple[Step, ...] = (
    *(step for scope in SCOPE_COLUMNS for step in _linking_roots_steps(scope)),
    sql_step("hops", ["links"], HOPS),
    sql_step("indirect_to_page", ["hops", "links"], INDIRECT_TO_PAGE),
    sql_step("indirect_to_root_domain", ["hops", "links"], INDIRECT_TO_ROOT_DOMAIN),
    sql_step("counts_from_page", ["links"], COUNTS_FROM_PAGE),
    sql_step("counts_from_root_domain", ["links"], COUNTS_FROM_ROOT_DOMAIN),
    sql_step("crawled_per_root_domain", ["page_latest"], CRAWLED_PER_ROOT_DOMAIN),
)
