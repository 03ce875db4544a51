"""Writing a family's captures as a gzipped WARC/1.0 file: only the file format, no web model.

Every family renders its own pages and decides its own links; they share only this writer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_NS = uuid.UUID("0b1e8f0a-5a4c-4f55-a6f1-66616d696c79")
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 410: "Gone"}


@dataclass(frozen=True)
class Capture:
    """One HTTP response as a crawler captured it."""

    url: str  # absolute URL fetched
    fetched: datetime  # timezone-aware UTC
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None  # for 3xx


def write_warc(path: Path, crawl: str, captures: Iterable[Capture]) -> Path:
    """One deterministic WARC file (record ids from crawl and URL) holding every capture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        for cap in captures:
            headers = [("Content-Type", cap.content_type), ("Content-Length", str(len(cap.body)))]
            if cap.location:
                headers.append(("Location", cap.location))
            reason = _REASONS.get(cap.status, "Unknown")
            http = StatusAndHeaders(f"{cap.status} {reason}", headers, protocol="HTTP/1.1")
            record_id = f"<urn:uuid:{uuid.uuid5(_NS, crawl + ' ' + cap.url)}>"
            writer.write_record(
                writer.create_warc_record(
                    cap.url,
                    "response",
                    payload=BytesIO(cap.body),
                    length=len(cap.body),
                    http_headers=http,
                    warc_headers_dict={
                        "WARC-Record-ID": record_id,
                        "WARC-Date": cap.fetched.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    },
                )
            )
    return path
