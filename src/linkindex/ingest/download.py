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
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from linkindex import __version__, locations
from linkindex.retrying import RETRY_STATUSES, backoff_ceiling, parse_retry_after

BLOCK = 1 << 20  # bytes per read of a file or a download, most decompressed per gzip step
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


class Retryable(Exception):
    """A failure worth another try; ``wait`` is the server's Retry-After in seconds, if any."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class Restart(Retryable):
    """The bytes held so far are not the file's (a 416 for a range it does not hold): the next
    try starts it over."""


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


class GzipMembers:
    """Gzip members fed a block at a time, decompressed at most ``BLOCK`` bytes at a time (a
    small file of zeros can hold gigabytes): each member must end and pass its CRC-32. One
    definition for a whole file read here and for a download checked as it streams in."""

    def __init__(self) -> None:
        self._member = zlib.decompressobj(wbits=31)
        self._inside = False  # bytes of a member not yet ended have been fed

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decompressed bytes ``data`` completes; raises zlib.error for damage."""
        while data:
            out = self._member.decompress(data, BLOCK)
            self._inside = True
            if out:
                yield out
            if self._member.eof:
                data = self._member.unused_data
                self._member = zlib.decompressobj(wbits=31)
                self._inside = False
            else:
                data = self._member.unconsumed_tail
        # Input consumed with output held back by the block limit: drain it.
        while self._inside and not self._member.eof:
            out = self._member.decompress(b"", BLOCK)
            if not out:
                break
            yield out

    def problem(self) -> str | None:
        """Why the bytes fed so far are not whole members (the last one cut), or None."""
        if self._inside and not self._member.eof:
            return "the file ends inside a member"
        return None


def gunzip_blocks(blocks: Iterable[bytes], limit: int | None = None) -> Iterator[bytes]:
    """The decompressed bytes of the gzip members in ``blocks``, at most ``BLOCK`` at a time.
    Raises zlib.error for damage, EOFError for a stream that ends inside a member,
    GzipTooLarge past ``limit`` decompressed bytes."""
    members = GzipMembers()
    total = 0
    for block in blocks:
        for out in members.feed(block):
            total += len(out)
            if limit is not None and total > limit:
                raise GzipTooLarge(f"more than {limit:,} bytes once decompressed")
            yield out
    problem = members.problem()
    if problem is not None:
        raise EOFError(problem)


