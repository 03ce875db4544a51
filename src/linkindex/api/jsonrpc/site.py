"""The link-data methods the index answers: index metadata, quota, site metrics, linking domains.

They reuse the V2 parameter rules (api/params.py) and the snapshot's queries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from linkindex.api.jsonrpc.errors import RpcError, v2_rule
from linkindex.api.jsonrpc.methods import Context, Method, NoParams
from linkindex.api.jsonrpc.queries import (
    Offset,
    SiteQuery,
    offset_echo,
    open_offset,
    parse_query,
    resolve,
    site_query_echo,
)
from linkindex.api.jsonrpc.quota import DATA_ROWS, QUOTA_PATHS, lookup
from linkindex.api.lists.linking_roots import LinkingRootsParams, linking_roots_page
from linkindex.api.params import check_linking_root_domains
from linkindex.index.snapshot import LinkingRootRow, Snapshot

# Spec 2.3 gives no maximum for fetch.multiple; 50 is the V2 url_metrics maximum.
MAX_SITE_QUERIES = 50

T = TypeVar("T")

LinkingDomainSort = Literal[
    "source_domain_authority", "source_link_propensity", "source_spam_score"
]
LinkingDomainFilter = Literal["external", "follow", "nofollow", "deleted", "not_deleted"]
QuotaPath = Literal["api.limits.data.rows", "api.limits.beta.rows", "api.limits.mozscape.rows"]
assert set(QuotaPath.__args__) == set(QUOTA_PATHS)  # type: ignore[attr-defined]


class QuotaLookupData(msgspec.Struct, forbid_unknown_fields=True):
    path: QuotaPath


class SiteQueryData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: SiteQuery


class SiteQueriesData(msgspec.Struct, forbid_unknown_fields=True):
    site_queries: Annotated[
        list[SiteQuery], msgspec.Meta(min_length=1, max_length=MAX_SITE_QUERIES)
    ]


class LinkingDomainOptions(msgspec.Struct, forbid_unknown_fields=True):
    sort: LinkingDomainSort = "source_domain_authority"
    filters: list[LinkingDomainFilter] = msgspec.field(default_factory=lambda: ["external"])


class LinkingDomainListData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: SiteQuery
    options: LinkingDomainOptions = msgspec.field(default_factory=LinkingDomainOptions)
    offset: Offset = msgspec.field(default_factory=Offset)


class DateRange(msgspec.Struct, forbid_unknown_fields=True):
    begin_date: str | None = None
    end_date: str | None = None


class RecentLinkingDomainsData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: SiteQuery
    options: DateRange = msgspec.field(default_factory=DateRange)
    offset: Offset = msgspec.field(default_factory=Offset)


def metadata_index_fetch(ctx: Context, data: NoParams) -> dict[str, Any]:
    """The opaque index_id, which changes whenever the index changes (free)."""
    return {"index_id": ctx.snapshot().index_id}


def quota_lookup(ctx: Context, data: QuotaLookupData) -> dict[str, Any]:
    """The caller's quota on one path: allotted, used and the period (free)."""
    return {"quota": lookup(ctx.state, ctx.key, data.path)}


def _site_metrics(snapshot: Snapshot, site: SiteQuery) -> dict[str, Any]:
    resolved = resolve(site)
    return {
        "site_query": site_query_echo(site, resolved),
        "site_metrics": snapshot.url_metrics(resolved.url),
    }


def site_metrics_fetch(ctx: Context, data: SiteQueryData) -> dict[str, Any]:
    """All 52 metrics of one site at its scope (1 row)."""
    return _site_metrics(ctx.snapshot(), data.site_query)


def site_metrics_fetch_multiple(ctx: Context, data: SiteQueriesData) -> dict[str, Any]:
    """Site metrics of up to 50 sites; a bad one goes to errors_by_site (1 row per result)."""
    snapshot = ctx.snapshot()
    results, errors = [], []
    for i, site in enumerate(data.site_queries):
        try:
            results.append(_site_metrics(snapshot, site))
        except RpcError as exc:
            if "key" in exc.data:
                exc.data["key"] = exc.data["key"].replace("site_query", f"site_queries[{i}]", 1)
            errors.append(
                {"site_query": {"query": site.query, "scope": site.scope}, "error": exc.to_pylon()}
            )
    return {"results_by_site": results, "errors_by_site": errors}


