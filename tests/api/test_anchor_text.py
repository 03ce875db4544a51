"""anchor_text, called in-process: `scope` (or target_scope), counts, order and pagination."""

from __future__ import annotations

import msgspec
from link_web import TARGET, server

__all__ = ["server"]  # the module-scoped fixture of link_web


def anchors(server, **body):
    return server.post("anchor_text", {"target": TARGET, **body})


def test_counts_only_followed_external_live_direct_links(server):
    # a.com/2's nofollow "best widgets", b.com's deleted "click here", t.com/about's internal
    # "home", the redirect and canonical, and links reaching t.com/ via a hop do not count.
    payload = anchors(server).json()
    assert payload == {
        "results": [
            {"anchor_text": "widgets", "external_pages": 4, "external_root_domains": 2},
            {"anchor_text": "best widgets", "external_pages": 1, "external_root_domains": 1},
        ],
        "next_token": "",
    }


def test_scope_root_domain_counts_links_to_every_page_of_it_ties_by_pages_then_text(server):
    rows = anchors(server, scope="root_domain").json()["results"]
    assert [r["anchor_text"] for r in rows] == [
        "widgets", "", "amp", "best widgets", "blog post", "old home",
    ]  # fmt: skip
    keys = [(-r["external_root_domains"], -r["external_pages"], r["anchor_text"]) for r in rows]
    assert keys == sorted(keys)


def test_target_scope_means_scope_and_a_disagreeing_pair_is_a_400(server):
    # Every other V2 list says target_scope; anchor_text takes it too, as top_pages does.
    by_scope = anchors(server, scope="root_domain").json()
    assert anchors(server, target_scope="root_domain").json() == by_scope
    assert anchors(server, scope="root_domain", target_scope="root_domain").json() == by_scope
    response = anchors(server, scope="page", target_scope="root_domain")
    assert response.status_code == 400
    assert "disagree" in response.json()["message"]


def test_unknown_scope_is_a_400(server):
    response = anchors(server, scope="domain")
    assert response.status_code == 400
    assert "scope" in response.json()["message"]


def test_pages_follow_next_token(server):
    whole = anchors(server, scope="root_domain", limit=50).json()["results"]
    assert server.all_pages("anchor_text", target=TARGET, scope="root_domain", limit=2) == whole


def test_next_token_of_another_scope_is_a_400(server):
    token = anchors(server, scope="root_domain", limit=2).json()["next_token"]
    assert anchors(server, scope="subdomain", next_token=token).status_code == 400


def test_anchor_text_bills_one_row_per_result(server):
    from linkindex.api.registry import V2_ENDPOINTS
    from linkindex.api.v2_links import AnchorTextResponse

    endpoint = next(e for e in V2_ENDPOINTS if e.name == "anchor_text")
    response = anchors(server, scope="root_domain", limit=3)
    assert endpoint.rows(None, msgspec.json.decode(response.content, type=AnchorTextResponse)) == 3
