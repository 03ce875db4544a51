"""The record digest behind the index_id: the SQL against a plain-Python oracle, and the id's
independence from file layout and timestamp resolution."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import record_digest_reference as reference

from linkindex.builder.engines import duckdb_engine
from linkindex.builder.inputs import (
    PART_KINDS,
    _records_sql,
    content_index_id,
    digest_parts,
    list_parts,
)
from linkindex.builder.record_digest import digest_sql
from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA

# Values that a careless canonical text would confuse: NULL and '', a separator or a NULL
# marker inside a value, a trailing escape, and text beyond ASCII.
AWKWARD = [None, "", "\\|", "\\N", "\\", "a\\", "|", "a,b", "héllo wörld ✓ 日本語 🙂", "'quote'"]
TIMES = [
    datetime(2026, 1, 10, 3, 4, 5, 123000, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),  # before the epoch: negative
    datetime(2026, 5, 15, tzinfo=UTC),
]


def _link(i: int) -> dict:
    flags = [None, True, False]
    return {
        "crawl": f"c{i % 2}", "source_url": f"http://a{i}.com/", "source_page": f"a{i}.com/",
        "source_subdomain": f"a{i}.com", "source_root_domain": f"a{i}.com",
        "target_url": f"http://t{i % 5}.com/", "target_page": AWKWARD[i % len(AWKWARD)],
        "target_subdomain": f"t{i % 5}.com", "target_root_domain": None if i % 7 else "t.com",
        "anchor_text": AWKWARD[(i * 3) % len(AWKWARD)], "nofollow": flags[i % 3],
        "ugc": flags[(i + 1) % 3], "sponsored": i % 2 == 0, "redirect": False,
        "rel_canonical": flags[(i + 2) % 3], "in_nav": True, "in_comments": flags[i % 3],
        "fetch_time": TIMES[i % len(TIMES)],
    }  # fmt: skip


def _page(i: int) -> dict:
    return {
        "crawl": f"c{i % 2}", "url": f"http://a{i}.com/", "page": f"a{i}.com/",
        "subdomain": f"a{i}.com", "root_domain": AWKWARD[i % len(AWKWARD)],
        "fetch_time": TIMES[i % len(TIMES)], "http_status": [200, 0, -1, 301][i % 4],
        "title": AWKWARD[(i * 3) % len(AWKWARD)], "content_bytes": i * 1000,
        "text_chars": None if i % 3 else i, "contact_links": i % 4,
    }  # fmt: skip


RECORDS = {"links": [_link(i) for i in range(40)], "pages": [_page(i) for i in range(25)]}


def _write(path: Path, kind: str, rows: list[dict], unit: str = "ms", tz: str | None = "UTC"):
    """Write rows as an ingest part, with its capture times at ``unit`` resolution."""
    schema = PART_KINDS[kind]
    fetch_time = schema.get_field_index("fetch_time")
    schema = schema.set(fetch_time, pa.field("fetch_time", pa.timestamp(unit, tz)))
    if tz is None:
        rows = [{**r, "fetch_time": r["fetch_time"].replace(tzinfo=None)} for r in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema), path)


def _index_id(work: Path, crawls: Path) -> str:
    con = duckdb_engine.connect(work, None)
    try:
        return content_index_id("test", digest_parts(con, crawls, list_parts(crawls)))
    finally:
        con.close()


def _one_part_each(crawls: Path, records: dict[str, list[dict]]) -> Path:
    for kind, rows in records.items():
        _write(crawls / "c" / f"{kind}-00000.parquet", kind, rows)
    return crawls


def test_sql_digests_equal_the_python_reference(tmp_path):
    crawls = tmp_path / "crawls"
    step = timedelta(microseconds=7)
    at_us = [{**r, "fetch_time": r["fetch_time"] + step} for r in RECORDS["links"]]
    _write(crawls / "c" / "links-00000.parquet", "links", RECORDS["links"], "ms")
    _write(crawls / "c" / "links-00001.parquet", "links", at_us, "us")
    _write(crawls / "c" / "links-00002.parquet", "links", at_us, "us", tz=None)
    no_time = [{**RECORDS["links"][0], "fetch_time": None}]  # not read by the build
    _write(crawls / "c" / "links-00003.parquet", "links", no_time + RECORDS["links"][:3])
    # A part written before the last two page columns existed: they read as NULL.
    old = PAGE_SCHEMA.remove(PAGE_SCHEMA.get_field_index("contact_links"))
    old = old.remove(old.get_field_index("text_chars"))
    pq.write_table(pa.Table.from_pylist(RECORDS["pages"], old), crawls / "c" / "pages-0.parquet")
    con = duckdb_engine.connect(tmp_path, None)
    parts = list_parts(crawls)
    for digest in digest_parts(con, crawls, parts):
        path, schema = crawls / digest.part.name, PART_KINDS[digest.part.kind]
        assert (digest.rows, digest.hash_sum) == reference.part_sum(path, schema), path.name
        each = con.execute(
            f"SELECT {digest_sql(schema)} FROM ({_records_sql(con, [path], schema)})"
        ).fetchall()
        assert sorted(d for (d,) in each) == sorted(
            reference.digest(r) for r in reference.records(path, schema)
        )
    con.close()


def test_values_that_spell_a_separator_or_a_null_give_distinct_digests(tmp_path):
    base = RECORDS["links"][0]
    pairs = [("a\\|b", "c"), ("a", "b\\|c"), ("a\\", "|c"), ("a\\|", "c"), (None, ""),
             ("", None), ("\\N", ""), (None, None), ("", "")]  # fmt: skip
    rows = [{**base, "source_url": s, "source_page": p} for s, p in pairs]
    path = tmp_path / "links.parquet"
    _write(path, "links", rows)
    con = duckdb_engine.connect(tmp_path, None)
    each = con.execute(
        f"SELECT {digest_sql(LINK_SCHEMA)} FROM ({_records_sql(con, [path], LINK_SCHEMA)})"
    ).fetchall()
    con.close()
    assert len(set(each)) == len(pairs)


def test_the_same_records_in_another_layout_give_the_same_index_id(tmp_path):
    one = _index_id(tmp_path, _one_part_each(tmp_path / "one", RECORDS))
    split = tmp_path / "split" / "crawls"
    for kind, rows in RECORDS.items():
        shuffled = random.Random(kind).sample(rows, len(rows))
        for n, start in enumerate(range(0, len(rows), 9)):
            # Parts spread over two crawl folders, capture times at microseconds.
            path = split / f"c{n % 2}" / f"{kind}-{n:05d}.parquet"
            _write(path, kind, shuffled[start : start + 9], "us")
    assert _index_id(tmp_path, split) == one


FIELDS = [(kind, field) for kind, schema in PART_KINDS.items() for field in schema]


@pytest.mark.parametrize(("kind", "field"), FIELDS, ids=[f"{k}.{f.name}" for k, f in FIELDS])
def test_changing_one_field_of_one_record_changes_the_index_id(tmp_path, kind, field):
    before = _index_id(tmp_path, _one_part_each(tmp_path / "before", RECORDS))
    rows = [dict(r) for r in RECORDS[kind]]
    value = rows[3][field.name]
    if pa.types.is_timestamp(field.type):
        value += timedelta(milliseconds=1)
    elif pa.types.is_boolean(field.type):
        value = not value
    elif pa.types.is_integer(field.type):
        value = 0 if value is None else value + 1
    else:
        value = "" if value is None else None  # NULL and '' differ too
    rows[3][field.name] = value
    after = _index_id(tmp_path, _one_part_each(tmp_path / "after", {**RECORDS, kind: rows}))
    assert after != before
