"""Link-level methods over real HTTP, checked against V2's anchor_text and link_status."""

from __future__ import annotations

import pytest
from link_web import TARGET, server
from rpc import rpc

__all__ = ["server"]  # the module-scoped fixture of link_web


def result_of(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()["result"]


def data_used(server) -> int:
    return result_of(rpc(server, "quota.lookup", {"path": "api.limits.data.rows"}))["quota"]["used"]


@pytest.mark.parametrize("scope,v2_scope", [("url", "page"), ("domain", "root_domain")])
def test_anchor_text_list_pages_through_v2s_anchor_text(server, scope, v2_scope):
    rows, token = [], None
    while True:
        data = {"site_query": {"query": TARGET, "scope": scope},
                "offset": {"limit": 1, "token": token}}  # fmt: skip
        result = result_of(rpc(server, "data.site.anchor-text.list", data))
        assert result["offset"]["provided_token"] == token
        rows += result["anchor_texts"]
        token = result["offset"]["token"]
        if token is None:
            break
    v2 = server.all_pages("anchor_text", target=TARGET, scope=v2_scope, limit=1)
    assert rows == [
        {"text": r["anchor_text"], "external_root_domains": r["external_root_domains"],
         "external_pages": r["external_pages"]}
        for r in v2
    ]  # fmt: skip
    assert rows


def test_anchor_text_list_bills_one_row_per_result(server):
    before = data_used(server)
    data = {"site_query": {"query": TARGET, "scope": "url"}}
    result = result_of(rpc(server, "data.site.anchor-text.list", data))
    assert data_used(server) == before + len(result["anchor_texts"])


def status_query(source: str, source_scope: str = "url", target_scope: str = "url") -> dict:
    return {
        "target_site_query": {"query": TARGET, "scope": target_scope},
        "source_site_query": {"query": source, "scope": source_scope},
    }


@pytest.mark.parametrize(
    "source,source_scope,target_scope",
    [("a.com/1", "url", "url"), ("b.com/1", "url", "url"), ("never.com/", "url", "url"),
     ("s.com", "domain", "url"), ("x.s.com", "subdomain", "url"), ("d.com/1", "url", "url"),
     ("d.com/1", "url", "domain")],
)  # fmt: skip
def test_link_status_fetch_is_v2s_link_status(server, source, source_scope, target_scope):
    result = result_of(
        rpc(server, "data.site.link.status.fetch", status_query(source, source_scope, target_scope))
    )
    scopes = {"url": "page", "domain": "root_domain", "subdomain": "subdomain"}
    v2 = server.post("link_status", {
        "target": TARGET, "sources": [source], "source_scope": scopes[source_scope],
        "target_scope": scopes[target_scope],
    }).json()  # fmt: skip
    assert result["exists"] == v2["exists"][0]
    assert list(result) == ["target_site_query", "source_site_query", "exists"]


def test_link_status_fetch_bills_one_row(server):
    before = data_used(server)
    result_of(rpc(server, "data.site.link.status.fetch", status_query("a.com/1")))
    assert data_used(server) == before + 1


def test_link_status_multiple_splits_results_and_errors(server):
    queries = [status_query("a.com/1"), status_query("ftp://x"), status_query("b.com/1")]
    before = data_used(server)
    result = result_of(rpc(server, "data.site.link.status.fetch.multiple", {"queries": queries}))
    assert [r["exists"] for r in result["results_by_query"]] == [True, False]
    [failed] = result["errors_by_query"]
    assert failed["source_site_query"] == queries[1]["source_site_query"]
    assert failed["error"]["jsonrpcCode"] == -32602
    assert data_used(server) == before + 2


def test_link_status_multiple_takes_at_most_50_queries(server):
    queries = [status_query("a.com/1")] * 51
    response = rpc(server, "data.site.link.status.fetch.multiple", {"queries": queries})
    assert response.status_code == 400 and response.json()["error"]["data"]["key"] == "queries"
