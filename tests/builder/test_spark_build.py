"""The build on Spark gives DuckDB's snapshot: the same index_id and every snapshot table the same,
on a generated four-crawl web, built full from three crawls and then incrementally with the fourth;
the Spark home's crawls read from a file: URI, and from plain paths in the crossed builds.

Integer and text columns must be equal, floats within FLOAT_TOLERANCE; the scores (DA, PA,
Brand Authority, Spam Score, stored or negated) equal in at least SCORES_EQUAL of rows and never
more than one point apart. The same rules hold for a Spark build whose ranks run on the cluster.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from builder_tables import generated_web, snapshot_content, without_build_facts
from spark_fixtures import SMALL_TABLES_CONF

from linkindex.builder.engines import spark_rank
from linkindex.builder.pipeline import BuildResult, build_index
from linkindex.home import Home

# Ranks are computed by the same numpy code from the same rows in both engines; SQL float sums
# (the explain shares) may add in another order, which moves the last bits only. Ranked on the
# cluster (spark_rank.py) they agree to the 1e-9 that tests/builder/test_spark_rank.py asserts.
FLOAT_TOLERANCE = 1e-9  # relative
SCORES_EQUAL = 0.999
_SCORE_WORDS = ("authority", "spam_score")


@dataclass
class Comparison:
    rows: int = 0
    floats: int = 0
    max_float_difference: float = 0.0
    scores: int = 0
    scores_apart: int = 0
    max_score_difference: int = 0
    differences: list[str] = field(default_factory=list)


def _is_score(table: str, column: str) -> bool:
    history = table.endswith("_history") and column == "value"
    return history or any(word in column for word in _SCORE_WORDS)


def _columns(home: Home) -> dict[str, list[str]]:
    import sqlite3

    from linkindex.index.layout import SnapshotLayout
    from linkindex.index.writer import STORE_FILE

    layout = SnapshotLayout(home.snapshots)
    con = sqlite3.connect(layout.path_of(layout.current_name()) / STORE_FILE)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = {t: [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')] for t in names}
    con.close()
    return columns


def compare_snapshots(duckdb_home: Home, spark_home: Home) -> Comparison:
    """Every table's rows paired by their columns other than floats and scores."""
    want = without_build_facts(snapshot_content(duckdb_home))
    got = without_build_facts(snapshot_content(spark_home))
    columns = _columns(duckdb_home)
    result = Comparison()
    if sorted(want) != sorted(got):
        result.differences.append(f"tables {sorted(want)} != {sorted(got)}")
        return result
    for table, rows in want.items():
        if len(rows) != len(got[table]):
            result.differences.append(f"{table}: {len(rows)} rows != {len(got[table])}")
            continue
        names = columns[table]
        loose = {i for i, n in enumerate(names) if _is_score(table, n)}
        loose |= {i for row in rows for i, v in enumerate(row) if isinstance(v, float)}

        def key(row: tuple, loose: set[int] = loose) -> tuple:
            return tuple(v for i, v in enumerate(row) if i not in loose)

        pairs: dict[tuple, list[list[tuple]]] = defaultdict(lambda: [[], []])
        for side, table_rows in enumerate((rows, got[table])):
            for row in table_rows:
                pairs[key(row)][side].append(row)
        for k, (mine, theirs) in pairs.items():
            if len(mine) != len(theirs):
                result.differences.append(f"{table}: rows keyed {k!r} differ")
                continue
            for a, b in zip(sorted(mine, key=repr), sorted(theirs, key=repr), strict=True):
                result.rows += 1
                for i in loose:
                    _compare_value(result, table, names[i], a[i], b[i])
    return result


def _compare_value(result: Comparison, table: str, name: str, a: object, b: object) -> None:
    if _is_score(table, name) and isinstance(a, int) and isinstance(b, int):
        result.scores += 1
        result.scores_apart += a != b
        result.max_score_difference = max(result.max_score_difference, abs(a - b))
    elif isinstance(a, float) and isinstance(b, float):
        result.floats += 1
        apart = abs(a - b) / max(abs(a), abs(b), 1e-300)
        result.max_float_difference = max(result.max_float_difference, apart)
        if not math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=1e-15):
            result.differences.append(f"{table}.{name}: {a!r} != {b!r}")
    elif a != b:
        result.differences.append(f"{table}.{name}: {a!r} != {b!r}")


@dataclass
class TwoEngineBuilds:
    homes: dict[str, Home]
    full: dict[str, BuildResult]
    incremental: dict[str, BuildResult]
    full_comparison: Comparison
    incremental_comparison: Comparison
    crawls: Path
    # The fourth crawl merged by each engine into the state the other saved.
    crossed: dict[str, BuildResult]
    crossed_comparisons: dict[str, Comparison]


