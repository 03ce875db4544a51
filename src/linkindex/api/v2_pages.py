"""Links API V2 page- and domain-level lists: top_pages, global_top_pages,
global_top_root_domains and final_redirect, shaped as Moz's.

Handlers ask the current snapshot; they never see how it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import msgspec
from starlette.datastructures import State

from linkindex.api.endpoint import Endpoint, Limit, Target, TargetScope, current_snapshot
from linkindex.api.errors import ENUM_VALUES
from linkindex.api.lists import Page
from linkindex.api.lists.top_pages import TopPagesParams, top_pages_page
from linkindex.api.params import bad_request, one_scope, parse_target_param
from linkindex.api.tokens import request_fingerprint
from linkindex.api.v2 import LinkingRootDomain, ToTarget, UrlMetrics, root_domain_result
from linkindex.api.v2_paging import next_token, open_next_token
from linkindex.index.page_lists import STATUS_FILTERS
from linkindex.index.schema import TOP_PAGES_SORT_KEYS
from linkindex.index.snapshot import Snapshot
from linkindex.urls import SCOPES, Scope

TOP_PAGES_SORTS = tuple(TOP_PAGES_SORT_KEYS)
TOP_PAGES_FILTERS = ("all", *STATUS_FILTERS)
# With neither `scope` nor `target_scope`, a target's whole root domain is listed: the page
# scope alone lists at most the one page, which is rarely what "top pages" asks for.
DEFAULT_TOP_PAGES_SCOPE: Scope = "root_domain"
ENUM_VALUES.setdefault("scope", SCOPES)
R = TypeVar("R")


class TopPagesRequest(msgspec.Struct, forbid_unknown_fields=True):
    target: Target
    # Moz's own example sends `scope`; every other V2 list says `target_scope`: both work.
    scope: TargetScope | None = None
    target_scope: TargetScope | None = None
    # Plain strings checked in the handler (with messages naming the valid values); the
    # schema lists those values.
    sort: Annotated[str, msgspec.Meta(extra_json_schema={"enum": list(TOP_PAGES_SORTS)})] = (
        "page_authority"
    )
    filter: Annotated[str, msgspec.Meta(extra_json_schema={"enum": list(TOP_PAGES_FILTERS)})] = (
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


def top_pages(state: State, data: TopPagesRequest) -> dict:
    """The pages of a target's root domain, subdomain (or the page itself) the index knows."""
    scope = one_scope(data.scope, data.target_scope, DEFAULT_TOP_PAGES_SCOPE)
    if data.sort not in TOP_PAGES_SORTS:
        raise bad_request(f"Unknown sort {data.sort!r}. Valid sorts: {', '.join(TOP_PAGES_SORTS)}")
    if data.filter not in TOP_PAGES_FILTERS:
        raise bad_request(
            f"Unknown filter {data.filter!r}. Valid filters (one at a time):"
            f" {', '.join(TOP_PAGES_FILTERS)}"
        )
    target = parse_target_param(data.target)
    snapshot = current_snapshot(state)
    params = TopPagesParams(scope, target.key(scope), data.sort, data.filter)
    fingerprint = params.fingerprint("top_pages")
    after, served = open_next_token(state, snapshot, data.next_token, fingerprint)
    page = top_pages_page(snapshot, params, after, served, data.limit)
    return {
        "results": [row.metrics for row in page.rows],
        "next_token": next_token(state, snapshot, fingerprint, page),
    }


def _global_page(
    state: State,
    data: GlobalTopRequest,
    name: str,
    fetch: Callable[[Snapshot, int, int], list[R]],
    rank: Callable[[R], int],
) -> tuple[list[R], str]:
    """A page of one of the index's global lists, which are paged by rank."""
    snapshot = current_snapshot(state)
    fingerprint = request_fingerprint(name)
    after, served = open_next_token(state, snapshot, data.next_token, fingerprint)
    rows = fetch(snapshot, after[0] if after else 0, data.limit + 1)
    more, rows = len(rows) > data.limit, rows[: data.limit]
    page = Page(rows, (rank(rows[-1]),) if more else None, served + len(rows))
    return rows, next_token(state, snapshot, fingerprint, page)


def global_top_pages(state: State, data: GlobalTopRequest) -> dict:
    """The 500 pages of the whole index with the highest Page Authority."""
    rows, token = _global_page(
        state, data, "global_top_pages", Snapshot.global_top_pages, lambda row: row.cursor[0]
    )
    return {"results": [row.metrics for row in rows], "next_token": token}


def global_top_root_domains(state: State, data: GlobalTopRequest) -> GlobalTopRootDomainsResponse:
    """The 500 root domains of the whole index with the highest Domain Authority."""
    rows, token = _global_page(
        state, data, "global_top_root_domains", Snapshot.global_top_root_domains,
        lambda row: row.rank,
    )  # fmt: skip
    # Root domains of no target: nothing "to the target" to count.
    to_target = ToTarget(pages=0, nofollow_pages=0, redirect_pages=0, deleted_pages=0)
    return GlobalTopRootDomainsResponse(
        results=[root_domain_result(row, to_target) for row in rows], next_token=token
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
