"""link_status, called in-process: one boolean per source, in order, at each scope; billing."""

from __future__ import annotations

import msgspec
from link_web import TARGET, server

from linkindex.api.link_params import LINK_STATUS_MAX_SOURCES

__all__ = ["server"]  # the module-scoped fixture of link_web


def status(server, **body):
    return server.post("link_status", {"target": TARGET, **body})


def test_exists_is_parallel_to_sources_in_request_order(server):
    sources = ["a.com/1", "never.com/", "http://c.com/1", "b.com/1", "a.com/2"]
    # b.com/1 linked only in the first crawl: it does not link now.
    assert status(server, sources=sources).json() == {"exists": [True, False, True, False, True]}


def test_source_scope_root_domain_and_subdomain(server):
    sources = ["s.com", "a.com", "b.com", "z0.com"]
    response = status(server, sources=sources, source_scope="root_domain")
    assert response.json()["exists"] == [True, True, False, False]
    response = status(server, sources=["x.s.com", "w.s.com"], source_scope="subdomain")
    assert response.json()["exists"] == [True, False]


def test_a_link_via_a_redirect_is_not_a_link_to_the_target_but_counts_at_its_root(server):
    # d.com/1 links old.t.com/page, which redirects to t.com/.
    assert status(server, sources=["d.com/1"]).json()["exists"] == [False]
    response = status(server, sources=["d.com/1"], target_scope="root_domain")
    assert response.json()["exists"] == [True]


def test_links_from_inside_the_target_count(server):
    response = status(server, sources=["t.com"], source_scope="root_domain")
    assert response.json()["exists"] == [True]


def test_sources_is_1_to_50(server):
    assert status(server, sources=[]).status_code == 400
    too_many = [f"s{i}.com" for i in range(LINK_STATUS_MAX_SOURCES + 1)]
    response = status(server, sources=too_many)
    assert response.status_code == 400
    assert "sources" in response.json()["message"]
    assert status(server, sources=too_many[:-1]).status_code == 200


def test_a_bad_source_is_a_400_naming_it(server):
    response = status(server, sources=["a.com/1", "ftp://x.com/"])
    assert response.status_code == 400
    assert "sources[1]" in response.json()["message"]


def test_link_status_bills_one_row_per_source(server):
    from linkindex.api.registry import V2_ENDPOINTS
    from linkindex.api.v2_links import LinkStatusRequest

    endpoint = next(e for e in V2_ENDPOINTS if e.name == "link_status")
    request = msgspec.convert({"target": TARGET, "sources": ["a.com", "b.com"]}, LinkStatusRequest)
    response = status(server, sources=request.sources).json()
    assert endpoint.rows(request, response) == 2
