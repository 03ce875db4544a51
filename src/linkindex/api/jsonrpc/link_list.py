"""The link lists: data.site.link.list and its anchor-text and domain filters.

Moz's filter vocabulary and rules are V2 links' (api/link_params.py); rows come from the same
snapshot query, shaped as the JSON-RPC DataSiteLinkObject (spec 2.4).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from linkindex.api.jsonrpc.errors import invalid_param, param_missing, v2_rule
from linkindex.api.jsonrpc.links import link_snapshot
from linkindex.api.jsonrpc.methods import Context, Method
from linkindex.api.jsonrpc.queries import (
    INDEX_SCOPES,
    DomainSiteQuery,
    Offset,
    SiteQuery,
    offset_echo,
    open_offset,
    parse_query,
    resolve,
    site_query_echo,
)
from linkindex.api.jsonrpc.quota import DATA_ROWS
from linkindex.api.link_params import (
    LINKS_DEFAULT_SORT,
    LINKS_FILTERS,
    LINKS_SORTS,
    NO_ANCHOR_TEXT,
    check_links_anchor,
    links_filters,
)
from linkindex.api.lists.links import LinkListParams, link_ends, link_fields, link_page
from linkindex.index.link_queries import LinkRow
from linkindex.index.snapshot import Snapshot

LinkSort = Literal[
    "source_page_authority", "source_domain_authority", "source_link_propensity",
    "source_spam_score", "root_domains_to_source_page", "root_domains_to_source_root_domain",
]  # fmt: skip
AnchorSort = Literal[
    "source_page_authority", "source_domain_authority", "source_link_propensity",
    "source_spam_score",
]  # fmt: skip
LinkFilter = Literal[
    "external", "follow", "nofollow", "deleted", "not_deleted", "redirect", "not_redirect",
    "rel_canonical", "not_rel_canonical", "via_redirect", "not_via_redirect",
    "via_rel_canonical", "not_via_rel_canonical", "gained_last_60_days", "lost_last_60_days",
]  # fmt: skip
DomainFilter = Literal[
    "external", "follow", "nofollow", "deleted", "not_deleted", "gained_last_60_days",
    "lost_last_60_days",
]  # fmt: skip
SourceScope = Literal["page", "subdomain", "domain"]
Subdomains = Annotated[list[str], msgspec.Meta(max_length=50)]
assert set(LinkSort.__args__) == set(LINKS_SORTS)  # type: ignore[attr-defined]
assert set(LinkFilter.__args__) == set(LINKS_FILTERS)  # type: ignore[attr-defined]


class LinkListOptions(msgspec.Struct, forbid_unknown_fields=True):
    scope: SourceScope = "page"
    subdomains_limited_to_one: Subdomains | None = None
    sort: LinkSort | None = None
    filters: list[LinkFilter] = msgspec.field(default_factory=lambda: ["external"])


class AnchorFilterOptions(msgspec.Struct, forbid_unknown_fields=True):
    scope: SourceScope = "page"
    subdomains_limited_to_one: Subdomains | None = None
    sort: AnchorSort | None = None
    filters: list[LinkFilter] = msgspec.field(default_factory=lambda: ["external"])


class DomainFilterOptions(msgspec.Struct, forbid_unknown_fields=True):
    scope: SourceScope = "page"
    subdomains_limited_to_one: Subdomains | None = None
    sort: Literal["source_page_authority"] | None = None
    filters: list[DomainFilter] = msgspec.field(default_factory=lambda: ["external"])


class LinkListData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: SiteQuery
    options: LinkListOptions = msgspec.field(default_factory=LinkListOptions)
    offset: Offset = msgspec.field(default_factory=Offset)


class AnchorFilterData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: SiteQuery
    # Required, and null is a value: links without anchor text (spec 2.3).
    anchor_text: str | None | msgspec.UnsetType = msgspec.UNSET
    options: AnchorFilterOptions = msgspec.field(default_factory=AnchorFilterOptions)
    offset: Offset = msgspec.field(default_factory=Offset)


class DomainFilterData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: SiteQuery
    domain_site_query: DomainSiteQuery
    options: DomainFilterOptions = msgspec.field(default_factory=DomainFilterOptions)
    offset: Offset = msgspec.field(default_factory=Offset)


def _link_results(snapshot: Snapshot, rows: list[LinkRow]) -> list[dict[str, Any]]:
    return [
        {"source_site_metrics": source, "target_site_metrics": target, **link_fields(row)}
        for row, (source, target) in zip(rows, link_ends(snapshot, rows), strict=True)
    ]


def _link_page(
    ctx: Context,
    method: str,
    site: SiteQuery,
    options: LinkListOptions | AnchorFilterOptions | DomainFilterOptions,
    offset: Offset,
    anchor: str | None = None,
    source_root: str | None = None,
) -> dict[str, Any]:
    """One page of links with the spec's offset paging: site_query, offset, links, options."""
    if options.subdomains_limited_to_one is not None and options.sort is None:
        raise invalid_param(
            "options.sort", "subdomains_limited_to_one requires sort (spec 2.4): send it"
        )
    text = "+".join(options.filters)
    # An empty list (a UI with no filter picked) is no filter: every live link, internal ones
    # too, as V2's single 'not_deleted'. The names are valid already (LinkFilter).
    filters = v2_rule("options.filters", lambda: links_filters(frozenset(options.filters), text))
    subdomains = tuple(sorted({
        parse_query(v, f"options.subdomains_limited_to_one[{i}]").subdomain
        for i, v in enumerate(options.subdomains_limited_to_one or [])
    }))  # fmt: skip
    resolved = resolve(site)
    snapshot = link_snapshot(ctx)
    params = LinkListParams(
        scope=resolved.scope,
        target=resolved.key,
        sort=options.sort or LINKS_DEFAULT_SORT,
        filters=filters,
        anchor_text=anchor,
        source_root=source_root,
        source_scope=INDEX_SCOPES["url" if options.scope == "page" else options.scope],
        subdomains=subdomains,
    )
    fingerprint = params.fingerprint(method)
    after, _ = open_offset(ctx.state.tokens, snapshot.index_id, offset.token, fingerprint)
    page = link_page(snapshot, params, after, offset.limit)
    return {
        "site_query": site_query_echo(site, resolved),
        "offset": offset_echo(ctx.state.tokens, snapshot.index_id, fingerprint, offset, page),
        "links": _link_results(snapshot, page.rows),
        "options": msgspec.to_builtins(options),
    }


