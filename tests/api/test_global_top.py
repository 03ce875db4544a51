"""global_top_pages and global_top_root_domains, called in-process: the index's top 500 each."""

from __future__ import annotations

import pytest
from app_server import pass_time
from indexed import built_home
from pages_web import FILLERS, pages_server, pages_web  # noqa: F401

from linkindex.index.schema import URL_METRIC_FIELDS


@pytest.fixture(scope="module")
def server(pages_server):  # noqa: F811
    return pages_server


def test_global_top_pages_stops_at_500_of_more_pages(server):
    assert FILLERS > 500
    rows = server.all_pages("global_top_pages", limit=50)
    assert len(rows) == 500
    assert len({r["page"] for r in rows}) == 500


def test_global_top_pages_are_url_metrics_by_pa_then_linking_root_domains_then_page(server):
    rows = server.all_pages("global_top_pages", limit=50)
    assert all(tuple(r) == URL_METRIC_FIELDS for r in rows)
    keys = [(-r["page_authority"], -r["root_domains_to_page"], r["page"]) for r in rows]
    assert keys == sorted(keys)
    assert rows[0]["page"] == "site.com/"


def test_global_top_pages_hold_the_highest_pa_of_the_index(server):
    rows = server.all_pages("global_top_pages", limit=50)
    lowest_listed = rows[-1]["page_authority"]
    fillers = server.post("url_metrics", {"targets": [f"f{i:03d}.com/" for i in range(50)]})
    listed = {r["page"] for r in rows}
    for metrics in fillers.json()["results"]:
        if metrics["page"] not in listed:
            assert metrics["page_authority"] <= lowest_listed


def test_global_top_pages_default_limit_is_25_and_an_empty_body_works(server):
    response = server.post("global_top_pages", None)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 25


def test_global_top_root_domains_stops_at_500_of_more_root_domains(server):
    rows = server.all_pages("global_top_root_domains", limit=50)
    assert len(rows) == 500
    assert len({r["root_domain"] for r in rows}) == 500


def test_global_top_root_domains_are_linking_root_domain_rows_with_zero_to_target(server):
    payload = server.post("global_top_root_domains", {"limit": 3}).json()
    assert list(payload) == ["results", "next_token"]
    first = payload["results"][0]
    assert list(first) == [
        "root_domain", "root_domains_to_root_domain", "domain_authority", "link_propensity",
        "spam_score", "to_target",
    ]  # fmt: skip
    assert first["root_domain"] == "site.com"
    assert first["to_target"] == {
        "pages": 0, "nofollow_pages": 0, "redirect_pages": 0, "deleted_pages": 0
    }  # fmt: skip
    assert isinstance(first["link_propensity"], float)


def test_global_top_root_domains_by_da_then_linking_root_domains_then_name(server):
    rows = server.all_pages("global_top_root_domains", limit=50)
    keys = [(-r["domain_authority"], -r["root_domains_to_root_domain"], r["root_domain"])
            for r in rows]  # fmt: skip
    assert keys == sorted(keys)


@pytest.mark.parametrize("endpoint", ["global_top_pages", "global_top_root_domains"])
def test_limit_outside_1_to_50_and_unknown_fields_are_a_400(server, endpoint):
    assert server.post(endpoint, {"limit": 51}).status_code == 400
    response = server.post(endpoint, {"target": "site.com"})
    assert response.status_code == 400
    assert "target" in response.json()["message"]


@pytest.mark.parametrize("endpoint", ["global_top_pages", "global_top_root_domains"])
def test_a_token_of_the_other_list_is_a_400(server, endpoint):
    other = {"global_top_pages": "global_top_root_domains"}.get(endpoint, "global_top_pages")
    token = server.post(other, {"limit": 2}).json()["next_token"]
    assert server.post(endpoint, {"next_token": token}).status_code == 400


def test_expired_token_is_a_410(tmp_path_factory, serve_app):
    server = serve_app(built_home(tmp_path_factory, pages_web, "ttl"), {"LINKINDEX_TOKEN_TTL": "1"})
    tokens = {e: server.post(e, {"limit": 5}).json()["next_token"]
              for e in ("global_top_pages", "global_top_root_domains")}  # fmt: skip
    pass_time(server, 2.1)
    for endpoint, token in tokens.items():
        response = server.post(endpoint, {"limit": 5, "next_token": token})
        assert response.status_code == 410
        assert response.json()["message"] == "The next token has expired"
