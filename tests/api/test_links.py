"""links, called in-process: one test per rule of spec 1.4 / 2.4 and of docs/api.md."""

from __future__ import annotations

import pytest
from indexed import build_a_newer_index, built_home
from link_web import DELETED, DIRECT, INTERNAL, LIVE_EXTERNAL, TARGET, link_web, pairs, server

from linkindex.index.layout import SnapshotLayout
from linkindex.index.schema import URL_METRIC_FIELDS

__all__ = ["server"]  # the module-scoped fixture of link_web

SORT_FIELDS = {
    "source_page_authority": "page_authority",
    "source_domain_authority": "domain_authority",
    "source_link_propensity": "link_propensity",
    "source_spam_score": "spam_score",
    "root_domains_to_source_page": "root_domains_to_page",
    "root_domains_to_source_root_domain": "root_domains_to_root_domain",
}


def links(server, **body):
    return server.post("links", {"target": TARGET, **body})


def every(server, **body) -> list[dict]:
    return server.all_pages("links", **{"target": TARGET, "limit": 50, **body})


def test_response_has_the_spec_fields_and_52_metrics_per_side(server):
    payload = links(server, limit=1).json()
    assert set(payload) == {"results", "next_token"}
    [row] = payload["results"]
    assert list(row) == [
        "anchor_text", "date_disappeared", "date_first_seen", "date_last_seen", "nofollow",
        "redirect", "rel_canonical", "source", "target", "via_redirect", "via_rel_canonical",
    ]  # fmt: skip
    assert list(row["source"]) == list(URL_METRIC_FIELDS)
    assert list(row["target"]) == list(URL_METRIC_FIELDS)


def test_default_lists_live_external_links_direct_and_via(server):
    assert pairs(every(server)) == LIVE_EXTERNAL


def test_default_limit_is_25_and_limit_is_1_to_50(server):
    assert len(links(server, target_scope="root_domain", filter="follow").json()["results"]) <= 25
    for limit in (0, 51):
        response = links(server, limit=limit)
        assert response.status_code == 400
        assert "limit" in response.json()["message"]


def test_pages_follow_next_token_each_link_once_in_order(server):
    one_page = links(server, limit=50).json()["results"]
    paged = every(server, limit=3)
    assert [(r["source"]["page"], r["target"]["page"]) for r in paged] == [
        (r["source"]["page"], r["target"]["page"]) for r in one_page
    ]


def test_next_token_of_another_request_is_a_400(server):
    token = links(server, limit=2).json()["next_token"]
    response = links(server, limit=2, sort="source_spam_score", next_token=token)
    assert response.status_code == 400
    assert "different request" in response.json()["message"]


@pytest.mark.parametrize("sort", list(SORT_FIELDS))
def test_each_sort_is_descending_by_the_sources_metric_then_source_page(server, sort):
    rows = every(server, sort=sort)
    field = SORT_FIELDS[sort]
    keys = [(-r["source"][field], r["source"]["page"], r["target"]["page"]) for r in rows]
    assert keys == sorted(keys)
    assert pairs(rows) == LIVE_EXTERNAL


def test_default_sort_is_source_page_authority(server):
    assert every(server) == every(server, sort="source_page_authority")
    pas = [r["source"]["page_authority"] for r in every(server)]
    assert len(set(pas)) > 1  # the crafted web spreads authority, so the order means something


def test_unknown_sort_is_a_400_listing_the_sorts(server):
    response = links(server, sort="date_gained")
    assert response.status_code == 400
    assert "root_domains_to_source_root_domain" in response.json()["message"]


NOT_DIRECT_FLAGS = {("r.com/go", "t.com/"), ("canon.com/x", "t.com/")}
FILTERS = {
    "external": LIVE_EXTERNAL,
    "external+follow": LIVE_EXTERNAL - {("a.com/2", "t.com/")},
    "external+nofollow": {("a.com/2", "t.com/")},
    "external+deleted": DELETED,
    "external+not_deleted": LIVE_EXTERNAL,
    "external+redirect": {("r.com/go", "t.com/")},
    "external+not_redirect": LIVE_EXTERNAL - {("r.com/go", "t.com/")},
    "external+rel_canonical": {("canon.com/x", "t.com/")},
    "external+not_rel_canonical": LIVE_EXTERNAL - {("canon.com/x", "t.com/")},
    "external+via_redirect": {("d.com/1", "old.t.com/page")},
    "external+not_via_redirect": LIVE_EXTERNAL - {("d.com/1", "old.t.com/page")},
    "external+via_rel_canonical": {("e.com/1", "t.com/amp")},
    "external+not_via_rel_canonical": LIVE_EXTERNAL - {("e.com/1", "t.com/amp")},
    "external+gained_last_60_days": {("a.com/2", "t.com/")},
    "external+lost_last_60_days": DELETED,
    "external+follow+not_redirect+not_rel_canonical": LIVE_EXTERNAL
    - NOT_DIRECT_FLAGS
    - {("a.com/2", "t.com/")},
}


