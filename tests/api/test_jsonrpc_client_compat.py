"""What real Moz API clients send, answered as docs/api.md says (issue 14): one test per rule.

Empty filter lists, the method spellings clients use, and requests that used to end in a 500.
"""

from __future__ import annotations

import pytest
from link_web import INTERNAL, LIVE_EXTERNAL, TARGET, server
from rpc import error_of, result_of, rpc

__all__ = ["server"]  # the module-scoped fixture of link_web

SITE = {"query": TARGET, "scope": "url"}
DOMAIN = {"query": "t.com", "scope": "domain"}


def all_results(server, method: str, items: str, **data) -> list[dict]:
    rows, token = [], None
    while True:
        body = {**data, "offset": {"limit": 2, "token": token}}
        result = result_of(rpc(server, method, body))
        rows += result[items]
        token = result["offset"]["token"]
        if token is None:
            return rows


def pairs(links: list[dict]) -> set[tuple[str, str]]:
    return {(r["source_site_metrics"]["page"], r["target_site_metrics"]["page"]) for r in links}


# 1. An empty filter list is no filter.


def test_link_list_with_an_empty_filter_list_lists_every_live_link(server):
    links = all_results(server, "data.site.link.list", "links", site_query=SITE,
                        options={"filters": []})  # fmt: skip
    # No filter, not even 'external': the internal links are listed too (V2's lone not_deleted).
    assert pairs(links) == LIVE_EXTERNAL | INTERNAL
    v2 = server.all_pages("links", target=TARGET, filter="not_deleted", limit=2)
    assert [r["source_site_metrics"]["page"] for r in links] == [r["source"]["page"] for r in v2]
    result = result_of(rpc(server, "data.site.link.list",
                           {"site_query": SITE, "options": {"filters": []}}))  # fmt: skip
    assert result["options"]["filters"] == []


def test_link_filter_domain_with_an_empty_filter_list_is_no_filter(server):
    data = {"site_query": SITE, "domain_site_query": {"query": "s.com", "scope": "domain"}}
    links = all_results(server, "data.site.link.filter.domain", "links", **data,
                        options={"filters": []})  # fmt: skip
    assert links == all_results(server, "data.site.link.filter.domain", "links", **data)
    assert {source for source, _ in pairs(links)} == {"x.s.com/1", "y.s.com/1", "y.s.com/2"}


def test_linking_domain_list_with_an_empty_filter_list_is_the_default(server):
    data = {"site_query": DOMAIN}
    rows = all_results(server, "data.site.linking-domain.list", "linking_domains", **data,
                       options={"filters": []})  # fmt: skip
    assert rows and rows == all_results(
        server, "data.site.linking-domain.list", "linking_domains", **data
    )
    result = result_of(rpc(server, "data.site.linking-domain.list",
                           {**data, "options": {"filters": []}}))  # fmt: skip
    assert result["options"]["filters"] == []


@pytest.mark.parametrize(
    "method,data",
    [("data.site.link.list", {"site_query": SITE}),
     ("data.site.link.filter.domain",
      {"site_query": SITE, "domain_site_query": {"query": "s.com", "scope": "domain"}}),
     ("data.site.linking-domain.list", {"site_query": DOMAIN})],
)  # fmt: skip
def test_an_empty_string_in_a_filter_list_is_still_a_clear_error(server, method, data):
    body = {**data, "options": {"filters": ["external", ""]}}
    error = error_of(rpc(server, method, body), 400, -32602)
    assert error["data"]["key"] == "options.filters[1]"
    assert "options.filters[1] is empty" in error["message"]
