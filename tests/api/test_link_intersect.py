"""link_intersect, called in-process: matching indexes, negatives, minimum, sorts, limits and
billing."""

from __future__ import annotations

import msgspec
import pytest
from link_web import server

from linkindex.api.v2_links import LinkIntersectResponse

__all__ = ["server"]  # the module-scoped fixture of link_web

T = {"target": "t.com", "scope": "root_domain"}
U = {"target": "u.com/", "scope": "page"}
V = {"target": "v.com", "scope": "root_domain"}
T_SOURCES = {
    "a.com/1", "a.com/2", "c.com/1", "r.com/go", "canon.com/x", "d.com/1", "e.com/1", "f.com/1",
    "x.s.com/1", "y.s.com/1", "y.s.com/2",
}  # fmt: skip


def intersect(server, **body):
    return server.post("link_intersect", body)


def every(server, **body) -> list[dict]:
    return server.all_pages("link_intersect", **{"limit": 50, **body})


def test_matching_target_indexes_are_ascending_indexes_into_positive_targets(server):
    rows = {r["page"]: r for r in every(server, positive_targets=[U, T])}
    assert set(rows) == T_SOURCES
    assert rows["a.com/1"]["matching_target_indexes"] == [0, 1]
    assert rows["c.com/1"]["matching_target_indexes"] == [1]
    assert rows["a.com/1"]["title"] == "A one"


def test_sources_linking_to_a_negative_target_are_left_out(server):
    rows = every(server, positive_targets=[T, U], negative_targets=[V])
    assert {r["page"] for r in rows} == T_SOURCES - {"x.s.com/1", "y.s.com/1", "y.s.com/2"}


def test_minimum_matching_targets(server):
    rows = every(server, positive_targets=[T, U], minimum_matching_targets=2)
    assert [r["page"] for r in rows] == ["a.com/1"]
    response = intersect(server, positive_targets=[T, U], minimum_matching_targets=3)
    assert response.status_code == 400
    assert "only 2 positive_targets" in response.json()["message"]


def test_default_sort_is_matching_target_count_then_domain_authority(server):
    rows = every(server, positive_targets=[T, U])
    assert rows[0]["page"] == "a.com/1"
    keys = [(-len(r["matching_target_indexes"]), -r["domain_authority"], r["page"]) for r in rows]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("sort", "field"),
    [("source_domain_authority", "domain_authority"), ("source_spam_score", "spam_score")],
)
def test_sorts_by_the_source_metric_descending_then_page(server, sort, field):
    rows = every(server, positive_targets=[T, U], sort=sort)
    assert [(-r[field], r["page"]) for r in rows] == sorted((-r[field], r["page"]) for r in rows)
    assert {r["page"] for r in rows} == T_SOURCES


def test_unknown_sort_or_source_scope_is_a_400(server):
    assert intersect(server, positive_targets=[T], sort="page_authority").status_code == 400
    response = intersect(server, positive_targets=[T], source_scope="subdomain")
    assert response.status_code == 400
    assert "page, root_domain" in response.json()["message"]


def test_source_scope_root_domain_lists_root_domains_with_a_blank_title(server):
    rows = every(server, positive_targets=[T, U], negative_targets=[V], source_scope="root_domain")
    assert {r["page"] for r in rows} == {"a.com", "c.com", "r.com", "canon.com", "d.com",
                                         "e.com", "f.com"}  # fmt: skip
    assert all(r["title"] == "" for r in rows)
    assert rows[0] == {**rows[0], "page": "a.com", "matching_target_indexes": [0, 1]}


def test_at_least_one_positive_and_at_most_six_targets_in_all(server):
    assert intersect(server, positive_targets=[]).status_code == 400
    six = every(server, positive_targets=[T, U, T, U], negative_targets=[V, V])
    assert {r["page"] for r in six} == {"a.com/1"} | (T_SOURCES - {"x.s.com/1", "y.s.com/1",
                                                                    "y.s.com/2"})  # fmt: skip
    response = intersect(server, positive_targets=[T, U, T, U], negative_targets=[V, V, V])
    assert response.status_code == 400
    assert "at most 6 targets" in response.json()["message"]


def test_pages_follow_next_token(server):
    whole = intersect(server, positive_targets=[T, U], limit=50).json()["results"]
    assert every(server, positive_targets=[T, U], limit=3) == whole


def test_bills_five_rows_per_result(server):
    from linkindex.api.registry import V2_ENDPOINTS

    endpoint = next(e for e in V2_ENDPOINTS if e.name == "link_intersect")
    response = intersect(server, positive_targets=[T], limit=4)
    decoded = msgspec.json.decode(response.content, type=LinkIntersectResponse)
    assert len(decoded.results) == 4
    assert endpoint.rows(None, decoded) == 20