def link_list(ctx: Context, data: LinkListData) -> dict[str, Any]:
    """Links to a site, one per (source page, linked page), with Moz's sorts and filters."""
    return _link_page(ctx, "data.site.link.list", data.site_query, data.options, data.offset)


def link_filter_anchor_text(ctx: Context, data: AnchorFilterData) -> dict[str, Any]:
    """Links to a site with one anchor text (null: links without anchor text)."""
    if data.anchor_text is msgspec.UNSET:
        raise param_missing("anchor_text")
    given = NO_ANCHOR_TEXT if data.anchor_text is None else data.anchor_text
    anchor = v2_rule("anchor_text", lambda: check_links_anchor(given))
    result = _link_page(
        ctx, "data.site.link.filter.anchor-text", data.site_query, data.options, data.offset,
        anchor=anchor,
    )  # fmt: skip
    return {**result, "anchor_text": data.anchor_text}


def link_filter_domain(ctx: Context, data: DomainFilterData) -> dict[str, Any]:
    """Links to a site from one root domain."""
    domain = resolve(data.domain_site_query, "domain_site_query")
    result = _link_page(
        ctx, "data.site.link.filter.domain", data.site_query, data.options, data.offset,
        source_root=domain.key,
    )  # fmt: skip
    echo = site_query_echo(data.domain_site_query, domain)
    return {"site_query": result.pop("site_query"), "domain_site_query": echo, **result}


def _links(data: Any, result: dict[str, Any]) -> int:
    return len(result["links"])


METHODS = [
    Method("data.site.link.list", LinkListData, link_list, DATA_ROWS, _links),
    Method("data.site.link.filter.anchor-text", AnchorFilterData, link_filter_anchor_text,
           DATA_ROWS, _links),
    Method("data.site.link.filter.domain", DomainFilterData, link_filter_domain, DATA_ROWS,
           _links),
]  # fmt: skip