@pytest.mark.parametrize("filter_text", list(FILTERS))
def test_each_filter_keeps_the_links_it_names(server, filter_text):
    assert pairs(every(server, filter=filter_text)) == FILTERS[filter_text]


def test_a_single_filter_without_external_includes_internal_links(server):
    expected = (LIVE_EXTERNAL - {("a.com/2", "t.com/")}) | INTERNAL
    assert pairs(every(server, filter="follow")) == expected


def test_more_than_one_filter_without_external_is_a_400(server):
    response = links(server, filter="follow+not_deleted")
    assert response.status_code == 400
    assert "'external' must be one of them" in response.json()["message"]


@pytest.mark.parametrize("filter_text", ["external+sideways", "external+", "date_gained"])
def test_unknown_or_empty_filter_term_is_a_400(server, filter_text):
    assert links(server, filter=filter_text).status_code == 400


def test_a_filter_and_its_opposite_is_a_400(server):
    response = links(server, filter="external+follow+nofollow")
    assert response.status_code == 400
    assert "opposite" in response.json()["message"]


def test_flags_and_dates_of_each_link(server):
    rows = {(r["source"]["page"], r["target"]["page"]): r for r in every(server)}
    a1 = rows[("a.com/1", "t.com/")]
    assert (a1["date_first_seen"], a1["date_last_seen"], a1["date_disappeared"]) == (
        "2025-11-05", "2026-03-01", "",
    )  # fmt: skip
    assert not a1["nofollow"] and not a1["redirect"] and not a1["via_redirect"]
    assert rows[("a.com/2", "t.com/")]["nofollow"]
    assert rows[("r.com/go", "t.com/")]["redirect"]
    assert rows[("canon.com/x", "t.com/")]["rel_canonical"]
    assert rows[("d.com/1", "old.t.com/page")]["via_redirect"]
    assert rows[("e.com/1", "t.com/amp")]["via_rel_canonical"]
    [lost] = every(server, filter="external+deleted")
    assert (lost["date_first_seen"], lost["date_last_seen"], lost["date_disappeared"]) == (
        "2025-11-05", "2025-11-05", "2026-03-01",
    )  # fmt: skip


def test_target_scope_subdomain_and_root_domain_widen_the_target(server):
    subdomain = pairs(every(server, target_scope="subdomain"))
    # t.com/amp is inside the subdomain: e.com's link is listed once, as a direct link.
    assert subdomain == DIRECT | {
        ("c.com/1", "t.com/other"), ("e.com/1", "t.com/amp"), ("d.com/1", "old.t.com/page"),
    }  # fmt: skip
    rows = every(server, target_scope="subdomain")
    e_link = next(r for r in rows if r["source"]["page"] == "e.com/1")
    assert not e_link["via_rel_canonical"]
    root = pairs(every(server, target_scope="root_domain"))
    assert root == subdomain | {("f.com/1", "blog.t.com/post")}
    assert all(not r["via_redirect"] for r in every(server, target_scope="root_domain"))


def test_anchor_text_matches_after_normalisation(server):
    rows = every(server, anchor_text="  BEST <i>widgets</i>\n")
    assert pairs(rows) == {("a.com/1", "t.com/"), ("a.com/2", "t.com/")}
    assert {r["anchor_text"] for r in rows} == {"best widgets"}


def test_anchor_text_nul_means_links_without_anchor_text(server):
    rows = every(server, target_scope="root_domain", anchor_text="\u0000")
    assert pairs(rows) == {
        ("c.com/1", "t.com/other"), ("r.com/go", "t.com/"), ("canon.com/x", "t.com/"),
    }  # fmt: skip


def test_anchor_text_that_normalises_to_nothing_is_a_400(server):
    response = links(server, anchor_text=" <b> </b> ")
    assert response.status_code == 400
    assert "\\u0000" in response.json()["message"]


