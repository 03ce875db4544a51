"""JSON-RPC data.site.metrics.histories.fetch: a site's daily and monthly metric histories.

The same metric names, dates and shapes as V2 url_metrics' history arrays (index/histories.py).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from linkindex.api.jsonrpc.errors import PARAM_MISSING, RpcError, invalid_param
from linkindex.api.jsonrpc.methods import Context, Method
from linkindex.api.jsonrpc.queries import SiteQuery, resolve, site_query_echo
from linkindex.api.jsonrpc.quota import DATA_ROWS
from linkindex.index.histories import (
    HISTORY_KINDS,
    VALUE_METRICS,
    HistoryRequest,
    unknown_metric,
    valid_metrics,
)

# Spec 2.3: per_value, one row per root item, at most 100 rows a call.
MAX_ROWS = 100
PARAMS = {kind: f"get_{kind}_for" for kind in HISTORY_KINDS}
Names = Annotated[list[str], msgspec.Meta(max_length=len(VALUE_METRICS))]


class HistoriesData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: SiteQuery
    get_daily_history_deltas_for: Names | None = None
    get_daily_history_values_for: Names | None = None
    get_monthly_history_deltas_for: Names | None = None
    get_monthly_history_values_for: Names | None = None


def _missing() -> RpcError:
    names = ", ".join(PARAMS.values())
    return RpcError(
        PARAM_MISSING,
        400,
        f"Please include at least one of {names}",
        {
            "explanation": f"At least one of {names} is required and none was included.",
            "issue": "param-is-missing",
            "key": PARAMS["daily_history_values"],
        },
    )


def _request(data: HistoriesData) -> HistoryRequest:
    sent = {kind: getattr(data, param) or [] for kind, param in PARAMS.items()}
    bad = unknown_metric(sent)
    if bad is not None:
        kind, i, name = bad
        valid = ", ".join(valid_metrics(kind))
        raise invalid_param(
            f"{PARAMS[kind]}[{i}]", f"unknown metric {name!r}. Valid metrics: {valid}", name
        )
    # A name asked twice in one array is answered once.
    request = HistoryRequest(**{kind: tuple(dict.fromkeys(names)) for kind, names in sent.items()})
    if not request.asked():
        raise _missing()
    return request


def site_metrics_histories_fetch(ctx: Context, data: HistoriesData) -> dict[str, Any]:
    """Daily (60 days) and monthly (32 months) values and gains/losses of a site's metrics."""
    request = _request(data)
    resolved = resolve(data.site_query)
    histories = ctx.snapshot().metric_histories(resolved.url, request)
    return {
        "site_query": site_query_echo(data.site_query, resolved),
        "site_metrics_histories": histories,
    }


def _rows(data: HistoriesData, result: dict[str, Any]) -> int:
    """One row per metric history returned (a root item of the four arrays), at most 100."""
    items = sum(len(entries) for entries in result["site_metrics_histories"].values())
    return min(items, MAX_ROWS)


METHODS = [
    Method(
        "data.site.metrics.histories.fetch",
        HistoriesData,
        site_metrics_histories_fetch,
        DATA_ROWS,
        _rows,
    )
]
