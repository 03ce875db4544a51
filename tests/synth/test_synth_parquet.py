"""Tests of linkindex.synth.parquet: schema, canonical columns, agreement with the model, scale.

Reads the Parquet back with pyarrow only.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from selectolax.lexbor import LexborHTMLParser
from synth_html import html_links

from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA
from linkindex.synth import SynthParams, Web, write_link_records
from linkindex.synth.parquet import _content_bytes
from linkindex.synth.warcs import render
from linkindex.urls import canonicalize

_HIDDEN = ["script", "style", "noscript", "template"]


def _read_html(body: bytes, page_url: str) -> tuple[int, int, list[tuple[str, str, bool]]]:
    """(text_chars, contact_links, links) of a page as the ingest spec defines them, read with
    selectolax: visible text without _HIDDEN elements, whitespace folded; mailto:/tel: hrefs;
    and per other <a href> its canonical target, anchor text and whether it sits in a
    navigation container."""
    tree = LexborHTMLParser(body)
    contacts, found = html_links(tree, page_url)
    links = [(target.url, text, nav) for target, text, nav in found]
    tree.strip_tags(_HIDDEN)
    return len(" ".join(tree.text().split())), contacts, links


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
    # 2000 domains: more than EXACT_BYTES_MAX_CAPTURES captures, so nothing is rendered.
    counts = write_link_records(SynthParams(root_domains=2000, links=500_000), tmp_path)
    assert sum(counts.values()) == 500_000
    assert time.perf_counter() - start < 10
    t = pq.read_table(tmp_path / "synth-2026-01-15" / "links-00000.parquet")
    assert _same_schema(t.schema, LINK_SCHEMA)
    assert pc.sum(t["nofollow"]).as_py() > 0 and pc.sum(t["ugc"]).as_py() > 0


def test_new_columns_are_what_the_html_shows(tmp_path: Path, web: Web) -> None:
    """text_chars, contact_links and in_nav of every row equal a reading of the WARC's HTML."""
    write_link_records(web, tmp_path)
    statuses, nav, contacts_seen = set(), 0, 0
    for k, name in enumerate(web.crawl_names):
        pages = pq.read_table(tmp_path / name / "pages-00000.parquet").to_pylist()
        links = pq.read_table(tmp_path / name / "links-00000.parquet").to_pylist()
        by_source = defaultdict(list)
        for row in links:
            if row["redirect"]:
                assert row["in_nav"] is False
            else:
                by_source[row["source_url"]].append(
                    (row["target_url"], row["anchor_text"], row["in_nav"])
                )
        for row in pages:
            p = web.page_keys.index(row["page"])
            status = row["http_status"]
            statuses.add(status)
            if status in (301, 302):  # not parsed as HTML
                assert row["text_chars"] is None and row["contact_links"] is None
                continue
            chars, contacts, html_links = _read_html(render(web, p, k).body, row["url"])
            assert (row["text_chars"], row["contact_links"]) == (chars, contacts), row["url"]
            assert by_source.get(row["url"], []) == html_links, row["url"]
            nav += sum(in_nav for _, _, in_nav in html_links)
            contacts_seen += contacts
    assert {200, 301, 404} <= statuses and nav and contacts_seen


def test_estimated_content_bytes_are_close(web: Web) -> None:
    # Above EXACT_BYTES_MAX_CAPTURES the page sizes are estimated: close to the real HTML.
    pages = np.flatnonzero(web.captured[:, 0] & web.alive_200(0))
    slots = web.visible_slots(0)
    live = np.bincount(web.link_src[slots], minlength=web.n_pages)
    chars = web.text_chars(0, slots)
    exact = _content_bytes(web, 0, pages, True, chars, live)
    estimate = _content_bytes(web, 0, pages, False, chars, live)
    assert abs(estimate.sum() / exact.sum() - 1) < 0.05
    assert np.median(np.abs(estimate / exact - 1)) < 0.05


def test_parquet_is_deterministic(tmp_path: Path) -> None:
    params = SynthParams(root_domains=30)
    write_link_records(params, tmp_path / "a")
    write_link_records(params, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.parquet"))
    assert len(files) == 6
    for f in files:
        assert pq.read_table(tmp_path / "a" / f).equals(pq.read_table(tmp_path / "b" / f)), f
