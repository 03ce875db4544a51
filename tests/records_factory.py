"""Hand-made link and page records in the ingest schema, for tests of the build rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA
from linkindex.urls import canonicalize


def _time(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@dataclass
class Crawl:
    """One crawl: pages captured on a day, each with its out-links."""

    name: str
    day: str
    pages: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)

    def page(
        self,
        url: str,
        status: int = 200,
        title: str = "",
        day: str | None = None,
        *,
        text_chars: int | None = 2000,
        contact_links: int | None = 1,
        content_bytes: int = 10000,
    ) -> str:
        c = canonicalize(url)
        self.pages.append(
            {
                "crawl": self.name, "url": c.url, "page": c.page, "subdomain": c.subdomain,
                "root_domain": c.root_domain, "fetch_time": _time(day or self.day),
                "http_status": status, "title": title or None, "content_bytes": content_bytes,
                "text_chars": text_chars, "contact_links": contact_links,
            }
        )  # fmt: skip
        return c.url

    def link(
        self,
        source: str,
        target: str,
        *,
        anchor: str = "",
        nofollow: bool = False,
        ugc: bool = False,
        sponsored: bool = False,
        redirect: bool = False,
        rel_canonical: bool = False,
        in_nav: bool = False,
        in_comments: bool = False,
        day: str | None = None,
    ) -> None:
        s, t = canonicalize(source), canonicalize(target)
        self.links.append(
            {
                "crawl": self.name, "source_url": s.url, "source_page": s.page,
                "source_subdomain": s.subdomain, "source_root_domain": s.root_domain,
                "target_url": t.url, "target_page": t.page, "target_subdomain": t.subdomain,
                "target_root_domain": t.root_domain, "anchor_text": anchor,
                "nofollow": nofollow, "ugc": ugc, "sponsored": sponsored, "redirect": redirect,
                "rel_canonical": rel_canonical, "in_nav": in_nav,
                "in_comments": in_comments,
                "fetch_time": _time(day or self.day),
            }
        )  # fmt: skip

    def write(self, crawls_dir: Path) -> None:
        folder = crawls_dir / self.name
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(self.pages, PAGE_SCHEMA), folder / "pages-0.parquet")
        pq.write_table(pa.Table.from_pylist(self.links, LINK_SCHEMA), folder / "links-0.parquet")


def fan_in(
    name: str,
    day: str,
    linkers: int,
    target: str = "https://target.com/",
    source: str = "https://source{i}.org/",
    anchor: str = "",
) -> Crawl:
    """A crawl in which `linkers` home pages of their own root domains each link to target."""
    crawl = Crawl(name, day)
    for i in range(linkers):
        page = crawl.page(source.format(i=i, name=name))
        crawl.link(page, target, anchor=anchor)
    return crawl
