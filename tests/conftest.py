"""Shared fixtures: a home folder, index builds, the app in-process and real `linkindex serve`
processes."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from app_server import app_server  # noqa: E402
from live_server import Server, start_server, stop_server  # noqa: E402

from linkindex.home import Home  # noqa: E402

# The Spark fixtures: one local SparkSession and one two-engine ingest per test session, and a
# standalone cluster on loopback; the build tests' `engine` (DuckDB, then Spark); `browser`, a
# headless Chromium for the browser tests (chromium.py).
pytest_plugins = ["spark_fixtures", "spark_cluster", "build_engines", "chromium"]

# The fixtures of the tests that take minutes a file: builds and sessions on Spark.
SPARK_FIXTURES = {"spark", "small_tables_spark", "engine", "spark_cluster", "two_engine_ingest"}


def pytest_collection_modifyitems(session, config, items) -> None:
    """Files with Spark tests first, each file's tests in their order. `make test` gives whole
    files to its processes in collection order (pytest-xdist, --dist loadfile): the longest
    files then start at once, and the short ones fill the processes around them, so the
    processes finish together instead of one running the last Spark file alone."""
    spark_files = {
        item.path
        for item in items
        if SPARK_FIXTURES & set(item.fixturenames) or item.get_closest_marker("spark_process")
    }
    items.sort(key=lambda item: item.path not in spark_files)  # a stable sort


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def serve_app():
    """Run the app in-process on homes (app_server.py); all are closed at the end of the test."""
    with ExitStack() as stack:

        def _start(home: Home, env: dict[str, str] | None = None) -> Server:
            return stack.enter_context(app_server(home, env))

        yield _start


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


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """A real server on the demo index, shared by the tests that run the documented curl
    commands against it as written (they only read)."""
    from linkindex.builder.pipeline import build_index
    from linkindex.demo import sample_crawls
    from linkindex.ingest import run_ingest

    home = Home(tmp_path_factory.mktemp("demo") / "home").ensure()
    for crawl, files in sample_crawls().items():
        run_ingest(files, home, crawl=crawl, progress=False)
    build_index(home)
    server = start_server(home)
    yield server
    stop_server(server)


@pytest.fixture
def build_home(home: Home, engine):
    """Write crawls into the home and build them on each engine (build_engines.py); returns the
    BuildResult."""

    def _build(*crawls) -> object:
        for crawl in crawls:
            crawl.write(home.crawls)
        return engine.build(home)

    return _build