def _linking_page(
    ctx: Context,
    snapshot: Snapshot,
    method: str,
    site: SiteQuery,
    sort: str,
    filter_text: str,
    begin: str | None,
    end: str | None,
    offset: Offset,
) -> tuple[list[LinkingRootRow], dict[str, Any], dict[str, Any]]:
    """One page of linking root domains with the spec's offset paging and seed 002's cap."""
    rules = v2_rule("options", lambda: check_linking_root_domains(sort, filter_text, begin, end))
    resolved = resolve(site)
    params = LinkingRootsParams(resolved.scope, resolved.key, sort, rules, begin, end)
    fingerprint = params.fingerprint(method)
    after, served = open_offset(ctx.state.tokens, snapshot.index_id, offset.token, fingerprint)
    page = linking_roots_page(snapshot, params, after, served, offset.limit)
    offset_out = offset_echo(ctx.state.tokens, snapshot.index_id, fingerprint, offset, page)
    return page.rows, offset_out, site_query_echo(site, resolved)


def _linking_domain(snapshot: Snapshot, row: LinkingRootRow) -> dict[str, Any]:
    return {
        "site_metrics": snapshot.url_metrics(parse_query(row.root_domain, "source")),
        "link_propensity": row.link_propensity,
        "targeted_pages": row.pages,
        "targeted_nofollow_pages": row.nofollow_pages,
        "targeted_redirect_pages": row.redirect_pages,
        "targeted_deleted_pages": row.deleted_pages,
    }


def linking_domain_list(ctx: Context, data: LinkingDomainListData) -> dict[str, Any]:
    """Root domains linking to a site, sorted and filtered as V2's linking_root_domains.

    An empty filters list is no filter: V2's default, 'external' (every linking root domain).
    """
    options = data.options
    snapshot = ctx.snapshot()
    rows, offset, echo = _linking_page(
        ctx, snapshot, "data.site.linking-domain.list", data.site_query, options.sort,
        "+".join(options.filters) or "external", None, None, data.offset,
    )  # fmt: skip
    return {
        "site_query": echo,
        "offset": offset,
        "linking_domains": [_linking_domain(snapshot, row) for row in rows],
        "options": {"sort": options.sort, "filters": list(options.filters)},
    }


def _recent(kind: str) -> Callable[[Context, RecentLinkingDomainsData], dict[str, Any]]:
    sort, filter_name = f"date_{kind}", f"{kind}_last_60_days"
    method = f"data.site.linking-domain.filter.recently-{kind}"

    def recent(ctx: Context, data: RecentLinkingDomainsData) -> dict[str, Any]:
        options = data.options
        snapshot = ctx.snapshot()
        rows, offset, echo = _linking_page(
            ctx, snapshot, method, data.site_query, sort, f"external+{filter_name}",
            options.begin_date, options.end_date, data.offset,
        )  # fmt: skip
        items = []
        for row in rows:
            item = _linking_domain(snapshot, row)
            item[sort] = row.date_gained if kind == "gained" else row.date_lost
            items.append(item)
        return {
            "site_query": echo,
            "offset": offset,
            f"{kind}_linking_domains": items,
            "options": {"begin_date": options.begin_date, "end_date": options.end_date},
        }

    recent.__doc__ = f"Root domains {kind} by a site in the last 60 days, most recent first."
    return recent


def _results(data: Any, result: dict[str, Any]) -> int:
    for key in ("results_by_site", "linking_domains", "gained_linking_domains",
                "lost_linking_domains"):  # fmt: skip
        if key in result:
            return len(result[key])
    return 1


METHODS = [
    Method("metadata.index.fetch", NoParams, metadata_index_fetch, params_optional=True),
    Method("quota.lookup", QuotaLookupData, quota_lookup),
    Method("data.site.metrics.fetch", SiteQueryData, site_metrics_fetch, DATA_ROWS),
    Method("data.site.metrics.fetch.multiple", SiteQueriesData, site_metrics_fetch_multiple,
           DATA_ROWS, _results),
    Method("data.site.linking-domain.list", LinkingDomainListData, linking_domain_list,
           DATA_ROWS, _results),
    Method("data.site.linking-domain.filter.recently-gained", RecentLinkingDomainsData,
           _recent("gained"), DATA_ROWS, _results),
    Method("data.site.linking-domain.filter.recently-lost", RecentLinkingDomainsData,
           _recent("lost"), DATA_ROWS, _results),
]  # fmt: skip
