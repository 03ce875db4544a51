"""One query per step for both engines: every SQL step, written in DuckDB's dialect, transpiles
to Spark SQL with sqlglot, and on Spark gives the rows it gives on DuckDB (where pyspark is
installed), each run on the very input rows the DuckDB build handed it."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from builder_tables import generated_web

from linkindex.builder import runner
from linkindex.builder.declared import declared_build
from linkindex.builder.dialects import SPARK, to_dialect
from linkindex.builder.engines.engine import Engine
from linkindex.builder.pipeline import build_index
from linkindex.builder.steps import Step
from linkindex.home import Home
from linkindex.scoring.spam_model import load_model

MODES = {"full": False, "incremental": True}


def _sql_steps(mode: str) -> list[Step]:
    return [s for s in declared_build(MODES[mode], load_model(), None).steps if s.sql]


@pytest.mark.parametrize("mode", MODES)
def test_every_step_and_snapshot_query_transpiles_to_spark(mode):
    build = declared_build(MODES[mode], load_model(), None)
    for sql in (s.sql for s in build.steps if s.sql):
        assert to_dialect(sql, SPARK)
    for output in build.outputs:
        assert output.render(SPARK)


def _as_spark_makes_it(table: pa.Table) -> pa.Table:
    """DuckDB sums integers into 128-bit integers (Parquet and Spark read them as decimals,
    whose division rounds to 6 places); Spark sums them into 64-bit ones."""
    for i, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type) and field.type.scale == 0:
            table = table.set_column(i, field.name, table.column(i).cast(pa.int64()))
    return table


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Each SQL step's input and output tables as the DuckDB build had them, as Parquet files
    in a folder per (mode, step): a full build of three crawls, then an incremental one."""
    root = tmp_path_factory.mktemp("portable")
    source = root / "crawls"
    generated_web(source)
    home = Home(root / "home").ensure()
    folders: dict[tuple[str, str], Path] = {}
    mode = "full"

    def record(engine: Engine, step: Step) -> None:
        original(engine, step)
        if step.sql is None:
            return
        folder = root / "tables" / mode / step.name
        folder.mkdir(parents=True)
        for table in {*step.reads, *step.writes}:
            pq.write_table(
                _as_spark_makes_it(engine.read_table(table)), folder / f"{table}.parquet"
            )
        folders[(mode, step.name)] = folder

    original = runner.run_step
    crawls = sorted(p.name for p in source.iterdir())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "run_step", record)
        for crawl in crawls[:-1]:
            shutil.copytree(source / crawl, home.crawls / crawl)
        build_index(home)
        mode = "incremental"
        shutil.copytree(source / crawls[-1], home.crawls / crawls[-1])
        assert build_index(home).link_state == "incremental"
    return folders


def _plain(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.9g}")
    if isinstance(value, decimal.Decimal):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(rows: list[tuple]) -> list[tuple]:
    return sorted((tuple(map(_plain, row)) for row in rows), key=repr)


# Every query once: an incremental build shares most of its steps with a full one.
_FULL = {s.sql for s in _sql_steps("full")}
_CASES = [("full", s.name) for s in _sql_steps("full")] + [
    ("incremental", s.name) for s in _sql_steps("incremental") if s.sql not in _FULL
]


@pytest.mark.parametrize(("mode", "name"), _CASES)
def test_each_sql_step_gives_the_same_rows_on_spark(recorded, small_tables_spark, mode, name):
    spark = small_tables_spark
    (step,) = [s for s in _sql_steps(mode) if s.name == name]
    folder = recorded[(mode, name)]
    for table in step.reads:
        spark.read.parquet(str(folder / f"{table}.parquet")).createOrReplaceTempView(table)
    made = spark.sql(to_dialect(step.sql, SPARK))
    expected: pa.Table = pq.read_table(folder / f"{step.writes[0]}.parquet")
    assert made.columns == expected.column_names
    got = [tuple(row) for row in made.collect()]
    want = [tuple(row.values()) for row in expected.to_pylist()]
    assert _rows(got) == _rows(want)
