"""url_metrics modifiers, called in-process: `distributions`, the history arrays, and their rows."""

from __future__ import annotations

import pytest
from pages_web import DIST_TARGET, pages_server  # noqa: F401

from linkindex.api import url_metrics_modifiers as modifiers
from linkindex.api.v2 import UrlMetricsRequest
from linkindex.index.distributions import DISTRIBUTION_NAMES
from linkindex.index.schema import URL_METRIC_FIELDS


@pytest.fixture(scope="module")
def server(pages_server):  # noqa: F811
    return pages_server


def metrics(server, **body):
    return server.post("url_metrics", body)


def by_root_domains(n: int) -> int:
    """Spec 2.5: [0, 1-9, 10-99, ..., 100000000+]."""
    return 0 if n == 0 else min(len(str(n)), 9)


def by_score(value: int) -> int:
    """Spec 2.5: [1-10, 11-20, ..., 91-100]."""
    return (value - 1) // 10


def expected_arrays(server, target: str) -> dict[str, list[int]]:
    """The 13 arrays counted from the linking root domains the index lists for the target."""
    arrays = {name: [0] * 10 for name in DISTRIBUTION_NAMES}
    for scope in ("page", "subdomain", "root_domain"):
        rows = server.all_pages("linking_root_domains", target=target, target_scope=scope, limit=50)
        nofollow = {r["root_domain"] for r in server.all_pages(
            "linking_root_domains", target=target, target_scope=scope, limit=50,
            filter="external+nofollow",
        )}  # fmt: skip
        for row in rows:
            spam = row["spam_score"]
            kinds = [("", 1)]
            if scope == "root_domain" and row["root_domain"] in nofollow:
                kinds.append(("nofollow_", 1))
            for prefix, count in kinds:
                name = f"{prefix}root_domains_to_{scope}"
                if f"{name}_by_root_domains" in arrays:
                    arrays[f"{name}_by_root_domains"][
                        by_root_domains(row["root_domains_to_root_domain"])
                    ] += count
                if f"{name}_by_domain_authority" in arrays:
                    arrays[f"{name}_by_domain_authority"][by_score(row["domain_authority"])] += 1
                if spam >= 0 and f"{name}_by_spam_score" in arrays:
                    arrays[f"{name}_by_spam_score"][by_score(spam)] += 1
            if scope == "root_domain" and spam >= 0:
                to_target = row["to_target"]
                arrays["pages_to_root_domain_by_spam_score"][by_score(spam)] += to_target["pages"]
                arrays["nofollow_pages_to_root_domain_by_spam_score"][by_score(spam)] += to_target[
                    "nofollow_pages"
                ]
    return arrays


def test_without_the_modifier_results_have_only_the_52_fields(server):
    [result] = metrics(server, targets=[DIST_TARGET]).json()["results"]
    assert tuple(result) == URL_METRIC_FIELDS


def test_distributions_adds_the_13_arrays_of_10_buckets(server):
    [result] = metrics(server, targets=[DIST_TARGET], distributions=True).json()["results"]
    assert tuple(result) == (*URL_METRIC_FIELDS, "distributions")
    assert tuple(result["distributions"]) == DISTRIBUTION_NAMES
    assert all(len(v) == 10 for v in result["distributions"].values())


def test_distributions_count_each_linking_root_domain_in_its_bucket(server):
    for target in (DIST_TARGET, "http://www.dist.com/", "site.com/", "site.com/a"):
        [result] = metrics(server, targets=[target], distributions=True).json()["results"]
        assert result["distributions"] == expected_arrays(server, target), target


def test_distribution_sums_equal_the_metrics_less_linkers_without_spam_score(server):
    [result] = metrics(server, targets=[DIST_TARGET], distributions=True).json()["results"]
    arrays = result["distributions"]
    assert sum(arrays["root_domains_to_page_by_domain_authority"]) == 16
    assert (
        sum(arrays["root_domains_to_page_by_domain_authority"]) == (result["root_domains_to_page"])
    )
    assert (
        sum(arrays["root_domains_to_root_domain_by_root_domains"])
        == (result["root_domains_to_root_domain"])
    )
    assert sum(arrays["nofollow_root_domains_to_root_domain_by_domain_authority"]) == (
        result["nofollow_root_domains_to_root_domain"]
    ) == 5  # fmt: skip
    # nospam.com's only page is a redirect (no Spam Score): left out of the by_spam_score ones.
    assert sum(arrays["root_domains_to_page_by_spam_score"]) == 15
    assert sum(arrays["pages_to_root_domain_by_spam_score"]) == (result["pages_to_root_domain"] - 1)


def test_a_target_nothing_links_to_has_all_zero_distributions(server):
    [result] = metrics(server, targets=["unlinked.example"], distributions=True).json()["results"]
    assert all(v == [0] * 10 for v in result["distributions"].values())


def test_results_keep_request_order_with_distributions(server):
    targets = ["site.com", DIST_TARGET, "unlinked.example"]
    results = metrics(server, targets=targets, distributions=True).json()["results"]
    assert [r["root_domain"] for r in results] == ["site.com", "dist.com", "unlinked.example"]


@pytest.mark.parametrize("field", modifiers.HISTORY_FIELDS)
def test_a_valid_history_request_adds_that_history_to_each_result(server, field):
    response = metrics(server, targets=["site.com", "a.com"], **{field: ["page_authority"]})
    assert response.status_code == 200
    for result in response.json()["results"]:
        assert [e["metric_name"] for e in result[field]] == ["page_authority"]


@pytest.mark.parametrize("field", modifiers.HISTORY_FIELDS)
def test_an_unknown_history_metric_is_a_400_naming_the_valid_ones(server, field):
    response = metrics(server, targets=["site.com"], **{field: ["page_authority", "pa"]})
    assert response.status_code == 400
    message = response.json()["message"]
    assert f"{field}[1]" in message and "'pa'" in message and "domain_authority" in message


def test_value_only_metrics_are_refused_in_delta_histories(server):
    name = "pages_to_root_domain_by_spam_score"
    assert name in modifiers.VALUE_METRICS and name not in modifiers.DELTA_METRICS
    response = metrics(server, targets=["site.com"], daily_history_deltas=[name])
    assert "unknown metric" in response.json()["message"]
    response = metrics(server, targets=["site.com"], daily_history_values=[name])
    assert response.status_code == 200


def test_deleted_counts_are_not_history_metrics():
    assert not any(m.startswith("deleted_") for m in modifiers.VALUE_METRICS)
    assert len(modifiers.DELTA_METRICS) == 29


def test_empty_history_arrays_are_no_modifier(server):
    response = metrics(server, targets=["site.com"], daily_history_values=[])
    assert response.status_code == 200


def test_distributions_must_be_a_boolean(server):
    response = metrics(server, targets=["site.com"], distributions="yes")
    assert response.status_code == 400
    assert "distributions" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        ({"targets": ["a.com", "b.com"]}, 2),
        ({"targets": ["a.com", "b.com"], "distributions": False}, 2),
        ({"targets": ["a.com", "b.com"], "distributions": True}, 4),
        ({"targets": ["a.com"], "distributions": True, "daily_history_values": ["page_authority"],
          "monthly_history_deltas": ["page_authority"]}, 4),
    ],
)  # fmt: skip
def test_rows_are_one_per_target_plus_one_per_target_for_each_modifier(body, rows):
    request = UrlMetricsRequest(**body)
    response = {"results": [{} for _ in body["targets"]]}
    assert modifiers.rows(request, response) == rows
