"""final_redirect, called in-process: the end of a page's chain of live HTTP redirects."""

from __future__ import annotations

import pytest
from pages_web import pages_server  # noqa: F401

from linkindex.api.registry import V2_ENDPOINTS
from linkindex.api.v2_pages import FinalRedirectRequest, FinalRedirectResponse
from linkindex.index.page_lists import MAX_REDIRECT_HOPS


@pytest.fixture(scope="module")
def server(pages_server):  # noqa: F811
    return pages_server


def final(server, page: str):
    return server.post("final_redirect", {"page": page})


def test_the_spec_example_seomoz_blog_ends_at_moz_blog(server):
    response = final(server, "seomoz.org/blog")
    assert response.status_code == 200
    assert response.json() == {"page": "moz.com/blog"}


def test_a_chain_of_301_and_302_is_followed_to_its_end(server):
    assert final(server, "http://r.com/start").json() == {"page": "other.com/end"}
    assert final(server, "r.com/mid").json() == {"page": "other.com/end"}


def test_a_page_without_a_redirect_answers_itself(server):
    assert final(server, "https://other.com/end").json() == {"page": "other.com/end"}


def test_a_page_the_index_does_not_know_answers_itself(server):
    assert final(server, "nowhere.example/x?y=1").json() == {"page": "nowhere.example/x?y=1"}


def test_a_redirect_only_in_an_older_crawl_is_not_followed(server):
    assert final(server, "old.com/x").json() == {"page": "old.com/x"}


def test_a_redirect_loop_has_no_destination_so_the_page_answers_itself(server):
    assert final(server, "loop.com/a").json() == {"page": "loop.com/a"}
    assert final(server, "loop.com/b").json() == {"page": "loop.com/b"}


def test_a_chain_of_10_hops_is_followed(server):
    assert MAX_REDIRECT_HOPS == 10
    assert final(server, "chain.com/1").json() == {"page": "chain.com/11"}


def test_a_chain_longer_than_10_hops_answers_the_page_itself(server):
    assert final(server, "chain.com/0").json() == {"page": "chain.com/0"}


@pytest.mark.parametrize("body", [{}, {"page": ""}, {"page": "mailto:x@y.z"}, {"url": "a.com"}])
def test_a_missing_or_bad_page_is_a_400(server, body):
    response = server.post("final_redirect", body)
    assert response.status_code == 400
    assert "page" in response.json()["message"] or "url" in response.json()["message"]


def test_bills_one_row_per_call():
    [endpoint] = [e for e in V2_ENDPOINTS if e.name == "final_redirect"]
    request = FinalRedirectRequest(page="a.com")
    assert endpoint.rows(request, FinalRedirectResponse(page="a.com")) == 1
