"""Heavy targets' linking-root orders: only a target with many linking root domains has its rows
in an index per sort, and every linking_root_domains page answers from it exactly as the sort of
all the target's rows does (index/linking_root_orders.py)."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from indexed import built_home
from paging import every_page_of
from web import crafted_web

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index import linking_root_orders, schema
from linkindex.index.layout import SnapshotLayout
from linkindex.index.snapshot import CurrentSnapshot, RootDomainQuery, Snapshot
from linkindex.index.writer import STORE_FILE

HEAVY = 30  # rows over which a target of the crafted web counts as heavy here (t.com has 60)
SCOPES = schema.LINKING_ROOT_SCOPES
SORTS = tuple(schema.LINKING_ROOT_SORT_KEYS)
TARGETS = {"page": "t.com/", "subdomain": "t.com", "root_domain": "t.com"}


def _store(home: Home) -> Path:
    layout = SnapshotLayout(home.snapshots)
    return layout.path_of(layout.current_name()) / STORE_FILE


def _copy_marked(plain: Path, folder: Path, threshold: int) -> Snapshot:
    shutil.copy(plain, folder / STORE_FILE)
    con = sqlite3.connect(folder / STORE_FILE)
    linking_root_orders.mark(con, threshold)
    con.close()
    return Snapshot(folder)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> tuple[Snapshot, Snapshot]:
    """The crafted web's snapshot as built (no target is heavy at 10,000 rows: every page is a
    sort), and a copy in which every target with more than HEAVY rows walks its orders."""
    plain = _store(built_home(tmp_path_factory, crafted_web, "roots-plain"))
    heavy = _copy_marked(plain, tmp_path_factory.mktemp("roots-heavy"), HEAVY)
    return Snapshot(plain.parent), heavy


def _counted(con: sqlite3.Connection, scope: str) -> list[tuple[str, int, int]]:
    """(target, rows, rows marked heavy) of one scope's linking-root table."""
    table = schema.linking_root_table(scope)
    sql = f"SELECT target, count(*), sum(heavy) FROM {table} GROUP BY target"
    return con.execute(sql).fetchall()


def _queries(snapshot: Snapshot) -> list[RootDomainQuery]:
    """Every sort and filter of the index's query at every scope, on the heavy target and on a
    light one (a root domain linked by one other)."""
    since = snapshot.recent_since
    filters = [
        {}, {"require_follow": True}, {"require_all_nofollow": True},
        {"require_deleted": True}, {"require_not_deleted": True},
        {"gained_since": since}, {"lost_since": since},
        {"gained_since": since, "begin_date": since, "end_date": since + timedelta(days=30)},
    ]  # fmt: skip
    found = []
    for scope, sort, where in itertools.product(SCOPES, SORTS, filters):
        for target in (TARGETS[scope], "d03.com" if scope != "page" else "d03.com/p0"):
            found.append(RootDomainQuery(scope=scope, target=target, sort=sort, **where))
    return found


def _every_page(snapshot: Snapshot, query: RootDomainQuery) -> list[tuple]:
    return every_page_of(snapshot.linking_root_domains, query)


def test_targets_over_the_threshold_and_only_they_are_marked_heavy(snapshots):
    plain, heavy = snapshots
    for scope in SCOPES:
        counted = _counted(heavy.stores.every_shard()[0], scope)
        assert any(rows > HEAVY for _, rows, _ in counted), scope
        assert any(rows <= HEAVY for _, rows, _ in counted), scope
        for target, rows, marked in counted:
            assert marked == (rows if rows > HEAVY else 0), (scope, target)
        assert all(marked == 0 for _, _, marked in _counted(plain.stores.every_shard()[0], scope))


def test_each_sorts_index_holds_only_the_heavy_targets_rows_under_one_term(snapshots):
    # The term is one comparison a row, whatever the number of heavy targets (a list of their
    # names would cost rows x targets to create and to test).
    plain, heavy = snapshots
    made = {}
    for snapshot in (plain, heavy):
        con = snapshot.stores.every_shard()[0]
        made[snapshot] = con.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
            " AND name LIKE 'linking_roots_%_by_%' ORDER BY name"
        ).fetchall()
    assert made[plain] == made[heavy]
    assert len(made[heavy]) == len(SCOPES) * (len(SORTS) - 1)
    con = heavy.stores.every_shard()[0]
    for name, sql in made[heavy]:
        assert sql.endswith(" WHERE heavy = 1"), name
        program = [row[1] for row in con.execute("EXPLAIN " + sql.replace(name, "probe", 1))]
        assert "OpenEphemeral" not in program, name
        table = name.split("_by_")[0]
        marked = con.execute(f"SELECT count(*) FROM {table} WHERE heavy = 1").fetchone()[0]
        indexed = con.execute(f"SELECT count(*) FROM {table} INDEXED BY {name} WHERE heavy = 1")
        assert indexed.fetchone()[0] == marked > 0, name


