"""A small web for the "unknown is not weak" tests: a page linked only from its own root domain,
a page linked from another root domain, a root domain known only as a link target, and names the
index never saw.
"""

from __future__ import annotations

from records_factory import Crawl

UNKNOWN = "never-seen.example"  # no page, no link to or from it
LINKED_ONLY = "linked.org"  # ext.com links to it; never crawled
SAME_ROOT_ONLY = "docs.home.com/"  # linked only from pages of home.com, its own root domain
EXTERNAL = "shop.com/"  # linked from ext.com (followed), nf.com (nofollow) and its own /about
KNOWN = "shop.com"


def explain_web() -> list[Crawl]:
    crawl = Crawl("c1", "2026-01-10")
    for path in ("", "a", "b"):
        page = crawl.page(f"https://home.com/{path}", title="Home")
        crawl.link(page, "https://docs.home.com/")
    crawl.link("https://home.com/", "https://home.com/a")
    crawl.link("https://home.com/", "https://home.com/b")
    crawl.page("https://docs.home.com/", title="Docs")
    crawl.link("https://docs.home.com/", "https://home.com/")
    for path in ("", "x", "y"):
        crawl.page(f"https://ext.com/{path}", title="Ext")
    crawl.link("https://ext.com/", "https://shop.com/", anchor="Shop tools")
    crawl.link("https://ext.com/", "https://home.com/")
    crawl.link("https://ext.com/x", "https://linked.org/")
    crawl.link("https://ext.com/", "https://ext.com/x")
    crawl.link("https://ext.com/", "https://ext.com/y")
    crawl.page("https://shop.com/", title="Shop")
    crawl.page("https://shop.com/about", title="About")
    crawl.link("https://shop.com/about", "https://shop.com/")
    crawl.page("https://nf.com/", title="NF")
    crawl.link("https://nf.com/", "https://shop.com/", nofollow=True)
    return [crawl]
