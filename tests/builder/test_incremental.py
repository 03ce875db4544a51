"""Incremental builds: new crawls merged into the saved link state give exactly the snapshot a
full build of the same crawls gives; anything else falls back to a full build."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from build_engines import duckdb_only_for_time
from builder_tables import snapshot_content, without_build_facts
from records_factory import Crawl

from linkindex.builder.state import MANIFEST
from linkindex.home import Home
from linkindex.index.schema import LINK_ROW_COLUMNS
from linkindex.synth import SynthParams, write_link_records


@pytest.fixture(scope="module")
def synth_crawls(tmp_path_factory) -> tuple[Path, list[str]]:
    """A generated web of four crawls (links gained, lost, pages dying and born between them)."""
    folder = tmp_path_factory.mktemp("incremental") / "crawls"
    counts = write_link_records(SynthParams(seed=5, root_domains=40, crawls=4), folder)
    return folder, sorted(counts)


def _add(home: Home, source: Path, crawl: str) -> None:
    shutil.copytree(source / crawl, home.crawls / crawl)


@duckdb_only_for_time
@pytest.mark.parametrize("order", [(0, 1, 2, 3), (2, 0, 3, 1)], ids=["in-order", "backfilled"])
def test_crawls_merged_one_by_one_give_the_full_builds_snapshot(
    engine, tmp_path, synth_crawls, order
):
    source, names = synth_crawls
    home = Home(tmp_path / "home").ensure()
    kinds = []
    for i in order:
        _add(home, source, names[i])
        kinds.append(engine.build(home).link_state)
    assert kinds == ["full", "incremental", "incremental", "incremental"]
    merged = snapshot_content(home)
    full = engine.build(home, force=True, full=True)
    assert full.link_state == "full"
    assert without_build_facts(snapshot_content(home)) == without_build_facts(merged)


@duckdb_only_for_time
def test_merged_and_full_builds_of_the_same_crawls_have_the_same_index_id(
    engine, tmp_path, synth_crawls
):
    source, names = synth_crawls
    home = Home(tmp_path / "home").ensure()
    _add(home, source, names[0])
    engine.build(home)
    _add(home, source, names[1])
    merged = engine.build(home)
    again = engine.build(home, full=True)
    assert again.index_id == merged.index_id and again.reused


def _crawl(name: str, day: str, target: str) -> Crawl:
    crawl = Crawl(name, day)
    crawl.page("http://a.com/")
    crawl.link("http://a.com/", target)
    return crawl


@duckdb_only_for_time
def test_a_rewritten_part_makes_the_next_build_full(home, build_home):
    build_home(_crawl("c1", "2026-01-10", "http://t.com/"))
    shutil.rmtree(home.crawls / "c1")
    rewritten = build_home(_crawl("c1", "2026-01-10", "http://u.com/"))
    assert rewritten.link_state == "full"
    assert "t.com" not in str(snapshot_content(home)["link_keys_page"])


@duckdb_only_for_time
def test_a_removed_crawl_makes_the_next_build_full(engine, home, build_home):
    build_home(_crawl("c1", "2026-01-10", "http://t.com/"))
    build_home(_crawl("c2", "2026-03-10", "http://u.com/"))
    shutil.rmtree(home.crawls / "c2")
    rebuilt = engine.build(home)
    assert rebuilt.link_state == "full"
    assert rebuilt.link_state_reason.startswith("input part changed or removed: c2/")


@duckdb_only_for_time
def test_an_unchanged_build_keeps_the_snapshot_and_makes_no_link_state(engine, home, build_home):
    build_home(_crawl("c1", "2026-01-10", "http://t.com/"))
    again = engine.build(home)
    assert again.reused and again.link_state == "none"


def test_a_page_gone_404_in_a_new_crawl_loses_its_links_on_that_date(home, build_home):
    build_home(_crawl("c1", "2026-01-10", "http://t.com/"))
    gone = Crawl("c2", "2026-03-10")
    gone.page("http://a.com/", status=404)
    result = build_home(gone)
    assert result.link_state == "incremental"
    (row,) = snapshot_content(home)["link_rows"]
    link = dict(zip((*LINK_ROW_COLUMNS, "heavy"), row, strict=True))  # the store's own level
    assert date(1970, 1, 1) + timedelta(days=link["lost_day"]) == date(2026, 3, 10)


@duckdb_only_for_time
def test_a_missing_manifest_makes_the_next_build_full(home, build_home):
    build_home(_crawl("c1", "2026-01-10", "http://t.com/"))
    (home.link_state / MANIFEST).unlink()
    assert build_home(_crawl("c2", "2026-03-10", "http://u.com/")).link_state == "full"


@duckdb_only_for_time
def test_a_state_summed_by_another_record_digest_makes_the_next_build_full(home, build_home):
    import json

    build_home(_crawl("c1", "2026-01-10", "http://t.com/"))
    manifest = json.loads((home.link_state / MANIFEST).read_text())
    (home.link_state / MANIFEST).write_text(json.dumps({**manifest, "record_digest": "older"}))
    assert build_home(_crawl("c2", "2026-03-10", "http://u.com/")).link_state == "full"


@duckdb_only_for_time
def test_a_torn_state_file_makes_the_next_build_full(home, build_home):
    build_home(_crawl("c1", "2026-01-10", "http://t.com/"))
    links = home.link_state / "links.parquet"
    links.write_bytes(links.read_bytes()[:-100])  # a crash after the rename, before the flush
    assert build_home(_crawl("c2", "2026-03-10", "http://u.com/")).link_state == "full"


@duckdb_only_for_time
def test_unchanged_inputs_are_not_read_again(engine, home, build_home, monkeypatch):
    build_home(_crawl("c1", "2026-01-10", "http://t.com/"))

    def refuse(*_args):
        raise AssertionError("a part was hashed again")

    monkeypatch.setattr(
        engine.engine_class, "digest_parts", lambda _e, _crawls, parts: parts and refuse()
    )
    assert engine.build(home).reused


def _write_part(home: Home, crawl: Crawl, kind: str) -> None:
    """Write one kind of a crawl's records, as ingest publishes its parts one at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA

    folder = home.crawls / crawl.name
    folder.mkdir(parents=True, exist_ok=True)
    rows, schema = (crawl.pages, PAGE_SCHEMA) if kind == "pages" else (crawl.links, LINK_SCHEMA)
    pq.write_table(pa.Table.from_pylist(rows, schema), folder / f"{kind}-0.parquet")