@pytest.fixture(scope="module")
def web_crawls(tmp_path_factory) -> Path:
    """The generated four-crawl web's crawl folders, made once for the module."""
    source = tmp_path_factory.mktemp("web") / "crawls"
    generated_web(source)
    return source


def _home_with(root: Path, crawls: Path, names: list[str], as_uri: bool = False) -> Home:
    """A home at ``root`` (given as its file: URI when ``as_uri``) holding copies of the
    ``names`` crawls of ``crawls``."""
    home = Home(root, uri=root.as_uri() if as_uri else None).ensure()
    for crawl in names:
        shutil.copytree(crawls / crawl, home.crawls / crawl)
    return home


@pytest.fixture(scope="module")
def two_engine_builds(tmp_path_factory, small_tables_spark, web_crawls) -> TwoEngineBuilds:
    """Three crawls built by each engine, compared; then the fourth added, built and compared
    (the comparisons are taken before the next build replaces the snapshot); and the fourth
    merged by each engine into a copy of the other's home."""
    root = tmp_path_factory.mktemp("spark-build")
    source = web_crawls
    crawls = sorted(p.name for p in source.iterdir())
    # Spark reads its crawls from a file: URI, through the code that reads s3a://, gs:// and
    # hdfs:// homes; the crossed Spark build below reads plain paths.
    homes = {name: _home_with(root / name, source, crawls[:-1], as_uri=name == "spark")
             for name in ("duckdb", "spark")}  # fmt: skip
    sessions = {"duckdb": None, "spark": small_tables_spark}

    def build_all() -> dict[str, BuildResult]:
        return {name: build_index(home, spark=sessions[name]) for name, home in homes.items()}

    full = build_all()
    full_comparison = compare_snapshots(homes["duckdb"], homes["spark"])
    # duckdb_after_spark: DuckDB merges into the state Spark saved, and the reverse.
    crossed_homes = {"duckdb": Home(root / "duckdb_after_spark"),
                     "spark": Home(root / "spark_after_duckdb")}  # fmt: skip
    shutil.copytree(homes["spark"].root, crossed_homes["duckdb"].root)
    shutil.copytree(homes["duckdb"].root, crossed_homes["spark"].root)
    for home in [*homes.values(), *crossed_homes.values()]:
        shutil.copytree(source / crawls[-1], home.crawls / crawls[-1])
    incremental = build_all()
    incremental_comparison = compare_snapshots(homes["duckdb"], homes["spark"])
    crossed = {n: build_index(h, spark=sessions[n]) for n, h in crossed_homes.items()}
    crossed_comparisons = {
        n: compare_snapshots(homes["duckdb"], h) for n, h in crossed_homes.items()
    }
    return TwoEngineBuilds(
        homes, full, incremental, full_comparison, incremental_comparison, source,
        crossed, crossed_comparisons,
    )  # fmt: skip


def _assert_comparison(result: Comparison) -> None:
    assert result.rows > 10_000
    assert not result.differences, result.differences[:20]
    assert result.scores_apart <= (1 - SCORES_EQUAL) * result.scores, result
    assert result.max_score_difference <= 1, result


def test_a_full_build_on_spark_gives_duckdbs_snapshot(two_engine_builds):
    duckdb, spark = two_engine_builds.full["duckdb"], two_engine_builds.full["spark"]
    assert spark.index_id == duckdb.index_id
    assert spark.link_state == duckdb.link_state == "full"
    assert spark.counts == duckdb.counts
    _assert_comparison(two_engine_builds.full_comparison)


def test_an_incremental_build_on_spark_gives_duckdbs_incremental_snapshot(two_engine_builds):
    duckdb, spark = (two_engine_builds.incremental[n] for n in ("duckdb", "spark"))
    assert spark.index_id == duckdb.index_id != two_engine_builds.full["duckdb"].index_id
    assert spark.link_state == duckdb.link_state == "incremental"
    assert spark.counts == duckdb.counts
    _assert_comparison(two_engine_builds.incremental_comparison)


def test_each_engine_merges_a_crawl_into_the_state_the_other_saved(two_engine_builds):
    want = two_engine_builds.incremental["duckdb"]
    for engine, result in two_engine_builds.crossed.items():
        assert (result.link_state, result.index_id) == ("incremental", want.index_id), engine
        assert result.counts == want.counts, engine
    for comparison in two_engine_builds.crossed_comparisons.values():
        _assert_comparison(comparison)


