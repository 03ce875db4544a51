"""Links API V2: index_metadata, url_metrics and linking_root_domains, shaped as Moz's.

Handlers ask the current snapshot; they never see how it is stored.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from starlette.datastructures import State

from linkindex.api import url_metrics_modifiers as modifiers
from linkindex.api.endpoint import Endpoint, Limit, Target, TargetScope, current_snapshot
from linkindex.api.errors import ENUM_VALUES
from linkindex.api.lists.linking_roots import LinkingRootsParams, linking_roots_page
from linkindex.api.params import LRD_SORTS, check_linking_root_domains, parse_target_param
from linkindex.api.v2_paging import next_token, open_next_token
from linkindex.index.page_lists import RankedRootDomain
from linkindex.index.schema import URL_METRIC_FIELDS
from linkindex.index.snapshot import LinkingRootRow
from linkindex.urls import SCOPES

LrdSort = Literal[
    "source_domain_authority",
    "source_link_propensity",
    "source_spam_score",
    "date_gained",
    "date_lost",
]
assert set(LrdSort.__args__) == set(LRD_SORTS)  # type: ignore[attr-defined]
ENUM_VALUES.update({"target_scope": SCOPES, "sort": LRD_SORTS})


class IndexMetadataRequest(msgspec.Struct, forbid_unknown_fields=True):
    """An empty object: index_metadata takes no parameters."""


class IndexMetadataResponse(msgspec.Struct):
    index_id: str
    spam_score_update_days: list[str]


# The form parse_date takes, stated in the schema; parse_date refuses the rest with its message.
DateText = Annotated[
    str,
    msgspec.Meta(
        extra_json_schema={"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        description="A calendar date, YYYY-MM-DD; only with sort date_gained or date_lost.",
    ),
]


class LinkingRootDomainsRequest(msgspec.Struct, forbid_unknown_fields=True):
    target: Target
    target_scope: TargetScope = "page"
    sort: LrdSort = "source_domain_authority"
    filter: str = "external"
    begin_date: DateText | None = None
    end_date: DateText | None = None
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


def root_domain_result(
    row: LinkingRootRow | RankedRootDomain,
    to_target: ToTarget,
    date_gained: str | None = None,
    date_lost: str | None = None,
) -> LinkingRootDomain:
    """A root domain as V2 lists it (linking_root_domains, global_top_root_domains)."""
    return LinkingRootDomain(
        root_domain=row.root_domain,
        root_domains_to_root_domain=row.root_domains_to_root_domain,
        domain_authority=row.domain_authority,
        link_propensity=row.link_propensity,
        spam_score=row.spam_score,
        to_target=to_target,
        date_gained=date_gained,
        date_lost=date_lost,
    )


class LinkingRootDomainsResponse(msgspec.Struct):
    results: list[LinkingRootDomain]
    next_token: str


class UrlMetricsRequest(msgspec.Struct, forbid_unknown_fields=True):
    targets: Annotated[list[Target], msgspec.Meta(min_length=1, max_length=50)]
    # Modifiers (api/url_metrics_modifiers.py; docs/api.md).
    daily_history_deltas: modifiers.MetricNames = []
    daily_history_values: modifiers.MetricNames = []
    monthly_history_deltas: modifiers.MetricNames = []
    monthly_history_values: modifiers.MetricNames = []
    distributions: bool = False


def _metric_type(field: str) -> type:
    if field in ("page", "subdomain", "root_domain", "title", "last_crawled"):
        return str
    return float if field == "link_propensity" else int


# The 52 URL metrics as a type, for the OpenAPI document (docs/metrics.md defines each).
UrlMetrics = msgspec.defstruct(
    "UrlMetrics", [(field, _metric_type(field)) for field in URL_METRIC_FIELDS]
)


# A url_metrics result: the 52 metrics, plus the 13 arrays when `distributions` is true.
UrlMetricsResult = msgspec.defstruct(
    "UrlMetricsResult",
    [("distributions", modifiers.Distributions | None, None), *modifiers.HISTORY_RESULT_FIELDS],
    bases=(UrlMetrics,),
    omit_defaults=True,
)


class UrlMetricsResponse(msgspec.Struct):
    results: list[UrlMetricsResult]  # type: ignore[valid-type]


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
    modifiers.check_histories(data)
    snapshot = current_snapshot(state)
    results = snapshot.url_metrics_many(targets)
    if data.distributions:
        for result, target in zip(results, targets, strict=True):
            result["distributions"] = snapshot.url_distributions(target)
    modifiers.add_histories(snapshot, targets, results, data)
    return {"results": results}


def linking_root_domains(
    state: State, data: LinkingRootDomainsRequest
) -> LinkingRootDomainsResponse:
    """Root domains linking to a target, with seed 002's sorts, filters, dates and pagination."""
    rules = check_linking_root_domains(data.sort, data.filter, data.begin_date, data.end_date)
    target = parse_target_param(data.target)
    snapshot = current_snapshot(state)
    params = LinkingRootsParams(
        scope=data.target_scope,
        target=target.key(data.target_scope),
        sort=data.sort,
        rules=rules,
        begin_date=data.begin_date,
        end_date=data.end_date,
    )
    fingerprint = params.fingerprint("linking_root_domains")
    after, served = open_next_token(state, snapshot, data.next_token, fingerprint)
    page = linking_roots_page(snapshot, params, after, served, data.limit)
    with_gained = "gained_last_60_days" in rules.filters
    with_lost = "lost_last_60_days" in rules.filters
    results = [
        root_domain_result(
            row,
            ToTarget(
                pages=row.pages,
                nofollow_pages=row.nofollow_pages,
                redirect_pages=row.redirect_pages,
                deleted_pages=row.deleted_pages,
            ),
            date_gained=row.date_gained if with_gained else None,
            date_lost=row.date_lost if with_lost else None,
        )
        for row in page.rows
    ]
    return LinkingRootDomainsResponse(
        results=results, next_token=next_token(state, snapshot, fingerprint, page)
    )


ENDPOINTS = [
    Endpoint(
        "/v2/index_metadata",
        IndexMetadataRequest,
        IndexMetadataResponse,
        index_metadata,
        rows=lambda request, response: 0,  # spec 1.4: free
        empty_body_allowed=True,
        free=True,
    ),
    Endpoint(
        "/v2/url_metrics",
        UrlMetricsRequest,
        UrlMetricsResponse,
        url_metrics,
        rows=modifiers.rows,
    ),  # fmt: skip
    Endpoint(
        "/v2/linking_root_domains",
        LinkingRootDomainsRequest,
        LinkingRootDomainsResponse,
        linking_root_domains,
    ),
]
