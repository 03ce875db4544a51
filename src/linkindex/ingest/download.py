"""Crawl files fetched from https:// (httpx) and s3://, gs:// (pyarrow) to a local file:
resumed with range reads, retried with backoff (linkindex.retrying's rules), and verified
before anyone reads them.

A file grows as ``<name>.part`` and is renamed to ``<name>`` only once its length matches what
the server announced and, for ``.gz`` files, every gzip member is whole and passes its CRC
(Common Crawl's listings carry no checksums, so the gzip trailers are the check there is).
"""

from __future__ import annotations

import hashlib
import random
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from linkindex import __version__, locations
from linkindex.retrying import RETRY_STATUSES, backoff_ceiling, parse_retry_after

_BLOCK = 1 << 20  # bytes per write while downloading, per read while verifying
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_UNSATISFIED_RANGE = re.compile(r"bytes \*/(\d+)")
HTTP_SCHEMES = ("http", "https")

GAVE_UP = "gave up after {tries} tries: {error}"
OVER_BUDGET = (
    "gave up after {tries} tries in {seconds:.0f} s, past the {budget:.0f} s a file may take: "
    "{error} (the next run resumes it)"
)
NOT_RETRIED = "{error} (not retried)"
NOT_WHOLE = "the file is damaged or cut short ({error})"
ENCODED = (
    "the server sent {url} with Content-Encoding {encoding} although asked for the file's own "
    "bytes (identity): use a mirror that serves the files as they are (not retried)"
)

OnBytes = Callable[[int], None]


def is_http(location: str) -> bool:
    return locations.scheme_of(location) in HTTP_SCHEMES


class DownloadFailed(Exception):
    """The file could not be fetched whole; the message says why (and after how many tries)."""


class _Retry(Exception):
    """A failure worth another try; ``wait`` is the server's Retry-After in seconds, if any."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class _Damaged(Exception):
    """The bytes arrived but are not a whole file: fetched again from the start."""


class _OverBudget(Exception):
    """The file's time budget ran out while its bytes were arriving."""


@dataclass(frozen=True)
class DownloadPolicy:
    """How hard a download tries. A try that gains bytes resets the count (``progress_resets``
    times at most), so a long file over a connection that drops now and then still completes;
    a file that arrives damaged is fetched again from the start ``damaged_tries - 1`` times;
    and no file takes more than ``budget`` seconds, its transfers and waits together."""

    tries: int = 6  # failed tries in a row, no byte gained, before the file is given up
    progress_resets: int = 20  # times a try that gained bytes starts the count again
    budget: float = 1800.0  # seconds from a file's first try to its last byte or wait
    damaged_tries: int = 2
    base_delay: float = 1.0  # seconds before the second try; doubled each failed try after
    max_delay: float = 60.0
    max_retry_after: float = 300.0  # a server asking for a longer wait gets this one
    timeout: float = 60.0  # seconds without a byte before a connection counts as dropped


class GzipTooLarge(Exception):
    """Gzip data that decompresses to more than the caller allows."""


def gunzip_blocks(blocks: Iterable[bytes], limit: int | None = None) -> Iterator[bytes]:
    """The decompressed bytes of the gzip members in ``blocks``, at most ``_BLOCK`` at a time
    (a small file of zeros can hold gigabytes). Raises zlib.error for damage, EOFError for a
    stream that ends inside a member, GzipTooLarge past ``limit`` decompressed bytes."""
    total = 0
    for out in _gunzipped(blocks):
        total += len(out)
        if limit is not None and total > limit:
            raise GzipTooLarge(f"more than {limit:,} bytes once decompressed")
        yield out


def _gunzipped(blocks: Iterable[bytes]) -> Iterator[bytes]:
    # Every piece of output, from either place it comes from, passes gunzip_blocks' one check.
    member = zlib.decompressobj(wbits=31)
    inside = False  # bytes of a member not yet ended have been read
    for block in blocks:
        data = block
        while data:
            out = member.decompress(data, _BLOCK)
            inside = True
            if out:
                yield out
            if member.eof:
                data = member.unused_data
                member = zlib.decompressobj(wbits=31)
                inside = False
            else:
                data = member.unconsumed_tail
    # The last block's input may be consumed with output still held back by the block limit.
    while inside and not member.eof and (out := member.decompress(b"", _BLOCK)):
        yield out
    if inside and not member.eof:
        raise EOFError("the file ends inside a member")


