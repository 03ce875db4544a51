"""A snapshot of the same records in an older store layout is rebuilt, not reused, so tables a
newer linkindex reads (top pages, redirects...) are never missing after an upgrade."""

from __future__ import annotations

import sqlite3

from build_engines import DUCKDB, duckdb_only_for_time
from records_factory import Crawl

from linkindex.index.snapshot import Snapshot
from linkindex.index.writer import STORE_FILE


def _crawl() -> Crawl:
    crawl = Crawl("c1", "2026-01-10")
    crawl.page("http://a.com/old", status=301)
    crawl.link("http://a.com/old", "http://a.com/new", redirect=True)
    return crawl


def test_a_snapshot_in_the_current_layout_is_reused(engine, home):
    _crawl().write(home.crawls)
    first = DUCKDB.build(home)
    assert engine.build(home).reused
    assert engine.build(home).snapshot == first.snapshot


@duckdb_only_for_time
def test_a_snapshot_in_an_older_layout_is_rebuilt_beside_it(engine, home, build_home):
    first = build_home(_crawl())
    store = home.snapshots / first.snapshot / STORE_FILE
    with sqlite3.connect(store) as con:  # what a build before the page lists left behind
        con.execute("DROP TABLE redirects")
        con.execute("DELETE FROM meta WHERE key = 'store_layout'")
    again = engine.build(home)
    assert not again.reused
    assert again.index_id == first.index_id
    assert again.snapshot != first.snapshot
    assert Snapshot(home.snapshots / again.snapshot).final_redirect("a.com/old") == "a.com/new"
    assert engine.build(home).reused
