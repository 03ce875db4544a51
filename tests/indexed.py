"""Crafted crawls built into a home, and real servers on them: what API test fixtures share.

A module fixture does `yield from serve_crawls(tmp_path_factory, "name", crawls, env)`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from live_server import Server, start_server, stop_server
from records_factory import Crawl

from linkindex.builder.pipeline import build_index
from linkindex.home import Home


def build_crawls(home: Home, crawls: Iterable[Crawl]) -> Home:
    """Write the crawls into the home and build its index."""
    for crawl in crawls:
        crawl.write(home.crawls)
    build_index(home)
    return home


def serve_crawls(
    tmp_path_factory, name: str, crawls: Iterable[Crawl], env: dict[str, str] | None = None
) -> Iterator[Server]:
    """A real server on a new home built from the crawls, stopped when the fixture ends."""
    home = build_crawls(Home(tmp_path_factory.mktemp(name) / "home").ensure(), crawls)
    running = start_server(home, env)
    yield running
    stop_server(running)


def build_a_newer_index(home: Home, linked: str = "http://t.com/") -> None:
    """Add a crawl with one more link to ``linked``, rebuild, and wait until servers see it."""
    extra = Crawl("c3", "2026-03-05")
    extra.page("http://late.com/")
    extra.link("http://late.com/", linked)
    extra.write(home.crawls)
    build_index(home)
    time.sleep(1.0)  # the server rechecks the CURRENT pointer every 0.5 s
