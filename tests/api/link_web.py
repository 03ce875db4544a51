"""A crafted web for the link-level endpoints: every kind of link to t.com, with known answers.

Two crawls; the index date is 2026-03-01, so the 60-day window starts 2025-12-31.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from indexed import built_home, serve_web
from records_factory import Crawl
from starlette.testclient import TestClient

from linkindex.accounts.keys import KeyStore
from linkindex.api.app import create_app

TARGET = "t.com/"

# Live external links to t.com/ (page scope), as (source page, linked page).
DIRECT = {
    ("a.com/1", "t.com/"),  # anchor "<b>Best</b>   Widgets", in both crawls
    ("a.com/2", "t.com/"),  # nofollow, "best widgets", second crawl only (gained recently)
    ("c.com/1", "t.com/"),  # "widgets"
    ("r.com/go", "t.com/"),  # an HTTP redirect
    ("canon.com/x", "t.com/"),  # rel=canonical
    ("x.s.com/1", "t.com/"),  # three s.com pages on two subdomains, "widgets"
    ("y.s.com/1", "t.com/"),
    ("y.s.com/2", "t.com/"),
}
VIA = {
    ("d.com/1", "old.t.com/page"),  # old.t.com/page redirects to t.com/
    ("e.com/1", "t.com/amp"),  # t.com/amp declares t.com/ its canonical
}
LIVE_EXTERNAL = DIRECT | VIA
DELETED = {("b.com/1", "t.com/")}  # in the first crawl only: lost on 2026-03-01
# Inside t.com: only listed when the filter leaves 'external' out.
INTERNAL = {("t.com/about", "t.com/"), ("old.t.com/page", "t.com/"), ("t.com/amp", "t.com/")}


def link_web() -> list[Crawl]:
    first, second = Crawl("c1", "2025-11-05"), Crawl("c2", "2026-03-01")
    both = (first, second)

    def page(url: str, status: int = 200, title: str = "") -> None:
        for crawl in both:
            crawl.page(url, status, title)

    def link(source: str, target: str, **flags) -> None:
        for crawl in both:
            crawl.link(source, target, **flags)

    for url in ("http://t.com/", "http://t.com/other", "http://blog.t.com/post"):
        page(url, title="T")
    page("http://a.com/1", title="A one")
    link("http://a.com/1", "http://t.com/", anchor="<b>Best</b>   Widgets")
    link("http://a.com/1", "http://u.com/", anchor="u")
    second.page("http://a.com/2")
    second.link("http://a.com/2", "http://t.com/", anchor="best widgets", nofollow=True)
    page("http://b.com/1")
    first.link("http://b.com/1", "http://t.com/", anchor="Click here")
    page("http://c.com/1", title="C one")
    link("http://c.com/1", "http://t.com/other", anchor="")
    link("http://c.com/1", "http://t.com/", anchor="widgets")
    page("http://r.com/go", status=301)
    link("http://r.com/go", "http://t.com/", redirect=True)
    page("http://canon.com/x")
    link("http://canon.com/x", "http://t.com/", rel_canonical=True)
    page("http://old.t.com/page", status=301)
    link("http://old.t.com/page", "http://t.com/", redirect=True)
    page("http://d.com/1")
    link("http://d.com/1", "http://old.t.com/page", anchor="Old home")
    page("http://t.com/amp")
    link("http://t.com/amp", "http://t.com/", rel_canonical=True)
    page("http://e.com/1")
    link("http://e.com/1", "http://t.com/amp", anchor="AMP")
    page("http://t.com/about")
    link("http://t.com/about", "http://t.com/", anchor="Home")
    for url in ("http://x.s.com/1", "http://y.s.com/1", "http://y.s.com/2"):
        page(url)
        link(url, "http://t.com/", anchor="widgets")
        link(url, "http://v.com/", anchor="v")
    page("http://f.com/1")
    link("http://f.com/1", "http://blog.t.com/post", anchor="blog post")
    for url in ("http://u.com/", "http://v.com/"):
        page(url)
    # Spread the sources' authority: ten sites link a.com/1, four y.s.com/2, two c.com/1.
    for i in range(10):
        page(f"http://z{i}.com/")
        link(f"http://z{i}.com/", "http://a.com/1")
        if i < 4:
            link(f"http://z{i}.com/", "http://y.s.com/2")
        if i < 2:
            link(f"http://z{i}.com/", "http://c.com/1")
    return [first, second]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_web(tmp_path_factory, "links", link_web)


def in_process(tmp_path_factory, throttle: bool = True) -> Iterator[TestClient]:
    """The app on the link web's index, called in-process (lifespan run) with a valid
    x-moz-token; `throttle=False` turns the bad-request throttle off for this app."""
    home = built_home(tmp_path_factory, link_web, "links")
    credential = KeyStore(home.state / "keys.sqlite").create()
    app = create_app(home)
    app.state.limiter.throttle = throttle
    headers = {"x-moz-token": credential.token}
    with TestClient(app, raise_server_exceptions=False, headers=headers) as client:
        yield client


def pairs(results: list[dict]) -> set[tuple[str, str]]:
    """(source page, linked page) of each links result."""
    return {(r["source"]["page"], r["target"]["page"]) for r in results}
