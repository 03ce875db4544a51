"""Link-level methods, called in-process, checked against V2's anchor_text and link_status."""

from __future__ import annotations

import pytest
from link_web import TARGET, server
from rpc import data_used, result_of, rpc

__all__ = ["server"]  # the module-scoped fixture of link_web


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


LINK_KEYS = [
    "source_site_metrics", "target_site_metrics", "anchor_text", "date_first_seen",
    "date_last_seen", "date_disappeared", "nofollow", "redirect", "rel_canonical",
    "via_redirect", "via_rel_canonical",
]  # fmt: skip
SITE = {"query": TARGET, "scope": "url"}


def all_links(server, method: str, **data) -> list[dict]:
    rows, token = [], None
    while True:
        body = {"site_query": SITE, **data, "offset": {"limit": 2, "token": token}}
        result = result_of(rpc(server, method, body))
        assert result["offset"]["provided_token"] == token
        rows += result["links"]
        token = result["offset"]["token"]
        if token is None:
            return rows


def as_v2(link: dict) -> dict:
    """A JSON-RPC link object in V2's links result shape, to compare the two."""
    renamed = {"source_site_metrics": "source", "target_site_metrics": "target"}
    return dict(sorted((renamed.get(k, k), v) for k, v in link.items()))


def v2_links(server, **body) -> list[dict]:
    rows = server.all_pages("links", target=TARGET, limit=2, **body)
    return [dict(sorted(r.items())) for r in rows]


def test_link_list_is_v2_links_with_the_spec_keys(server):
    rows = all_links(server, "data.site.link.list")
    assert rows and list(rows[0]) == LINK_KEYS
    assert [as_v2(r) for r in rows] == v2_links(server)


@pytest.mark.parametrize(
    "options,v2",
    [({"sort": "source_domain_authority"}, {"sort": "source_domain_authority"}),
     ({"filters": ["external", "nofollow"]}, {"filter": "external+nofollow"}),
     ({"filters": ["external", "deleted"]}, {"filter": "external+deleted"}),
     ({"filters": ["external", "via_redirect"]}, {"filter": "external+via_redirect"}),
     ({"scope": "domain", "sort": "source_page_authority"},
      {"source_scope": "root_domain", "sort": "source_page_authority"})],
)  # fmt: skip
def test_link_list_options_are_v2s_parameters(server, options, v2):
    rows = all_links(server, "data.site.link.list", options=options)
    assert [as_v2(r) for r in rows] == v2_links(server, **v2)


def test_link_list_filter_rules_are_v2s(server):
    data = {"site_query": SITE, "options": {"filters": ["follow", "nofollow"]}}
    response = rpc(server, "data.site.link.list", data)
    assert response.status_code == 400
    assert response.json()["error"]["data"]["key"] == "options.filters"


def test_subdomains_limited_to_one_requires_sort(server):
    data = {"site_query": SITE, "options": {"subdomains_limited_to_one": ["y.s.com"]}}
    response = rpc(server, "data.site.link.list", data)
    assert response.status_code == 400
    assert response.json()["error"]["data"]["key"] == "options.sort"


def test_link_list_bills_one_row_per_link(server):
    before = data_used(server)
    data = {"site_query": SITE, "offset": {"limit": 3}}
    assert len(result_of(rpc(server, "data.site.link.list", data))["links"]) == 3
    assert data_used(server) == before + 3


def test_anchor_text_filter_is_v2s_anchor_text_parameter(server):
    rows = all_links(server, "data.site.link.filter.anchor-text", anchor_text="Best Widgets")
    assert rows
    assert [as_v2(r) for r in rows] == v2_links(server, anchor_text="Best Widgets")
    result = result_of(
        rpc(server, "data.site.link.filter.anchor-text",
            {"site_query": SITE, "anchor_text": "Best Widgets"})
    )  # fmt: skip
    assert result["anchor_text"] == "Best Widgets"
    assert list(result) == ["site_query", "offset", "links", "options", "anchor_text"]


def test_anchor_text_null_means_links_without_anchor_text(server):
    rows = all_links(server, "data.site.link.filter.anchor-text", anchor_text=None)
    assert [as_v2(r) for r in rows] == v2_links(server, anchor_text="\u0000")


