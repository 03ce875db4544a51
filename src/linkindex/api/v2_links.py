"""Links API V2, link level: links, anchor_text, link_status and link_intersect, shaped as Moz's.

Handlers check Moz's parameter rules (link_params.py) and ask the snapshot; nothing else.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from starlette.datastructures import State

from linkindex.api.endpoint import Endpoint, Limit, Target, TargetScope, current_snapshot
from linkindex.api.errors import ApiError
from linkindex.api.link_params import (
    INTERSECT_MINIMUM_SCHEMA,
    INTERSECT_NEGATIVE_SCHEMA,
    INTERSECT_POSITIVE_SCHEMA,
    INTERSECT_ROWS_PER_RESULT,
    INTERSECT_SORTS,
    INTERSECT_SOURCE_SCOPES,
    LINK_STATUS_MAX_SOURCES,
    LINKS_DEFAULT_SORT,
    LINKS_SORTS,
    check_choice,
    check_intersect_targets,
    check_limited_subdomains,
    check_links_anchor,
    check_links_filter,
)
from linkindex.api.lists import take_page
from linkindex.api.lists.links import LinkListParams, link_ends, link_fields, link_page
from linkindex.api.params import bad_request, one_scope, parse_target_param
from linkindex.api.tokens import request_fingerprint
from linkindex.api.v2 import UrlMetrics
from linkindex.api.v2_paging import next_token, open_next_token
from linkindex.index.link_queries import LinkRow
from linkindex.index.snapshot import Snapshot
from linkindex.urls import BadURL, cached_parse_target

OLD_INDEX = (
    "This index was built before the link tables existed: run `linkindex build` on the server"
)

# Sorts are plain strings checked in the handler (their valid values differ per endpoint, and
# the shared enum messages are keyed by field name); the schema still lists them.
LinksSort = Annotated[str, msgspec.Meta(extra_json_schema={"enum": list(LINKS_SORTS)})]
IntersectSort = Annotated[str, msgspec.Meta(extra_json_schema={"enum": list(INTERSECT_SORTS)})]
IntersectSourceScope = Annotated[
    str, msgspec.Meta(extra_json_schema={"enum": list(INTERSECT_SOURCE_SCOPES)})
]
Subdomains = Annotated[list[Target], msgspec.Meta(max_length=50)]


def _link_snapshot(state: State) -> Snapshot:
    snapshot = current_snapshot(state)
    if not snapshot.has_link_tables:
        raise ApiError(503, OLD_INDEX)
    return snapshot


# --- links -------------------------------------------------------------------------------------


class LinksRequest(msgspec.Struct, forbid_unknown_fields=True):
    target: Target
    target_scope: TargetScope = "page"
    sort: LinksSort | None = None  # None: source_page_authority (and "not given" for the rule)
    filter: str = "external"
    anchor_text: str | None = None
    source_root_domain: Target | None = None
    source_scope: TargetScope = "page"
    subdomains_limited_to_one: Subdomains | None = None
    limit: Limit = 25
    next_token: str | None = None


class Link(msgspec.Struct):
    anchor_text: str
    date_disappeared: str
    date_first_seen: str
    date_last_seen: str
    nofollow: bool
    redirect: bool
    rel_canonical: bool
    source: UrlMetrics  # type: ignore[valid-type]
    target: UrlMetrics  # type: ignore[valid-type]
    via_redirect: bool
    via_rel_canonical: bool


class LinksResponse(msgspec.Struct):
    results: list[Link]
    next_token: str


def _source_root(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return cached_parse_target(value).root_domain
    except BadURL as exc:
        raise bad_request(f"source_root_domain is not a valid domain: {exc}") from exc


def _subdomains(values: list[str] | None) -> tuple[str, ...]:
    hosts = {
        parse_target_param(value, f"subdomains_limited_to_one[{i}]").subdomain
        for i, value in enumerate(values or [])
    }
    return tuple(sorted(hosts))


def _link_results(snapshot: Snapshot, rows: list[LinkRow]) -> list[dict]:
    # V2 names a link's fields in alphabetical order.
    return [
        dict(sorted({**link_fields(row), "source": source, "target": target}.items()))
        for row, (source, target) in zip(rows, link_ends(snapshot, rows), strict=True)
    ]


def links(state: State, data: LinksRequest) -> dict:
    """Links to a target, one per (source page, linked page), with Moz's sorts and filters."""
    sort = LINKS_DEFAULT_SORT if data.sort is None else check_choice("sort", data.sort, LINKS_SORTS)
    check_limited_subdomains(data.subdomains_limited_to_one, data.sort)
    filters = check_links_filter(data.filter)
    anchor = check_links_anchor(data.anchor_text)
    source_root = _source_root(data.source_root_domain)
    subdomains = _subdomains(data.subdomains_limited_to_one)
    target = parse_target_param(data.target)
    snapshot = _link_snapshot(state)
    params = LinkListParams(
        scope=data.target_scope,
        target=target.key(data.target_scope),
        sort=sort,
        filters=filters,
        anchor_text=anchor,
        source_root=source_root,
        source_scope=data.source_scope,
        subdomains=subdomains,
    )
    fingerprint = params.fingerprint("links")
    after, _ = open_next_token(state, snapshot, data.next_token, fingerprint)
    page = link_page(snapshot, params, after, data.limit)
    return {
        "results": _link_results(snapshot, page.rows),
        "next_token": next_token(state, snapshot, fingerprint, page),
    }