def test_source_root_domain_keeps_links_from_that_root_domain(server):
    expected = {p for p in LIVE_EXTERNAL if p[0].endswith("s.com/1") or p[0] == "y.s.com/2"}
    assert pairs(every(server, source_root_domain="s.com")) == expected
    assert pairs(every(server, source_root_domain="www.s.com")) == expected


@pytest.mark.parametrize("source_scope", ["subdomain", "root_domain"])
def test_source_scope_keeps_only_the_best_link_per_source(server, source_scope):
    def source_key(row: dict) -> str:
        return row["source"][source_scope]

    for sort in ("source_page_authority", "source_spam_score"):
        full = every(server, sort=sort)
        best: dict[str, dict] = {}
        for row in full:  # in sort order, so the first of each source is its best
            best.setdefault(source_key(row), row)
        rows = every(server, sort=sort, source_scope=source_scope)
        assert rows == [r for r in full if best[source_key(r)] is r]
        assert every(server, sort=sort, source_scope=source_scope, limit=2) == rows
    assert len(every(server, source_scope="root_domain")) < len(every(server))


def test_subdomains_limited_to_one_requires_sort(server):
    response = links(server, subdomains_limited_to_one=["y.s.com"])
    assert response.status_code == 400
    assert "requires sort" in response.json()["message"]


def test_subdomains_limited_to_one_keeps_one_link_from_each_listed_subdomain(server):
    full = every(server, sort="source_page_authority")
    rows = every(server, sort="source_page_authority", subdomains_limited_to_one=["y.s.com"])
    from_y = [r for r in full if r["source"]["subdomain"] == "y.s.com"]
    assert len(from_y) == 2
    assert rows == [r for r in full if r is from_y[0] or r["source"]["subdomain"] != "y.s.com"]


def test_links_bill_one_row_per_result(server):
    from linkindex.api.registry import V2_ENDPOINTS

    endpoint = next(e for e in V2_ENDPOINTS if e.name == "links")
    payload = links(server, limit=4).json()
    assert endpoint.rows(None, payload) == 4


def test_bad_target_and_unknown_field_are_400s(server):
    assert links(server, target="mailto:x@y.z").status_code == 400
    response = links(server, scope="page")
    assert response.status_code == 400
    assert "scope" in response.json()["message"]


def test_unseen_target_has_no_links(server):
    payload = server.post("links", {"target": "never-linked.org"}).json()
    assert payload == {"results": [], "next_token": ""}


def test_next_token_from_before_the_index_changed_is_a_410(tmp_path_factory, serve_app):
    fresh = serve_app(built_home(tmp_path_factory, link_web, "fresh"))
    token = fresh.post("links", {"target": TARGET, "limit": 2}).json()["next_token"]
    build_a_newer_index(fresh)
    response = fresh.post("links", {"target": TARGET, "limit": 2, "next_token": token})
    assert response.status_code == 410
    assert response.json()["message"] == "The next token has expired"


def test_openapi_describes_the_link_endpoints_with_their_sorts(server):
    document = server.http.get(f"{server.base_url}/openapi.json", timeout=10).json()
    for endpoint in ("links", "anchor_text", "link_status", "link_intersect"):
        assert f"/v2/{endpoint}" in document["paths"]
    sort = document["components"]["schemas"]["LinksRequest"]["properties"]["sort"]
    text = str(sort)
    assert all(f"'{name}'" in text for name in SORT_FIELDS)  # the six sorts, as an enum


def test_subdomains_limited_to_one_takes_urls_too_and_an_empty_sort_is_a_400(server):
    by_host = every(server, sort="source_page_authority", subdomains_limited_to_one=["y.s.com"])
    by_url = every(
        server, sort="source_page_authority", subdomains_limited_to_one=["http://Y.s.com/"]
    )
    assert by_url == by_host
    assert links(server, sort="").status_code == 400


def test_an_index_built_before_the_link_tables_is_a_503_that_says_to_rebuild(
    tmp_path_factory, serve_app
):
    import sqlite3

    home = built_home(tmp_path_factory, link_web, "old")
    layout = SnapshotLayout(home.snapshots)
    store = layout.path_of(layout.current_name()) / "index.sqlite"
    with sqlite3.connect(store) as con:  # what a snapshot of the previous version lacks
        con.execute("DROP TABLE link_rows")
    response = serve_app(home).post("links", {"target": TARGET})
    assert response.status_code == 503
    assert "run `linkindex build`" in response.json()["message"]
