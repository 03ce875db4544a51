"""A crafted web whose links to h.com were gained and lost on known dates, built twice.

Crawls: c1 2023-05-20, c2 2026-02-10, c3 2026-03-01 (the index date). The first build has
c1 + c2 (index date 2026-02-10); c3 is then added and the home built again.
"""

from __future__ import annotations

import pytest
from app_server import app_server
from records_factory import Crawl

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index.snapshot import Snapshot
from linkindex.urls import parse_target

FIRST_CAPTURE = "2023-05-20"
FIRST_BUILD = "2026-02-10"
INDEX_DATE = "2026-03-01"
NEW_LINKERS = 12
HUB_LINKERS = 30  # root domains first linking h.com/ in c3: its PA and DA go up


def history_web() -> tuple[list[Crawl], Crawl]:
    """(the crawls of the first build, the crawl added before the second)."""
    c1, c2, c3 = Crawl("c1", FIRST_CAPTURE), Crawl("c2", FIRST_BUILD), Crawl("c3", INDEX_DATE)
    every = (c1, c2, c3)
    for crawl in every:
        crawl.page("http://h.com/", title="H")
        crawl.page("http://h.com/page2")
        crawl.page("http://h.com/about")
        crawl.link("http://h.com/about", "http://h.com/")  # internal: not external
        # a.com/1 links h.com/ in every crawl: live since the first capture.
        crawl.page("http://a.com/1")
        crawl.link("http://a.com/1", "http://h.com/", anchor="H")
        # r.com/go redirects to h.com/ throughout.
        crawl.page("http://r.com/go", status=301)
        crawl.link("http://r.com/go", "http://h.com/", redirect=True)
        # old.h.com/x redirects to h.com/; e.com/1 links it: an indirect link.
        crawl.page("http://old.h.com/x", status=301)
        crawl.link("http://old.h.com/x", "http://h.com/", redirect=True)
        crawl.page("http://e.com/1")
        crawl.link("http://e.com/1", "http://old.h.com/x", anchor="old")
        for i in range(3):  # z0-z2 give a.com some authority
            crawl.page(f"http://z{i}.com/")
            crawl.link(f"http://z{i}.com/", "http://a.com/1")
        for i in range(HUB_LINKERS):  # the strongest root domain, so h.com's DA is not the top
            crawl.page(f"http://w{i}.com/")
            crawl.link(f"http://w{i}.com/", "http://hub.com/")
        for i in range(10):  # weakly linked root domains: the median DA anchor is one of them
            crawl.page(f"http://s{i}.com/")
            crawl.link(f"http://s{i}.com/", f"http://t{i}.com/")
    # b.com/1 links h.com/ in c1 and c2; c3 captures it without the link: lost 2026-03-01.
    for crawl in every:
        crawl.page("http://b.com/1")
    for crawl in (c1, c2):
        crawl.link("http://b.com/1", "http://h.com/", anchor="b")
    # c.com/1 links h.com/ with nofollow from c2 on: gained 2026-02-10.
    c1.page("http://c.com/1")
    for crawl in (c2, c3):
        crawl.page("http://c.com/1")
        crawl.link("http://c.com/1", "http://h.com/", nofollow=True)
    # d.com/1 links h.com/page2 in c1; answers 404 in c2: lost 2026-02-10.
    c1.page("http://d.com/1")
    c1.link("http://d.com/1", "http://h.com/page2", anchor="two")
    c2.page("http://d.com/1", status=404)
    # New linkers in c3 (gained 2026-03-01).
    for i in range(NEW_LINKERS):
        c3.page(f"http://n{i}.com/")
        c3.link(f"http://n{i}.com/", "http://h.com/", anchor="H")
    return [c1, c2], c3


@pytest.fixture(scope="module")
def history_server(tmp_path_factory):
    """A server on the second build; ``first`` holds the first build's url_metrics of h.com/."""
    home = Home(tmp_path_factory.mktemp("histories") / "home").ensure()
    first_crawls, added = history_web()
    for crawl in first_crawls:
        crawl.write(home.crawls)
    built = build_index(home)
    first = Snapshot(home.snapshots / built.snapshot).url_metrics(parse_target("h.com/"))
    added.write(home.crawls)
    build_index(home)
    with app_server(home) as running:
        running.first = first  # type: ignore[attr-defined]
        yield running
