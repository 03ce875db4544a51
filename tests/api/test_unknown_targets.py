"""Unknown is not weak: a target the index never saw keeps Moz's response shapes in V2 and
JSON-RPC (a Moz client cannot tell), and /explain says plainly that its scores are defaults."""

from __future__ import annotations

import pytest
from explain_web import KNOWN, LINKED_ONLY, UNKNOWN, explain_web
from indexed import serve_web
from rpc import result_of, rpc

from linkindex.index.schema import URL_METRIC_FIELDS

UNSEEN_DEFAULTS = {
    "title": "",
    "last_crawled": "",
    "http_code": 0,
    "page_authority": 1,
    "domain_authority": 1,
    "spam_score": -1,
    "link_propensity": 0.0,
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_web(tmp_path_factory, "unknown", explain_web)


def same_shape(unknown: object, known: object) -> bool:
    """Same keys in the same order and the same JSON types, all the way down (an empty list
    fits any list: an unknown target has no history points where a known one may)."""
    if isinstance(known, dict):
        return (
            isinstance(unknown, dict)
            and list(unknown) == list(known)
            and all(same_shape(unknown[k], known[k]) for k in known)
        )
    if isinstance(known, list):
        return isinstance(unknown, list) and all(
            same_shape(u, k) for u in unknown for k in known[:1]
        )
    return type(unknown) is type(known)


def test_an_unknown_targets_url_metrics_row_has_every_key_of_a_known_one_with_its_type(server):
    response = server.post("url_metrics", {"targets": [KNOWN, UNKNOWN]})
    assert response.status_code == 200, response.text
    known, unknown = response.json()["results"]
    assert list(unknown) == list(known) == list(URL_METRIC_FIELDS)
    for field in URL_METRIC_FIELDS:
        assert type(unknown[field]) is type(known[field]), field
    assert unknown["page"] == f"{UNKNOWN}/" and unknown["root_domain"] == UNKNOWN
    for field in URL_METRIC_FIELDS:
        if field not in ("page", "subdomain", "root_domain"):
            assert unknown[field] == UNSEEN_DEFAULTS.get(field, 0), field


def test_an_unknown_targets_url_metrics_with_modifiers_keeps_the_known_shape(server):
    body = {
        "targets": [KNOWN, UNKNOWN],
        "distributions": True,
        "daily_history_values": ["pages_to_page", "page_authority"],
        "monthly_history_deltas": ["root_domains_to_root_domain"],
    }
    response = server.post("url_metrics", body)
    assert response.status_code == 200, response.text
    known, unknown = response.json()["results"]
    assert same_shape(unknown, known)
    assert all(v == [0] * 10 for v in unknown["distributions"].values())


@pytest.mark.parametrize("scope", ["url", "subdomain", "domain"])
def test_jsonrpc_site_metrics_of_an_unknown_site_keep_the_known_shape(server, scope):
    def fetch(query: str) -> dict:
        data = {"site_query": {"query": query, "scope": scope}}
        return result_of(rpc(server, "data.site.metrics.fetch", data))

    known, unknown = fetch(KNOWN), fetch(UNKNOWN)
    assert same_shape(unknown, known)
    assert list(unknown["site_metrics"]) == list(URL_METRIC_FIELDS)
    assert unknown["site_metrics"]["domain_authority"] == 1
    assert unknown["site_metrics"]["spam_score"] == -1


def test_jsonrpc_fetch_multiple_answers_an_unknown_site_as_a_result_not_an_error(server):
    sites = [{"query": q, "scope": "domain"} for q in (KNOWN, UNKNOWN)]
    result = result_of(rpc(server, "data.site.metrics.fetch.multiple", {"site_queries": sites}))
    assert result["errors_by_site"] == []
    known, unknown = result["results_by_site"]
    assert same_shape(unknown, known)


def test_jsonrpc_distributions_and_histories_of_an_unknown_site_keep_the_known_shape(server):
    for method, extra in (
        ("data.site.metrics.distributions.fetch", {}),
        ("data.site.metrics.histories.fetch",
         {"get_daily_history_values_for": ["pages_to_page", "domain_authority"],
          "get_monthly_history_deltas_for": ["pages_to_root_domain"]}),
    ):  # fmt: skip
        known, unknown = (
            result_of(rpc(server, method, {"site_query": {"query": q, "scope": "domain"}, **extra}))
            for q in (KNOWN, UNKNOWN)
        )
        assert same_shape(unknown, known), method


def explain_page(server, target: str) -> str:
    response = server.http.get(
        f"{server.base_url}/explain", params={"target": target}, auth=server.auth, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.text


def test_the_explain_page_says_an_unknown_targets_scores_are_defaults(server):
    page = explain_page(server, UNKNOWN)
    assert f"The index holds no page of {UNKNOWN} and no link to or from it" in page
    assert "its scores are defaults, not measurements" in page
    assert "<h2>Spam Score -1</h2><p>No score" in page


def test_the_explain_page_says_a_linked_only_target_was_never_crawled(server):
    page = explain_page(server, LINKED_ONLY)
    assert f"{LINKED_ONLY} is known only from links to it" in page
    assert "it was never crawled" in page and "Spam Score -1 means no score" in page


def test_the_explain_page_marks_its_own_root_domain_among_the_sources(server):
    page = explain_page(server, "docs.home.com/")
    assert "home.com (its own root domain)" in page
    assert "0 root domains other than its own link to it" in page
