"""Page- and domain-level methods over the index's page lists: a site's top pages, the global
top pages and domains, where a page redirects to, and a site's link distributions.

They read the same snapshot methods as V2's top_pages, global lists and final_redirect.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from linkindex.api.jsonrpc.methods import Context, Method
from linkindex.api.jsonrpc.queries import (
    Offset,
    offset_echo,
    open_offset,
    parse_query,
    resolve,
    site_query_echo,
)
from linkindex.api.jsonrpc.quota import DATA_ROWS
from linkindex.api.jsonrpc.site import SiteQueryData
from linkindex.api.lists.top_pages import TopPagesParams, top_pages_page
from linkindex.index.page_lists import STATUS_FILTERS
from linkindex.index.schema import GLOBAL_TOP_LIMIT, TOP_PAGES_SORT_KEYS

TopPageSort = Literal["page_authority", "root_domains_to_page", "external_pages_to_page"]
TopPageFilter = Literal["all", "status_200", "status_301", "status_302", "status_4xx", "status_5xx"]
assert set(TopPageSort.__args__) == set(TOP_PAGES_SORT_KEYS)  # type: ignore[attr-defined]
assert set(TopPageFilter.__args__) == {"all", *STATUS_FILTERS}  # type: ignore[attr-defined]


class TopPageSiteQuery(msgspec.Struct, forbid_unknown_fields=True):
    query: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
    scope: Literal["domain", "subdomain"]


class TopPageOptions(msgspec.Struct, forbid_unknown_fields=True):
    filter: TopPageFilter = "all"
    sort: TopPageSort = "page_authority"


class TopPageListData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: TopPageSiteQuery
    options: TopPageOptions = msgspec.field(default_factory=TopPageOptions)
    offset: Offset = msgspec.field(default_factory=Offset)


# Page n of size 1 starts at entry n, so past this page every page is empty; the bound keeps
# n * limit inside SQLite's integers (10**18 was an OverflowError, a -32603).
MAX_PAGE = GLOBAL_TOP_LIMIT - 1


class Page(msgspec.Struct, forbid_unknown_fields=True):
    # The global lists hold 500 entries; a page of at most 50 keeps answers small.
    n: Annotated[
        int,
        msgspec.Meta(
            ge=0,
            le=MAX_PAGE,
            description=f"0-based; the lists hold {GLOBAL_TOP_LIMIT} entries, so at most"
            f" {MAX_PAGE}",
        ),
    ] = 0
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 50


class GlobalListData(msgspec.Struct, forbid_unknown_fields=True):
    page: Page = msgspec.field(default_factory=Page)


def top_page_list(ctx: Context, data: TopPageListData) -> dict[str, Any]:
    """The pages of a root domain or subdomain, sorted and filtered by HTTP status."""
    resolved = resolve(data.site_query)
    snapshot = ctx.snapshot()
    options, offset = data.options, data.offset
    params = TopPagesParams(resolved.scope, resolved.key, options.sort, options.filter)
    fingerprint = params.fingerprint("data.site.top-page.list")
    after, served = open_offset(ctx.state.tokens, snapshot.index_id, offset.token, fingerprint)
    page = top_pages_page(snapshot, params, after, served, offset.limit)
    return {
        "site_query": site_query_echo(data.site_query, resolved),
        "offset": offset_echo(ctx.state.tokens, snapshot.index_id, fingerprint, offset, page),
        "options": {"filter": options.filter, "sort": options.sort},
        "top_pages": [row.metrics for row in page.rows],
    }


def global_top_page_list(ctx: Context, data: GlobalListData) -> dict[str, Any]:
    """The index's 500 pages with the highest Page Authority, page by page (free)."""
    page = data.page
    rows = ctx.snapshot().global_top_pages(page.n * page.limit, page.limit)
    return {"page": {"n": page.n, "limit": page.limit}, "top_pages": [r.metrics for r in rows]}


def global_top_domain_list(ctx: Context, data: GlobalListData) -> dict[str, Any]:
    """The index's 500 root domains with the highest Domain Authority, page by page (free)."""
    page = data.page
    snapshot = ctx.snapshot()
    rows = snapshot.global_top_root_domains(page.n * page.limit, page.limit)
    domains = snapshot.url_metrics_many([parse_query(r.root_domain, "root_domain") for r in rows])
    return {"page": {"n": page.n, "limit": page.limit}, "top_domains": domains}


def redirect_fetch(ctx: Context, data: SiteQueryData) -> dict[str, Any]:
    """Where a page's chain of HTTP redirects ends; null when it does not redirect (1 row)."""
    resolved = resolve(data.site_query)
    return {
        "site_query": site_query_echo(data.site_query, resolved),
        "destination": ctx.snapshot().final_redirect(resolved.url.page),
    }


def distributions_fetch(ctx: Context, data: SiteQueryData) -> dict[str, Any]:
    """The 13 link distributions of spec 2.5 for a site, 10 buckets each (1 row)."""
    resolved = resolve(data.site_query)
    return {
        "site_query": site_query_echo(data.site_query, resolved),
        "site_metrics_distributions": ctx.snapshot().url_distributions(resolved.url),
    }


METHODS = [
    Method("data.site.top-page.list", TopPageListData, top_page_list, DATA_ROWS,
           lambda data, result: len(result["top_pages"])),
    Method("data.global.top-page.list", GlobalListData, global_top_page_list,
           params_optional=True),
    Method("data.global.top-domain.list", GlobalListData, global_top_domain_list,
           params_optional=True),
    Method("data.site.redirect.fetch", SiteQueryData, redirect_fetch, DATA_ROWS),
    Method("data.site.metrics.distributions.fetch", SiteQueryData, distributions_fetch,
           DATA_ROWS),
]  # fmt: skip
