"""Shared fixtures: a home folder, index builds, and real `linkindex serve` processes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from live_server import Server, start_server, stop_server  # noqa: E402

from linkindex.home import Home  # noqa: E402


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def serve():
    """Start servers on a home; all are stopped at the end of the test."""
    started: list[Server] = []

    def _start(home: Home, env: dict[str, str] | None = None, workers: int = 1) -> Server:
        server = start_server(home, env, workers)
        started.append(server)
        return server

    yield _start
    for server in started:
        stop_server(server)


@pytest.fixture
def build_home(home: Home):
    """Write crawls into the home and build them; returns the BuildResult."""
    from linkindex.builder.pipeline import build_index

    def _build(*crawls) -> object:
        for crawl in crawls:
            crawl.write(home.crawls)
        return build_index(home)

    return _build
