"""Crafted crawls built into a home, and servers on them: what API test fixtures share.

A module fixture does `yield from serve_web(tmp_path_factory, "name", crafted_web, env)`: the
app in-process on its own copy of the web's index, which is built once per test session.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Iterator

from app_server import app_server
from live_server import Server
from records_factory import Crawl

from linkindex.builder.pipeline import build_index
from linkindex.home import Home

Web = Callable[[], Iterable[Crawl]]
# Each web's built home, by the function that makes its crawls; copied, never served itself.
_BUILT: dict[Web, Home] = {}


def build_crawls(home: Home, crawls: Iterable[Crawl]) -> Home:
    """Write the crawls into the home and build its index."""
    for crawl in crawls:
        crawl.write(home.crawls)
    build_index(home)
    return home


def built_home(tmp_path_factory, web: Web, name: str) -> Home:
    """A new home holding the index of `web()`. The web is built once per test session; each
    caller gets its own copy, so its keys, usage, limits and later builds are its own."""
    template = _BUILT.get(web)
    if template is None:
        folder = tmp_path_factory.mktemp(f"{web.__name__}-built")
        template = _BUILT[web] = build_crawls(Home(folder / "home").ensure(), web())
    root = tmp_path_factory.mktemp(name) / "home"
    shutil.copytree(template.root, root)
    return Home(root)


def serve_web(
    tmp_path_factory, name: str, web: Web, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """The app in-process on a copy of the web's index (app_server.py), closed when the
    fixture ends; `env` as a real server's environment."""
    with app_server(built_home(tmp_path_factory, web, name), env) as server:
        yield server


def build_a_newer_index(server: Server, linked: str = "http://t.com/") -> None:
    """Add a crawl with one more link to ``linked`` to the server's home, rebuild, and wait
    until the server sees it."""
    extra = Crawl("c3", "2026-03-05")
    extra.page("http://late.com/")
    extra.link("http://late.com/", linked)
    extra.write(server.home.crawls)
    build_index(server.home)
    if server.process is not None:
        time.sleep(1.0)  # a real server rechecks the CURRENT pointer every 0.5 s
