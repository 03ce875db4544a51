"""Captured HTTP payload bytes to document bytes: undo chunked transfer and Content-Encoding.

Lenient where crawlers are sloppy (headers kept after decoding), strict where data is broken.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

try:  # brotli is optional: without it, br-encoded pages count as decode errors.
    import brotli as _brotli
except ImportError:  # pragma: no cover - depends on the environment
    _brotli = None

from linkindex.ingest.reader import MAX_HTML_BYTES

_CHUNK_HEAD = re.compile(rb"[0-9A-Fa-f]+[ \t]*(?:;[^\r\n]*)?\r?\n")


class DecodeError(ValueError):
    """The payload's Content-Encoding could not be undone."""


def looks_like_markup(body: bytes) -> bool:
    return body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def dechunk(body: bytes) -> bytes:
    """Undo chunked transfer encoding; bytes that are not really chunked come back unchanged.

    Many archivers keep the Transfer-Encoding header but store the payload de-chunked.
    """
    if not _CHUNK_HEAD.match(body):
        return body
    out: list[bytes] = []
    pos = 0
    while True:
        head = _CHUNK_HEAD.match(body, pos)
        if head is None:
            # A cut capture ends mid-chunk: keep what was complete.
            return b"".join(out) if out else body
        size = int(head.group(0).split(b";")[0].strip(), 16)
        if size == 0:
            return b"".join(out)
        start = head.end()
        out.append(body[start : start + size])
        pos = start + size
        if body.startswith(b"\r\n", pos):
            pos += 2
        elif body.startswith(b"\n", pos):
            pos += 1
        if pos >= len(body):
            return b"".join(out)


def _gunzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        raise DecodeError("not gzip data")
    # decompressobj, not decompress: a capture cut by the crawler's size cap is a truncated
    # gzip stream, and its first part is still a good document.
    return zlib.decompressobj(wbits=31).decompress(body, MAX_HTML_BYTES)


def _inflate(body: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=15).decompress(body, MAX_HTML_BYTES)
    except zlib.error:
        # Servers disagree on whether "deflate" has the zlib wrapper; accept both.
        return zlib.decompressobj(wbits=-15).decompress(body, MAX_HTML_BYTES)


def _unbrotli(body: bytes) -> bytes:
    if _brotli is None:
        raise DecodeError("brotli is not installed")
    return _brotli.decompress(body)


_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _inflate,
    "br": _unbrotli,
}


def decode_content(body: bytes, content_encoding: str | None) -> bytes:
    """Undo every Content-Encoding, last applied first; raise DecodeError when one fails.

    A payload that is already markup is taken as decoded: some crawlers (Common Crawl in 2014
    among them) store the decoded payload yet keep the Content-Encoding header.
    """
    if not content_encoding:
        return body
    for coding in reversed(content_encoding.lower().split(",")):
        coding = coding.strip()
        if coding in ("", "identity", "none"):
            continue
        decoder = _DECODERS.get(coding)
        try:
            if decoder is None:
                raise DecodeError(f"unsupported Content-Encoding {coding!r}")
            body = decoder(body)
        except Exception as exc:  # zlib.error, brotli.error, DecodeError
            if looks_like_markup(body):
                return body
            raise DecodeError(str(exc)) from exc
    return body
