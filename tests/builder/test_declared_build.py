"""The build as declared steps: they make the tables the pipeline made before them (6652276),
each step reads only the tables it declares, and the declarations hold together."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest
from builder_tables import (
    GOLDEN,
    PINNED,
    generated_web,
    golden,
    snapshot_content,
    table_digest,
    without_build_facts,
)

from linkindex.builder import runner
from linkindex.builder.declared import declared_build
from linkindex.builder.engines.duckdb_engine import DuckDBEngine, connect
from linkindex.builder.engines.engine import Engine
from linkindex.builder.pipeline import build_index
from linkindex.builder.steps import (
    Distributed,
    Step,
    StepError,
    order_steps,
    python_step,
    sql_step,
    tables_read,
)
from linkindex.home import Home
from linkindex.scoring.spam_model import load_model

RunStep = Callable[[Engine, Step], None]


def _digesting(run_step: RunStep, digests: dict[str, dict]) -> RunStep:
    """run_step, and a digest of each pinned table as a step makes it (later steps drop some)."""

    def run(engine: Engine, step: Step) -> None:
        run_step(engine, step)
        for table in step.writes:
            if table in PINNED:
                digests[table] = table_digest(engine.read_table(table))

    return run


def _alone(run_step: RunStep) -> RunStep:
    """run_step on a database of its own that holds only the tables the step declares."""

    def run(engine: Engine, step: Step) -> None:
        alone = DuckDBEngine.open(None)
        try:
            for table in step.reads:
                alone.write_table(table, engine.read_table(table))
            run_step(alone, step)
            for table in step.writes:
                engine.write_table(table, alone.read_table(table))
        finally:
            alone.close()

    return run


def _build(root: Path, monkeypatch, *, alone: bool) -> tuple[Home, dict[str, dict], str]:
    home = Home(root / "home").ensure()
    generated_web(home.crawls)
    digests: dict[str, dict] = {}
    run_step = _alone(runner.run_step) if alone else runner.run_step
    with monkeypatch.context() as patch:
        patch.setattr(runner, "run_step", _digesting(run_step, digests))
        result = build_index(home)
    return home, digests, result.index_id


@pytest.fixture(scope="module")
def normal(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _build(tmp_path_factory.mktemp("declared"), monkeypatch, alone=False)


def test_the_steps_make_the_tables_and_index_id_the_pipeline_made(normal):
    _home, digests, index_id = normal
    if os.environ.get("UPDATE_BUILD_TABLES"):  # after a deliberate change to a pinned table
        GOLDEN.write_text(json.dumps({"index_id": index_id, "tables": digests}, indent=1) + "\n")
    expected = golden()
    assert index_id == expected["index_id"]
    for table in PINNED:
        assert digests[table] == expected["tables"][table], table


def test_each_step_alone_with_only_its_declared_tables_gives_the_same_snapshot(
    tmp_path, monkeypatch, normal
):
    home, _digests, index_id = normal
    alone_home, alone_digests, alone_id = _build(tmp_path, monkeypatch, alone=True)
    assert alone_id == index_id
    assert alone_digests == golden()["tables"]
    assert without_build_facts(snapshot_content(alone_home)) == without_build_facts(
        snapshot_content(home)
    )


@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
def test_every_sql_step_declares_exactly_the_tables_its_query_reads(incremental):
    build = declared_build(incremental, load_model(), None)
    build.check()
    for step in build.steps:
        if step.sql is not None:
            assert set(step.reads) == set(tables_read(step.sql)), step.name


def test_steps_run_after_what_they_read_whatever_their_declared_order():
    steps = [
        sql_step("b", ["a"], "SELECT * FROM a"),
        sql_step("a", ["raw"], "SELECT * FROM raw"),
        python_step("c", ["a", "b"], ["c"], lambda tables: {}),
    ]
    assert [s.name for s in order_steps(steps, ["raw"])] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([sql_step("a", ["b"], "SELECT * FROM b"), sql_step("b", ["a"], "SELECT * FROM a")],
         "cycle"),
        ([sql_step("a", ["missing"], "SELECT * FROM missing")], "which no step writes"),
        ([sql_step("a", ["raw"], "SELECT 1"), sql_step("a", ["raw"], "SELECT 2")],
         "written twice"),
        ([sql_step("raw", [], "SELECT 1")], "written twice"),
    ],
    ids=["cycle", "missing input", "written twice", "input overwritten"],
)  # fmt: skip
def test_declarations_that_cannot_run_are_refused(steps, message):
    with pytest.raises(StepError, match=message):
        order_steps(steps, ["raw"])


def test_a_python_step_must_make_what_it_declares():
    step = python_step("p", [], ["made", "also_made"], lambda tables: {"made": None})
    engine = DuckDBEngine.open(None)
    try:
        with pytest.raises(StepError, match="declared"):
            runner.run_step(engine, step)
    finally:
        engine.close()


def test_a_distributed_body_twins_a_python_body_over_a_graph_it_reads():
    def twin(frames):
        return {}

    with pytest.raises(ValueError, match="twins a Python body"):
        Step("s", ("n", "e"), ("s",), sql="SELECT 1", distributed=Distributed(twin, "n", "e"))
    with pytest.raises(ValueError, match="twins a Python body"):
        python_step("p", ["n"], ["p"], lambda tables: {}, Distributed(twin, "n", "e"))


def test_duckdb_runs_the_arrow_body_of_a_step_with_a_distributed_twin():
    def twin(frames):
        raise AssertionError("DuckDB has no distributed tables")

    engine = DuckDBEngine.open(None)
    try:
        engine.create_table("n", "SELECT 1 AS node")
        made = pa.table({"x": [1]})
        step = python_step(
            "p", ["n"], ["p"], lambda tables: {"p": made}, Distributed(twin, "n", "n")
        )
        runner.run_step(engine, step)
        assert engine.read_table("p").equals(made)
    finally:
        engine.close()


def test_the_build_database_draws_no_progress_bar_of_its_own(tmp_path):
    # DuckDB's bar, drawn on stdout for a query past 2 s, broke `linkindex build --json`.
    con = connect(tmp_path)
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