def gzip_damage(path: Path) -> str | None:
    """Why the gzip file at ``path`` is not whole (a cut member, a bad CRC), or None."""
    with open(path, "rb") as stream:
        try:
            for _ in gunzip_blocks(iter(lambda: stream.read(BLOCK), b"")):
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

    def attempts(self) -> Attempts:
        """The tries at one file, its time budget starting now."""
        started = self.clock()
        return Attempts(self, started, started + self.policy.budget)

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
        attempts = self.attempts()
        damaged = 0
        while True:
            have = part.stat().st_size if part.exists() else 0
            asked: float | None = None
            attempts.tries += 1
            try:
                with self.body(location, have) as body:
                    got = self._write(part, body, on_bytes, attempts)
                attempts.check_length(got, body.total)
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
            except Restart as exc:
                part.unlink(missing_ok=True)
                error = str(exc)
            except Retryable as exc:
                asked, error = exc.wait, str(exc)
            except _OverBudget as exc:
                raise attempts.over_budget(str(exc)) from None
            except (httpx.TransportError, OSError) as exc:
                error = describe(exc)
            gained = (part.stat().st_size if part.exists() else 0) > have
            attempts.failed(error, gained, asked)

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

    @contextmanager
    def body(self, location: str, have: int) -> Iterator[Body]:
        """One try's response for ``location`` from byte ``have`` (the rest of the file, or the
        whole file when the server ignores the range). Raises Retryable for what is worth
        another try (Restart: the bytes held are not the file's), DownloadFailed for what is
        not, httpx.TransportError or OSError for a connection that failed."""
        opened = self._http(location, have) if is_http(location) else self._pyarrow(location, have)
        with opened as body:
            yield body

    @contextmanager
    def _http(self, url: str, have: int) -> Iterator[Body]:
        headers = {"Range": f"bytes={have}-"} if have else {}
        with self.client().stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 416 and have:
                whole = _UNSATISFIED_RANGE.fullmatch(response.headers.get("Content-Range", ""))
                if whole and int(whole.group(1)) == have:
                    yield Body(have, have, iter(()))  # the killed run had fetched every byte
                    return
                raise Restart(f"HTTP 416 for a range from byte {have}: fetched again")
            if status in RETRY_STATUSES:
                now = datetime.fromtimestamp(self.clock(), UTC)
                wait = parse_retry_after(response.headers.get("Retry-After"), now)
                raise Retryable(f"HTTP {status}", wait)
            if status not in (200, 206):
                raise DownloadFailed(NOT_RETRIED.format(error=f"HTTP {status} for {url}"))
            encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise DownloadFailed(ENCODED.format(encoding=encoding, url=url))
            start, total = 0, _int(response.headers.get("Content-Length"))
            if status == 206:
                span = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
                if span is None or int(span.group(1)) != have:
                    raise Retryable("the server answered another range than the one asked for")
                start = have
                total = None if span.group(3) == "*" else int(span.group(3))
            # 200 to a range request: the server sends the whole file, so it starts over. Blocks
            # are passed on as they arrive (no chunk size): a cut keeps every byte received.
            yield Body(start, total, response.iter_raw())

    @contextmanager
    def _pyarrow(self, uri: str, have: int) -> Iterator[Body]:
        import pyarrow.fs as pafs

        fs, path = locations.filesystem(uri)
        info = fs.get_file_info(path)
        if info.type != pafs.FileType.File:
            raise DownloadFailed(NOT_RETRIED.format(error=f"no such file: {uri}"))
        total = info.size or 0
        start = have if have <= total else 0
        with fs.open_input_file(path) as source:
            source.seek(start)
            yield Body(start, total, iter(lambda: source.read(BLOCK), b""))

    def _write(self, part: Path, body: Body, on_bytes: OnBytes | None, attempts: Attempts) -> int:
        with open(part, "r+b" if body.start and part.exists() else "wb") as out:
            out.seek(body.start)
            out.truncate()
            for block in body.blocks:
                out.write(block)
                if on_bytes is not None:
                    on_bytes(len(block))
                attempts.check_budget(out.tell())
            return out.tell()


@dataclass
class Body:
    """One response's bytes of a file: they start at byte ``start`` (0 when the server sent
    the whole file), the file is ``total`` bytes long when the server said, and ``blocks``
    yields them as they arrive."""

    start: int
    total: int | None
    blocks: Iterator[bytes]


@dataclass
class Attempts:
    """The tries at one file and the rules between them, for a download to disk (``fetch``)
    and a download read as it streams in (``ingest.stream``) alike: how many, how long to
    wait, and the file's time budget."""

    downloader: Downloader
    started: float
    deadline: float
    tries: int = 0
    failures: int = 0  # failed tries in a row
    resets: int = 0  # times a try that gained bytes started the count again

    def failed(self, error: str, gained: bool, asked: float | None = None) -> None:
        """After a failed try (``gained``: it brought bytes; ``asked``: the server's
        Retry-After): wait before the next one, or raise DownloadFailed when the tries are
        spent or the wait would end past the budget."""
        policy = self.downloader.policy
        if gained and self.resets < policy.progress_resets:
            self.resets += 1
            self.failures = 1
        else:
            self.failures += 1
        if self.failures >= policy.tries:
            raise DownloadFailed(GAVE_UP.format(tries=self.tries, error=error))
        wait = self.downloader.delay(self.failures, asked)
        if self.downloader.clock() + wait > self.deadline:
            raise self.over_budget(error)
        self.downloader.sleep(wait)

    def check_budget(self, received: int) -> None:
        """Raise _OverBudget once the budget is spent while bytes still arrive."""
        # A trickle of bytes resets the timeout on every block: the budget still holds.
        if self.downloader.clock() > self.deadline:
            raise _OverBudget(f"{received:,} bytes received, the transfer still going")

    @staticmethod
    def check_length(got: int, total: int | None) -> None:
        """Raise Retryable when a body ended before the file did."""
        if total is not None and got != total:
            raise Retryable(f"the body ended after {got} of {total} bytes")

    def over_budget(self, error: str) -> DownloadFailed:
        seconds = self.downloader.clock() - self.started
        budget = self.downloader.policy.budget
        return DownloadFailed(
            OVER_BUDGET.format(tries=self.tries, seconds=seconds, budget=budget, error=error)
        )


def describe(exc: BaseException) -> str:
    """A failed connection's error as a reason: its type, and its message when it has one."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None
