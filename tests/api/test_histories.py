"""Metric histories, called in-process: V2 url_metrics' four history arrays and JSON-RPC
data.site.metrics.histories.fetch, on a web whose links were gained and lost on known dates."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from history_web import FIRST_BUILD, INDEX_DATE, NEW_LINKERS, history_server  # noqa: F401
from rpc import rpc

from linkindex.index.histories import (
    COUNT_METRICS,
    DELTA_METRICS,
    DISTRIBUTION_METRICS,
    VALUE_METRICS,
)

TARGETS = ["h.com/", "h.com/page2", "http://old.h.com/x", "a.com/1", "r.com/go", "n3.com"]


@pytest.fixture(scope="module")
def server(history_server):  # noqa: F811
    return history_server


def one(server, target: str, **histories) -> dict:
    response = server.post("url_metrics", {"targets": [target], **histories})
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    return result


def by_name(entries: list[dict]) -> dict[str, dict]:
    return {e["metric_name"]: e for e in entries}


def values(server, target: str, metric: str, kind: str = "daily") -> dict[str, object]:
    result = one(server, target, **{f"{kind}_history_values": [metric]})
    [entry] = result[f"{kind}_history_values"]
    return {p["date"]: p["value"] for p in entry["metric_values"]}


def deltas(server, target: str, metric: str, kind: str = "daily") -> tuple[dict, dict]:
    result = one(server, target, **{f"{kind}_history_deltas": [metric]})
    [entry] = result[f"{kind}_history_deltas"]
    gained = {p["date"]: p["count"] for p in entry["metric_deltas"]["gained"]}
    lost = {p["date"]: p["count"] for p in entry["metric_deltas"]["lost"]}
    return gained, lost


def test_each_asked_history_is_a_key_of_each_result_in_the_spec_shape(server):
    result = one(
        server, "h.com/",
        daily_history_values=["pages_to_page"], monthly_history_deltas=["pages_to_page"],
    )  # fmt: skip
    assert "daily_history_deltas" not in result and "monthly_history_values" not in result
    [entry] = result["daily_history_values"]
    assert set(entry) == {"metric_name", "metric_values"}
    assert set(entry["metric_values"][0]) == {"date", "value"}
    [entry] = result["monthly_history_deltas"]
    assert set(entry) == {"metric_name", "metric_deltas"}
    assert set(entry["metric_deltas"]) == {"gained", "lost"}
    assert set(entry["metric_deltas"]["gained"][0]) == {"date", "count"}


def test_daily_histories_go_back_60_days_from_the_index_date_newest_first(server):
    index = date.fromisoformat(INDEX_DATE)
    expected = [(index - timedelta(days=k)).isoformat() for k in range(61)]
    assert list(values(server, "h.com/", "pages_to_page")) == expected
    gained, lost = deltas(server, "h.com/", "pages_to_page")
    assert list(gained) == list(lost) == expected


def test_monthly_histories_go_back_32_months_from_the_index_month(server):
    expected = [f"2026-{m:02d}" for m in (3, 2, 1)]
    expected += [f"2025-{m:02d}" for m in range(12, 0, -1)]
    expected += [f"2024-{m:02d}" for m in range(12, 0, -1)]
    expected += [f"2023-{m:02d}" for m in range(12, 6, -1)]
    assert len(expected) == 33
    assert list(values(server, "h.com/", "pages_to_page", "monthly")) == expected
    gained, _ = deltas(server, "h.com/", "pages_to_page", "monthly")
    assert list(gained) == expected


def test_the_value_at_the_index_date_is_the_current_url_metrics_value(server):
    for target in TARGETS:
        result = one(server, target, daily_history_values=list(COUNT_METRICS))
        for entry in result["daily_history_values"]:
            first = entry["metric_values"][0]
            assert first == {"date": INDEX_DATE, "value": result[entry["metric_name"]]}, (
                target, entry["metric_name"],
            )  # fmt: skip


def test_a_month_is_valued_at_its_last_day_and_the_index_month_at_the_index_date(server):
    daily = values(server, "h.com/", "pages_to_page")
    monthly = values(server, "h.com/", "pages_to_page", "monthly")
    assert monthly["2026-03"] == daily[INDEX_DATE]
    assert monthly["2026-02"] == daily["2026-02-28"]
    assert monthly["2026-01"] == daily["2026-01-31"]


def test_a_link_counts_from_the_day_it_was_gained_until_the_day_it_was_lost(server):
    # h.com/: a.com/1, b.com/1 and r.com/go since 2023-05-20; c.com/1 from 2026-02-10;
    # b.com/1 lost and the new linkers gained on 2026-03-01.
    daily = values(server, "h.com/", "external_pages_to_page")
    assert daily["2026-02-09"] == 3
    assert daily["2026-02-10"] == daily["2026-02-28"] == 4
    assert daily[INDEX_DATE] == 4 - 1 + NEW_LINKERS


def test_a_link_lost_on_a_date_shows_as_lost_on_that_date(server):
    gained, lost = deltas(server, "h.com/", "external_pages_to_page")
    assert (gained[INDEX_DATE], lost[INDEX_DATE]) == (NEW_LINKERS, 1)  # n*.com in, b.com/1 out
    assert (gained[FIRST_BUILD], lost[FIRST_BUILD]) == (1, 0)  # c.com/1
    assert sum(gained.values()) + sum(lost.values()) == NEW_LINKERS + 2
    # d.com/1 answered 404 on 2026-02-10: its link to h.com/page2 is lost that day.
    gained, lost = deltas(server, "h.com/page2", "pages_to_page")
    assert lost == {**{d: 0 for d in lost}, FIRST_BUILD: 1}
    assert set(gained.values()) == {0}
    gained, lost = deltas(server, "h.com/page2", "root_domains_to_root_domain", "monthly")
    assert lost["2026-02"] == 1


def test_deltas_count_the_metrics_own_units(server):
    # nofollow_pages_to_page: c.com/1's nofollow link was gained on 2026-02-10.
    gained, _ = deltas(server, "h.com/", "nofollow_pages_to_page")
    assert gained[FIRST_BUILD] == 1 and sum(gained.values()) == 1
    # Linking root domains of h.com: twelve new root domains, one (b.com) gone.
    gained, lost = deltas(server, "h.com", "root_domains_to_root_domain")
    assert (gained[INDEX_DATE], lost[INDEX_DATE]) == (NEW_LINKERS, 1)


def test_monthly_deltas_compare_consecutive_month_ends(server):
    gained, lost = deltas(server, "h.com/", "external_pages_to_page", "monthly")
    assert (gained["2026-03"], lost["2026-03"]) == (NEW_LINKERS, 1)
    assert (gained["2026-02"], lost["2026-02"]) == (1, 0)
    # The oldest month compares with the end of the month before it (links live since 2023-05).
    assert gained["2023-07"] == lost["2023-07"] == 0
    assert gained["2024-01"] == lost["2024-01"] == 0


def test_indirect_links_have_a_history(server):
    # e.com/1 links old.h.com/x, which redirects to h.com/: an indirect root domain throughout.
    daily = values(server, "h.com/", "indirect_root_domains_to_page")
    assert set(daily.values()) == {1}
    daily = values(server, "h.com", "external_indirect_pages_to_root_domain")
    assert set(daily.values()) == {1}


def test_distribution_values_are_10_buckets_per_date_equal_to_distributions_today(server):
    result = one(
        server, "h.com", distributions=True, daily_history_values=list(DISTRIBUTION_METRICS)
    )
    for entry in result["daily_history_values"]:
        today = entry["metric_values"][0]
        assert today["date"] == INDEX_DATE
        assert today["value"] == result["distributions"][entry["metric_name"]]
        assert all(len(p["value"]) == 10 for p in entry["metric_values"])
    by = by_name(result["daily_history_values"])
    past = {p["date"]: p["value"] for p in by["root_domains_to_root_domain_by_root_domains"]
            ["metric_values"]}  # fmt: skip
    assert sum(past[INDEX_DATE]) > sum(past["2026-02-28"])  # the new linkers


def test_authority_history_has_a_value_per_build_from_the_first_build_on(server):
    now = one(server, "h.com/")
    first = server.first
    assert now["domain_authority"] != first["domain_authority"]  # the new linkers moved it
    for metric in ("domain_authority", "page_authority"):
        daily = values(server, "h.com/", metric)
        assert daily[INDEX_DATE] == now[metric]
        assert daily[FIRST_BUILD] == daily["2026-02-28"] == first[metric]
        # No build scored it before the first one: those dates are left out.
        assert min(daily) == FIRST_BUILD
        monthly = values(server, "h.com/", metric, "monthly")
        assert monthly == {"2026-03": now[metric], "2026-02": first[metric]}


def test_authority_deltas_are_the_rise_and_fall_between_builds(server):
    now, first = one(server, "h.com/"), server.first
    gained, lost = deltas(server, "h.com/", "domain_authority")
    assert FIRST_BUILD not in gained  # no score the day before the first build
    rise = now["domain_authority"] - first["domain_authority"]
    assert (gained[INDEX_DATE], lost[INDEX_DATE]) == (max(rise, 0), max(-rise, 0))
    assert all(gained[d] == lost[d] == 0 for d in gained if d not in (INDEX_DATE,))


def test_every_metric_of_spec_2_5_is_answered(server):
    result = one(
        server, "h.com/",
        daily_history_values=list(VALUE_METRICS), daily_history_deltas=list(DELTA_METRICS),
        monthly_history_values=list(VALUE_METRICS), monthly_history_deltas=list(DELTA_METRICS),
    )  # fmt: skip
    for kind, names in (("daily_history_values", VALUE_METRICS),
                        ("monthly_history_deltas", DELTA_METRICS)):  # fmt: skip
        assert [e["metric_name"] for e in result[kind]] == list(names)


def test_an_unknown_metric_is_a_400(server):
    response = server.post("url_metrics", {"targets": ["h.com"], "daily_history_values": ["x"]})
    assert response.status_code == 400
    assert "daily_history_values[0]" in response.json()["message"]


def test_results_without_history_arrays_have_no_history_keys(server):
    result = one(server, "h.com/")
    assert not any(k.endswith(("_deltas", "_values")) for k in result)


def test_a_heavy_history_request_still_bills_rows_per_target_and_modifier(server):
    before = server.post("usage_data", {}).json()["rows_consumed"]
    server.post(
        "url_metrics",
        {"targets": ["h.com/", "a.com/1"], "daily_history_values": ["pages_to_page"],
         "monthly_history_deltas": ["pages_to_page"]},
    )  # fmt: skip
    time.sleep(0.1)
    after = server.post("usage_data", {}).json()["rows_consumed"]
    assert after - before == 2 * (1 + 2)


# --- JSON-RPC data.site.metrics.histories.fetch --------------------------------------------


def histories_call(server, site: dict, **params):
    return rpc(server, "data.site.metrics.histories.fetch", {"site_query": site, **params})


def test_jsonrpc_histories_are_v2s_for_the_same_target(server):
    site = {"query": "h.com", "scope": "domain"}
    asked = {"daily_history_values": ["pages_to_root_domain", "domain_authority"],
             "monthly_history_deltas": ["root_domains_to_root_domain"]}  # fmt: skip
    response = histories_call(server, site, **{f"get_{k}_for": v for k, v in asked.items()})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["site_query"]["query"] == "h.com"
    v2 = one(server, "h.com", **asked)
    assert result["site_metrics_histories"] == {k: v2[k] for k in asked}


def test_jsonrpc_without_any_history_param_is_param_is_missing(server):
    response = histories_call(server, {"query": "h.com", "scope": "domain"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (-32652, 400)
    assert error["data"]["issue"] == "param-is-missing"
    assert "get_daily_history_values_for" in error["message"]
    empty = histories_call(
        server, {"query": "h.com", "scope": "domain"}, get_daily_history_values_for=[]
    )
    assert empty.json()["error"]["code"] == -32652


def test_jsonrpc_unknown_metric_is_an_invalid_param_naming_it(server):
    response = histories_call(
        server, {"query": "h.com", "scope": "domain"},
        get_monthly_history_deltas_for=["pages_to_root_domain_by_spam_score"],
    )  # fmt: skip
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["data"]["key"] == "get_monthly_history_deltas_for[0]"


def quota_used(server) -> int:
    response = rpc(server, "quota.lookup", {"path": "api.limits.data.rows"})
    return response.json()["result"]["quota"]["used"]


def test_jsonrpc_bills_one_row_per_metric_history_at_most_100(server):
    site = {"query": "h.com/", "scope": "url"}
    before = quota_used(server)
    histories_call(server, site, get_daily_history_values_for=["pages_to_page", "page_authority"],
                   get_monthly_history_deltas_for=["pages_to_page"])  # fmt: skip
    assert quota_used(server) - before == 3
    before = quota_used(server)
    response = histories_call(
        server, site,
        get_daily_history_values_for=list(VALUE_METRICS),
        get_daily_history_deltas_for=list(DELTA_METRICS),
        get_monthly_history_values_for=list(VALUE_METRICS),
        get_monthly_history_deltas_for=list(DELTA_METRICS),
    )  # fmt: skip
    assert response.status_code == 200
    assert quota_used(server) - before == 100


def test_openapi_documents_the_history_keys_of_a_url_metrics_result(server):
    schemas = server.http.get(f"{server.base_url}/openapi.json", timeout=30).json()["components"][
        "schemas"
    ]
    result = schemas["UrlMetricsResult"]["properties"]
    for kind in ("daily_history_deltas", "daily_history_values", "monthly_history_deltas",
                 "monthly_history_values"):  # fmt: skip
        assert kind in result
    assert set(schemas["MetricValues"]["properties"]) == {"metric_name", "metric_values"}
    assert set(schemas["Deltas"]["properties"]) == {"gained", "lost"}