def test_every_sort_filter_and_page_answers_as_the_sort_of_all_rows(snapshots):
    plain, heavy = snapshots
    answered = 0
    for query in _queries(heavy):
        mine = _every_page(heavy, query)
        assert mine == _every_page(plain, query), query
        answered += bool(mine)
    assert answered > 60


def test_a_heavy_targets_page_walks_its_sorts_index_and_a_light_ones_sorts(snapshots):
    _, heavy = snapshots
    for scope, sort in itertools.product(SCOPES, SORTS[1:]):
        con = heavy.stores.of_key(scope, TARGETS[scope])
        statements: list[str] = []
        con.set_trace_callback(statements.append)
        try:
            for target in (TARGETS[scope], "d03.com" if scope != "page" else "d03.com/p0"):
                heavy.linking_root_domains(RootDomainQuery(scope=scope, target=target, sort=sort))
        finally:
            con.set_trace_callback(None)
        walked, sorted_ = [s for s in statements if "ORDER BY" in s]
        plan = " | ".join(row[3] for row in con.execute("EXPLAIN QUERY PLAN " + walked))
        assert f"{schema.linking_root_table(scope)}_by_{sort}" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
        plan = " | ".join(row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sorted_))
        assert "_by_" not in plan and "TEMP B-TREE" in plan, plan


def test_a_store_written_before_walks_every_targets_orders_without_the_term(snapshots, tmp_path):
    plain, _ = snapshots
    shutil.copy(plain.stores.every_shard()[0].execute("PRAGMA database_list").fetchone()[2],
                tmp_path / STORE_FILE)  # fmt: skip
    con = sqlite3.connect(tmp_path / STORE_FILE)
    for (name,) in con.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'linking_roots_%_by_%'"
    ).fetchall():
        con.execute(f"DROP INDEX {name}")
    for statement in schema.index_statements():
        if statement.startswith("CREATE INDEX linking_roots_"):
            con.execute(statement.removesuffix(f" WHERE {schema.LINKING_ROOT_HEAVY_TERM}"))
    con.execute("UPDATE linking_roots_page SET heavy = 1")  # never read in such a store
    con.commit()
    con.close()
    before = Snapshot(tmp_path)
    assert not before.has_partial_root_orders
    for query in _queries(before)[::7]:
        assert _every_page(before, query) == _every_page(plain, query), query


def test_a_build_on_either_engine_marks_exactly_its_heavy_targets(engine, home, monkeypatch):
    monkeypatch.setattr(schema, "HEAVY_LINKING_ROOTS", HEAVY)
    for crawl in crafted_web():
        crawl.write(home.crawls)
    built = engine.build(home)
    con = sqlite3.connect(f"file:{home.snapshots / built.snapshot / STORE_FILE}?mode=ro", uri=True)
    for scope in SCOPES:
        counted = _counted(con, scope)
        assert any(rows > HEAVY for _, rows, _ in counted)
        for target, rows, marked in counted:
            assert marked == (rows if rows > HEAVY else 0), (scope, target)
    con.close()


def test_shards_mark_the_same_targets_as_one_file(tmp_path, monkeypatch):
    # The driver's writer (DuckDB builds) in this process; Spark's executors write the shards
    # with the same functions but the default threshold, which this web is under.
    monkeypatch.setattr(schema, "HEAVY_LINKING_ROOTS", HEAVY)
    rows = []
    for shards in (1, 3):
        home = Home(tmp_path / str(shards)).ensure()
        for crawl in crafted_web():
            crawl.write(home.crawls)
        build_index(home, shards=shards)
        snapshot = CurrentSnapshot(home.snapshots).get()
        assert len(snapshot.stores.every_shard()) == shards
        found = []
        for con, scope in itertools.product(snapshot.stores.every_shard(), SCOPES):
            found += [(scope, *row) for row in _counted(con, scope)]
        rows.append(sorted(found))
    assert rows[0] == rows[1]
    assert any(marked for *_, marked in rows[0])