# --- anchor_text -------------------------------------------------------------------------------


class AnchorTextRequest(msgspec.Struct, forbid_unknown_fields=True):
    target: Target
    # Moz's own call sends `scope`; every other V2 list says `target_scope`: both work, as for
    # top_pages (docs/api.md).
    scope: TargetScope | None = None
    target_scope: Annotated[
        TargetScope | None, msgspec.Meta(description="The same as `scope`; send one of them.")
    ] = None
    limit: Limit = 25
    next_token: str | None = None


class AnchorText(msgspec.Struct):
    anchor_text: str
    external_pages: int
    external_root_domains: int


class AnchorTextResponse(msgspec.Struct):
    results: list[AnchorText]
    next_token: str


def anchor_text(state: State, data: AnchorTextRequest) -> AnchorTextResponse:
    """Anchor texts of followed external links to a target, most linking root domains first."""
    scope = one_scope(data.scope, data.target_scope, "page")
    target = parse_target_param(data.target)
    snapshot = _link_snapshot(state)
    target_key = target.key(scope)
    fingerprint = request_fingerprint("anchor_text", target_key, scope)
    after, _ = open_next_token(state, snapshot, data.next_token, fingerprint)
    rows = snapshot.anchor_texts(scope, target_key, after, data.limit + 1)
    page = take_page(rows, data.limit, served=None)
    return AnchorTextResponse(
        results=[
            AnchorText(row.anchor_text, row.external_pages, row.external_root_domains)
            for row in page.rows
        ],
        next_token=next_token(state, snapshot, fingerprint, page),
    )


# --- link_status -------------------------------------------------------------------------------


class LinkStatusRequest(msgspec.Struct, forbid_unknown_fields=True):
    target: Target
    sources: Annotated[list[Target], msgspec.Meta(min_length=1, max_length=LINK_STATUS_MAX_SOURCES)]
    target_scope: TargetScope = "page"
    source_scope: TargetScope = "page"


class LinkStatusResponse(msgspec.Struct):
    exists: list[bool]


def link_status(state: State, data: LinkStatusRequest) -> LinkStatusResponse:
    """Whether each source links to the target now: one boolean per source, in request order."""
    target = parse_target_param(data.target)
    sources = [
        parse_target_param(source, f"sources[{i}]").key(data.source_scope)
        for i, source in enumerate(data.sources)
    ]
    snapshot = _link_snapshot(state)
    return LinkStatusResponse(
        exists=snapshot.links_exist(target, data.target_scope, sources, data.source_scope)
    )


