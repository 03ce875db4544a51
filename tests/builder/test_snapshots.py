"""The index_id and atomic publishing: identical rebuilds, changed content, failed builds."""

from __future__ import annotations

import pytest
from build_engines import DUCKDB, duckdb_only_for_time
from records_factory import Crawl

from linkindex.builder import authority
from linkindex.builder.engines import duckdb_engine
from linkindex.index.layout import SnapshotLayout


def _crawl(name="c1", target="http://t.com/") -> Crawl:
    crawl = Crawl(name, "2026-01-10")
    crawl.page("http://a.com/")
    crawl.link("http://a.com/", target)
    return crawl


@duckdb_only_for_time
def test_identical_rebuild_gives_the_same_index_id(engine, home, build_home):
    first = build_home(_crawl())
    again = engine.build(home)
    assert again.index_id == first.index_id
    assert again.reused


@duckdb_only_for_time
def test_forced_identical_rebuild_still_gives_the_same_index_id(engine, home, build_home):
    first = build_home(_crawl())
    assert engine.build(home, force=True).index_id == first.index_id


@duckdb_only_for_time
def test_changed_content_gives_a_new_index_id(home, build_home):
    first = build_home(_crawl())
    second = build_home(_crawl("c2", "http://u.com/"))
    assert second.index_id != first.index_id
    assert SnapshotLayout(home.snapshots).current_name() == second.snapshot


def test_failed_build_leaves_the_previous_snapshot_current(engine, home, monkeypatch):
    _crawl().write(home.crawls)
    first = DUCKDB.build(home)
    _crawl("c2", "http://u.com/").write(home.crawls)

    def explode(*_args):
        raise RuntimeError("killed mid-build")

    monkeypatch.setattr(authority, "rank_over_floor", explode)
    with pytest.raises(RuntimeError):
        engine.build(home)
    layout = SnapshotLayout(home.snapshots)
    assert layout.current_name() == first.snapshot
    assert not list(home.snapshots.glob(".building-*"))


@duckdb_only_for_time
def test_old_snapshots_beyond_the_kept_count_are_deleted(home, build_home):
    names = []
    for i in range(4):
        names.append(build_home(_crawl(f"c{i}", f"http://u{i}.com/")).snapshot)
    kept = {p.name for p in SnapshotLayout(home.snapshots).published()}
    assert names[-1] in kept and len(kept) == 3


@duckdb_only_for_time
def test_forced_rebuild_publishes_a_fresh_copy_beside_the_old(engine, home, build_home):
    first = build_home(_crawl())
    (home.snapshots / first.snapshot / "index.sqlite").write_bytes(b"damaged")
    forced = engine.build(home, force=True)
    assert forced.index_id == first.index_id and forced.snapshot != first.snapshot
    assert SnapshotLayout(home.snapshots).current_name() == forced.snapshot
    assert (home.snapshots / forced.snapshot / "index.sqlite").stat().st_size > 1000


@duckdb_only_for_time
def test_build_does_not_depend_on_the_machine_time_zone(home, build_home):
    import json
    import os
    import subprocess
    import sys

    crawl = Crawl("c1", "2026-01-10")
    crawl.page("http://a.com/", day="2026-01-10T03:00:00")
    crawl.link("http://a.com/", "http://t.com/", day="2026-01-10T03:00:00")
    utc = build_home(crawl)
    built = subprocess.run(
        [sys.executable, "-m", "linkindex.cli", "build", "--json", "--force",
         "--home", str(home.root)],
        env={**os.environ, "TZ": "America/Los_Angeles"}, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    elsewhere = json.loads(built.stdout)
    assert elsewhere["index_id"] == utc.index_id
    assert elsewhere["index_date"] == utc.index_date == "2026-01-10"


def test_duckdb_memory_limit_is_the_documented_default_unless_given(tmp_path):
    def limit(folder, memory_limit):
        folder.mkdir()
        con = duckdb_engine.connect(folder, memory_limit)
        try:
            return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        finally:
            con.close()

    default = limit(tmp_path / "default", None)
    assert default == limit(tmp_path / "explicit", duckdb_engine.DEFAULT_MEMORY_LIMIT)
    assert limit(tmp_path / "given", "1GB") != default
