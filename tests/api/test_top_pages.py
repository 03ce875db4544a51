"""top_pages, called in-process: one test per rule of docs/api.md."""

from __future__ import annotations

import pytest
from indexed import build_a_newer_index, built_home
from pages_web import pages_server, pages_web, site_pages  # noqa: F401

from linkindex.index.schema import URL_METRIC_FIELDS


@pytest.fixture(scope="module")
def server(pages_server):  # noqa: F811
    return pages_server


def top(server, **body):
    return server.post("top_pages", body)


def every(server, **body) -> list[dict]:
    return server.all_pages("top_pages", **body)


def test_results_are_url_metrics_with_all_52_fields_in_order(server):
    payload = top(server, target="site.com", scope="root_domain", limit=1).json()
    assert list(payload) == ["results", "next_token"]
    [row] = payload["results"]
    assert tuple(row) == URL_METRIC_FIELDS


def test_results_match_url_metrics_of_the_same_page(server):
    rows = every(server, target="site.com", limit=50)
    metrics = server.post("url_metrics", {"targets": [r["page"] for r in rows]}).json()
    assert rows == metrics["results"]


def test_root_domain_scope_lists_every_page_the_index_knows_under_it(server):
    rows = every(server, target="site.com", scope="root_domain", limit=3)
    pages = [r["page"] for r in rows]
    assert len(pages) == len(set(pages))
    assert set(pages) == site_pages()


def test_scope_defaults_to_root_domain(server):
    assert every(server, target="site.com/a") == every(
        server, target="site.com/a", scope="root_domain"
    )


def test_subdomain_scope_lists_only_that_subdomain(server):
    rows = every(server, target="blog.site.com/anything", scope="subdomain")
    assert {r["page"] for r in rows} == {"blog.site.com/", "blog.site.com/post"}


def test_page_scope_lists_the_page_itself(server):
    rows = every(server, target="http://site.com/a", scope="page")
    assert [r["page"] for r in rows] == ["site.com/a"]


def test_page_scope_of_a_page_the_index_does_not_know_is_empty(server):
    payload = top(server, target="site.com/unknown", scope="page").json()
    assert payload == {"results": [], "next_token": ""}


def test_target_scope_is_accepted_as_a_synonym_of_scope(server):
    assert every(server, target="blog.site.com", target_scope="subdomain") == every(
        server, target="blog.site.com", scope="subdomain"
    )


def test_scope_and_target_scope_that_disagree_are_a_400(server):
    response = top(server, target="site.com", scope="page", target_scope="subdomain")
    assert response.status_code == 400
    assert "scope" in response.json()["message"]


def test_unknown_scope_is_a_400_naming_the_valid_ones(server):
    response = top(server, target="site.com", scope="domain")
    assert response.status_code == 400
    assert "root_domain" in response.json()["message"]


def test_default_sort_is_page_authority_descending_ties_by_page(server):
    rows = every(server, target="site.com", limit=4)
    keys = [(-r["page_authority"], r["page"]) for r in rows]
    assert keys == sorted(keys)
    assert rows == every(server, target="site.com", sort="page_authority", limit=4)


def test_sort_root_domains_to_page_descending_ties_by_page(server):
    rows = every(server, target="site.com", sort="root_domains_to_page", limit=4)
    keys = [(-r["root_domains_to_page"], r["page"]) for r in rows]
    assert keys == sorted(keys)
    # site.com/a has 12 linking pages but one root domain: after the pages with 3.
    order = [r["page"] for r in rows]
    assert order.index("site.com/b") < order.index("site.com/a")


def test_sort_external_pages_to_page_descending_ties_by_page(server):
    rows = every(server, target="site.com", sort="external_pages_to_page", limit=4)
    keys = [(-r["external_pages_to_page"], r["page"]) for r in rows]
    assert keys == sorted(keys)
    order = [r["page"] for r in rows]
    assert order.index("site.com/a") < order.index("site.com/b")


def test_unknown_sort_is_a_400_naming_the_valid_ones(server):
    response = top(server, target="site.com", sort="domain_authority")
    assert response.status_code == 400
    assert "external_pages_to_page" in response.json()["message"]


@pytest.mark.parametrize(
    ("status_filter", "expected"),
    [
        ("status_200", {"site.com/", "site.com/a", "site.com/b", "blog.site.com/",
                        "blog.site.com/post"}),
        ("status_301", {"site.com/moved"}),
        ("status_302", {"site.com/temp"}),
        ("status_4xx", {"site.com/gone"}),
    ],
)  # fmt: skip
def test_status_filter_keeps_pages_whose_last_crawl_answered_that_status(
    server, status_filter, expected
):
    rows = every(server, target="site.com", filter=status_filter, limit=2)
    assert {r["page"] for r in rows} == expected
    keys = [(-r["page_authority"], r["page"]) for r in rows]
    assert keys == sorted(keys)


def test_status_5xx_matches_no_page_because_the_index_keeps_no_5xx_answer(server):
    # site.com/err answered only 503: a failed fetch is not a capture (docs/metrics.md), so
    # its http_code is 0 and the 5xx filter has nothing to show (docs/api.md).
    rows = every(server, target="site.com", filter="status_5xx")
    assert rows == []
    [err] = server.post("url_metrics", {"targets": ["site.com/err"]}).json()["results"]
    assert err["http_code"] == 0


def test_filter_all_is_the_default_and_keeps_never_crawled_pages(server):
    rows = every(server, target="site.com", filter="all")
    assert rows == every(server, target="site.com")
    assert {"site.com/never-crawled", "site.com/err"} <= {r["page"] for r in rows}


def test_a_status_filter_combines_with_another_sort(server):
    rows = every(server, target="site.com", filter="status_200", sort="root_domains_to_page")
    assert [r["page"] for r in rows][0] == "site.com/"
    assert all(r["http_code"] == 200 for r in rows)


@pytest.mark.parametrize("value", ["status_404", "external", "status_200+status_301"])
def test_unknown_filter_is_a_400(server, value):
    response = top(server, target="site.com", filter=value)
    assert response.status_code == 400
    assert "status_4xx" in response.json()["message"]


@pytest.mark.parametrize("limit", [0, 51])
def test_limit_outside_1_to_50_is_a_400(server, limit):
    response = top(server, target="site.com", limit=limit)
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


def test_limit_caps_a_page_and_the_next_token_continues(server):
    payload = top(server, target="site.com", limit=3).json()
    assert len(payload["results"]) == 3 and payload["next_token"]


def test_pages_never_repeat_or_skip_across_next_tokens(server):
    one_page = top(server, target="site.com", limit=50).json()
    assert one_page["next_token"] == ""
    assert every(server, target="site.com", limit=1) == one_page["results"]


def test_next_token_with_other_parameters_is_a_400(server):
    token = top(server, target="site.com", limit=2).json()["next_token"]
    response = top(server, target="site.com", sort="root_domains_to_page", next_token=token)
    assert response.status_code == 400
    assert "different request" in response.json()["message"]


def test_target_that_is_not_a_url_is_a_400(server):
    response = top(server, target="ftp://site.com/")
    assert response.status_code == 400
    assert "target" in response.json()["message"]


def test_next_token_after_a_new_index_is_a_410(tmp_path_factory, serve_app):
    server = serve_app(built_home(tmp_path_factory, pages_web, "newer"))
    token = top(server, target="site.com", limit=2).json()["next_token"]
    build_a_newer_index(server, "http://site.com/a")
    response = top(server, target="site.com", limit=2, next_token=token)
    assert response.status_code == 410
    assert response.json()["message"] == "The next token has expired"
