"""The url_metrics modifiers: `distributions` and the four history arrays, their metric names
(spec 2.5), their shapes, and the rows a call with modifiers bills.

The histories themselves are computed by the snapshot (index/histories.py).
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from linkindex.api.params import bad_request
from linkindex.index import histories
from linkindex.index.distributions import DISTRIBUTION_NAMES
from linkindex.index.snapshot import Snapshot

HISTORY_FIELDS = histories.HISTORY_KINDS
# Spec 2.5: every current link count (each *_to_* metric but the deleted_* ones), PA and DA;
# the values also take six distributions (index/histories.py, docs/metrics.md).
DELTA_METRICS = histories.DELTA_METRICS
VALUE_METRICS = histories.VALUE_METRICS
assert len(DELTA_METRICS) == 29, DELTA_METRICS  # the 27 counts of spec 2.5, PA and DA

MetricNames = Annotated[list[str], msgspec.Meta(max_length=len(VALUE_METRICS))]

# The 13 arrays of 10 buckets, as a type for the OpenAPI document.
Distributions = msgspec.defstruct(
    "Distributions",
    [
        (name, Annotated[list[int], msgspec.Meta(min_length=10, max_length=10)])
        for name in DISTRIBUTION_NAMES
    ],
)


def unknown_metric(request: object) -> tuple[str, str] | None:
    """(field[i], message) for the first history metric name spec 2.5 does not list."""
    bad = histories.unknown_metric({f: getattr(request, f) for f in HISTORY_FIELDS})
    if bad is None:
        return None
    field, i, name = bad
    valid = ", ".join(histories.valid_metrics(field))
    return f"{field}[{i}]", f"unknown metric {name!r}. Valid metrics: {valid}"


def check_histories(request: object) -> None:
    """Every history metric name must be one spec 2.5 lists."""
    bad = unknown_metric(request)
    if bad is not None:
        raise bad_request(f"{bad[0]}: {bad[1]}")


def history_request(request: object) -> histories.HistoryRequest:
    """The asked histories; a name asked twice in one array is answered once."""
    return histories.HistoryRequest(
        **{field: tuple(dict.fromkeys(getattr(request, field) or [])) for field in HISTORY_FIELDS}
    )


def add_histories(snapshot: Snapshot, targets: list, results: list[dict], request: object) -> None:
    """Put each asked history on each target's result, under the request field's own name."""
    asked = history_request(request)
    if not asked.asked():
        return
    for result, target in zip(results, targets, strict=True):
        result.update(snapshot.metric_histories(target, asked))


# The shapes of spec 2.5, as types for the OpenAPI document.
class HistoryValue(msgspec.Struct):
    date: str  # YYYY-MM-DD (daily) or YYYY-MM (monthly)
    value: int | list[int]  # a count or score; the 10 buckets of a *_by_* distribution


class MetricValues(msgspec.Struct):
    metric_name: str
    metric_values: list[HistoryValue]


class HistoryCount(msgspec.Struct):
    date: str
    count: int


class Deltas(msgspec.Struct):
    gained: list[HistoryCount]
    lost: list[HistoryCount]


class MetricDeltas(msgspec.Struct):
    metric_name: str
    metric_deltas: Deltas


# (field, type, default) of the four history keys a url_metrics result may carry.
HISTORY_RESULT_FIELDS = [
    (field, (list[MetricDeltas] if field.endswith("_deltas") else list[MetricValues]) | None, None)
    for field in HISTORY_FIELDS
]


def modifier_count(request: object) -> int:
    """Modifiers in a request: `distributions: true` and each non-empty history array."""
    histories = sum(1 for field in HISTORY_FIELDS if getattr(request, field))
    return int(bool(request.distributions)) + histories


def rows(request: object, response: dict) -> int:
    """Moz's FAQ: one row per target, and one more per target for every modifier."""
    return len(response["results"]) * (1 + modifier_count(request))
