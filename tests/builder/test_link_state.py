"""Links across crawls: live, deleted, gained and lost, as docs/metrics.md defines them."""

from __future__ import annotations

import pytest
from build_engines import duckdb_only_for_time
from records_factory import Crawl

from linkindex.index.snapshot import RootDomainQuery, Snapshot
from linkindex.urls import parse_target


def _snapshot(home, result) -> Snapshot:
    return Snapshot(home.snapshots / result.snapshot)


def _metrics(snapshot: Snapshot, target: str) -> dict:
    return snapshot.url_metrics(parse_target(target))


def _rows(snapshot: Snapshot, target: str, scope="page", **kwargs):
    key = parse_target(target).key(scope)
    return snapshot.linking_root_domains(
        RootDomainQuery(scope=scope, target=key, sort=kwargs.pop("sort", "source_domain_authority"),
                        **kwargs)
    )  # fmt: skip


@duckdb_only_for_time
def test_link_in_newest_capture_of_its_source_is_live(home, build_home):
    first = Crawl("c1", "2026-01-10")
    first.page("http://a.com/")
    first.link("http://a.com/", "http://t.com/x")
    snapshot = _snapshot(home, build_home(first))
    assert _metrics(snapshot, "t.com/x")["pages_to_page"] == 1
    assert _metrics(snapshot, "t.com/x")["deleted_pages_to_page"] == 0


@duckdb_only_for_time
def test_link_missing_from_a_newer_capture_is_deleted_on_that_date(home, build_home):
    first, second = Crawl("c1", "2026-01-10"), Crawl("c2", "2026-03-01")
    first.page("http://a.com/")
    first.link("http://a.com/", "http://t.com/x")
    second.page("http://a.com/")
    snapshot = _snapshot(home, build_home(first, second))
    metrics = _metrics(snapshot, "t.com/x")
    assert metrics["pages_to_page"] == 0
    assert metrics["deleted_pages_to_page"] == 1
    assert metrics["deleted_root_domains_to_page"] == 1
    [row] = _rows(snapshot, "t.com/x", sort="date_lost", lost_since=snapshot.recent_since)
    assert row.date_lost == "2026-03-01"
    assert row.date_gained == "2026-01-10"


@duckdb_only_for_time
def test_page_that_turns_404_loses_all_its_links(home, build_home):
    first, second = Crawl("c1", "2026-01-10"), Crawl("c2", "2026-02-10")
    first.page("http://a.com/p")
    first.link("http://a.com/p", "http://t.com/")
    first.link("http://a.com/p", "http://u.com/")
    second.page("http://a.com/p", status=404)
    snapshot = _snapshot(home, build_home(first, second))
    for target in ("t.com/", "u.com/"):
        assert _metrics(snapshot, target)["pages_to_page"] == 0
        assert _metrics(snapshot, target)["deleted_pages_to_page"] == 1


@duckdb_only_for_time
def test_source_not_recrawled_keeps_its_links_live(home, build_home):
    first, second = Crawl("c1", "2026-01-10"), Crawl("c2", "2026-02-10")
    first.page("http://a.com/")
    first.link("http://a.com/", "http://t.com/")
    second.page("http://b.com/")
    snapshot = _snapshot(home, build_home(first, second))
    assert _metrics(snapshot, "t.com/")["pages_to_page"] == 1


@duckdb_only_for_time
def test_link_gained_on_the_first_capture_that_has_it(home, build_home):
    first, second = Crawl("c1", "2026-01-10"), Crawl("c2", "2026-02-10")
    first.page("http://a.com/")
    second.page("http://a.com/")
    second.link("http://a.com/", "http://t.com/")
    snapshot = _snapshot(home, build_home(first, second))
    [row] = _rows(snapshot, "t.com/", sort="date_gained", gained_since=snapshot.recent_since)
    assert row.date_gained == "2026-02-10"


@duckdb_only_for_time
def test_gained_filter_keeps_only_the_60_days_before_the_index_date(home, build_home):
    old, new = Crawl("c1", "2025-10-01"), Crawl("c2", "2026-02-10")
    old.page("http://old.com/")
    old.link("http://old.com/", "http://t.com/")
    new.page("http://new.com/")
    new.link("http://new.com/", "http://t.com/")
    snapshot = _snapshot(home, build_home(old, new))
    rows = _rows(snapshot, "t.com/", sort="date_gained", gained_since=snapshot.recent_since)
    assert [r.root_domain for r in rows] == ["new.com"]


@duckdb_only_for_time
def test_self_links_are_not_links(home, build_home):
    crawl = Crawl("c1", "2026-01-10")
    crawl.page("http://a.com/")
    crawl.link("http://a.com/", "http://a.com/")
    snapshot = _snapshot(home, build_home(crawl))
    metrics = _metrics(snapshot, "a.com/")
    assert metrics["pages_to_page"] == 0
    assert metrics["pages_from_page"] == 0


