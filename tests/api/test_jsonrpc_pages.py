"""The page-list methods, called in-process, checked against the V2 endpoints on the same index."""

from __future__ import annotations

import pytest
from pages_web import DIST_TARGET, pages_server  # noqa: F401
from rpc import data_used, error_of, result_of, rpc

from linkindex.index.schema import URL_METRIC_FIELDS

SITE = {"query": "site.com", "scope": "domain"}


@pytest.fixture(scope="module")
def server(pages_server):  # noqa: F811
    return pages_server


def all_top_pages(server, **data) -> list[dict]:
    rows, token = [], None
    while True:
        body = {"site_query": SITE, **data, "offset": {"limit": 3, "token": token}}
        result = result_of(rpc(server, "data.site.top-page.list", body))
        assert result["offset"]["provided_token"] == token
        rows += result["top_pages"]
        token = result["offset"]["token"]
        if token is None:
            return rows


def test_top_page_list_is_v2_top_pages(server):
    rows = all_top_pages(server)
    v2 = server.all_pages("top_pages", target="site.com", scope="root_domain", limit=3)
    assert rows == v2
    assert list(rows[0]) == list(URL_METRIC_FIELDS)


@pytest.mark.parametrize("sort", ["root_domains_to_page", "external_pages_to_page"])
@pytest.mark.parametrize("status_filter", ["all", "status_200", "status_301", "status_4xx"])
def test_top_page_list_sorts_and_filters_are_v2s(server, sort, status_filter):
    rows = all_top_pages(server, options={"sort": sort, "filter": status_filter})
    v2 = server.all_pages(
        "top_pages", target="site.com", scope="root_domain", sort=sort, filter=status_filter
    )
    assert rows == v2


def test_top_page_list_echoes_its_options_and_bills_per_result(server):
    before = data_used(server)
    result = result_of(
        rpc(server, "data.site.top-page.list", {"site_query": SITE, "offset": {"limit": 2}})
    )
    assert result["options"] == {"filter": "all", "sort": "page_authority"}
    assert list(result) == ["site_query", "offset", "options", "top_pages"]
    assert data_used(server) == before + 2


def test_top_page_list_takes_domain_and_subdomain_scopes_only(server):
    data = {"site_query": {"query": "site.com/a", "scope": "url"}}
    error = error_of(rpc(server, "data.site.top-page.list", data), 400, -32602)
    assert error["data"]["key"] == "site_query.scope"


def test_subdomain_top_pages(server):
    data = {"site_query": {"query": "blog.site.com", "scope": "subdomain"}}
    pages = result_of(rpc(server, "data.site.top-page.list", data))["top_pages"]
    assert {p["subdomain"] for p in pages} == {"blog.site.com"}


def test_global_top_page_list_pages_are_v2s_in_order(server):
    v2 = server.all_pages("global_top_pages", limit=50)
    rows = []
    for n in range(11):
        result = result_of(
            rpc(server, "data.global.top-page.list", {"page": {"n": n, "limit": 50}})
        )
        assert result["page"] == {"n": n, "limit": 50}
        rows += result["top_pages"]
    assert rows == v2 and len(rows) == 500


def test_global_top_domain_list_is_v2s_with_site_metrics(server):
    v2 = server.post("global_top_root_domains", {"limit": 10}).json()["results"]
    result = result_of(rpc(server, "data.global.top-domain.list", {"page": {"n": 0, "limit": 10}}))
    domains = result["top_domains"]
    assert [d["root_domain"] for d in domains] == [r["root_domain"] for r in v2]
    assert [d["domain_authority"] for d in domains] == [r["domain_authority"] for r in v2]
    assert list(domains[0]) == list(URL_METRIC_FIELDS)


def test_global_lists_default_to_the_first_50_and_are_free(server):
    before = data_used(server)
    result = result_of(rpc(server, "data.global.top-domain.list", {}))
    assert result["page"] == {"n": 0, "limit": 50} and len(result["top_domains"]) == 50
    assert data_used(server) == before


def test_a_global_page_past_500_is_empty(server):
    result = result_of(rpc(server, "data.global.top-page.list", {"page": {"n": 10, "limit": 50}}))
    assert result["top_pages"] == []


def test_redirect_fetch_follows_the_chain_as_v2_final_redirect(server):
    site = {"query": "http://r.com/start", "scope": "url"}
    result = result_of(rpc(server, "data.site.redirect.fetch", {"site_query": site}))
    assert (
        result["destination"]
        == server.post("final_redirect", {"page": "http://r.com/start"}).json()["page"]
    )
    assert result["destination"] == "other.com/end"


def test_redirect_fetch_of_a_page_without_a_redirect_is_null(server):
    site = {"query": "http://other.com/end", "scope": "url"}
    result = result_of(rpc(server, "data.site.redirect.fetch", {"site_query": site}))
    assert result["destination"] is None


def test_redirect_fetch_bills_one_row(server):
    before = data_used(server)
    site = {"query": "seomoz.org/blog", "scope": "url"}
    result = result_of(rpc(server, "data.site.redirect.fetch", {"site_query": site}))
    assert result["destination"] == "moz.com/blog"
    assert data_used(server) == before + 1


def test_distributions_fetch_is_v2s_distributions_modifier(server):
    site = {"query": DIST_TARGET, "scope": "url"}
    result = result_of(rpc(server, "data.site.metrics.distributions.fetch", {"site_query": site}))
    [v2] = server.post("url_metrics", {"targets": [DIST_TARGET], "distributions": True}).json()[
        "results"
    ]
    assert result["site_metrics_distributions"] == v2["distributions"]
    assert len(result["site_metrics_distributions"]) == 13
