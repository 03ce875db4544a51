"""Write a synthetic web straight to ingest's Parquet layout (LINK_SCHEMA / PAGE_SCHEMA rows).

The scale path: no HTML, no WARC; numpy index arrays are turned into Arrow columns chunk by chunk.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA
from linkindex.synth.model import (
    HTML_STYLE,
    REL_NOFOLLOW,
    REL_SPONSORED,
    REL_UGC,
    SynthParams,
    Web,
    build_web,
)
from linkindex.synth.text import NOT_FOUND_TEXT_CHARS, PARA_WORDS

CHUNK_ROWS = 1_000_000  # rows per Arrow batch / Parquet row group: bounds memory
FILE_ROWS = 4_000_000  # rows per links-NNNNN.parquet part
# Below this many captures every page is rendered, so content_bytes equals the WARC payload length.
EXACT_BYTES_MAX_CAPTURES = 50_000


def _table(columns: dict[str, pa.Array], schema: pa.Schema) -> pa.Table:
    """The table of schema from columns by name (the schema decides the order)."""
    return pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)


def _epoch(web: Web, crawl: int) -> int:
    d = web.crawl_dates[crawl]
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def _times(web: Web, crawl: int, pages: np.ndarray) -> pa.Array:
    # Same rule as Web.fetch_time: crawl day midnight + page index mod one day.
    secs = _epoch(web, crawl) + (pages.astype(np.int64) % 86400)
    return pa.array(secs, type=pa.int64()).cast(pa.timestamp("s", tz="UTC"))


class _PageColumns:
    """Per-page string columns built once, then gathered by index for every row."""

    def __init__(self, web: Web) -> None:
        self.url = pa.array(web.page_urls, type=pa.string())
        self.page = pa.array(web.page_keys, type=pa.string())
        hosts = pa.array(web.host_names, type=pa.string())
        roots = pa.array(web.domain_names, type=pa.string())
        self.subdomain = hosts.take(pa.array(web.page_host))
        self.root_domain = roots.take(pa.array(web.page_domain))


def _link_rows(web: Web, crawl: int) -> tuple[np.ndarray, ...]:
    """(src, dst, rel, anchor, redirect, nav) of all link rows of crawl k, by source page."""
    slots = np.flatnonzero(web.visible_slots(crawl))
    rp = web.redirect_pages(crawl)
    src = np.concatenate([web.link_src[slots], rp.astype(np.int32)])
    order = np.argsort(src, kind="stable")
    dst = np.concatenate([web.link_dst[slots], web.page_redirect[rp]])[order]
    rel = np.concatenate([web.link_rel[slots], np.zeros(len(rp), np.uint8)])[order]
    no_anchor = len(web.anchors)  # index of "" appended to the anchor column
    anchor = np.concatenate([web.link_anchor[slots], np.full(len(rp), no_anchor, np.int32)])[order]
    redirect = np.concatenate([np.zeros(len(slots), bool), np.ones(len(rp), bool)])[order]
    nav = np.concatenate([web.link_nav[slots], np.zeros(len(rp), bool)])[order]
    return src[order], dst, rel, anchor, redirect, nav


def _write_links(web: Web, cols: _PageColumns, crawl: int, folder: Path) -> int:
    src, dst, rel, anchor, redirect, nav = _link_rows(web, crawl)
    anchors = pa.array([*web.anchors, ""], type=pa.string())
    name = pa.scalar(web.crawl_names[crawl], pa.string())
    n = len(src)
    part, writer = 0, None
    for lo in range(0, max(n, 1), CHUNK_ROWS):
        hi = min(lo + CHUNK_ROWS, n)
        if writer is None or lo % FILE_ROWS == 0:
            if writer is not None:
                writer.close()
            writer = pq.ParquetWriter(folder / f"links-{part:05d}.parquet", LINK_SCHEMA)
            part += 1
        s, d, r = pa.array(src[lo:hi]), pa.array(dst[lo:hi]), rel[lo:hi]
        columns = {
            "crawl": pa.repeat(name, hi - lo),
            "source_url": cols.url.take(s),
            "source_page": cols.page.take(s),
            "source_subdomain": cols.subdomain.take(s),
            "source_root_domain": cols.root_domain.take(s),
            "target_url": cols.url.take(d),
            "target_page": cols.page.take(d),
            "target_subdomain": cols.subdomain.take(d),
            "target_root_domain": cols.root_domain.take(d),
            "anchor_text": anchors.take(pa.array(anchor[lo:hi])),
            "nofollow": pa.array((r & REL_NOFOLLOW) > 0),
            "ugc": pa.array((r & REL_UGC) > 0),
            "sponsored": pa.array((r & REL_SPONSORED) > 0),
            "redirect": pa.array(redirect[lo:hi]),
            "rel_canonical": pa.array(np.zeros(hi - lo, bool)),
            "in_nav": pa.array(nav[lo:hi]),
            # The WARC form writes no comment sections (synth/warcs.py), so neither does this.
            "in_comments": pa.array(np.zeros(hi - lo, bool)),
            "fetch_time": _times(web, crawl, src[lo:hi]),
        }
        table = _table(columns, LINK_SCHEMA)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    return n


def _content_bytes(
    web: Web, crawl: int, pages: np.ndarray, exact: bool, text_chars: np.ndarray, live: np.ndarray
) -> np.ndarray:
    if exact:
        from linkindex.synth.warcs import render  # HTML rendering is only needed here

        return np.array([len(render(web, p, crawl).body) for p in pages.tolist()], np.int32)
    # At scale an estimate of the rendered HTML is enough (within a few % for most pages, as
    # measured on the default web): the text, the markup around it (fitted: fixed part, per
    # link, per contact link, per paragraph), the script and the style.
    d = web.page_domain[pages]
    markup = (
        235
        + 53 * live[pages]
        + 25 * web.page_contact_links[pages]
        + 5 * ((web.page_words[pages] + PARA_WORDS - 1) // PARA_WORDS)
        + web.domain_script_bytes[d]
        + 80 * ((web.domain_html[d] & HTML_STYLE) > 0)
    )
    return (text_chars[pages] + markup).astype(np.int32)


def _write_pages(web: Web, cols: _PageColumns, crawl: int, folder: Path, exact: bool) -> int:
    pages = np.flatnonzero(web.captured[:, crawl])
    dead = crawl >= web.page_death[pages]
    status = np.where(dead, 404, np.where(web.page_redirect[pages] >= 0, 0, 200))
    status = np.where(status == 0, web.page_redirect_status[pages], status).astype(np.int16)
    titles = [
        "Not Found" if s == 404 else (web.title(p) if s == 200 else None)
        for p, s in zip(pages.tolist(), status.tolist(), strict=True)
    ]
    slots = web.visible_slots(crawl)
    live = np.bincount(web.link_src[slots], minlength=web.n_pages)
    all_chars = web.text_chars(crawl, slots)
    # 3xx captures are not parsed as HTML: no text_chars, no contact_links.
    parsed = (status == 200) | (status == 404)
    chars = np.where(status == 404, NOT_FOUND_TEXT_CHARS, all_chars[pages])
    contacts = np.where(status == 200, web.page_contact_links[pages], 0)
    idx = pa.array(pages)
    columns = {
        "crawl": pa.repeat(pa.scalar(web.crawl_names[crawl], pa.string()), len(pages)),
        "url": cols.url.take(idx),
        "page": cols.page.take(idx),
        "subdomain": cols.subdomain.take(idx),
        "root_domain": cols.root_domain.take(idx),
        "fetch_time": _times(web, crawl, pages),
        "http_status": pa.array(status, pa.int16()),
        "title": pa.array(titles, pa.string()),
        "content_bytes": pa.array(
            _content_bytes(web, crawl, pages, exact, all_chars, live), pa.int32()
        ),
        "text_chars": pa.array(chars, pa.int32(), mask=~parsed),
        "contact_links": pa.array(contacts, pa.int16(), mask=~parsed),
    }
    table = _table(columns, PAGE_SCHEMA)
    pq.write_table(table, folder / "pages-00000.parquet", row_group_size=CHUNK_ROWS)
    return len(pages)


def write_link_records(web_or_params: Web | SynthParams, out_dir: Path) -> dict[str, int]:
    """Write <out_dir>/<crawl>/links-NNNNN.parquet and pages-00000.parquet for every crawl.

    Returns the number of link rows per crawl name. Pass SynthParams(links=...) for scale runs.
    """
    web = web_or_params if isinstance(web_or_params, Web) else build_web(web_or_params)
    cols = _PageColumns(web)
    exact = int(web.captured.sum()) <= EXACT_BYTES_MAX_CAPTURES
    counts = {}
    for k, name in enumerate(web.crawl_names):
        folder = Path(out_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        counts[name] = _write_links(web, cols, k, folder)
        _write_pages(web, cols, k, folder, exact)
    return counts
