"""Sharded snapshots: one shard per root domain by a pinned hash, the same index_id whatever
the shard count, old unsharded snapshots still read, and a swap that moves all shards at once."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
import threading
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).parent.parent / "api"))

from build_engines import DUCKDB  # noqa: E402
from records_factory import fan_in  # noqa: E402
from web import TARGET, crafted_web  # noqa: E402

from linkindex.builder.pipeline import build_index  # noqa: E402
from linkindex.home import Home  # noqa: E402
from linkindex.index import history_summaries, schema  # noqa: E402
from linkindex.index.layout import SnapshotLayout  # noqa: E402
from linkindex.index.sharded_writer import KEY_TABLES, ShardedWriter  # noqa: E402
from linkindex.index.shards import root_domain_of_key, shard_of, shard_paths  # noqa: E402
from linkindex.index.snapshot import CurrentSnapshot, Snapshot  # noqa: E402
from linkindex.urls import parse_target  # noqa: E402


def test_the_shard_of_a_root_domain_is_its_blake2b_modulo_the_count():
    # Pinned, so a router or another engine computing the hash lands on the same shard:
    # blake2b-64("moz.com") = 2fb290d3c284fc26, ("t.com") = d3e78e924336844e.
    assert 0x2FB290D3C284FC26 % 4 == shard_of("moz.com", 4) == 2
    assert 0x2FB290D3C284FC26 % 16 == shard_of("moz.com", 16) == 6
    assert 0xD3E78E924336844E % 4 == shard_of("t.com", 4) == 2
    assert shard_of("moz.com", 1) == 0


def test_a_keys_root_domain_comes_from_its_host():
    assert root_domain_of_key("page", "blog.moz.com:8080/a/b?c=d") == "moz.com"
    assert root_domain_of_key("page", "[2001:db8::1]:8080/x") == "[2001:db8::1]"
    assert root_domain_of_key("subdomain", "www.bbc.co.uk") == "bbc.co.uk"
    assert root_domain_of_key("root_domain", "bbc.co.uk") == "bbc.co.uk"


def test_an_unsharded_snapshot_still_reads_beside_a_sharded_one_of_the_same_records(home: Home):
    for crawl in crafted_web():
        crawl.write(home.crawls)
    unsharded = build_index(home)
    sharded = build_index(home, shards=4)
    assert not sharded.reused and sharded.index_id == unsharded.index_id
    assert build_index(home, shards=4).reused  # the same records in the same layout
    layout = SnapshotLayout(home.snapshots)
    old, new = Snapshot(layout.path_of(unsharded.snapshot)), CurrentSnapshot(home.snapshots).get()
    assert (old.stores.count, new.stores.count, new.meta["shards"]) == (0, 4, 4)
    target = parse_target(TARGET)
    assert old.url_metrics(target) == new.url_metrics(target)


def test_a_reader_never_sees_shards_of_two_snapshots(home: Home):
    for crawl in crafted_web():
        crawl.write(home.crawls)
    build_index(home, shards=4)
    current = CurrentSnapshot(home.snapshots, recheck_seconds=0)
    # t.com and the linkers of the later builds sit in different shards; each read pairs the
    # snapshot's own link count for t.com with what every shard says.
    targets = [parse_target(f"http://late{n}-{i}.org/") for n in (1, 2) for i in range(5)]
    targets.append(parse_target(TARGET))
    assert len({shard_of(t.root_domain, 4) for t in targets}) == 4
    seen: list[tuple[str, tuple]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            snapshot = current.get()
            answer = tuple(snapshot.url_metrics(t)["pages_from_page"] for t in targets)
            answer += (snapshot.url_metrics(targets[-1])["root_domains_to_root_domain"],)
            seen.append((snapshot.index_id, answer))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for n, day in ((1, "2026-03-05"), (2, "2026-03-09")):
            fan_in(f"late{n}", day, 5, "http://t.com/", "http://{name}-{i}.org/").write(home.crawls)
            build_index(home, shards=4)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    answers: dict[str, set[tuple]] = {}
    for index_id, answer in seen:
        answers.setdefault(index_id, set()).add(answer)
    assert len(answers) >= 2
    assert all(len(found) == 1 for found in answers.values())  # one answer per snapshot


def _tables(path: Path) -> dict[str, list[tuple]]:
    """A file's schema, statistics and every table's rows in key order (meta aside: it holds
    the build's time and shard count)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        master = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        found = {"sqlite_master": sorted(con.execute(master).fetchall(), key=repr)}
        found["sqlite_stat1"] = sorted(con.execute("SELECT * FROM sqlite_stat1"), key=repr)
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            if table != "meta" and not table.startswith("sqlite_"):
                order = ", ".join(schema.primary_key(table))
                found[table] = con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
        return found
    finally:
        con.close()


def _same_but_float_bits(mine: list[tuple], theirs: list[tuple]) -> bool:
    """Equal rows, but for floats within the engines' tolerance: SQL sums of floats (the explain
    shares) may add in another order on Spark (tests/builder/test_spark_build.py)."""

    def same(a: object, b: object) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)
        return a == b

    return len(mine) == len(theirs) and all(
        len(a) == len(b) and all(map(same, a, b)) for a, b in zip(mine, theirs, strict=True)
    )


