"""The url_metrics modifiers: `distributions` and the four history arrays, their metric names
(spec 2.5), and the rows a call with modifiers bills.

Histories need metric values kept across index builds, which this server does not keep yet.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from linkindex.api.params import bad_request
from linkindex.index.distributions import DISTRIBUTION_NAMES
from linkindex.index.schema import URL_METRIC_FIELDS

HISTORY_FIELDS = (
    "daily_history_deltas",
    "daily_history_values",
    "monthly_history_deltas",
    "monthly_history_values",
)
# Spec 2.5: every current link count (each *_to_* metric but the deleted_* ones), PA and DA.
DELTA_METRICS: tuple[str, ...] = (
    *(f for f in URL_METRIC_FIELDS if "_to_" in f and not f.startswith("deleted_")),
    "page_authority",
    "domain_authority",
)
VALUE_METRICS: tuple[str, ...] = (
    *DELTA_METRICS,
    "root_domains_to_root_domain_by_root_domains",
    "nofollow_root_domains_to_root_domain_by_root_domains",
    "pages_to_root_domain_by_spam_score",
    "nofollow_pages_to_root_domain_by_spam_score",
    "root_domains_to_root_domain_by_spam_score",
    "nofollow_root_domains_to_root_domain_by_spam_score",
)
assert len(DELTA_METRICS) == 29, DELTA_METRICS  # the 27 counts of spec 2.5, PA and DA

HISTORIES_UNAVAILABLE = (
    "{field}: metric histories are not available on this server yet (it keeps no metric values"
    " from earlier index builds); send the request without the history arrays."
    " 'distributions' is available"
)

MetricNames = Annotated[list[str], msgspec.Meta(max_length=len(VALUE_METRICS))]

# The 13 arrays of 10 buckets, as a type for the OpenAPI document.
Distributions = msgspec.defstruct(
    "Distributions",
    [
        (name, Annotated[list[int], msgspec.Meta(min_length=10, max_length=10)])
        for name in DISTRIBUTION_NAMES
    ],
)


def check_histories(request: object) -> None:
    """Every history metric name must be one spec 2.5 lists; a non-empty array is then a 400
    that says histories are not kept (rather than an answer with made-up values)."""
    for field in HISTORY_FIELDS:
        names: list[str] = getattr(request, field)
        valid = DELTA_METRICS if field.endswith("_deltas") else VALUE_METRICS
        for i, name in enumerate(names):
            if name not in valid:
                raise bad_request(
                    f"{field}[{i}]: unknown metric {name!r}. Valid metrics: {', '.join(valid)}"
                )
    for field in HISTORY_FIELDS:
        if getattr(request, field):
            raise bad_request(HISTORIES_UNAVAILABLE.format(field=field))


def modifier_count(request: object) -> int:
    """Modifiers in a request: `distributions: true` and each non-empty history array."""
    histories = sum(1 for field in HISTORY_FIELDS if getattr(request, field))
    return int(bool(request.distributions)) + histories


def rows(request: object, response: dict) -> int:
    """Moz's FAQ: one row per target, and one more per target for every modifier."""
    return len(response["results"]) * (1 + modifier_count(request))