def gzip_damage(path: Path) -> str | None:
    """Why the gzip file at ``path`` is not whole (a cut member, a bad CRC), or None."""
    with open(path, "rb") as stream:
        try:
            for _ in gunzip_blocks(iter(lambda: stream.read(_BLOCK), b"")):
                pass
        except (zlib.error, EOFError) as exc:
            return f"gzip: {exc}"
    return None


def damage(path: Path, name: str | None = None) -> str | None:
    """Why the download at ``path`` (named ``name`` once whole) is not a whole file, or None:
    an empty file is not one (a server answering 200 with no body), nor is a ``.gz`` file that
    ``gzip_damage`` finds cut or corrupt."""
    if path.stat().st_size == 0:
        return "the body is empty"
    if (name or path.name).endswith(".gz"):
        return gzip_damage(path)
    return None


@dataclass
class Downloader:
    """Fetches files with ``policy``; ``sleep`` and ``clock`` are injectable for tests."""

    policy: DownloadPolicy = field(default_factory=DownloadPolicy)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.Random)
    _client: httpx.Client | None = None

    def client(self) -> httpx.Client:
        if self._client is None:
            timeout = httpx.Timeout(self.policy.timeout, connect=min(30.0, self.policy.timeout))
            # Common Crawl asks heavy users to say who they are: a named client, not httpx's.
            headers = {
                "User-Agent": f"linkindex/{__version__} (backlink index ingest)",
                # The bytes on disk must be the file's own (iter_raw does not decode), and a
                # range of an encoded body is not a range of the file.
                "Accept-Encoding": "identity",
            }
            self._client = httpx.Client(timeout=timeout, follow_redirects=True, headers=headers)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def delay(self, failures: int, asked: float | None) -> float:
        """Seconds before the next try: the server's Retry-After (capped), else exponential
        backoff with jitter (a random 50 to 100 % of it), so parallel downloads do not retry
        in step."""
        if asked is not None:
            return min(asked, self.policy.max_retry_after)
        ceiling = backoff_ceiling(failures, self.policy.base_delay, self.policy.max_delay)
        return ceiling * (0.5 + 0.5 * self.rng.random())

    def fetch(self, location: str, target: Path, on_bytes: OnBytes | None = None) -> Path:
        """Download ``location`` to ``target``, resuming a ``target.part`` a killed run left.

        Returns ``target`` once whole and verified (``damage``); a ``target`` already there is
        verified again, and fetched again if it fails. Raises DownloadFailed.
        """
        if target.is_file():
            # A kept file of an earlier run (or a version that checked less) is checked again.
            if damage(target) is None:
                return target
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        failures = damaged = resets = tries = 0
        started = self.clock()
        deadline = started + self.policy.budget
        while True:
            have = part.stat().st_size if part.exists() else 0
            asked: float | None = None
            tries += 1
            try:
                self._transfer(location, part, have, on_bytes, deadline)
                problem = damage(part, target.name)
                if problem is not None:
                    raise _Damaged(problem)
                part.replace(target)
                return target
            except _Damaged as exc:
                part.unlink(missing_ok=True)
                damaged += 1
                if damaged >= self.policy.damaged_tries:
                    raise DownloadFailed(NOT_WHOLE.format(error=exc)) from None
                error: str = str(exc)
            except _Retry as exc:
                asked, error = exc.wait, str(exc)
            except _OverBudget as exc:
                raise self._over_budget(tries, started, str(exc)) from None
            except (httpx.TransportError, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            gained = (part.stat().st_size if part.exists() else 0) > have
            if gained and resets < self.policy.progress_resets:
                resets += 1
                failures = 1
            else:
                failures += 1
            if failures >= self.policy.tries:
                raise DownloadFailed(GAVE_UP.format(tries=tries, error=error))
            wait = self.delay(failures, asked)
            if self.clock() + wait > deadline:
                raise self._over_budget(tries, started, error)
            self.sleep(wait)

    def _over_budget(self, tries: int, started: float, error: str) -> DownloadFailed:
        seconds = self.clock() - started
        budget = self.policy.budget
        return DownloadFailed(
            OVER_BUDGET.format(tries=tries, seconds=seconds, budget=budget, error=error)
        )

    def read_bytes(self, location: str, scratch: Path) -> bytes:
        """A small file whole (a listing), with the same retries, through ``scratch``."""
        # Named after the location, so a killed run's .part of it is resumed, not left behind.
        target = scratch / f"listing-{hashlib.sha256(location.encode()).hexdigest()[:16]}"
        target.unlink(missing_ok=True)
        self.fetch(location, target)
        try:
            return target.read_bytes()
        finally:
            target.unlink(missing_ok=True)

    def _transfer(
        self, location: str, part: Path, have: int, on_bytes: OnBytes | None, deadline: float
    ) -> None:
        if is_http(location):
            self._http(location, part, have, on_bytes, deadline)
        else:
            self._pyarrow(location, part, have, on_bytes, deadline)

    def _http(
        self, url: str, part: Path, have: int, on_bytes: OnBytes | None, deadline: float
    ) -> None:
        headers = {"Range": f"bytes={have}-"} if have else {}
        with self.client().stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 416 and have:
                whole = _UNSATISFIED_RANGE.fullmatch(response.headers.get("Content-Range", ""))
                if whole and int(whole.group(1)) == have:
                    return  # the killed run had fetched every byte
                part.unlink(missing_ok=True)
                raise _Retry(f"HTTP 416 for a range from byte {have}: fetched again")
            if status in RETRY_STATUSES:
                now = datetime.fromtimestamp(self.clock(), UTC)
                wait = parse_retry_after(response.headers.get("Retry-After"), now)
                raise _Retry(f"HTTP {status}", wait)
            if status not in (200, 206):
                raise DownloadFailed(NOT_RETRIED.format(error=f"HTTP {status} for {url}"))
            encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise DownloadFailed(ENCODED.format(encoding=encoding, url=url))
            start, total = 0, _int(response.headers.get("Content-Length"))
            if status == 206:
                span = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
                if span is None or int(span.group(1)) != have:
                    raise _Retry("the server answered another range than the one asked for")
                start = have
                total = None if span.group(3) == "*" else int(span.group(3))
            # 200 to a range request: the server sends the whole file, so it starts over. Blocks
            # are written as they arrive (no chunk size): a cut keeps every byte received.
            got = self._write(part, start, response.iter_raw(), on_bytes, deadline)
            if total is not None and got != total:
                raise _Retry(f"the body ended after {got} of {total} bytes")

    def _pyarrow(
        self, uri: str, part: Path, have: int, on_bytes: OnBytes | None, deadline: float
    ) -> None:
        import pyarrow.fs as pafs

        fs, path = locations.filesystem(uri)
        info = fs.get_file_info(path)
        if info.type != pafs.FileType.File:
            raise DownloadFailed(NOT_RETRIED.format(error=f"no such file: {uri}"))
        total = info.size or 0
        if have > total:
            have = 0
        with fs.open_input_file(path) as source:
            source.seek(have)
            blocks = iter(lambda: source.read(_BLOCK), b"")
            got = self._write(part, have, blocks, on_bytes, deadline)
        if got != total:
            raise _Retry(f"the read ended after {got} of {total} bytes")

    def _write(
        self, part: Path, start: int, blocks: Any, on_bytes: OnBytes | None, deadline: float
    ) -> int:
        with open(part, "r+b" if start and part.exists() else "wb") as out:
            out.seek(start)
            out.truncate()
            for block in blocks:
                out.write(block)
                if on_bytes is not None:
                    on_bytes(len(block))
                # A trickle of bytes resets the timeout on every block: the budget still holds.
                if self.clock() > deadline:
                    raise _OverBudget(f"{out.tell():,} bytes received, the transfer still going")
            return out.tell()


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None
