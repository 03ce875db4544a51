"""Links API V2 page- and domain-level lists: top_pages, global_top_pages,
global_top_root_domains and final_redirect, shaped as Moz's.

Handlers ask the current snapshot; they never see how it is stored.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from starlette.datastructures import State

from linkindex.api.endpoint import Endpoint, Limit, Target, TargetScope, current_snapshot
from linkindex.api.errors import ENUM_VALUES, TOKEN_EXPIRED, ApiError
from linkindex.api.params import bad_request, parse_target_param
from linkindex.api.tokens import TokenExpired, TokenInvalid, request_fingerprint
from linkindex.api.v2 import LinkingRootDomain, ToTarget, UrlMetrics
from linkindex.index.page_lists import STATUS_FILTERS, TopPagesQuery
from linkindex.index.schema import TOP_PAGES_SORT_KEYS
from linkindex.index.snapshot import Snapshot
from linkindex.urls import SCOPES, Scope

TOP_PAGES_SORTS = tuple(TOP_PAGES_SORT_KEYS)
TOP_PAGES_FILTERS = ("all", *STATUS_FILTERS)
# With neither `scope` nor `target_scope`, a target's whole root domain is listed: the page
# scope alone lists at most the one page, which is rarely what "top pages" asks for.
DEFAULT_TOP_PAGES_SCOPE: Scope = "root_domain"
ENUM_VALUES.setdefault("scope", SCOPES)


class TopPagesRequest(msgspec.Struct, forbid_unknown_fields=True):
    target: Target
    # Moz's own example sends `scope`; every other V2 list says `target_scope`: both work.
    scope: TargetScope | None = None
    target_scope: TargetScope | None = None
    sort: Annotated[str, msgspec.Meta(description="One of: " + ", ".join(TOP_PAGES_SORTS))] = (
        "page_authority"
    )
    filter: Annotated[str, msgspec.Meta(description="One of: " + ", ".join(TOP_PAGES_FILTERS))] = (
        "all"
    )
    limit: Limit = 25
    next_token: str | None = None


class PageListResponse(msgspec.Struct):
    results: list[UrlMetrics]  # type: ignore[valid-type]
    next_token: str


class GlobalTopRequest(msgspec.Struct, forbid_unknown_fields=True):
    limit: Limit = 25
    next_token: str | None = None


class GlobalTopRootDomainsResponse(msgspec.Struct):
    results: list[LinkingRootDomain]
    next_token: str


class FinalRedirectRequest(msgspec.Struct, forbid_unknown_fields=True):
    page: Target


class FinalRedirectResponse(msgspec.Struct):
    page: str


def _continuation(
    state: State, snapshot: Snapshot, token: str | None, fingerprint: bytes
) -> tuple[tuple | None, int]:
    """(cursor, results served) of a next_token: 410 once expired or the index changed."""
    if not token:
        return None, 0
    try:
        continuation = state.tokens.open(token, snapshot.index_id, fingerprint)
    except TokenExpired as exc:
        raise ApiError(410, TOKEN_EXPIRED) from exc
    except TokenInvalid as exc:
        raise bad_request(str(exc)) from exc
    return continuation.cursor, continuation.served


def _next_token(
    state: State, snapshot: Snapshot, fingerprint: bytes, more: bool, cursor: tuple, served: int
) -> str:
    return state.tokens.issue(snapshot.index_id, fingerprint, cursor, served) if more else ""


def _top_pages_scope(data: TopPagesRequest) -> Scope:
    if data.scope and data.target_scope and data.scope != data.target_scope:
        raise bad_request(
            f"scope {data.scope!r} and target_scope {data.target_scope!r} disagree:"
            " send one of them (they mean the same)"
        )
    return data.scope or data.target_scope or DEFAULT_TOP_PAGES_SCOPE


def top_pages(state: State, data: TopPagesRequest) -> dict:
    """The pages of a target's root domain, subdomain (or the page itself) the index knows."""
    scope = _top_pages_scope(data)
    if data.sort not in TOP_PAGES_SORTS:
        raise bad_request(f"Unknown sort {data.sort!r}. Valid sorts: {', '.join(TOP_PAGES_SORTS)}")
    if data.filter not in TOP_PAGES_FILTERS:
        raise bad_request(
            f"Unknown filter {data.filter!r}. Valid filters (one at a time):"
            f" {', '.join(TOP_PAGES_FILTERS)}"
        )
    target = parse_target_param(data.target)
    snapshot = current_snapshot(state)
    key = target.key(scope)
    fingerprint = request_fingerprint("top_pages", key, scope, data.sort, data.filter)
    after, served = _continuation(state, snapshot, data.next_token, fingerprint)
    rows = snapshot.top_pages(
        TopPagesQuery(
            scope=scope,
            target=key,
            sort=data.sort,
            status=STATUS_FILTERS.get(data.filter),
            after=after,  # type: ignore[arg-type]
            limit=data.limit + 1,
        )
    )
    more, rows = len(rows) > data.limit, rows[: data.limit]
    cursor = rows[-1].cursor if rows else ()
    return {
        "results": [row.metrics for row in rows],
        "next_token": _next_token(state, snapshot, fingerprint, more, cursor, served + len(rows)),
    }


