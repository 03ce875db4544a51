"""The rows one record turns into: a page row, link rows and the reason nothing came out.

Plain tuples in PAGE_SCHEMA / LINK_SCHEMA column order minus ``crawl`` (the writer adds it).
"""

from __future__ import annotations

from typing import NamedTuple


class PageRow(NamedTuple):
    url: str
    page: str
    subdomain: str
    root_domain: str
    fetch_time: int | None  # seconds since the epoch, UTC (WARC-Date)
    http_status: int
    title: str | None
    content_bytes: int
    text_chars: int | None  # None when the capture was not parsed as HTML
    contact_links: int | None  # None when the capture was not parsed as HTML


class LinkRow(NamedTuple):
    source_url: str
    source_page: str
    source_subdomain: str
    source_root_domain: str
    target_url: str
    target_page: str
    target_subdomain: str
    target_root_domain: str
    anchor_text: str
    nofollow: bool
    ugc: bool
    sponsored: bool
    redirect: bool
    rel_canonical: bool
    in_nav: bool
    in_comments: bool
    fetch_time: int | None


class Extraction(NamedTuple):
    """What ``extract`` returns for one record.

    ``skip`` says why no links were extracted (the page row may still be there);
    ``dropped`` counts links left out, by reason (see linkindex.ingest.reasons).
    """

    page: PageRow | None
    links: list[LinkRow]
    skip: str | None
    dropped: dict[str, int]
