"""The Links API V2 endpoints: request bodies, their rules, and responses shaped as Moz's.

Handlers ask the current snapshot; they never see how it is stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response

from linkindex.api.auth import authenticate
from linkindex.api.errors import (
    ENUM_VALUES,
    NO_INDEX,
    TOKEN_EXPIRED,
    ApiError,
    describe_validation,
)
from linkindex.api.params import (
    LRD_SORTS,
    RESULT_CAP,
    bad_request,
    check_linking_root_domains,
    parse_target_param,
)
from linkindex.api.tokens import TokenExpired, TokenInvalid, request_fingerprint
from linkindex.index.schema import URL_METRIC_FIELDS
from linkindex.index.snapshot import NoSnapshot, RootDomainQuery, Snapshot
from linkindex.urls import SCOPES

# The largest valid request, 50 targets of 2,048 characters, is about 103 KB.
MAX_BODY_BYTES = 128 * 1024

TargetScope = Literal["page", "subdomain", "root_domain"]
LrdSort = Literal[
    "source_domain_authority",
    "source_link_propensity",
    "source_spam_score",
    "date_gained",
    "date_lost",
]
assert set(LrdSort.__args__) == set(LRD_SORTS)  # type: ignore[attr-defined]
ENUM_VALUES.update({"target_scope": SCOPES, "sort": LRD_SORTS})

Limit = Annotated[int, msgspec.Meta(ge=1, le=50, description="Results per page, 1-50.")]
Target = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]


class IndexMetadataRequest(msgspec.Struct, forbid_unknown_fields=True):
    """An empty object: index_metadata takes no parameters."""


class IndexMetadataResponse(msgspec.Struct):
    index_id: str
    spam_score_update_days: list[str]


class LinkingRootDomainsRequest(msgspec.Struct, forbid_unknown_fields=True):
    target: Target
    target_scope: TargetScope = "page"
    sort: LrdSort = "source_domain_authority"
    filter: str = "external"
    begin_date: str | None = None
    end_date: str | None = None
    limit: Limit = 25
    next_token: str | None = None


class ToTarget(msgspec.Struct):
    pages: int
    nofollow_pages: int
    redirect_pages: int
    deleted_pages: int


class LinkingRootDomain(msgspec.Struct, omit_defaults=True):
    root_domain: str
    root_domains_to_root_domain: int
    domain_authority: int
    link_propensity: float
    spam_score: int
    to_target: ToTarget
    date_gained: str | None = None
    date_lost: str | None = None


class LinkingRootDomainsResponse(msgspec.Struct):
    results: list[LinkingRootDomain]
    next_token: str


class UrlMetricsRequest(msgspec.Struct, forbid_unknown_fields=True):
    targets: Annotated[list[Target], msgspec.Meta(min_length=1, max_length=50)]


def _metric_type(field: str) -> type:
    if field in ("page", "subdomain", "root_domain", "title", "last_crawled"):
        return str
    return float if field == "link_propensity" else int


# The 52 URL metrics as a type, for the OpenAPI document (docs/metrics.md defines each).
UrlMetrics = msgspec.defstruct(
    "UrlMetrics", [(field, _metric_type(field)) for field in URL_METRIC_FIELDS]
)


class UrlMetricsResponse(msgspec.Struct):
    results: list[UrlMetrics]  # type: ignore[valid-type]


def current_snapshot(state: State) -> Snapshot:
    try:
        return state.snapshots.get()
    except NoSnapshot as exc:
        raise ApiError(503, NO_INDEX) from exc


def index_metadata(state: State, data: IndexMetadataRequest) -> IndexMetadataResponse:
    """The opaque index_id, which changes whenever the index changes (seed 000)."""
    snapshot = current_snapshot(state)
    return IndexMetadataResponse(
        index_id=snapshot.index_id,
        spam_score_update_days=list(snapshot.meta.get("spam_score_update_days", [])),
    )


def url_metrics(state: State, data: UrlMetricsRequest) -> dict:
    """All 52 metrics for each of up to 50 targets, one result per target, in request order."""
    targets = [parse_target_param(target, f"targets[{i}]") for i, target in enumerate(data.targets)]
    snapshot = current_snapshot(state)
    return {"results": [snapshot.url_metrics(target) for target in targets]}


def linking_root_domains(
    state: State, data: LinkingRootDomainsRequest
) -> LinkingRootDomainsResponse:
    """Root domains linking to a target, with seed 002's sorts, filters, dates and pagination."""
    rules = check_linking_root_domains(data.sort, data.filter, data.begin_date, data.end_date)
    target = parse_target_param(data.target)
    snapshot = current_snapshot(state)
    target_key = target.key(data.target_scope)
    fingerprint = request_fingerprint(
        "linking_root_domains", target_key, data.target_scope, data.sort,
        sorted(rules.filters), data.begin_date, data.end_date,
    )  # fmt: skip
    after, served = None, 0
    if data.next_token:
        try:
            continuation = state.tokens.open(data.next_token, snapshot.index_id, fingerprint)
        except TokenExpired as exc:
            raise ApiError(410, TOKEN_EXPIRED) from exc
        except TokenInvalid as exc:
            raise bad_request(str(exc)) from exc
        after, served = continuation.cursor, continuation.served
    page_size = min(data.limit, RESULT_CAP - served) if rules.capped else data.limit
    if page_size <= 0:
        return LinkingRootDomainsResponse(results=[], next_token="")
    filters = rules.filters
    query = RootDomainQuery(
        scope=data.target_scope,
        target=target_key,
        sort=data.sort,
        require_follow="follow" in filters,
        require_all_nofollow="nofollow" in filters,
        require_deleted="deleted" in filters,
        require_not_deleted="not_deleted" in filters,
        gained_since=snapshot.recent_since if "gained_last_60_days" in filters else None,
        lost_since=snapshot.recent_since if "lost_last_60_days" in filters else None,
        begin_date=rules.begin_date,
        end_date=rules.end_date,
        after=after,
        limit=page_size + 1,
    )
    rows = snapshot.linking_root_domains(query)
    more = len(rows) > page_size and not (rules.capped and served + page_size >= RESULT_CAP)
    rows = rows[:page_size]
    with_gained = "gained_last_60_days" in filters
    with_lost = "lost_last_60_days" in filters
    results = [
        LinkingRootDomain(
            root_domain=row.root_domain,
            root_domains_to_root_domain=row.root_domains_to_root_domain,
            domain_authority=row.domain_authority,
            link_propensity=row.link_propensity,
            spam_score=row.spam_score,
            to_target=ToTarget(
                pages=row.pages,
                nofollow_pages=row.nofollow_pages,
                redirect_pages=row.redirect_pages,
                deleted_pages=row.deleted_pages,
            ),
            date_gained=row.date_gained if with_gained else None,
            date_lost=row.date_lost if with_lost else None,
        )
        for row in rows
    ]
    next_token = (
        state.tokens.issue(snapshot.index_id, fingerprint, rows[-1].cursor, served + len(rows))
        if more
        else ""
    )
    return LinkingRootDomainsResponse(results=results, next_token=next_token)