@duckdb_only_for_time
def test_ugc_and_sponsored_count_as_nofollow(home, build_home):
    crawl = Crawl("c1", "2026-01-10")
    for source, flag in (("http://a.com/", "nofollow"), ("http://b.com/", "ugc"),
                         ("http://c.com/", "sponsored"), ("http://d.com/", None)):  # fmt: skip
        crawl.page(source)
        crawl.link(source, "http://t.com/", **({flag: True} if flag else {}))
    snapshot = _snapshot(home, build_home(crawl))
    metrics = _metrics(snapshot, "t.com/")
    assert metrics["pages_to_page"] == 4
    assert metrics["nofollow_pages_to_page"] == 3
    assert metrics["nofollow_root_domains_to_page"] == 3


@duckdb_only_for_time
def test_redirect_to_the_same_page_on_the_other_scheme_is_no_capture(home, build_home):
    crawl = Crawl("c1", "2026-01-10")
    crawl.page("https://a.com/doc", title="Doc")
    crawl.page("http://a.com/doc", status=301, day="2026-01-11")
    crawl.link("http://a.com/doc", "https://a.com/doc", redirect=True, day="2026-01-11")
    snapshot = _snapshot(home, build_home(crawl))
    metrics = _metrics(snapshot, "a.com/doc")
    assert (metrics["http_code"], metrics["title"]) == (200, "Doc")
    assert metrics["pages_crawled_from_root_domain"] == 1


@duckdb_only_for_time
def test_self_redirect_in_the_same_second_keeps_the_real_capture(home, build_home):
    crawl = Crawl("c1", "2026-01-10")
    crawl.page("https://a.com/", title="Home")
    crawl.page("http://a.com/", status=301)
    crawl.link("http://a.com/", "https://a.com/", redirect=True)
    metrics = _metrics(_snapshot(home, build_home(crawl)), "a.com/")
    assert (metrics["http_code"], metrics["title"]) == (200, "Home")


@duckdb_only_for_time
@pytest.mark.xfail(
    strict=True,
    reason="known bug: link_state.NEW_CAPTURES drops every 3xx record of a page in the second"
    " of a self-redirect, so the real redirect's capture is lost too (the bundled sample's"
    " docs.python.org/ answers http_code 0); remove this mark with the fix",
)
def test_self_redirect_in_the_same_second_keeps_a_real_redirect_capture(home, build_home):
    crawl = Crawl("c1", "2026-01-10")
    crawl.page("https://a.com/", status=302)
    crawl.link("https://a.com/", "https://a.com/start", redirect=True)
    crawl.page("http://a.com/", status=301)
    crawl.link("http://a.com/", "https://a.com/", redirect=True)
    metrics = _metrics(_snapshot(home, build_home(crawl)), "a.com/")
    assert metrics["http_code"] == 302


@duckdb_only_for_time
@pytest.mark.parametrize("status", [0, 429, 500, 503])
def test_a_failed_newer_capture_does_not_make_links_lost(home, build_home, status):
    first, second = Crawl("c1", "2026-01-10"), Crawl("c2", "2026-02-10")
    first.page("http://a.com/")
    first.link("http://a.com/", "http://t.com/")
    second.page("http://a.com/", status=status)
    metrics = _metrics(_snapshot(home, build_home(first, second)), "t.com/")
    assert (metrics["pages_to_page"], metrics["deleted_pages_to_page"]) == (1, 0)


@duckdb_only_for_time
def test_a_crawl_with_pages_and_no_links_builds(home, build_home):
    crawl = Crawl("c1", "2026-01-10")
    crawl.page("http://a.com/", title="Alone")
    metrics = _metrics(_snapshot(home, build_home(crawl)), "a.com/")
    assert metrics["title"] == "Alone" and metrics["pages_from_page"] == 0


def test_follow_state_comes_from_the_newest_capture_that_has_the_link(home, build_home):
    first, second = Crawl("c1", "2026-01-10"), Crawl("c2", "2026-02-10")
    for crawl in (first, second):
        crawl.page("http://a.com/")
        crawl.page("http://b.com/")
    first.link("http://a.com/", "http://t.com/")  # followed, then only nofollow
    second.link("http://a.com/", "http://t.com/", nofollow=True)
    first.link("http://b.com/", "http://t.com/", nofollow=True)  # nofollow, then one followed
    second.link("http://b.com/", "http://t.com/", nofollow=True)
    second.link("http://b.com/", "http://t.com/")
    metrics = _metrics(_snapshot(home, build_home(first, second)), "t.com/")
    assert (metrics["pages_to_page"], metrics["nofollow_pages_to_page"]) == (2, 1)
    assert metrics["nofollow_root_domains_to_page"] == 1
