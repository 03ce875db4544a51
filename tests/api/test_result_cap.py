"""Seed 002's limit: at most 10,000 linking root domains, except sorted by DA with no filter."""

from __future__ import annotations

import pytest
from app_server import app_server
from records_factory import Crawl

from linkindex.builder.pipeline import build_index
from linkindex.home import Home

LINKING = 10_030


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("cap") / "home").ensure()
    crawl = Crawl("c1", "2026-01-10")
    for i in range(LINKING):
        crawl.page(f"http://d{i}.com/")
        crawl.link(f"http://d{i}.com/", "http://t.com/")
    crawl.write(home.crawls)
    build_index(home)
    with app_server(home) as running:
        yield running


def test_da_sort_with_no_filter_iterates_every_linking_root_domain(server):
    rows = server.all_pages("linking_root_domains", target="t.com/", limit=50)
    assert len({r["root_domain"] for r in rows}) == len(rows) == LINKING


def test_another_sort_stops_at_10000(server):
    rows = server.all_pages(
        "linking_root_domains", target="t.com/", sort="source_link_propensity", limit=50
    )
    assert len({r["root_domain"] for r in rows}) == len(rows) == 10_000


def test_a_filter_stops_at_10000(server):
    rows = server.all_pages("linking_root_domains", target="t.com/", filter="external+follow",
                            limit=50)  # fmt: skip
    assert len(rows) == 10_000
