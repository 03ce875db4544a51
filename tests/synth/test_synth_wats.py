"""The WAT of a WARC (synth/wats.py): ingest finds in it the pages and links it finds in the WARC,
less what a WAT cannot carry (page text, where a link sits in the page)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.synth import generate
from linkindex.synth.wats import write_wat

LINK_FACTS = (
    "source_url, target_url, anchor_text, nofollow, ugc, sponsored, redirect, rel_canonical, "
    "fetch_time"
)
PAGE_FACTS = "url, fetch_time, http_status, title"


def rows(home: Home, crawl: str, kind: str, facts: str) -> list[tuple]:
    parts = (home.crawls / crawl).as_posix() + f"/{kind}-*.parquet"
    return duckdb.sql(f"select {facts} from '{parts}' order by all").fetchall()


def test_a_wat_gives_the_pages_and_links_of_its_warc(tmp_path: Path):
    web = generate(tmp_path / "web", seed=3, root_domains=12, pages_per_domain=6, crawls=1)
    warc = next(web.glob("*/*.warc.gz"))
    wat = write_wat(warc, tmp_path / "one.warc.wat.gz")
    home = Home(tmp_path / "home").ensure()
    run_ingest([warc], home, crawl="warc", progress=False)
    run_ingest([wat], home, crawl="wat", progress=False)
    assert rows(home, "wat", "links", LINK_FACTS) == rows(home, "warc", "links", LINK_FACTS)
    assert rows(home, "wat", "pages", PAGE_FACTS) == rows(home, "warc", "pages", PAGE_FACTS)
    assert len(rows(home, "wat", "pages", PAGE_FACTS)) > 50