def _recrawl_with_new_outlinks() -> tuple[Crawl, Crawl]:
    first = _crawl("c1", "2026-01-10", "http://t.com/")
    second = Crawl("c2", "2026-03-10")
    second.page("http://a.com/")
    for i in range(30):
        second.link("http://a.com/", f"http://casino{i}.com/", anchor="casino viagra")
    return first, second


@duckdb_only_for_time
@pytest.mark.parametrize("first_kind", ["links", "pages"])
def test_a_crawls_links_and_pages_merged_in_separate_builds_give_the_full_build(
    engine, home, first_kind
):
    # Ingest publishes a links part once it holds 2M rows, before the pages part of the same
    # input: a build in between sees one without the other.
    first, second = _recrawl_with_new_outlinks()
    first.write(home.crawls)
    engine.build(home)
    _write_part(home, second, first_kind)
    engine.build(home)
    _write_part(home, second, "links" if first_kind == "pages" else "pages")
    engine.build(home)
    merged = snapshot_content(home)
    engine.build(home, force=True, full=True)
    assert without_build_facts(snapshot_content(home)) == without_build_facts(merged)


@duckdb_only_for_time
def test_the_rest_of_a_partly_merged_input_makes_the_next_build_full(engine, home):
    first, second = _recrawl_with_new_outlinks()
    first.write(home.crawls)
    engine.build(home)
    _write_part(home, second, "links")
    assert engine.build(home).link_state == "incremental"
    _write_part(home, second, "pages")
    assert engine.build(home).link_state == "full"


@duckdb_only_for_time
def test_a_self_redirect_whose_page_record_came_first_is_no_capture(engine, home):
    # http://a.com/ answers 301 to https://a.com/ on 2026-03-10: the same page, so no capture
    # (link_state.py); its link record arrives in a later part than its page record.
    first = _crawl("c1", "2026-01-10", "http://t.com/")
    second = Crawl("c2", "2026-03-10")
    second.page("http://a.com/", status=301)
    second.link("http://a.com/", "https://a.com/", redirect=True)
    first.write(home.crawls)
    engine.build(home)
    _write_part(home, second, "pages")
    engine.build(home)
    _write_part(home, second, "links")
    engine.build(home)
    merged = snapshot_content(home)
    engine.build(home, force=True, full=True)
    assert without_build_facts(snapshot_content(home)) == without_build_facts(merged)
