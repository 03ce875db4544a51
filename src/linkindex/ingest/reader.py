"""The reader adapter: WARC and WAT files in, library-neutral records out (FastWARC inside).

Only this module touches FastWARC, so a Spark runner can feed the same records to ``extract``.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from linkindex.ingest import reasons

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Pages bigger than this are parsed from their first bytes only: no real page needs more to
# show its links, and it bounds the memory one record can take.
MAX_HTML_BYTES = 16 << 20
# Past this many bytes after the last good record, the end-of-file check is not worth its I/O.
_TAIL_CHECK_MAX = 64 << 20

_RESPONSE = WarcRecordType.response
_REVISIT = WarcRecordType.revisit
_METADATA = WarcRecordType.metadata
# msgspec's JSON decoder builds the same dicts and lists as json.loads in about half its time
# (on the bundled sample's WATs); what it refuses (NaN, integers past 64 bits, ...), json reads.
_decode_json = msgspec.json.Decoder().decode


class TruncatedFile(OSError):
    """The file ends inside a record: everything before the cut was read."""


@dataclass(slots=True)
class HttpCapture:
    """A WARC response record: HTTP head parsed, HTML payload read (other payloads not)."""

    url: str
    fetch_time: int | None
    status: int
    content_type: str | None  # lowercase, without parameters
    charset: str | None  # from the HTTP Content-Type header only
    content_encoding: str | None
    transfer_encoding: str | None
    location: str | None
    body: bytes | None  # None when the payload was not read (not HTML)
    content_bytes: int  # payload length as captured
    truncated: bool  # the file ended before the payload did


@dataclass(slots=True)
class WatEnvelope:
    """A Common Crawl WAT metadata record: the parsed JSON, or None when it was unreadable."""

    data: dict[str, Any] | None


@dataclass(slots=True)
class OtherRecord:
    """A record that carries no page, with the reason (linkindex.ingest.reasons)."""

    reason: str


Record = HttpCapture | WatEnvelope | OtherRecord


def target_uri(raw: str | None) -> str:
    # WARC/1.0 drafts wrote the URI in angle brackets and some tools still do.
    return (raw or "").strip().strip("<>")


def parse_warc_date(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return int(datetime.fromisoformat(text.strip()).timestamp())
    except ValueError:
        return None


def _looks_like_html(head: bytes) -> bool:
    start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<!--")) or b"<html" in start


def _capture(record: WarcRecord) -> Record:
    try:
        record.parse_http()
    except OSError:
        return OtherRecord(reasons.BAD_HTTP)
    headers = record.http_headers
    url = target_uri(record.headers.get("WARC-Target-URI"))
    date = record.record_date
    fetch_time = int(date.timestamp()) if date is not None else None
    content_type = record.http_content_type
    if content_type is not None:
        content_type = content_type.lower()
    expected = record.content_length
    body: bytes | None = None
    if content_type in HTML_TYPES or content_type is None:
        body = record.reader.read(MAX_HTML_BYTES)
        got = len(body) + (record.consume() if expected > MAX_HTML_BYTES else 0)
        if content_type is None and not _looks_like_html(body):
            body = None
    else:
        got = record.consume()
    status = headers.status_code if headers is not None else None
    return HttpCapture(
        url=url,
        fetch_time=fetch_time,
        status=status or 0,
        content_type=content_type,
        charset=record.http_charset,
        content_encoding=headers.get("Content-Encoding") if headers is not None else None,
        transfer_encoding=headers.get("Transfer-Encoding") if headers is not None else None,
        location=headers.get("Location") if headers is not None else None,
        body=body,
        content_bytes=expected,
        truncated=got < expected,
    )


def _wat(record: WarcRecord) -> Record:
    content_type = (record.headers.get("Content-Type") or "").lower()
    if not content_type.startswith("application/json"):
        return OtherRecord(reasons.NOT_RESPONSE)
    payload = record.reader.read()
    if len(payload) < record.content_length:
        return OtherRecord(reasons.TRUNCATED)
    try:
        data = _decode_json(payload)
    except msgspec.DecodeError:
        try:
            data = json.loads(payload)
        except ValueError:
            return WatEnvelope(None)
    return WatEnvelope(data if isinstance(data, dict) else None)


def read_records(source: Path | BinaryIO) -> Iterator[tuple[Record, int]]:
    """Yield every record of a WARC or WAT file with its offset in the file.

    ``source`` is a path or an open binary stream (a download as it streams in, say). Raises
    OSError when the data is damaged, TruncatedFile when a file ends inside a record (the
    end-of-file check needs a path, or a stream with ``tail_from(offset)``, the bytes from
    ``offset`` to its end: ``stream.RemoteStream``). Records yielded before the error are good.
    """
    last_pos: int | None = None
    last_cut = False
    # A record failing its digest is held back until the next one starts: if the file ends
    # inside it instead, it was cut (truncated), not changed.
    held: tuple[Record, int] | None = None
    with ExitStack() as stack:
        stream = stack.enter_context(open(source, "rb")) if isinstance(source, Path) else source
        for record in ArchiveIterator(stream, parse_http=False):
            if held is not None:
                yield held
                held = None
            last_pos = record.stream_pos
            rtype = record.record_type
            damaged = rtype in (_RESPONSE, _METADATA) and _damaged(record)
            if rtype == _RESPONSE:
                item = _capture(record)
                last_cut = isinstance(item, HttpCapture) and item.truncated
            elif rtype == _METADATA:
                item = _wat(record)
                last_cut = isinstance(item, OtherRecord) and item.reason == reasons.TRUNCATED
            elif rtype == _REVISIT:
                item = OtherRecord(reasons.REVISIT)
            else:
                item = OtherRecord(reasons.NOT_RESPONSE)
            if damaged:
                held = (OtherRecord(reasons.BAD_DIGEST), last_pos)
            else:
                yield item, last_pos
    cut = last_cut or not _tail_is_complete(source, last_pos or 0)
    if held is not None:
        yield (OtherRecord(reasons.TRUNCATED), held[1]) if cut else held
    if cut:
        name = source.name if isinstance(source, Path) else "stream"
        raise TruncatedFile(f"{name} ends inside a record after byte {last_pos or 0}")


def _damaged(record: WarcRecord) -> bool:
    """A record whose WARC-Block-Digest is given and does not match its block: bytes changed
    in transit or on disk. Records without the header cannot be checked and are read."""
    if not record.headers.get("WARC-Block-Digest"):
        return False
    return not record.verify_block_digest(consume=False)


def _tail_is_complete(source: Path | BinaryIO, last_pos: int) -> bool:
    # FastWARC stops quietly at a cut that falls between two records' payloads; reading the
    # bytes from the last good record to the end tells a clean end from a cut one.
    if not isinstance(source, Path):
        tail_from = getattr(source, "tail_from", None)
        tail = tail_from(last_pos) if tail_from is not None else None
        return True if tail is None else _tail_bytes_are_complete(tail)
    size = os.path.getsize(source)
    if size - last_pos > _TAIL_CHECK_MAX or size == 0:
        return True
    with open(source, "rb") as stream:
        stream.seek(last_pos)
        return _tail_bytes_are_complete(stream.read())


def _tail_bytes_are_complete(tail: bytes) -> bool:
    if tail[:2] == b"\x1f\x8b":
        while tail:
            member = zlib.decompressobj(wbits=31)
            try:
                member.decompress(tail)
            except zlib.error:
                return False
            if not member.eof:
                return False
            tail = member.unused_data.lstrip(b"\x00")
        return True
    return _plain_tail_is_complete(tail)


def _plain_tail_is_complete(tail: bytes) -> bool:
    while tail.strip():
        tail = tail.lstrip(b"\r\n")
        head_end = tail.find(b"\r\n\r\n")
        if not tail.startswith(b"WARC/") or head_end < 0:
            return False
        length = None
        for line in tail[:head_end].split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and value.strip().isdigit():
                length = int(value.strip())
        end = head_end + 4 + (length if length is not None else -1)
        if length is None or length < 0 or end > len(tail):
            return False
        tail = tail[end:]
    return True
