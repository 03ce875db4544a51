"""Reads the page lists of a snapshot: a subdomain's or root domain's top pages, the global top
pages and root domains, and where a page's chain of HTTP redirects ends.

Snapshot exposes each through a thin method; only this module knows those tables' layout.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from linkindex.index.schema import (
    PAGE_COLUMNS,
    ROOT_DOMAIN_COLUMNS,
    SUBDOMAIN_COLUMNS,
    TOP_PAGES_SORT_KEYS,
    URL_METRIC_FIELDS,
    top_pages_table,
)

# Googlebot follows at most 10 redirect hops; a chain that has not ended by then (or loops)
# has no final destination.
MAX_REDIRECT_HOPS = 10

# status filter -> inclusive http_code range
STATUS_FILTERS: dict[str, tuple[int, int]] = {
    "status_200": (200, 200),
    "status_301": (301, 301),
    "status_302": (302, 302),
    "status_4xx": (400, 499),
    "status_5xx": (500, 599),
}


@dataclass(frozen=True)
class TopPagesQuery:
    """One page of a top-pages list, in the index's own terms."""

    scope: str  # "page", "subdomain" or "root_domain"
    target: str  # the target's key at that scope
    sort: str  # a key of TOP_PAGES_SORT_KEYS
    status: tuple[int, int] | None = None  # inclusive http_code range; None = every page
    after: tuple[int, str] | None = None  # keyset cursor: (stored sort value, page)
    limit: int = 25


# The stored (negated) sort values of top_pages_<scope>, computed on the pages table.
_PAGE_SORT_VALUES = {
    "page_authority": "-coalesce(page_authority, 1)",
    "root_domains_to_page": "-root_domains_to_page",
    "external_pages_to_page": "-external_pages_to_page",
}


class ListedPage(NamedTuple):
    metrics: dict[str, object]  # the 52 URL metrics, in Moz's order
    cursor: tuple[int, str]


def _metrics_sql(ranked: str, order: str) -> str:
    """All 52 metrics of the pages a subquery yields (its columns: page, cursor value)."""
    sources = {
        **{c: "p" for c in PAGE_COLUMNS},
        **{c: "s" for c in SUBDOMAIN_COLUMNS},
        **{c: "r" for c in ROOT_DOMAIN_COLUMNS},
    }
    defaults = {"page_authority": "1", "domain_authority": "1", "link_propensity": "0.0",
                "spam_score": "-1"}  # fmt: skip
    columns = [
        f"p.{field}" if sources[field] == "p" and field in ("page", "subdomain", "root_domain")
        else f"coalesce({sources[field]}.{field}, {defaults.get(field, '0')})"
        for field in URL_METRIC_FIELDS
    ]  # fmt: skip
    return (
        f"SELECT {', '.join(columns)}, t.value FROM ({ranked}) t"
        " JOIN pages p ON p.page = t.page"
        " LEFT JOIN subdomains s ON s.subdomain = p.subdomain"
        " LEFT JOIN root_domains r ON r.root_domain = p.root_domain"
        f" ORDER BY {order}"
    )


def _listed(rows: list[tuple]) -> list[ListedPage]:
    return [
        ListedPage(dict(zip(URL_METRIC_FIELDS, row[:-1], strict=True)), (row[-1], row[0]))
        for row in rows
    ]


def top_pages(con: sqlite3.Connection, query: TopPagesQuery) -> list[ListedPage]:
    if query.scope == "page":
        # A page's only page is itself: read from the pages table with the same sort values.
        table, key, value = "pages", "page", _PAGE_SORT_VALUES[query.sort]
    else:
        table, key = top_pages_table(query.scope), "target"
        value = TOP_PAGES_SORT_KEYS[query.sort]
    conditions, params = [f"{key} = ?"], [query.target]
    if query.status is not None:
        conditions.append("http_code BETWEEN ? AND ?")
        params.extend(query.status)
    if query.after is not None:
        conditions.append(f"({value}, page) > (?, ?)")
        params.extend(query.after)
    ranked = (
        f"SELECT page, {value} AS value FROM {table}"
        f" WHERE {' AND '.join(conditions)} ORDER BY {value}, page LIMIT ?"
    )
    params.append(query.limit)
    return _listed(con.execute(_metrics_sql(ranked, "t.value, t.page"), params).fetchall())


def global_top_pages(con: sqlite3.Connection, after_rank: int, limit: int) -> list[ListedPage]:
    """The index's strongest pages ranked after ``after_rank``; cursor value = rank."""
    ranked = "SELECT page, rank AS value FROM global_top_pages WHERE rank > ? ORDER BY rank LIMIT ?"
    return _listed(con.execute(_metrics_sql(ranked, "t.value"), (after_rank, limit)).fetchall())


class RankedRootDomain(NamedTuple):
    rank: int
    root_domain: str
    root_domains_to_root_domain: int
    domain_authority: int
    link_propensity: float
    spam_score: int


def global_top_root_domains(
    con: sqlite3.Connection, after_rank: int, limit: int
) -> list[RankedRootDomain]:
    rows = con.execute(
        "SELECT g.rank, r.root_domain, r.root_domains_to_root_domain, r.domain_authority,"
        " r.link_propensity + 0.0, r.spam_score"
        " FROM global_top_root_domains g JOIN root_domains r USING (root_domain)"
        " WHERE g.rank > ? ORDER BY g.rank LIMIT ?",
        (after_rank, limit),
    )
    return list(map(RankedRootDomain._make, rows))


def final_redirect(con_of: Callable[[str], sqlite3.Connection], page: str) -> str | None:
    """Where ``page``'s chain of live redirects ends; None without a redirect, or when the chain
    loops or runs past MAX_REDIRECT_HOPS (it then has no final destination). Each hop is read
    from ``con_of(page)``, the file of the page that redirects."""
    seen = {page}
    current = page
    sql = "SELECT target FROM redirects WHERE page = ?"
    for _ in range(MAX_REDIRECT_HOPS):
        row = con_of(current).execute(sql, (current,)).fetchone()
        if row is None:
            return None if current == page else current
        current = row[0]
        if current in seen:
            return None
        seen.add(current)
    more = con_of(current).execute(sql, (current,)).fetchone()
    return None if more else current