def _resharded(one_file: Path, folder: Path, count: int) -> None:
    """The driver's writer given the rows of an unsharded snapshot: its key tables first, as a
    build hands them over, then every other table in key order."""
    con = sqlite3.connect(f"file:{one_file}?mode=ro", uri=True)
    listed = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    names = [r[0] for r in con.execute(listed)]
    # Each file makes its own heavy targets and levels, packed sources from the rows it was given,
    # and the build summarizes histories once the files are written: none is handed over.
    derived = {"meta", "heavy_targets", schema.PACKED_SOURCES_TABLE, schema.HISTORY_SUMMARY_TABLE}
    tables = [*KEY_TABLES, *(t for t in names if t not in KEY_TABLES and t not in derived)]
    writer = ShardedWriter(folder, count)
    for table in tables:
        order = ", ".join(schema.primary_key(table))
        listed = ", ".join(schema.LINK_ROW_COLUMNS) if table == "link_rows" else "*"
        cursor = con.execute(f"SELECT {listed} FROM {table} ORDER BY {order}")
        columns = tuple(d[0] for d in cursor.description)
        rows = cursor.fetchall()
        batch = pa.RecordBatch.from_pylist([dict(zip(columns, r, strict=True)) for r in rows])
        writer.write(table, columns, [batch] if rows else [])
    writer.set_meta({key: json.loads(value) for key, value in con.execute("SELECT * FROM meta")})
    con.close()
    writer.finish()
    history_summaries.create(folder)


def test_each_engine_writes_the_same_shards_as_it_writes_one_file(
    tmp_path: Path, engine, monkeypatch
):
    tasks: list[dict] = []
    if engine.spark is not None:
        # On Spark the executors write the shards: the driver's writer must not be made, and
        # each shard's file is written by one task, in a Python worker of its own.
        from linkindex.builder.engines.spark_shards import SparkShardTables

        def driver_writer(*_args) -> None:
            raise AssertionError("the driver wrote a Spark build's shards")

        finish = SparkShardTables.finish

        def noted(writer: SparkShardTables) -> None:
            finish(writer)
            tasks.extend(writer.tasks)

        monkeypatch.setattr(ShardedWriter, "__init__", driver_writer)
        monkeypatch.setattr(SparkShardTables, "finish", noted)
    homes = [Home(tmp_path / name).ensure() for name in ("one", "four")]
    results = []
    for home, shards in zip(homes, (1, 4), strict=True):
        for crawl in crafted_web():
            crawl.write(home.crawls)
        results.append(engine.build(home, shards=shards))
    monkeypatch.undo()
    assert results[0].index_id == results[1].index_id
    one, four = (CurrentSnapshot(home.snapshots).get() for home in homes)
    assert four.stores.count == 4
    assert four.root_domain_score_rows() == one.root_domain_score_rows()
    assert four.page_authority_rows() == one.page_authority_rows()
    for page, _, _ in one.page_authority_rows():
        target = parse_target(page)
        assert four.url_metrics(target) == one.url_metrics(target)
    if engine.spark is not None:
        assert sorted(t["shard"] for t in tasks) == [0, 1, 2, 3]
        assert all(t["pid"] != os.getpid() for t in tasks)
    # File by file, table by table: what the driver's writer makes of the one file's rows.
    layout = SnapshotLayout(homes[1].snapshots)
    written = layout.path_of(layout.current_name())
    want = tmp_path / "resharded"
    want.mkdir()
    _resharded(SnapshotLayout(homes[0].snapshots).path_of(results[0].snapshot) / "index.sqlite",
               want, 4)  # fmt: skip
    files = sorted(p.name for p in want.glob("*.sqlite"))
    assert sorted(p.name for p in written.glob("*.sqlite")) == files
    for name in files:
        mine, theirs = _tables(written / name), _tables(want / name)
        assert sorted(mine) == sorted(theirs), name
        for table in theirs:
            assert mine[table] == theirs[table], (name, table)
    if engine.spark is None:
        return
    # And DuckDB's shards of the same records, file by file and table by table.
    duckdb = Home(tmp_path / "duckdb").ensure()
    for crawl in crafted_web():
        crawl.write(duckdb.crawls)
    assert DUCKDB.build(duckdb, shards=4).index_id == results[1].index_id
    layout = SnapshotLayout(duckdb.snapshots)
    theirs_folder = layout.path_of(layout.current_name())
    for name in files:
        mine, theirs = _tables(written / name), _tables(theirs_folder / name)
        assert sorted(mine) == sorted(theirs), name
        for table in theirs:
            assert _same_but_float_bits(mine[table], theirs[table]), (name, table)


def test_each_shard_lists_the_heavy_targets_of_its_own_rows_as_one_file_would(
    tmp_path: Path, monkeypatch
):
    # A low threshold makes t.com and others heavy at each scope; a shard's file holds whole
    # root domains, so its heavy targets, levels and orders are the one file's in it.
    monkeypatch.setattr(schema, "HEAVY_LINK_ROWS", 2)
    home = Home(tmp_path / "one").ensure()
    for crawl in crafted_web():
        crawl.write(home.crawls)
    one = SnapshotLayout(home.snapshots).path_of(DUCKDB.build(home).snapshot) / "index.sqlite"
    built = Home(tmp_path / "three").ensure()
    for crawl in crafted_web():
        crawl.write(built.crawls)
    layout = SnapshotLayout(built.snapshots)
    written = layout.path_of(DUCKDB.build(built, shards=3).snapshot)
    want = tmp_path / "resharded"
    want.mkdir()
    _resharded(one, want, 3)
    listed = "SELECT scope, target FROM heavy_targets"
    everywhere = sorted(
        row for path in shard_paths(written, 3) for row in _tables(path)["heavy_targets"]
    )
    with sqlite3.connect(f"file:{one}?mode=ro", uri=True) as con:
        assert everywhere == sorted(con.execute(listed).fetchall())
    assert {scope for scope, _ in everywhere} == set(schema.LINK_TARGET_COLUMNS)
    for path in sorted(want.glob("*.sqlite")):
        mine, theirs = _tables(written / path.name), _tables(path)
        assert mine == theirs, path.name
