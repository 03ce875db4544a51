"""A crafted web for API tests: 60 root domains link to t.com with known flags and dates."""

from __future__ import annotations

from records_factory import Crawl

TARGET = "t.com/"
LINKING = 60


def crafted_web() -> list[Crawl]:
    """Domain i (d00.com ... d59.com) links to t.com/ from i % 3 + 1 pages.

    - i % 5 == 0: every link nofollow; i % 5 == 1: one nofollow and one followed page
    - i % 7 == 0: linked in the first crawl only (deleted in the second)
    - i % 4 == 0: its first link appears in the second crawl (recently gained)
    - hub.com is linked by every domain (so it is the strongest source).
    """
    first, second = Crawl("c1", "2025-11-05"), Crawl("c2", "2026-03-01")
    for i in range(LINKING):
        domain = f"d{i:02d}.com"
        for p in range(i % 3 + 1):
            source = f"http://{domain}/p{p}"
            nofollow = i % 5 == 0 or (i % 5 == 1 and p == 0)
            in_first = i % 4 != 0
            in_second = i % 7 != 0
            for crawl, present in ((first, in_first), (second, in_second)):
                if present or crawl is second:
                    crawl.page(source)
                if present:
                    crawl.link(source, "http://t.com/", nofollow=nofollow)
                    crawl.link(source, "http://hub.com/")
        # a few pages link twice to hub from the same domain to give DA spread
    for i in range(0, LINKING, 3):
        second.page(f"http://hub.com/x{i}")
        second.link(f"http://hub.com/x{i}", f"http://d{i:02d}.com/p0")
    return [first, second]


def expected_live(i: int) -> bool:
    return i % 7 != 0


def expected_all_nofollow(i: int) -> bool:
    return i % 5 == 0 or (i % 5 == 1 and i % 3 + 1 == 1)
