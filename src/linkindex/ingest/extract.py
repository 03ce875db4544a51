"""The per-record function: one reader record in, its page row and link rows out.

Pure and stateless apart from URL caches, so the embedded runner and a Spark job share it.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from urllib.parse import urljoin

from linkindex.ingest import reasons
from linkindex.ingest.fasturl import Base, UrlKeys, fast_canonical
from linkindex.ingest.htmllinks import HtmlPage, parse_document
from linkindex.ingest.payload import DecodeError, dechunk, decode_content
from linkindex.ingest.reader import HttpCapture, OtherRecord, Record, WatEnvelope
from linkindex.ingest.rows import Extraction, LinkRow, PageRow
from linkindex.ingest.wat import read_envelope
from linkindex.urls import BadURL, canonicalize

_log = logging.getLogger(__name__)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_INT32_MAX = 2**31 - 1
_INT16_MAX = 2**15 - 1
_NON_HTTP = reasons.LINK_NON_HTTP
_new_link = tuple.__new__  # builds a LinkRow from a tuple at C speed: this runs once per link


@lru_cache(maxsize=1 << 16)
def _slow_canonical(url: str) -> UrlKeys | None:
    try:
        full = canonicalize(url)
    except BadURL:
        return None
    return full.url, full.page, full.subdomain, full.root_domain


def canonical(url: str) -> UrlKeys | None:
    """canonicalize(url) as (url, page, subdomain, root_domain), or None for a bad URL."""
    fast = fast_canonical(url)
    return fast if fast is not None else _slow_canonical(url)


def clear_caches() -> None:
    """Forget cached URLs (benchmarks start cold, as a fresh process does)."""
    fast_canonical.cache_clear()
    _slow_canonical.cache_clear()


def _resolve(href: str, base: Base) -> UrlKeys | str:
    """The canonical target of ``href`` on a page with base URL ``base``, or a drop reason."""
    href = href.strip()
    joined = base.join(href)
    if joined is not None:
        target = fast_canonical(joined)
        if target is not None:
            return target
    scheme = _SCHEME.match(href)
    if scheme is not None:
        name = scheme.group(1).lower()
        if name != "http" and name != "https":
            return reasons.LINK_NON_HTTP
    try:
        absolute = urljoin(base.url, href)
    except ValueError:
        return reasons.LINK_BAD_URL
    target = canonical(absolute)
    return target if target is not None else reasons.LINK_BAD_URL


def _base_url(page_url: str, base_href: str | None) -> str:
    if not base_href:
        return page_url
    try:
        joined = urljoin(page_url, base_href.strip())
    except ValueError:
        return page_url
    # A <base> that is not http(s) (javascript:, data:) cannot resolve web links.
    return joined if joined[:5].lower() in ("http:", "https") else page_url


def _page_row(
    src: UrlKeys,
    fetch_time: int | None,
    status: int,
    title: str | None,
    content_bytes: int,
    text_chars: int | None = None,
    contact_links: int | None = None,
) -> PageRow:
    return PageRow(
        *src,
        fetch_time=fetch_time,
        http_status=max(0, min(status, _INT16_MAX)),
        title=title,
        content_bytes=max(0, min(content_bytes, _INT32_MAX)),
        text_chars=None if text_chars is None else min(text_chars, _INT32_MAX),
        contact_links=None if contact_links is None else min(contact_links, _INT16_MAX),
    )


def _is_contact(href: str) -> bool:
    """A mailto: or tel: href (case-insensitive, leading whitespace ignored)."""
    scheme = href.lstrip()[:7].lower()
    return scheme == "mailto:" or scheme[:4] == "tel:"


def _redirect(
    src: UrlKeys, location: str, page_url: str, fetch_time: int | None
) -> tuple[list[LinkRow], dict[str, int]]:
    target = _resolve(location, Base(page_url))
    if isinstance(target, str):
        return [], {target: 1}
    link = LinkRow(
        *src,
        *target,
        anchor_text="",
        nofollow=False,
        ugc=False,
        sponsored=False,
        redirect=True,
        rel_canonical=False,
        in_nav=False,
        in_comments=False,
        fetch_time=fetch_time,
    )
    return [link], {}


def _links(
    src: UrlKeys, page_url: str, doc: HtmlPage, fetch_time: int | None
) -> tuple[list[LinkRow], dict[str, int], int]:
    """The link rows of a page, dropped links by reason, and its count of contact links."""
    base = Base(_base_url(page_url, doc.base_href))
    page_nofollow = doc.robots_nofollow
    s_url, s_page, s_sub, s_root = src
    rows: list[LinkRow] = []
    append = rows.append
    dropped: dict[str, int] = {}
    seen: dict[str, UrlKeys | str] = {}
    contacts = 0
    for href, text, nofollow, ugc, sponsored, rel_canonical, in_nav, in_comments in doc.links:
        target = seen.get(href)
        if target is None:
            target = seen[href] = _resolve(href, base)
        if type(target) is str:
            dropped[target] = dropped.get(target, 0) + 1
            # Only a non-http href can be mailto: or tel:, so the check costs nothing per link.
            if target == _NON_HTTP and not rel_canonical and _is_contact(href):
                contacts += 1
            continue
        t_url, t_page, t_sub, t_root = target
        append(
            _new_link(
                LinkRow,
                (s_url, s_page, s_sub, s_root, t_url, t_page, t_sub, t_root, text,
                 nofollow or page_nofollow, ugc, sponsored, False, rel_canonical, in_nav,
                 in_comments, fetch_time),
            )
        )  # fmt: skip
    return rows, dropped, contacts


def _from_capture(record: HttpCapture) -> Extraction:
    if record.truncated:
        return Extraction(None, [], reasons.TRUNCATED, {})
    src = canonical(record.url)
    if src is None:
        return Extraction(None, [], reasons.BAD_URL, {})
    status = record.status
    if 300 <= status < 400 and record.location:
        page = _page_row(src, record.fetch_time, status, None, record.content_bytes)
        links, dropped = _redirect(src, record.location, record.url, record.fetch_time)
        return Extraction(page, links, None, dropped)
    body = record.body
    if body is None:
        page = _page_row(src, record.fetch_time, status, None, record.content_bytes)
        return Extraction(page, [], reasons.NOT_HTML, {})
    if record.transfer_encoding and "chunked" in record.transfer_encoding.lower():
        body = dechunk(body)
    try:
        body = decode_content(body, record.content_encoding)
    except DecodeError:
        # No page row: a capture whose links we could not read must not count as a newer
        # capture without them (the build would mark every link of the page lost).
        return Extraction(None, [], reasons.DECODE_ERROR, {})
    doc = parse_document(body, record.charset)
    links, dropped, contacts = _links(src, record.url, doc, record.fetch_time)
    page = _page_row(
        src, record.fetch_time, status, doc.title, record.content_bytes, doc.text_chars, contacts
    )
    return Extraction(page, links, None, dropped)


def _from_wat(record: WatEnvelope) -> Extraction:
    if record.data is None:
        return Extraction(None, [], reasons.BAD_WAT_JSON, {})
    wat = read_envelope(record.data)
    if isinstance(wat, str):
        return Extraction(None, [], wat, {})
    src = canonical(wat.url)
    if src is None:
        return Extraction(None, [], reasons.BAD_URL, {})
    title = wat.html.title if wat.html is not None else None
    if 300 <= wat.status < 400 and wat.location:
        page = _page_row(src, wat.fetch_time, wat.status, title, wat.content_bytes)
        links, dropped = _redirect(src, wat.location, wat.url, wat.fetch_time)
        return Extraction(page, links, None, dropped)
    if wat.html is None:
        page = _page_row(src, wat.fetch_time, wat.status, title, wat.content_bytes)
        return Extraction(page, [], reasons.NOT_HTML, {})
    links, dropped, contacts = _links(src, wat.url, wat.html, wat.fetch_time)
    # A WAT has no page text: text_chars stays null (wat.html.text_chars is None).
    page = _page_row(
        src, wat.fetch_time, wat.status, title, wat.content_bytes, wat.html.text_chars, contacts
    )
    return Extraction(page, links, None, dropped)


def extract(record: Record) -> Extraction:
    """The page row, link rows, skip reason and dropped-link counts of one record.

    Never raises for a record's content: one that trips an unexpected error is skipped as
    EXTRACT_ERROR, so one odd page cannot stop a file.
    """
    try:
        if isinstance(record, HttpCapture):
            return _from_capture(record)
        if isinstance(record, WatEnvelope):
            return _from_wat(record)
        if isinstance(record, OtherRecord):
            return Extraction(None, [], record.reason, {})
    except Exception:  # the contract: one bad record never stops a file
        _log.debug("extract failed on %r", getattr(record, "url", record), exc_info=True)
        return Extraction(None, [], reasons.EXTRACT_ERROR, {})
    raise TypeError(f"not a reader record: {type(record).__name__}")