def test_the_saved_link_state_is_either_engines_to_read(two_engine_builds):
    """Spark's saved state has DuckDB's columns and types, so either engine merges into it."""
    import pyarrow.parquet as pq

    for table in ("captures", "links", "latest_links"):
        schemas = [
            pq.read_schema(home.link_state / f"{table}.parquet")
            for home in two_engine_builds.homes.values()
        ]
        assert schemas[0].names == schemas[1].names, table
        for a, b in zip(schemas[0], schemas[1], strict=True):
            assert a.type == b.type or {str(a.type), str(b.type)} <= _SAME_VALUES, (table, a, b)


# Integer widths the engines choose differently for the same values (DuckDB's sums are 128-bit).
_SAME_VALUES = {"int16", "int32", "int64", "decimal128(38, 0)"}


def test_a_build_past_the_drivers_budget_ranks_on_the_cluster(
    web_crawls, small_tables_spark, tmp_path, monkeypatch
):
    """With a driver budget of 1 KiB both rank steps run their distributed body (engines/
    spark_rank.py over DataFrames) and the snapshot is still DuckDB's, within the rules above:
    ranks within FLOAT_TOLERANCE, the test_spark_rank.py bound; the scores within a point."""
    iterations: list[int] = []
    on_cluster = spark_rank.rank_over_floor

    def counted(edges, nodes):
        ranked = on_cluster(edges, nodes)
        iterations.append(ranked.iterations)
        return ranked

    monkeypatch.setattr(spark_rank, "rank_over_floor", counted)
    crawls = sorted(p.name for p in web_crawls.iterdir())
    homes = {name: _home_with(tmp_path / name, web_crawls, crawls) for name in ("duckdb", "spark")}
    duckdb = build_index(homes["duckdb"])
    small_tables_spark.conf.set(spark_rank.DRIVER_MEMORY_CONF, "1k")
    try:
        spark = build_index(homes["spark"], spark=small_tables_spark)
    finally:
        small_tables_spark.conf.unset(spark_rank.DRIVER_MEMORY_CONF)
    assert len(iterations) == 2, iterations  # the root-domain graph, then the page graph
    assert (spark.index_id, spark.counts) == (duckdb.index_id, duckdb.counts)
    _assert_comparison(compare_snapshots(homes["duckdb"], homes["spark"]))


@pytest.mark.spark_cluster
def test_a_build_on_a_standalone_cluster_gives_duckdbs_index(
    two_engine_builds, spark_cluster, tmp_path
):
    home = Home(tmp_path / "home").ensure()
    for crawl in sorted(p.name for p in two_engine_builds.crawls.iterdir())[:-1]:
        shutil.copytree(two_engine_builds.crawls / crawl, home.crawls / crawl)
    small = [f"--conf={key}={value}" for key, value in SMALL_TABLES_CONF.items()]
    # In shards, which the executors write into the build folder on the disk they share.
    build = subprocess.run(
        [sys.executable, "-m", "linkindex.cli", "build", "--json", "--engine", "spark",
         "--master", spark_cluster.master_url, "--conf", "spark.executor.memory=512m", *small,
         "--shards", "2", "--home", str(home.root)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:] + spark_cluster.log_tails()
    result = json.loads(build.stdout)
    duckdb = two_engine_builds.full["duckdb"]
    assert (result["index_id"], result["counts"]) == (duckdb.index_id, duckdb.counts)
    snapshot = home.snapshots / result["snapshot"]
    assert sorted(p.name for p in snapshot.glob("*.sqlite")) == [
        "global.sqlite", "shard-0000-of-0002.sqlite", "shard-0001-of-0002.sqlite"
    ]  # fmt: skip
    # Both workers ran tasks: each kept an executor folder for this application.
    worker_dirs = [spark_cluster.logs.parent / "work" / f"worker-{n}" for n in range(2)]
    assert all(any(d.glob("app-*/*")) for d in worker_dirs), spark_cluster.log_tails()


def test_the_engine_gives_a_callers_session_its_own_settings_back(spark, tmp_path):
    """The build holds the session to BUILD_SQL_CONF while it runs, and no longer."""
    from linkindex.builder.engines.spark_engine import SparkEngine
    from linkindex.spark_session import BUILD_SQL_CONF

    zone = "spark.sql.session.timeZone"
    before = {key: spark.conf.get(key, None) for key in BUILD_SQL_CONF}
    spark.conf.set(zone, "Europe/Paris")
    spark.conf.unset("spark.sql.parquet.outputTimestampType")
    try:
        engine = SparkEngine.open(spark, tmp_path)
        assert {key: spark.conf.get(key) for key in BUILD_SQL_CONF} == BUILD_SQL_CONF
        engine.close()
        assert spark.conf.get(zone) == "Europe/Paris"
        assert spark.conf.get("spark.sql.parquet.outputTimestampType", None) is None
    finally:
        for key, value in before.items():
            spark.conf.set(key, value) if value is not None else spark.conf.unset(key)