# --- link_intersect ----------------------------------------------------------------------------


class IntersectTarget(msgspec.Struct, forbid_unknown_fields=True):
    target: Target
    scope: TargetScope = "page"


class LinkIntersectRequest(msgspec.Struct, forbid_unknown_fields=True):
    positive_targets: Annotated[
        list[IntersectTarget],
        msgspec.Meta(min_length=1, extra_json_schema=INTERSECT_POSITIVE_SCHEMA),
    ]
    negative_targets: Annotated[
        list[IntersectTarget], msgspec.Meta(extra_json_schema=INTERSECT_NEGATIVE_SCHEMA)
    ] = []
    source_scope: IntersectSourceScope = "page"
    sort: IntersectSort = "matching_target_count"
    minimum_matching_targets: (
        Annotated[int, msgspec.Meta(ge=1, extra_json_schema=INTERSECT_MINIMUM_SCHEMA)] | None
    ) = None
    limit: Limit = 25
    next_token: str | None = None


class LinkIntersect(msgspec.Struct):
    domain_authority: int
    matching_target_indexes: list[int]
    page: str
    spam_score: int
    title: str


class LinkIntersectResponse(msgspec.Struct):
    results: list[LinkIntersect]
    next_token: str


def _intersect_targets(targets: list[IntersectTarget], name: str) -> list[tuple[str, str]]:
    keyed = []
    for i, item in enumerate(targets):
        parsed = parse_target_param(item.target, f"{name}[{i}].target")
        keyed.append((item.scope, parsed.key(item.scope)))
    return keyed


def link_intersect(state: State, data: LinkIntersectRequest) -> LinkIntersectResponse:
    """Sources linking to the positive targets and to none of the negative ones."""
    minimum = check_intersect_targets(
        len(data.positive_targets), len(data.negative_targets), data.minimum_matching_targets
    )
    source_scope = check_choice("source_scope", data.source_scope, INTERSECT_SOURCE_SCOPES)
    sort = check_choice("sort", data.sort, INTERSECT_SORTS)
    positives = _intersect_targets(data.positive_targets, "positive_targets")
    negatives = _intersect_targets(data.negative_targets, "negative_targets")
    snapshot = _link_snapshot(state)
    fingerprint = request_fingerprint(
        "link_intersect", positives, negatives, source_scope, sort, minimum
    )
    after, _ = open_next_token(state, snapshot, data.next_token, fingerprint)
    rows = snapshot.link_intersect(
        positives,
        negatives,
        source_scope,
        sort,
        minimum,
        after,
        data.limit + 1,  # type: ignore[arg-type]
    )
    page = take_page(rows, data.limit, served=None)
    return LinkIntersectResponse(
        results=[
            LinkIntersect(
                domain_authority=row.domain_authority,
                matching_target_indexes=row.matching_target_indexes,
                page=row.page,
                spam_score=row.spam_score,
                title=row.title,
            )
            for row in page.rows
        ],
        next_token=next_token(state, snapshot, fingerprint, page),
    )


ENDPOINTS = [
    Endpoint(
        "/v2/links",
        LinksRequest,
        LinksResponse,
        links,
        rows=lambda request, response: len(response["results"]),
    ),
    Endpoint("/v2/anchor_text", AnchorTextRequest, AnchorTextResponse, anchor_text),
    Endpoint(
        "/v2/link_status",
        LinkStatusRequest,
        LinkStatusResponse,
        link_status,
        rows=lambda request, response: len(request.sources),  # one row per source asked about
    ),
    Endpoint(
        "/v2/link_intersect",
        LinkIntersectRequest,
        LinkIntersectResponse,
        link_intersect,
        rows=lambda request, response: INTERSECT_ROWS_PER_RESULT * len(response.results),
    ),
]
