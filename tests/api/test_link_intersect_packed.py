"""Heavy targets' packed linking sources: a target with many link rows gets one packed row, and
link_intersect answers from it, on one file and across shards, exactly as it does from the
link rows (index/linking_sources.py)."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from pathlib import Path

import pytest
from indexed import built_home
from link_web import link_web
from paging import every_page

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index import linking_sources, schema
from linkindex.index.layout import SnapshotLayout
from linkindex.index.snapshot import Snapshot

HEAVY = 2  # link rows over which a target of the link web counts as heavy here
SHARDS = 4
T, U, V, H = ("root_domain", "t.com"), ("page", "u.com/"), ("root_domain", "v.com"), (
    "root_domain", "h.com")  # fmt: skip
S = ("subdomain", "y.s.com")
TARGETS = [([T, U], [V]), ([U, T, H], []), ([T, V], [U]), ([T, U, V, S], []), ([T], [S])]
SORTS = ("matching_target_count", "source_spam_score", "source_domain_authority")


def _folder(home: Home) -> Path:
    layout = SnapshotLayout(home.snapshots)
    return layout.path_of(layout.current_name())


def _packed_copy(folder: Path, into: Path) -> Path:
    """The snapshot's files with every target over HEAVY link rows packed, file by file."""
    shutil.copytree(folder, into)
    for path in into.glob("*.sqlite"):
        con = sqlite3.connect(path)
        con.execute(f"DROP TABLE {schema.PACKED_SOURCES_TABLE}")
        linking_sources.create(con, HEAVY)
        con.commit()
        con.close()
    return into


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> dict[str, Snapshot]:
    """The link web as built (no target is heavy at 10,000 rows), and packed copies of its
    one-file and four-shard snapshots."""
    plain = _folder(built_home(tmp_path_factory, link_web, "packed-plain"))
    sharded = Home(tmp_path_factory.mktemp("packed-sharded") / "home").ensure()
    for crawl in link_web():
        crawl.write(sharded.crawls)
    build_index(sharded, shards=SHARDS)
    work = tmp_path_factory.mktemp("packed")
    return {
        "plain": Snapshot(plain),
        "packed": Snapshot(_packed_copy(plain, work / "one")),
        "packed shards": Snapshot(_packed_copy(_folder(sharded), work / "four")),
    }


def _every_page(snapshot: Snapshot, positives, negatives, scope, sort, minimum) -> list[tuple]:
    return every_page(
        lambda after, limit: snapshot.link_intersect(
            positives, negatives, scope, sort, minimum, after, limit
        )
    )


def test_targets_over_the_threshold_get_a_packed_row_and_others_none(snapshots):
    con = snapshots["packed"].stores.every_shard()[0]
    packed = set(con.execute(f"SELECT scope, target FROM {schema.PACKED_SOURCES_TABLE}"))
    for scope, column in schema.LINK_TARGET_COLUMNS.items():
        counted = con.execute(f"SELECT {column}, count(*) FROM link_rows GROUP BY 1").fetchall()
        for target, rows in counted:
            assert ((scope, target) in packed) == (rows > HEAVY), (scope, target)
    assert packed


def test_a_packed_target_is_read_from_its_packed_row_and_a_light_one_from_its_rows(snapshots):
    con = snapshots["packed"].stores.every_shard()[0]
    heavy = con.execute("SELECT id FROM link_keys_root_domain WHERE key = 't.com'").fetchone()[0]
    sql = linking_sources.packed_or_rows_sql("root_domain")
    rows = con.execute(sql, (heavy,) * 3).fetchall()
    assert len(rows) == 1 and isinstance(rows[0][0], bytes)
    plain = con.execute(linking_sources.live_pages_sql("root_domain"), (heavy,)).fetchall()
    got = linking_sources.unpacked(rows)
    assert sorted(zip(*map(list, got), strict=True)) == sorted(map(tuple, plain))
    light = con.execute("SELECT max(id) + 1 FROM link_keys_root_domain").fetchone()[0]
    assert con.execute(sql, (light,) * 3).fetchall() == []


def test_every_sort_scope_and_minimum_pages_as_without_packed_rows(snapshots):
    asked = 0
    for (positives, negatives), scope, sort, minimum in itertools.product(
        TARGETS, ("page", "root_domain"), SORTS, (1, 2)
    ):
        if minimum > len(positives):
            continue
        expected = _every_page(snapshots["plain"], positives, negatives, scope, sort, minimum)
        for name in ("packed", "packed shards"):
            got = _every_page(snapshots[name], positives, negatives, scope, sort, minimum)
            assert got == expected, (name, positives, negatives, scope, sort, minimum)
        asked += bool(expected)
    assert asked > 20
