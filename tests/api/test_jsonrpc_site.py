"""The link-data methods, called in-process, checked against the V2 endpoints they share data
with."""

from __future__ import annotations

import pytest
from app_server import pass_time
from indexed import built_home, serve_web
from rpc import data_used, error_of, post, result_of, rpc
from web import TARGET, crafted_web

from linkindex.index.schema import URL_METRIC_FIELDS

SITE = {"query": "t.com", "scope": "domain"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_web(tmp_path_factory, "site", crafted_web)


def test_metadata_index_fetch_is_the_v2_index_id(server):
    v2 = server.post("index_metadata", {}).json()
    assert result_of(rpc(server, "metadata.index.fetch", {})) == {"index_id": v2["index_id"]}


def test_metadata_index_fetch_takes_no_params_at_all(server):
    body = {"jsonrpc": "2.0", "id": "x" * 36, "method": "metadata.index.fetch"}
    assert post(server, body).status_code == 200


def test_metadata_and_quota_lookup_are_free(server):
    before = data_used(server)
    rpc(server, "metadata.index.fetch", {})
    assert data_used(server) == before


def test_quota_lookup_answers_the_quota_object(server):
    quota = result_of(rpc(server, "quota.lookup", {"path": "api.limits.data.rows"}))["quota"]
    assert quota["path"] == "api.limits.data.rows"
    for key in ("account_id", "allotted", "used", "reset", "overage", "period_start",
                "period_reset"):  # fmt: skip
        assert key in quota


def test_quota_lookup_takes_only_the_spec_paths(server):
    error = error_of(rpc(server, "quota.lookup", {"path": "api.limits.other"}), 400, -32602)
    assert error["data"]["key"] == "path"


def test_site_metrics_fetch_is_v2_url_metrics_at_the_scope(server):
    result = result_of(rpc(server, "data.site.metrics.fetch", {"site_query": SITE}))
    assert list(result) == ["site_query", "site_metrics"]
    assert list(result["site_metrics"]) == list(URL_METRIC_FIELDS)
    [v2] = server.post("url_metrics", {"targets": ["t.com"]}).json()["results"]
    assert result["site_metrics"] == v2


def test_site_query_echo_has_the_original_and_no_suggestion(server):
    site = {"query": "https://t.com/some/page", "scope": "domain"}
    echo = result_of(rpc(server, "data.site.metrics.fetch", {"site_query": site}))["site_query"]
    assert echo == {
        "query": "t.com",
        "scope": "domain",
        "original_site_query": site,
        "site_query_suggestion": None,
    }


@pytest.mark.parametrize(
    "scope,key", [("url", "t.com/"), ("subdomain", "t.com"), ("domain", "t.com")]
)
def test_site_query_scopes_map_to_page_subdomain_and_root_domain(server, scope, key):
    site = {"query": "t.com", "scope": scope}
    echo = result_of(rpc(server, "data.site.metrics.fetch", {"site_query": site}))["site_query"]
    assert echo["query"] == key


def test_subfolder_scope_is_refused_with_its_reason(server):
    site = {"query": "t.com/blog/", "scope": "subfolder"}
    error = error_of(rpc(server, "data.site.metrics.fetch", {"site_query": site}), 400, -32602)
    assert error["data"]["key"] == "site_query.scope"
    assert "subfolder" in error["message"]


def test_site_metrics_fetch_bills_one_row(server):
    before = data_used(server)
    rpc(server, "data.site.metrics.fetch", {"site_query": SITE})
    assert data_used(server) == before + 1


def test_fetch_multiple_splits_results_and_errors(server):
    queries = [
        SITE,
        {"query": "ftp://bad", "scope": "domain"},
        {"query": "hub.com", "scope": "domain"},
    ]
    before = data_used(server)
    result = result_of(rpc(server, "data.site.metrics.fetch.multiple", {"site_queries": queries}))
    assert [r["site_query"]["query"] for r in result["results_by_site"]] == ["t.com", "hub.com"]
    [failed] = result["errors_by_site"]
    assert failed["site_query"] == queries[1]
    assert list(failed["error"]) == ["message", "name", "data", "httpStatus", "jsonrpcCode"]
    assert failed["error"]["jsonrpcCode"] == -32602 and failed["error"]["httpStatus"] == 400
    assert data_used(server) == before + 2  # one row per result, none for the error


def test_fetch_multiple_takes_at_most_50_sites(server):
    response = rpc(server, "data.site.metrics.fetch.multiple", {"site_queries": [SITE] * 51})
    error = error_of(response, 400, -32602)
    assert error["data"]["key"] == "site_queries"
    ok = rpc(server, "data.site.metrics.fetch.multiple", {"site_queries": [SITE] * 50})
    assert len(result_of(ok)["results_by_site"]) == 50


def list_all(server, method: str, items: str, **data) -> list[dict]:
    rows, token = [], None
    while True:
        offset = {"limit": 7, "token": token}
        result = result_of(rpc(server, method, {"site_query": SITE, **data, "offset": offset}))
        assert result["offset"]["provided_token"] == token
        assert result["offset"]["limit"] == 7
        rows += result[items]
        token = result["offset"]["token"]
        if token is None:
            return rows


def test_linking_domain_list_pages_through_v2s_linking_root_domains(server):
    rows = list_all(server, "data.site.linking-domain.list", "linking_domains")
    v2 = server.all_pages("linking_root_domains", target=TARGET, target_scope="root_domain")
    assert [r["site_metrics"]["root_domain"] for r in rows] == [r["root_domain"] for r in v2]
    first, v2_first = rows[0], v2[0]
    assert list(first) == [
        "site_metrics", "link_propensity", "targeted_pages", "targeted_nofollow_pages",
        "targeted_redirect_pages", "targeted_deleted_pages",
    ]  # fmt: skip
    assert first["targeted_pages"] == v2_first["to_target"]["pages"]
    assert first["site_metrics"]["domain_authority"] == v2_first["domain_authority"]
    assert list(first["site_metrics"]) == list(URL_METRIC_FIELDS)


def test_linking_domain_list_echoes_default_options(server):
    result = result_of(rpc(server, "data.site.linking-domain.list", {"site_query": SITE}))
    assert result["options"] == {"sort": "source_domain_authority", "filters": ["external"]}
    assert result["offset"]["limit"] == 25 and result["offset"]["provided_token"] is None
    assert len(result["linking_domains"]) == 25


def test_linking_domain_list_bills_one_row_per_result(server):
    before = data_used(server)
    data = {"site_query": SITE, "offset": {"limit": 4}}
    result_of(rpc(server, "data.site.linking-domain.list", data))
    assert data_used(server) == before + 4


@pytest.mark.parametrize(
    "filters,v2_filter",
    [
        (["external", "nofollow"], "external+nofollow"),
        (["external", "deleted"], "external+deleted"),
    ],
)
def test_linking_domain_filters_are_v2s(server, filters, v2_filter):
    rows = list_all(server, "data.site.linking-domain.list", "linking_domains",
                    options={"filters": filters})  # fmt: skip
    v2 = server.all_pages(
        "linking_root_domains", target=TARGET, target_scope="root_domain", filter=v2_filter
    )
    assert [r["site_metrics"]["root_domain"] for r in rows] == [r["root_domain"] for r in v2]


def test_linking_domain_sort_by_spam_score(server):
    data = {"site_query": SITE, "options": {"sort": "source_spam_score"}}
    result = result_of(rpc(server, "data.site.linking-domain.list", data))
    scores = [r["site_metrics"]["spam_score"] for r in result["linking_domains"]]
    assert scores == sorted(scores, reverse=True)


def test_linking_domain_filters_follow_v2s_rules(server):
    data = {"site_query": SITE, "options": {"filters": ["follow"]}}
    error = error_of(rpc(server, "data.site.linking-domain.list", data), 400, -32602)
    assert "external" in error["message"]


def test_an_offset_token_from_another_request_is_refused(server):
    data = {"site_query": SITE, "offset": {"limit": 2}}
    token = result_of(rpc(server, "data.site.linking-domain.list", data))["offset"]["token"]
    other = {"site_query": {"query": "hub.com", "scope": "domain"}, "offset": {"token": token}}
    error = error_of(rpc(server, "data.site.linking-domain.list", other), 400, -32602)
    assert error["data"]["key"] == "offset.token"


def test_offset_limit_is_1_to_50(server):
    data = {"site_query": SITE, "offset": {"limit": 51}}
    error = error_of(rpc(server, "data.site.linking-domain.list", data), 400, -32602)
    assert error["data"]["key"] == "offset.limit"


@pytest.mark.parametrize("kind", ["gained", "lost"])
def test_recently_gained_and_lost_are_v2s_date_sorts(server, kind):
    rows = list_all(server, f"data.site.linking-domain.filter.recently-{kind}",
                    f"{kind}_linking_domains")  # fmt: skip
    v2 = server.all_pages(
        "linking_root_domains", target=TARGET, target_scope="root_domain",
        sort=f"date_{kind}", filter=f"external+{kind}_last_60_days",
    )  # fmt: skip
    assert rows, "the crafted web has recent changes"
    assert [r["site_metrics"]["root_domain"] for r in rows] == [r["root_domain"] for r in v2]
    assert [r[f"date_{kind}"] for r in rows] == [r[f"date_{kind}"] for r in v2]


def test_recently_gained_echoes_its_dates_and_checks_them(server):
    data = {"site_query": SITE, "options": {"begin_date": "2026-02-01", "end_date": None}}
    result = result_of(rpc(server, "data.site.linking-domain.filter.recently-gained", data))
    assert result["options"] == {"begin_date": "2026-02-01", "end_date": None}
    bad = {"site_query": SITE, "options": {"begin_date": "01/02/2026"}}
    response = rpc(server, "data.site.linking-domain.filter.recently-gained", bad)
    assert "YYYY-MM-DD" in error_of(response, 400, -32602)["message"]


def test_linking_domains_of_an_unknown_site_are_an_empty_last_page(server):
    data = {"site_query": {"query": "nobody-links-here.com", "scope": "domain"}}
    result = result_of(rpc(server, "data.site.linking-domain.list", data))
    assert result["linking_domains"] == [] and result["offset"]["token"] is None


def test_an_offset_token_older_than_its_lifetime_is_32657_410(tmp_path_factory, serve_app):
    server = serve_app(
        built_home(tmp_path_factory, crafted_web, "ttl"), {"LINKINDEX_TOKEN_TTL": "1"}
    )
    data = {"site_query": SITE, "offset": {"limit": 2}}
    token = result_of(rpc(server, "data.site.linking-domain.list", data))["offset"]["token"]
    pass_time(server, 2.1)
    data["offset"]["token"] = token
    error = error_of(rpc(server, "data.site.linking-domain.list", data), 410, -32657)
    assert error["message"] == "The offset token has expired"
