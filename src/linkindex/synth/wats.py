"""The WAT file Common Crawl would publish for a WARC file: one JSON metadata record a capture,
with the links already taken out of the HTML (webarchive-commons' layout, the fields ingest reads).

For tests and measurements: the same pages as WARC and as WAT, so the two can be compared.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

_HTML = ("text/html", "application/xhtml+xml")


def _links(tree: LexborHTMLParser) -> list[dict[str, str]]:
    links: list[dict[str, str]] = []
    for node in tree.css("a[href], area[href], img[src]"):
        attrs = node.attributes
        if node.tag == "img":
            links.append(
                {"path": "IMG@/src", "url": attrs.get("src") or "", "alt": attrs.get("alt") or ""}
            )
            continue
        entry = {"path": f"{node.tag.upper()}@/href", "url": attrs.get("href") or ""}
        if node.tag == "a":
            entry["text"] = node.text(deep=True, separator="")
        else:
            entry["alt"] = attrs.get("alt") or ""
        if attrs.get("rel"):
            entry["rel"] = attrs["rel"] or ""
        links.append(entry)
    return links


def _head(tree: LexborHTMLParser) -> dict[str, Any]:
    head: dict[str, Any] = {}
    title = tree.css_first("title")
    if title is not None:
        head["Title"] = title.text(deep=True, separator="")
    base = tree.css_first("base[href]")
    if base is not None:
        head["Base"] = base.attributes.get("href") or ""
    head["Link"] = [
        {
            "path": "LINK@/href",
            "url": n.attributes.get("href") or "",
            "rel": n.attributes.get("rel") or "",
        }
        for n in tree.css("link[href]")
    ]
    head["Metas"] = [
        {"name": n.attributes.get("name") or "", "content": n.attributes.get("content") or ""}
        for n in tree.css("meta[name]")
    ]
    return head


def envelope(record: Any) -> dict[str, Any]:
    """The WAT JSON of one warcio response record (its payload read)."""
    http = record.http_headers
    body = record.content_stream().read()
    content_type = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    response: dict[str, Any] = {
        "Headers": dict(http.headers),
        "Response-Message": {
            "Status": http.get_statuscode(),
            "Version": http.protocol,
            "Reason": http.statusline.partition(" ")[2],
        },
        "Entity-Length": str(len(body)),
    }
    if content_type in _HTML:
        tree = LexborHTMLParser(body)
        response["HTML-Metadata"] = {"Head": _head(tree), "Links": _links(tree)}
    warc = {
        "WARC-Type": "response",
        "WARC-Target-URI": record.rec_headers.get_header("WARC-Target-URI"),
        "WARC-Date": record.rec_headers.get_header("WARC-Date"),
    }
    return {
        "Envelope": {
            "Format": "WARC",
            "WARC-Header-Metadata": warc,
            "Payload-Metadata": {"HTTP-Response-Metadata": response},
        }
    }


def _bare(record: Any) -> dict[str, Any]:
    # Common Crawl's WATs describe every WARC record (warcinfo, request, metadata, revisit):
    # the headers and the payload's length, which ingest reads and counts as no page.
    size = len(record.content_stream().read())
    warc = {k: v for k, v in record.rec_headers.headers if k.startswith("WARC-")}
    meta = {"Actual-Content-Length": str(size), "Trailing-Slop-Length": "0"}
    return {"Envelope": {"Format": "WARC", "WARC-Header-Metadata": warc, "Payload-Metadata": meta}}


def write_wat(warc: Path, wat: Path) -> Path:
    """Write the WAT of ``warc`` to ``wat`` (gzip, a member a record): one JSON metadata
    record for each of its records, the links of each HTML response taken out."""
    with open(warc, "rb") as source, open(wat, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.0")
        for record in ArchiveIterator(source):
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            data = envelope(record) if record.rec_type == "response" else _bare(record)
            payload = json.dumps(data, separators=(",", ":")).encode()
            headers = {"WARC-Date": record.rec_headers.get_header("WARC-Date")}
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "metadata",
                    payload=BytesIO(payload),
                    length=len(payload),
                    warc_content_type="application/json",
                    warc_headers_dict=headers,
                )
            )
    return wat