def global_top_pages(state: State, data: GlobalTopRequest) -> dict:
    """The 500 pages of the whole index with the highest Page Authority."""
    snapshot = current_snapshot(state)
    fingerprint = request_fingerprint("global_top_pages")
    after, served = _continuation(state, snapshot, data.next_token, fingerprint)
    rows = snapshot.global_top_pages(after[0] if after else 0, data.limit + 1)
    more, rows = len(rows) > data.limit, rows[: data.limit]
    cursor = (rows[-1].cursor[0],) if rows else ()
    return {
        "results": [row.metrics for row in rows],
        "next_token": _next_token(state, snapshot, fingerprint, more, cursor, served + len(rows)),
    }


def global_top_root_domains(state: State, data: GlobalTopRequest) -> GlobalTopRootDomainsResponse:
    """The 500 root domains of the whole index with the highest Domain Authority."""
    snapshot = current_snapshot(state)
    fingerprint = request_fingerprint("global_top_root_domains")
    after, served = _continuation(state, snapshot, data.next_token, fingerprint)
    rows = snapshot.global_top_root_domains(after[0] if after else 0, data.limit + 1)
    more, rows = len(rows) > data.limit, rows[: data.limit]
    results = [
        LinkingRootDomain(
            root_domain=row.root_domain,
            root_domains_to_root_domain=row.root_domains_to_root_domain,
            domain_authority=row.domain_authority,
            link_propensity=row.link_propensity,
            spam_score=row.spam_score,
            # Linking root domain rows with no target: nothing "to the target" to count.
            to_target=ToTarget(pages=0, nofollow_pages=0, redirect_pages=0, deleted_pages=0),
        )
        for row in rows
    ]
    cursor = (rows[-1].rank,) if rows else ()
    return GlobalTopRootDomainsResponse(
        results=results,
        next_token=_next_token(state, snapshot, fingerprint, more, cursor, served + len(rows)),
    )


def final_redirect(state: State, data: FinalRedirectRequest) -> FinalRedirectResponse:
    """Where a page's chain of HTTP redirects ends; a page without one answers itself."""
    target = parse_target_param(data.page, "page")
    destination = current_snapshot(state).final_redirect(target.page)
    return FinalRedirectResponse(page=destination or target.page)


ENDPOINTS = [
    Endpoint(
        "/v2/top_pages",
        TopPagesRequest,
        PageListResponse,
        top_pages,
        rows=lambda request, response: len(response["results"]),
    ),
    Endpoint(
        "/v2/global_top_pages",
        GlobalTopRequest,
        PageListResponse,
        global_top_pages,
        rows=lambda request, response: len(response["results"]),
        empty_body_allowed=True,
    ),
    Endpoint(
        "/v2/global_top_root_domains",
        GlobalTopRequest,
        GlobalTopRootDomainsResponse,
        global_top_root_domains,
        empty_body_allowed=True,
    ),
    Endpoint(
        "/v2/final_redirect",
        FinalRedirectRequest,
        FinalRedirectResponse,
        final_redirect,
        rows=lambda request, response: 1,  # one row per call, answered or not redirected
    ),
]
