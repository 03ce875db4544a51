"""Link counts at page, subdomain and root-domain scope, and Link Propensity (seed 002)."""

from __future__ import annotations

import pytest
from records_factory import Crawl

from linkindex.home import Home
from linkindex.index.schema import URL_METRIC_FIELDS
from linkindex.index.snapshot import Snapshot
from linkindex.urls import parse_target


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory, engine) -> Snapshot:
    home = Home(tmp_path_factory.mktemp("counts") / "home").ensure()
    crawl = Crawl("c1", "2026-01-10")
    for page in ("http://a.com/1", "http://a.com/2", "http://blog.a.com/3", "http://b.org/",
                 "http://www.t.com/", "http://shop.t.com/", "http://r.net/old"):  # fmt: skip
        crawl.page(page, status=301 if page.endswith("/old") else 200)
    # a.com: two pages link to www.t.com/ (one nofollow), a subdomain page links to shop.t.com
    crawl.link("http://a.com/1", "http://www.t.com/")
    crawl.link("http://a.com/2", "http://www.t.com/", nofollow=True)
    crawl.link("http://blog.a.com/3", "http://shop.t.com/")
    # b.org links to www.t.com/ and to r.net/old, which redirects to www.t.com/
    crawl.link("http://b.org/", "http://www.t.com/")
    crawl.link("http://b.org/", "http://r.net/old")
    crawl.link("http://r.net/old", "http://www.t.com/", redirect=True)
    # internal link inside t.com
    crawl.link("http://shop.t.com/", "http://www.t.com/")
    crawl.write(home.crawls)
    return Snapshot(home.snapshots / engine.build(home).snapshot)


def metrics(snapshot: Snapshot, target: str) -> dict:
    return snapshot.url_metrics(parse_target(target))


def test_url_metrics_has_the_52_fields_in_moz_order(snapshot):
    assert list(metrics(snapshot, "www.t.com/")) == list(URL_METRIC_FIELDS)
    assert len(URL_METRIC_FIELDS) == 52


def test_pages_to_page_counts_every_linking_page_internal_included(snapshot):
    m = metrics(snapshot, "www.t.com/")
    # a.com/1, a.com/2, b.org/, r.net/old (redirect), shop.t.com/ (internal)
    assert m["pages_to_page"] == 5
    assert m["external_pages_to_page"] == 4
    assert m["nofollow_pages_to_page"] == 1
    assert m["redirect_pages_to_page"] == 1
    assert m["external_redirect_pages_to_page"] == 1


def test_root_domains_to_page_excludes_the_target_root_domain(snapshot):
    assert metrics(snapshot, "www.t.com/")["root_domains_to_page"] == 3  # a.com, b.org, r.net


def test_nofollow_root_domain_needs_all_links_nofollow(snapshot):
    assert metrics(snapshot, "www.t.com/")["nofollow_root_domains_to_page"] == 0


def test_subdomain_scope_excludes_links_from_inside_the_subdomain(snapshot):
    m = metrics(snapshot, "www.t.com/")
    assert m["pages_to_subdomain"] == 5  # shop.t.com is another subdomain
    assert m["root_domains_to_subdomain"] == 3


def test_root_domain_scope_counts_pages_from_other_root_domains(snapshot):
    m = metrics(snapshot, "t.com")
    # a.com/1, a.com/2, blog.a.com/3, b.org/, r.net/old
    assert m["pages_to_root_domain"] == 5
    assert m["external_pages_to_root_domain"] == 5
    assert m["root_domains_to_root_domain"] == 3


def test_indirect_root_domains_link_through_a_redirect(snapshot):
    m = metrics(snapshot, "www.t.com/")
    assert m["indirect_root_domains_to_page"] == 1  # b.org via r.net/old
    assert m["indirect_root_domains_to_root_domain"] == 1
    assert m["external_indirect_pages_to_root_domain"] == 1


def test_link_propensity_is_linking_out_root_domains_per_crawled_page(snapshot):
    m = metrics(snapshot, "a.com/1")
    assert m["pages_crawled_from_root_domain"] == 3
    assert m["root_domains_from_root_domain"] == 1
    assert m["link_propensity"] == pytest.approx(1 / 3)


def test_outlinks_of_a_page(snapshot):
    m = metrics(snapshot, "b.org/")
    assert m["pages_from_page"] == 2
    assert m["root_domains_from_page"] == 2


def test_page_never_crawled_has_http_code_0_and_no_date(snapshot):
    m = metrics(snapshot, "nowhere.example/")
    assert (m["http_code"], m["last_crawled"], m["title"]) == (0, "", "")
    assert m["spam_score"] == -1


def test_crawled_page_reports_status_and_date(snapshot):
    m = metrics(snapshot, "r.net/old")
    assert (m["http_code"], m["last_crawled"]) == (301, "2026-01-10")


def test_authority_scores_are_1_to_100_and_hub_ranks_highest(snapshot):
    hub = metrics(snapshot, "www.t.com/")
    assert 1 <= hub["page_authority"] <= 100 and 1 <= hub["domain_authority"] <= 100
    assert hub["domain_authority"] >= metrics(snapshot, "b.org/")["domain_authority"]
    assert hub["page_authority"] <= hub["domain_authority"]
