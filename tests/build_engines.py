"""The build tests' one engine parametrisation: a test or fixture that takes ``engine`` runs
once on DuckDB and once on Spark (local mode, the tests' one session set for small tables), and
builds through ``engine.build(home, ...)``.

``engine`` is module-scoped, so a module's shared index (a module fixture taking it) is built
once per engine and every test reading it runs on both. A test that must stay on one engine
says so with ``on_engines("duckdb", why=...)``; docs/architecture.md ("Build tests on both
engines") lists those tests and why.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from linkindex.builder.engines.duckdb_engine import DuckDBEngine
from linkindex.builder.engines.engine import Engine
from linkindex.builder.pipeline import BuildResult, build_index
from linkindex.home import Home

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class BuildEngine:
    """A build engine for tests: its name, and the Spark session it runs on (None: DuckDB)."""

    name: str
    spark: SparkSession | None = None

    def build(self, home: Home, **options) -> BuildResult:
        """``build_index(home, **options)`` on this engine."""
        return build_index(home, spark=self.spark, **options)

    @property
    def engine_class(self) -> type:
        if self.spark is None:
            return DuckDBEngine
        from linkindex.builder.engines.spark_engine import SparkEngine

        return SparkEngine

    @contextmanager
    def opened(self) -> Iterator[Engine]:
        """An empty engine of this kind, for steps run alone; closed (and its files removed)
        afterwards."""
        if self.spark is None:
            engine = DuckDBEngine.open(None)
            try:
                yield engine
            finally:
                engine.close()
            return
        from linkindex.builder.engines.spark_engine import SparkEngine

        with tempfile.TemporaryDirectory(prefix="steps-alone-") as work:
            engine = SparkEngine.open(self.spark, Path(work))
            try:
                yield engine
            finally:
                engine.close()


# The snapshot a test starts from, where what it tests is what the engine under test does next
# (reuse it, fail beside it, group beside it): built on DuckDB, so a Spark case costs one Spark
# build, not two; the engines give the same snapshot (test_spark_build.py).
DUCKDB = BuildEngine("duckdb")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request) -> BuildEngine:
    """Each build engine in turn; Spark on the one session, set for small tables."""
    if request.param == "duckdb":
        return DUCKDB
    return BuildEngine("spark", request.getfixturevalue("small_tables_spark"))


def on_engines(*names: str, why: str) -> pytest.MarkDecorator:
    """Run a test taking ``engine`` on these engines only; ``why`` says why not the others
    (kept in the code beside the test and in docs/architecture.md)."""
    assert why and set(names) <= set(ENGINES)
    return pytest.mark.parametrize("engine", names, indirect=True)


# The tests that build on DuckDB alone to keep CI within its time: a Spark build of even a
# one-link web is a hundred Spark jobs (about 10 s on a quiet 2-core machine, 30-40 s on a
# loaded one), so each rule runs on Spark through a few of its tests, chosen in
# docs/architecture.md ("Build tests on both engines"), which lists the rest.
duckdb_only_for_time = on_engines(
    "duckdb", why="CI time: the rule runs on Spark through the other tests of its module"
)