async def read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, f"Request body too large: at most {MAX_BODY_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, f"Request body too large: at most {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class Endpoint:
    """One V2 endpoint: its path, body and result types (which also make its OpenAPI entry)."""

    path: str
    request_type: type
    response_type: Any
    handler: Callable[[State, Any], Any]
    empty_body_allowed: bool = False

    @property
    def summary(self) -> str:
        return (self.handler.__doc__ or "").strip().splitlines()[0]

    def asgi(self) -> Callable[[Request], Awaitable[Response]]:
        decoder = msgspec.json.Decoder(self.request_type, strict=True)
        encode = msgspec.json.Encoder().encode

        async def endpoint(request: Request) -> Response:
            state = request.app.state
            # Credentials first: a caller without them learns nothing about its body.
            request.scope.setdefault("state", {})["api_key"] = authenticate(
                state.key_store, request.headers
            )
            body = await read_body(request)
            if not body.strip() and self.empty_body_allowed:
                body = b"{}"
            try:
                data = decoder.decode(body)
            except msgspec.ValidationError as exc:
                raise bad_request(describe_validation(str(exc))) from exc
            except msgspec.DecodeError as exc:
                raise bad_request(f"Request body is not valid JSON: {exc}") from exc
            except UnicodeDecodeError as exc:  # bad UTF-8 inside a JSON string
                raise bad_request(f"Request body is not valid UTF-8: {exc.reason}") from exc
            return Response(encode(self.handler(state, data)), media_type="application/json")

        return endpoint


ENDPOINTS = [
    Endpoint(
        "/v2/index_metadata",
        IndexMetadataRequest,
        IndexMetadataResponse,
        index_metadata,
        empty_body_allowed=True,
    ),
    Endpoint("/v2/url_metrics", UrlMetricsRequest, UrlMetricsResponse, url_metrics),
    Endpoint(
        "/v2/linking_root_domains",
        LinkingRootDomainsRequest,
        LinkingRootDomainsResponse,
        linking_root_domains,
    ),
]
