"""Fixtures for the Spark tests: one local SparkSession per test session, and the same crawl
files ingested once by each engine, with what an ingest leaves on disk read back for comparing.

Generated multi-crawl WARCs (linkindex.synth) plus real Common Crawl files: a WAT, a WARC cut in
the middle of a record, and an empty file, so damaged and failed inputs are compared too.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.ingest.spark_runner import run_spark_ingest
from linkindex.ingest.summary import IngestSummary
from linkindex.spark_session import spark_session
from linkindex.synth import generate

TESTS = Path(__file__).resolve().parent
CC_DIR = TESTS / "data" / "cc"
CC_NAME = "CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc"
# Two cores on the test machines: two task slots and two shuffle partitions are plenty.
TEST_MASTER = "local[2]"
TEST_CONF = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}


@dataclass
class TwoEngineIngest:
    """The same crawls ingested by the embedded runner and by Spark (local mode); the first
    crawl also by Spark from file: URIs into a home given as a file: URI (``uris``), through
    the code that reads s3a://, gs:// and hdfs://."""

    crawls: dict[str, list[Path]]  # crawl name -> the paths given to ingest
    embedded: Home
    spark: Home
    summaries: dict[str, tuple[IngestSummary, IngestSummary]]  # embedded, spark
    uris: Home
    uris_summary: IngestSummary


def crawl_inputs(root: Path) -> dict[str, list[Path]]:
    """A three-crawl synthetic web; its first crawl also gets a WAT, a cut WARC and an empty
    file, so that crawl is several tasks, one of each kind of input."""
    web = generate(root / "web", seed=5, root_domains=24, pages_per_domain=6)
    truth = json.loads((web / "ground_truth.json").read_text())
    names = [crawl["name"] for crawl in truth["crawls"]]
    extra = root / "extra"
    extra.mkdir()
    shutil.copy(CC_DIR / f"{CC_NAME}.wat", extra / f"{CC_NAME}.wat")
    whole = (CC_DIR / CC_NAME).read_bytes()
    (extra / f"cut-{CC_NAME}").write_bytes(whole[: len(whole) * 2 // 3])
    (extra / "empty.warc.gz").write_bytes(b"")
    crawls = {name: [web / name] for name in names}
    crawls[names[0]].append(extra)
    return crawls


def parts(home: Home) -> dict[str, Path]:
    """Every Parquet part of every crawl of ``home``, by its path under crawls/."""
    return {p.relative_to(home.crawls).as_posix(): p for p in home.crawls.glob("*/*.parquet")}


def sorted_table(path: Path) -> pa.Table:
    """A part's rows in a fixed order, so two writers' parts compare row for row."""
    table = pq.read_table(path)
    return table.sort_by([(name, "ascending") for name in table.column_names])


def manifest_entries(home: Home, crawl: str) -> dict[str, dict]:
    """A crawl's manifest entries without the time each was written."""
    files = json.loads((home.crawls / crawl / "manifest.json").read_text())["files"]
    return {sha: {k: v for k, v in e.items() if k != "ingested_at"} for sha, e in files.items()}


def summary_facts(summary: IngestSummary) -> dict:
    return {k: v for k, v in summary.as_dict().items() if k != "seconds"}


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for every in-process Spark test (a JVM holds one at a time)."""
    session = spark_session(TEST_MASTER, TEST_CONF)
    yield session
    session.stop()


# For the builds' small tables: one partition, and no code generated per query or plan
# re-optimised between stages (compiling and planning cost more than running these rows).
SMALL_TABLES_CONF = {
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
}


@pytest.fixture(scope="module")
def small_tables_spark(spark):
    """The one session, set for small tables for one test module, then set back."""
    before = {key: spark.conf.get(key, None) for key in SMALL_TABLES_CONF}
    for key, value in SMALL_TABLES_CONF.items():
        spark.conf.set(key, value)
    yield spark
    for key, value in before.items():
        if value is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, value)


@pytest.fixture(scope="session")
def two_engine_ingest(tmp_path_factory, spark) -> TwoEngineIngest:
    root = tmp_path_factory.mktemp("two-engines")
    crawls = crawl_inputs(root)
    embedded = Home(root / "embedded").ensure()
    on_spark = Home(root / "spark").ensure()
    summaries = {}
    for name, paths in crawls.items():
        summaries[name] = (
            run_ingest(paths, embedded, crawl=name, progress=False),
            run_spark_ingest(paths, on_spark, spark, crawl=name),
        )
    first, paths = next(iter(crawls.items()))
    uris = Home(root / "uris", uri=(root / "uris").as_uri())
    uris_summary = run_spark_ingest([p.as_uri() for p in paths], uris, spark, crawl=first)
    return TwoEngineIngest(crawls, embedded, on_spark, summaries, uris, uris_summary)
