"""Heavy targets' link orders: a target with many link rows gets an index per links sort, and
its link lists answer from it exactly as the sort of all its rows does (index/heavy_orders.py)."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from pathlib import Path

import pytest
from indexed import built_home
from link_web import link_web
from paging import every_page_of

from linkindex.api.errors import ApiError
from linkindex.api.link_params import LINKS_FILTERS, LINKS_SORTS, check_links_filter
from linkindex.home import Home
from linkindex.index import heavy_orders, schema
from linkindex.index.layout import SnapshotLayout
from linkindex.index.link_queries import LinkQuery
from linkindex.index.snapshot import Snapshot
from linkindex.index.writer import STORE_FILE

# t.com at each scope, and a source subdomain with two links to it.
TARGETS = {"page": "t.com/", "subdomain": "t.com", "root_domain": "t.com"}
SCOPES = tuple(TARGETS)
LIMITED = ("y.s.com",)
HEAVY = 2  # link rows over which a target of the link web counts as heavy here


def _store(home: Home) -> Path:
    layout = SnapshotLayout(home.snapshots)
    return layout.path_of(layout.current_name()) / STORE_FILE


def _filters() -> list[frozenset[str]]:
    """Every filter of one or two terms the API accepts, as the index is asked it."""
    found = []
    for size in (1, 2):
        for terms in itertools.combinations(LINKS_FILTERS, size):
            try:
                found.append(check_links_filter("+".join(terms)).query)
            except ApiError:
                continue
    return found


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> tuple[Snapshot, Snapshot]:
    """The link web's snapshot as built (no target is heavy at 10,000 rows), and a copy in
    which every target with more than HEAVY rows has its orders."""
    plain = _store(built_home(tmp_path_factory, link_web, "heavy-plain"))
    folder = tmp_path_factory.mktemp("heavy-orders")
    shutil.copy(plain, folder / STORE_FILE)
    con = sqlite3.connect(folder / STORE_FILE)
    heavy_orders.create(con, HEAVY)
    con.commit()
    con.close()
    return Snapshot(plain.parent), Snapshot(folder)


def _every_page(snapshot: Snapshot, query: LinkQuery) -> list[tuple]:
    return every_page_of(snapshot.links, query)


def test_targets_over_the_threshold_get_an_order_per_sort_and_others_none(snapshots):
    _, heavy = snapshots
    con = heavy.stores.every_shard()[0]
    for scope in SCOPES:
        column = schema.LINK_TARGET_COLUMNS[scope]
        counted = con.execute(f"SELECT {column}, count(*) FROM link_rows GROUP BY 1").fetchall()
        for target, rows in counted:
            for sort in LINKS_SORTS:
                found = heavy_orders.heavy_order(con, scope, target, sort)
                assert (found is not None) == (rows > HEAVY), (scope, target, sort)


def test_creating_an_order_scans_the_rows_without_a_lookup_table_per_row(snapshots):
    # SQLite's CREATE INDEX fills an "IN (...)" list's lookup table again for every row scanned.
    _, heavy = snapshots
    con = heavy.stores.every_shard()[0]
    created = con.execute(
        "SELECT name, sql FROM sqlite_schema WHERE name LIKE 'link_rows_heavy_%'"
    ).fetchall()
    assert len(created) == len(SCOPES) * len(LINKS_SORTS)
    for name, sql in created:
        program = [row[1] for row in con.execute("EXPLAIN " + sql.replace(name, "probe", 1))]
        assert "OpenEphemeral" not in program, name


def test_the_orders_term_is_one_comparison_whatever_the_number_of_heavy_targets(
    snapshots, tmp_path
):
    # A term naming the heavy targets costs rows x targets to create: hours at 100M link records.
    _, heavy = snapshots
    con = heavy.stores.every_shard()[0]
    more = tmp_path / STORE_FILE
    shutil.copy(heavy.stores.global_path, more)
    every = sqlite3.connect(more, isolation_level=None)
    every.execute("DELETE FROM heavy_targets")
    every.execute("UPDATE link_rows SET heavy = 0")
    for scope in SCOPES:
        for sort in LINKS_SORTS:
            every.execute(f"DROP INDEX IF EXISTS {schema.heavy_order_index(scope, sort)}")
    heavy_orders.create(every, 0)  # every target heavy
    listed = "SELECT count(*) FROM heavy_targets"
    assert every.execute(listed).fetchone()[0] > con.execute(listed).fetchone()[0]
    created = "SELECT name, sql FROM sqlite_schema WHERE name LIKE 'link_rows_heavy_%' ORDER BY 1"
    assert every.execute(created).fetchall() == con.execute(created).fetchall()
    every.close()


def test_a_rows_heavy_level_counts_the_scopes_at_which_its_target_is_heavy(snapshots):
    _, heavy = snapshots
    con = heavy.stores.every_shard()[0]
    counts = {
        scope: dict(con.execute(f"SELECT {column}, count(*) FROM link_rows GROUP BY 1"))
        for scope, column in schema.LINK_TARGET_COLUMNS.items()
    }
    rows = con.execute(
        "SELECT target_root_id, target_subdomain_id, target_id, heavy FROM link_rows"
    )
    levels = set()
    for root, subdomain, page, level in rows:
        want = sum(
            counts[scope][target] > HEAVY
            for scope, target in (("root_domain", root), ("subdomain", subdomain), ("page", page))
        )
        assert level == want, (root, subdomain, page)
        levels.add(level)
    assert levels == {0, 1, 2, 3}


def test_every_sort_filter_and_source_scope_answers_as_without_the_orders(snapshots):
    plain, heavy = snapshots
    asked = 0
    for scope, sort, source_scope, filters in itertools.product(
        SCOPES, LINKS_SORTS, SCOPES, _filters()
    ):
        for limited in ((), LIMITED):
            query = LinkQuery(
                scope=scope, target=TARGETS[scope], sort=sort, filters=filters,
                source_scope=source_scope, limited_subdomains=limited,
            )  # fmt: skip
            assert _every_page(heavy, query) == _every_page(plain, query), query
            asked += 1
    assert asked > 1000


def test_anchor_text_and_source_root_domain_filters_answer_as_without_the_orders(snapshots):
    plain, heavy = snapshots
    for sort, source_scope in itertools.product(LINKS_SORTS, SCOPES):
        for extra in ({"anchor_text": "widgets"}, {"source_root": "s.com"}):
            query = LinkQuery(
                scope="root_domain", target="t.com", sort=sort, source_scope=source_scope,
                filters=frozenset({"not_deleted"}), **extra,
            )  # fmt: skip
            assert _every_page(heavy, query) == _every_page(plain, query), query


def test_a_heavy_targets_page_in_any_sort_is_an_ordered_walk_without_a_sort(snapshots):
    _, heavy = snapshots
    con = heavy.stores.of_key("root_domain", "t.com")
    statements: list[str] = []
    con.set_trace_callback(statements.append)
    try:
        for sort, source_scope in itertools.product(LINKS_SORTS, SCOPES):
            query = LinkQuery(
                scope="root_domain", target="t.com", sort=sort, source_scope=source_scope,
                filters=frozenset({"external", "not_deleted"}),
            )  # fmt: skip
            heavy.links(query)
    finally:
        con.set_trace_callback(None)
    listed = [s for s in statements if "FROM link_rows" in s and "ORDER BY" in s]
    assert len(listed) == len(LINKS_SORTS) * len(SCOPES)
    for statement in listed:
        plan = " | ".join(row[3] for row in con.execute("EXPLAIN QUERY PLAN " + statement))
        assert "USING COVERING INDEX link_rows_heavy_root_domain_by_" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_a_build_on_either_engine_orders_exactly_its_heavy_targets(engine, home, monkeypatch):
    monkeypatch.setattr(schema, "HEAVY_LINK_ROWS", HEAVY)
    for crawl in link_web():
        crawl.write(home.crawls)
    built = engine.build(home)
    con = sqlite3.connect(f"file:{home.snapshots / built.snapshot / STORE_FILE}?mode=ro", uri=True)
    for scope in SCOPES:
        column = schema.LINK_TARGET_COLUMNS[scope]
        counted = con.execute(f"SELECT {column}, count(*) FROM link_rows GROUP BY 1").fetchall()
        assert any(rows > HEAVY for _, rows in counted)
        for target, rows in counted:
            for sort in LINKS_SORTS:
                found = heavy_orders.heavy_order(con, scope, target, sort)
                assert (found is not None) == (rows > HEAVY), (scope, target, sort)
    con.close()


def test_a_store_written_before_the_levels_sorts_its_heavy_targets_and_answers_the_same(
    snapshots, tmp_path
):
    # Its orders name every heavy target and its rows hold no level; the next build replaces
    # it (its layout digest differs), and until then its pages are sorted, not walked.
    plain, heavy = snapshots
    shutil.copy(heavy.stores.global_path, tmp_path / STORE_FILE)
    con = sqlite3.connect(tmp_path / STORE_FILE, isolation_level=None)
    for scope, column in schema.LINK_TARGET_COLUMNS.items():
        ids = [
            r[0] for r in con.execute("SELECT target FROM heavy_targets WHERE scope = ?", (scope,))
        ]
        for sort in LINKS_SORTS:
            index = schema.heavy_order_index(scope, sort)
            (sql,) = con.execute(
                "SELECT sql FROM sqlite_schema WHERE name = ?", (index,)
            ).fetchone()
            con.execute(f"DROP INDEX {index}")
            term = " OR ".join(f"{column} = {i}" for i in ids)
            con.execute(sql.rsplit(" WHERE ", 1)[0] + f" WHERE ({term})")
    con.execute("DROP TABLE heavy_targets")
    con.close()
    before = Snapshot(tmp_path)
    for scope, sort in itertools.product(SCOPES, LINKS_SORTS):
        query = LinkQuery(scope=scope, target=TARGETS[scope], sort=sort, source_scope="root_domain")
        assert _every_page(before, query) == _every_page(plain, query), query
