"""A crafted web for the page-list endpoints: a site with pages of every status, redirect
chains and loops, and over 500 filler root domains for the global top-500 lists."""

from __future__ import annotations

import pytest
from indexed import serve_web
from records_factory import Crawl

DIST_TARGET = "http://dist.com/"
FILLERS = 520  # root domains f000.com ... f519.com, one crawled page each

# site.com's pages: (url, status). Redirects also get their Location link below.
SITE_PAGES = [
    ("http://site.com/", 200),
    ("http://site.com/a", 200),
    ("http://site.com/b", 200),
    ("http://site.com/moved", 301),
    ("http://site.com/temp", 302),
    ("http://site.com/gone", 404),
    ("http://blog.site.com/", 200),
    ("http://blog.site.com/post", 200),
]
# Pages of site.com only linked to, never crawled (http_code 0), and one that only failed.
SITE_UNCRAWLED = ["http://site.com/never-crawled"]
SITE_FAILED = "http://site.com/err"  # answered 503 only

# Redirect chains (source -> Location), all in the newest crawl.
REDIRECTS = [
    ("http://seomoz.org/blog", "https://moz.com/blog", 301),  # the spec's example
    ("http://r.com/start", "http://r.com/mid", 301),
    ("http://r.com/mid", "http://other.com/end", 302),
    ("http://loop.com/a", "http://loop.com/b", 301),
    ("http://loop.com/b", "http://loop.com/a", 301),
    ("http://site.com/moved", "http://site.com/a", 301),
    ("http://site.com/temp", "http://blog.site.com/", 302),
    # chain.com/0 -> /1 -> ... -> /11: 11 hops from /0, 10 from /1
    *((f"http://chain.com/{i}", f"http://chain.com/{i + 1}", 301) for i in range(11)),
]


def pages_web() -> list[Crawl]:
    first, second = Crawl("c1", "2026-01-10"), Crawl("c2", "2026-03-01")
    # A redirect only in the older crawl: the page answers 200 now, so it redirects no more.
    first.page("http://old.com/x", status=301)
    first.link("http://old.com/x", "http://new.com/")
    second.page("http://old.com/x")

    for url, status in SITE_PAGES:
        second.page(url, status=status, title=url.rsplit("/", 1)[-1])
    second.page(SITE_FAILED, status=503)
    for source, target, status in REDIRECTS:
        if status in (301, 302) and not any(source == url for url, _ in SITE_PAGES):
            second.page(source, status=status)
        second.link(source, target, redirect=True)
    second.page("https://moz.com/blog")
    second.page("http://other.com/end")
    second.page("http://chain.com/11")

    # Links into site.com. site.com/ gets every filler (many root domains, one page each);
    # site.com/a gets 12 pages of one root domain (many external pages, one root domain).
    for i in range(FILLERS):
        filler = f"http://f{i:03d}.com/"
        second.page(filler)
        second.link(filler, "http://site.com/")
        second.link(filler, f"http://f{(i + 1) % FILLERS:03d}.com/")
        if i < 3:
            second.link(filler, "http://site.com/b")
            second.link(filler, "http://blog.site.com/post")
    for p in range(12):
        source = f"http://bulk.com/p{p}"
        second.page(source)
        second.link(source, "http://site.com/a")
    second.page("http://bulk.com/")
    for url in (*SITE_UNCRAWLED, SITE_FAILED, "http://site.com/gone"):
        second.link("http://site.com/", url)
    second.link("http://site.com/", "http://blog.site.com/")

    # dist.com/ for the distributions: followed links from 10 fillers, nofollow-only links
    # from 5 more (each with three crawled pages, so scored), and a root domain whose only
    # page is a 301 to it (so it has no Spam Score).
    for i in range(15):
        second.link(f"http://f{i:03d}.com/", DIST_TARGET, nofollow=i >= 10)
        for extra in ("about", "contact"):  # three pages: enough for a Spam Score
            second.page(f"http://f{i:03d}.com/{extra}")
    second.page("http://nospam.com/", status=301)
    second.link("http://nospam.com/", DIST_TARGET, redirect=True)
    second.link("http://bulk.com/p0", "http://www.dist.com/")
    second.page(DIST_TARGET)
    return [first, second]


def site_pages(root: str = "site.com") -> set[str]:
    """Every page key the index knows under site.com."""
    keys = {url.split("://", 1)[1] for url, _ in SITE_PAGES}
    keys |= {url.split("://", 1)[1] for url in (*SITE_UNCRAWLED, SITE_FAILED)}
    return {k for k in keys if k.split("/")[0].endswith(root)}


@pytest.fixture(scope="module")
def pages_server(tmp_path_factory):
    """The app in-process on the pages web (each test module that imports this gets its own)."""
    yield from serve_web(tmp_path_factory, "pages", pages_web, {"LINKINDEX_TOKEN_TTL": "3600"})
