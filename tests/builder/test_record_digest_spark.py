"""The record digest's Spark SQL rendering (builder/record_digest.py), run by Spark in local mode
over ingested parts: per-part sums equal the plain-Python reference and the DuckDB rendering."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import record_digest_reference as reference
from pyspark.sql import functions as F
from spark_fixtures import parts

from linkindex.builder.record_digest import digest_sql, sum_sql
from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA

# Values a careless escaping would confuse (Spark SQL reads a backslash in a literal as an
# escape, DuckDB does not): NULL and '', a separator or NULL marker inside a value, a trailing
# backslash, a quote, and text beyond ASCII.
AWKWARD = [None, "", "\\|", "\\N", "\\", "a\\", "|", "it's", "héllo ✓ 日本語 🙂"]


def _schema(path: Path) -> pa.Schema:
    return LINK_SCHEMA if path.name.startswith("links-") else PAGE_SCHEMA


def _spark_sum(spark, path: Path) -> tuple[int, int]:
    return _spark_sums(spark, [path])[_key(path)]


def _spark_sums(spark, paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(records, digest sum) of each part of one kind, in one Spark job grouped by file."""
    # Records without a capture time are not read by the build, so not digested.
    df = spark.read.parquet(*map(str, paths)).where("fetch_time IS NOT NULL")
    sums = df.groupBy(F.input_file_name().alias("file")).agg(
        F.count("*"), F.expr(sum_sql(_schema(paths[0]), "spark"))
    )
    return {_key(Path(urlsplit(file).path)): (n, int(total)) for file, n, total in sums.collect()}


def _key(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"  # crawl/part: one input's parts in two crawls


def _duckdb_records(path: Path) -> str:
    # As the build reads a part: capture times as plain TIMESTAMP, in UTC.
    source = "read_parquet('" + str(path).replace("'", "''") + "')"
    return (
        f"SELECT * REPLACE (CAST(fetch_time AS TIMESTAMP) AS fetch_time) FROM {source}"
        " WHERE fetch_time IS NOT NULL"
    )


def _duckdb_sum(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, int]:
    rows, total = con.execute(
        f"SELECT count(*), {sum_sql(_schema(path))} FROM ({_duckdb_records(path)})"
    ).fetchone()
    return rows, int(total)


def _awkward_links(source: Path, out: Path, time_type: pa.DataType) -> Path:
    """A links part of real rows with awkward text in its string and flag columns, and its
    capture times stored as ``time_type``."""
    rows = pq.read_table(source).slice(0, 40).to_pylist()
    for i, row in enumerate(rows):
        row["anchor_text"] = AWKWARD[i % len(AWKWARD)]
        row["target_page"] = AWKWARD[(i * 2) % len(AWKWARD)] or row["target_page"]
        row["nofollow"] = [None, True, False][i % 3]
        if time_type.tz is None:  # a writer that stored UTC wall-clock times without a zone
            row["fetch_time"] = row["fetch_time"].replace(tzinfo=None)
    fetch_time = LINK_SCHEMA.get_field_index("fetch_time")
    schema = LINK_SCHEMA.set(fetch_time, pa.field("fetch_time", time_type))
    pq.write_table(pa.Table.from_pylist(rows, schema), out)
    return out


def test_spark_sql_digest_sums_equal_the_reference_and_duckdb(two_engine_ingest, spark):
    ingested = parts(two_engine_ingest.spark)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    records = 0
    for kind in ("links-", "pages-"):
        paths = sorted(p for name, p in ingested.items() if kind in name)
        on_spark = _spark_sums(spark, paths)
        assert sorted(on_spark) == sorted(_key(p) for p in paths)
        for path in paths:
            expected = reference.part_sum(path, _schema(path))
            assert on_spark[_key(path)] == expected, path
            assert _duckdb_sum(con, path) == expected, path
            records += expected[0]
    assert records > 5_000


# As ingest writes them, at microseconds, and without a zone (Spark reads that as TIMESTAMP_NTZ).
TIME_TYPES = [pa.timestamp("ms", "UTC"), pa.timestamp("us", "UTC"), pa.timestamp("us")]


@pytest.mark.parametrize("time_type", TIME_TYPES, ids=str)
def test_spark_sql_digest_of_each_awkward_record_equals_the_reference(
    two_engine_ingest, spark, tmp_path, time_type
):
    source = next(p for n, p in sorted(parts(two_engine_ingest.spark).items()) if "links-" in n)
    path = _awkward_links(source, tmp_path / "links-awkward.parquet", time_type)
    zone = spark.conf.get("spark.sql.session.timeZone")
    # The digest must not depend on the session's zone: run it away from UTC.
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    try:
        each = spark.read.parquet(str(path)).selectExpr(f"{digest_sql(LINK_SCHEMA, 'spark')} AS d")
        digests = sorted(int(r.d) for r in each.collect())
        total = _spark_sum(spark, path)
    finally:
        spark.conf.set("spark.sql.session.timeZone", zone)
    assert digests == sorted(reference.digest(r) for r in reference.records(path, LINK_SCHEMA))
    assert total == reference.part_sum(path, LINK_SCHEMA)
