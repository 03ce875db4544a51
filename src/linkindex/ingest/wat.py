"""Common Crawl WAT JSON to the same page facts the HTML parser gives (links already extracted).

Field names follow the WAT format written by webarchive-commons (Envelope/Payload-Metadata/...).
"""

from __future__ import annotations

import html
from typing import Any, NamedTuple

from linkindex.ingest import reasons
from linkindex.ingest.htmllinks import (
    NO_FLAGS,
    TITLE_MAX_CHARS,
    HtmlPage,
    RawLink,
    fold,
    new_link,
    rel_flags,
)
from linkindex.ingest.reader import parse_warc_date, target_uri
from linkindex.records import ANCHOR_TEXT_MAX_CHARS

_ANCHOR_PATHS = {"A@/href": "text", "AREA@/href": "alt"}


class WatPage(NamedTuple):
    url: str
    fetch_time: int | None
    status: int
    content_bytes: int
    location: str | None
    html: HtmlPage | None  # None when the capture was not HTML


def _url(value: Any) -> str:
    # Older WATs (2014 and around) store attribute values raw, entities and all ("&amp;").
    text = value if isinstance(value, str) else ""
    return html.unescape(text) if "&" in text else text


def _rel_tokens(entry: dict[str, Any]) -> list[str]:
    rel = entry.get("rel")
    return rel.lower().split() if isinstance(rel, str) else []


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else ""
    return fold(html.unescape(text) if "&" in text else text, ANCHOR_TEXT_MAX_CHARS)


def _flags(entry: dict[str, Any]) -> tuple[bool, bool, bool]:
    rel = entry.get("rel")
    return rel_flags(rel) if rel and isinstance(rel, str) else NO_FLAGS


def _links(meta: dict[str, Any]) -> list[RawLink]:
    links: list[RawLink] = []
    append = links.append
    previous_alt = ""
    for entry in meta.get("Links") or ():
        path = entry.get("path")
        text_key = _ANCHOR_PATHS.get(path)
        if text_key is None or "url" not in entry:
            previous_alt = _text(entry.get("alt")) if path == "IMG@/src" else ""
            continue
        text = _text(entry.get(text_key))
        if not text and text_key == "text":
            # WAT lists an <img> inside a link just before the link: the image's alt is the
            # anchor text, as the HTML parser gives it.
            text = previous_alt
        previous_alt = ""
        # WAT paths (A@/href) keep no ancestry: in_nav and in_comments cannot be known.
        # tuple.__new__ builds the RawLink at C speed: this runs once per link.
        append(new_link(RawLink, (_url(entry["url"]), text, *_flags(entry), False, False, False)))
    for entry in (meta.get("Head") or {}).get("Link") or ():
        if "canonical" in _rel_tokens(entry) and "url" in entry:
            links.append(RawLink(_url(entry["url"]), "", False, False, False, True, False, False))
    return links


def _robots_nofollow(head: dict[str, Any]) -> bool:
    for meta in head.get("Metas") or ():
        if str(meta.get("name") or "").strip().lower() == "robots":
            content = str(meta.get("content") or "").lower().replace(",", " ").split()
            if "nofollow" in content or "none" in content:
                return True
    return False


def read_envelope(data: dict[str, Any]) -> WatPage | str:
    """The page a WAT record describes, or the reason it describes none."""
    envelope = data.get("Envelope") or {}
    warc = envelope.get("WARC-Header-Metadata") or {}
    warc_type = warc.get("WARC-Type")
    if warc_type == "revisit":
        return reasons.REVISIT
    if warc_type != "response":
        return reasons.NOT_RESPONSE
    response = (envelope.get("Payload-Metadata") or {}).get("HTTP-Response-Metadata")
    if not isinstance(response, dict):
        return reasons.BAD_HTTP
    try:
        status = int((response.get("Response-Message") or {}).get("Status") or 0)
        content_bytes = int(response.get("Entity-Length") or 0)
    except ValueError:
        return reasons.BAD_HTTP
    headers = response.get("Headers") or {}
    location = next((v for k, v in headers.items() if k.lower() == "location"), None)
    page: HtmlPage | None = None
    meta = response.get("HTML-Metadata")
    if isinstance(meta, dict):
        head = meta.get("Head") or {}
        title = head.get("Title")
        base = head.get("Base")
        page = HtmlPage(
            fold(html.unescape(title), TITLE_MAX_CHARS) or None if isinstance(title, str) else None,
            _url(base) if isinstance(base, str) else None,
            _robots_nofollow(head),
            _links(meta),
            None,  # a WAT carries no page text
        )
    return WatPage(
        url=target_uri(warc.get("WARC-Target-URI")),
        fetch_time=parse_warc_date(warc.get("WARC-Date")),
        status=status,
        content_bytes=content_bytes,
        location=location if isinstance(location, str) else None,
        html=page,
    )