def test_anchor_text_is_required(server):
    response = rpc(server, "data.site.link.filter.anchor-text", {"site_query": SITE})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32652
    assert response.json()["error"]["data"]["key"] == "anchor_text"


def test_domain_filter_is_v2s_source_root_domain(server):
    domain = {"query": "s.com", "scope": "domain"}
    rows = all_links(server, "data.site.link.filter.domain", domain_site_query=domain)
    assert rows
    assert [as_v2(r) for r in rows] == v2_links(server, source_root_domain="s.com")
    result = result_of(
        rpc(
            server,
            "data.site.link.filter.domain",
            {"site_query": SITE, "domain_site_query": domain},
        )
    )
    assert list(result) == ["site_query", "domain_site_query", "offset", "links", "options"]


def test_domain_filter_sorts_by_source_page_authority_only(server):
    data = {"site_query": SITE, "domain_site_query": {"query": "s.com", "scope": "domain"},
            "options": {"sort": "source_spam_score"}}  # fmt: skip
    response = rpc(server, "data.site.link.filter.domain", data)
    assert response.status_code == 400
    assert response.json()["error"]["data"]["key"] == "options.sort"


T_DOMAIN = {"query": "t.com", "scope": "domain"}
U_PAGE = {"query": "u.com/", "scope": "url"}
V_DOMAIN = {"query": "v.com", "scope": "domain"}
V2_TARGETS = {"domain": "root_domain", "url": "page"}


def v2_target(site: dict) -> dict:
    return {"target": site["query"], "scope": V2_TARGETS[site["scope"]]}


def intersect_all(server, **data) -> list[dict]:
    rows, token = [], None
    while True:
        body = {**data, "offset": {"limit": 2, "token": token}}
        result = result_of(rpc(server, "data.site.link.intersect.fetch", body))
        rows += result["link_intersects"]
        token = result["offset"]["token"]
        if token is None:
            return rows


@pytest.mark.parametrize("sort", ["matching_target_count", "source_domain_authority"])
def test_link_intersect_is_v2s_link_intersect(server, sort):
    rows = intersect_all(server, is_linking_to=[T_DOMAIN, U_PAGE], not_linking_to=[V_DOMAIN],
                         options={"sort": sort})  # fmt: skip
    v2 = server.all_pages(
        "link_intersect", positive_targets=[v2_target(T_DOMAIN), v2_target(U_PAGE)],
        negative_targets=[v2_target(V_DOMAIN)], sort=sort, limit=2,
    )  # fmt: skip
    assert rows and [dict(sorted(r.items())) for r in rows] == v2


def test_link_intersect_at_domain_scope_lists_matching_source_pages(server):
    rows = intersect_all(server, is_linking_to=[T_DOMAIN], options={"scope": "domain"})
    v2 = server.all_pages(
        "link_intersect", positive_targets=[v2_target(T_DOMAIN)], source_scope="root_domain"
    )
    assert [r["page"] for r in rows] == [r["page"] for r in v2]
    s_com = next(r for r in rows if r["page"] == "s.com")
    pages = [p["page"] for p in s_com["matching_source_pages"]]
    assert set(pages) == {"x.s.com/1", "y.s.com/1", "y.s.com/2"}
    assert all(set(p) == {"page", "page_authority"} for p in s_com["matching_source_pages"])


def test_link_intersect_bills_one_row_per_target_per_result(server):
    before = data_used(server)
    data = {"is_linking_to": [T_DOMAIN, U_PAGE], "not_linking_to": [V_DOMAIN],
            "offset": {"limit": 2}}  # fmt: skip
    result = result_of(rpc(server, "data.site.link.intersect.fetch", data))
    assert data_used(server) == before + 3 * len(result["link_intersects"])


def test_link_intersect_takes_at_most_six_sites(server):
    data = {"is_linking_to": [T_DOMAIN] * 4, "not_linking_to": [V_DOMAIN] * 3}
    response = rpc(server, "data.site.link.intersect.fetch", data)
    assert response.status_code == 400 and "at most 6" in response.json()["error"]["message"]
