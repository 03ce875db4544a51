"""Tests of linkindex.synth.parquet: schema, canonical columns, agreement with the model, scale.

Reads the Parquet back with pyarrow only.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA
from linkindex.synth import SynthParams, Web, write_link_records
from linkindex.synth.warcs import render
from linkindex.urls import canonicalize


def _same_schema(got: pa.Schema, want: pa.Schema) -> bool:
    # Parquet has no second-resolution timestamps: pyarrow stores and reads back milliseconds.
    ms = pa.timestamp("ms", tz="UTC")
    return got.names == want.names and all(
        g.type == w.type or (w.type == pa.timestamp("s", tz="UTC") and g.type == ms)
        for g, w in zip(got, want, strict=True)
    )


def test_parquet_schema_and_rows(tmp_path: Path, web: Web) -> None:
    counts = write_link_records(web, tmp_path)
    for k, name in enumerate(web.crawl_names):
        links = pq.read_table(tmp_path / name / "links-00000.parquet")
        pages = pq.read_table(tmp_path / name / "pages-00000.parquet")
        assert _same_schema(links.schema, LINK_SCHEMA) and _same_schema(pages.schema, PAGE_SCHEMA)
        assert links.num_rows == counts[name]
        assert pc.all(pc.equal(links["crawl"], name)).as_py()
        assert links.num_rows == int(web.visible_slots(k).sum()) + len(web.redirect_pages(k))
        assert pc.sum(links["redirect"]).as_py() == len(web.redirect_pages(k))
        assert pages.num_rows == int(web.captured[:, k].sum())
        for row in links.slice(0, 400).to_pylist():
            src, dst = canonicalize(row["source_url"]), canonicalize(row["target_url"])
            assert (src.url, src.page, src.subdomain, src.root_domain) == (
                row["source_url"], row["source_page"], row["source_subdomain"],
                row["source_root_domain"],
            )  # fmt: skip
            assert (dst.url, dst.page, dst.subdomain, dst.root_domain) == (
                row["target_url"], row["target_page"], row["target_subdomain"],
                row["target_root_domain"],
            )  # fmt: skip
            assert row["fetch_time"].date() == web.crawl_dates[k]
        # content_bytes equals the WARC payload length for small webs.
        for row in pages.slice(0, 50).to_pylist():
            p = web.page_keys.index(row["page"])
            assert row["content_bytes"] == len(render(web, p, k).body)
            assert row["http_status"] == web.status(p, k)


def test_scale_smoke(tmp_path: Path) -> None:
    start = time.perf_counter()
    counts = write_link_records(SynthParams(root_domains=2000, links=200_000), tmp_path)
    assert sum(counts.values()) == 200_000
    assert time.perf_counter() - start < 10
    t = pq.read_table(tmp_path / "synth-2026-01-15" / "links-00000.parquet")
    assert _same_schema(t.schema, LINK_SCHEMA)
    assert pc.sum(t["nofollow"]).as_py() > 0 and pc.sum(t["ugc"]).as_py() > 0
