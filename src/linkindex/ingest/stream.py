"""A download read as it arrives: a file-like object over an https:// or pyarrow URI that goes on
with a range request after a cut, and hashes, counts and checks the bytes as they pass.

The retry and range rules are the Downloader's (``Downloader.body``, ``Attempts``); this owns
only what reading from the connection adds: the verdict on the whole stream and the tee.
"""

from __future__ import annotations

import hashlib
import io
import queue
import threading
import zlib
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import httpx

from linkindex.ingest.download import (
    BLOCK,
    Attempts,
    Downloader,
    DownloadFailed,
    GzipMembers,
    Restart,
    Retryable,
    _OverBudget,
    describe,
)

_QUEUED = 8  # blocks received and not yet checked, at most (64 KiB from httpx, 1 MiB from pyarrow)
# Bytes of an uncompressed stream kept at its end for the reader's check of its last record
# (reader.read_records: a cut between two records' payloads). A gzip stream needs none: every
# member is checked as it passes.
TAIL_WINDOW = 8 << 20


class StreamDamaged(Exception):
    """The bytes arrived but are not a whole file (cut at the source, a bad CRC, changed while
    read): read again from the start."""


class GzipCheck:
    """Every gzip member of the bytes fed ends and passes its CRC-32, checked as they pass
    (download.GzipMembers) with nothing kept. FastWARC checks the CRCs too, but stops quietly at
    a stream that ends inside a member (tried on FastWARC 2.0.1), and a file cut at the source
    comes with a matching Content-Length: this is the check that catches it."""

    def __init__(self) -> None:
        self._members = GzipMembers()

    def feed(self, data: bytes) -> None:
        """Raises zlib.error for damage."""
        for _ in self._members.feed(data):
            pass

    def problem(self) -> str | None:
        """Why the bytes fed are not whole gzip members (the last one cut), or None."""
        problem = self._members.problem()
        return None if problem is None else f"gzip: {problem}"


class Checks(threading.Thread):
    """SHA-256 and, for a gzip file, the ``GzipCheck`` of the bytes received, in a thread of
    their own: hashlib (past 2 KiB) and zlib (while it inflates) let go of the GIL, so they run
    on another core while the reader parses. Inline, they cost about a fifth of a streamed
    ingest's time on two idle cores (docs/ingest.md, "As they stream in"). At most
    ``_QUEUED`` blocks wait for it."""

    def __init__(self, gzip: bool) -> None:
        super().__init__(name="linkindex-stream-checks", daemon=True)
        self.digest = hashlib.sha256()
        self.gzip = GzipCheck() if gzip else None
        self.error: str | None = None  # the gzip damage found, once found
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUED)
        self._result: str | None = None
        self._finished = False
        self.start()

    def run(self) -> None:
        while (block := self._blocks.get()) is not None:
            self.digest.update(block)
            if self.gzip is not None and self.error is None:
                try:
                    self.gzip.feed(block)
                except zlib.error as exc:
                    self.error = f"gzip: {exc}"

    def put(self, block: bytes) -> None:
        self._blocks.put(block)

    def finish(self) -> str | None:
        """Wait for every block to be checked: why they are not whole gzip members, or None."""
        if not self._finished:
            self._finished = True
            self._blocks.put(None)
            self.join()
            self._result = self.error or (self.gzip.problem() if self.gzip else None)
        return self._result


class TailWindow:
    """The last ``size`` bytes (at least) of a stream, with their offset."""

    def __init__(self, size: int = TAIL_WINDOW) -> None:
        self.size = size
        self._blocks: deque[tuple[int, bytes]] = deque()
        self._held = 0

    def add(self, offset: int, data: bytes) -> None:
        self._blocks.append((offset, data))
        self._held += len(data)
        while self._held - len(self._blocks[0][1]) >= self.size:
            self._held -= len(self._blocks.popleft()[1])

    def since(self, offset: int) -> bytes | None:
        """The bytes from ``offset`` to the end, or None when they are no longer held."""
        if not self._blocks:
            return b""
        first = self._blocks[0][0]
        if offset < first:
            return None
        return b"".join(data for _, data in self._blocks)[offset - first :]


class RemoteStream(io.RawIOBase):
    """The bytes of the file at ``location`` as a binary stream, read from the connection.

    A cut body, a dropped connection or a retryable status mid-file is followed by a request
    for the rest (``Range: bytes=N-``) after the Downloader's wait, within its tries and the
    file's time budget; the reader sees one stream. The bytes are counted as they pass and, in a
    thread beside the reader (``Checks``), hashed (SHA-256) and for a ``.gz`` file checked
    member by member. ``tee``: a ``.part`` file the bytes are also written to
    (``--keep-downloads``); what it already holds is read first and the rest asked from its
    end, so a killed run's kept download goes on byte for byte.

    When a read fails, ``failure`` says why (a DownloadFailed: given up; a StreamDamaged: the
    bytes are not the file), whatever the reader made of the exception. Once the stream has
    been read to its end (``drain``), ``verdict`` is None when the file arrived whole.
    """

    def __init__(
        self,
        location: str,
        downloader: Downloader,
        gzip: bool,
        tee: Path | None = None,
        attempts: Attempts | None = None,
    ) -> None:
        super().__init__()
        self.location = location
        self.downloader = downloader
        self.attempts = attempts or downloader.attempts()
        self.count = 0  # bytes handed to the reader
        self.total: int | None = None  # the file's length, as the server gave it
        self.failure: DownloadFailed | StreamDamaged | None = None
        self._checks = Checks(gzip)
        self._tail = None if gzip else TailWindow()
        self._at = 0  # bytes received: where the next range starts
        self._try_from = 0
        self._pending = memoryview(b"")
        self._ended = False
        self._body = ExitStack()
        self._blocks: Iterator[bytes] | None = None
        self._tee: IO[bytes] | None = None
        self._held: IO[bytes] | None = None  # the kept .part, read before the connection
        if tee is not None:
            tee.parent.mkdir(parents=True, exist_ok=True)
            self._tee = open(tee, "a+b")  # noqa: SIM115 (closed by close())
            self._tee.seek(0)
            self._held = self._tee

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        # FastWARC asks where the stream starts; it never seeks.
        return self.count

    def readinto(self, buffer: bytearray | memoryview) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if self.failure is not None:
            raise self.failure
        try:
            if not self._pending and not self._ended:
                self._pending = memoryview(self._next_block())
                self._ended = not self._pending
            if size is None or size < 0:
                size = len(self._pending)
            # A view of the block: the rest is not copied again at every read of a part of it.
            data, self._pending = bytes(self._pending[:size]), self._pending[size:]
            self._consume(data)
            return data
        except (DownloadFailed, StreamDamaged) as exc:
            self.failure = exc
            self._body.close()
            raise

    def _consume(self, data: bytes) -> None:
        if not data:
            return
        if self._tail is not None:
            self._tail.add(self.count, data)
        self.count += len(data)

    def _next_block(self) -> bytes:
        """The next bytes of the file, b"" at its end; retried as the Downloader's rules say."""
        if self._checks.error is not None:
            raise StreamDamaged(self._checks.error)
        if self._held is not None:
            block = self._held.read(BLOCK)
            if block:
                self._at += len(block)
                self._checks.put(block)
                return block
            self._held = None  # the tee's position is now its end, where new bytes go
        while True:
            if self._blocks is None:
                self._open()
            assert self._blocks is not None
            try:
                block = next(self._blocks, b"")
                self.attempts.check_budget(self._at)
            except _OverBudget as exc:
                raise self.attempts.over_budget(str(exc)) from None
            except (httpx.TransportError, OSError) as exc:
                self._failed(describe(exc))
                continue
            if block:
                self._at += len(block)
                self._checks.put(block)
                if self._tee is not None:
                    self._tee.write(block)
                    self._tee.flush()  # what arrived stays for the next run, if this one is killed
                return block
            self._close_body()
            try:
                self.attempts.check_length(self._at, self.total)
            except Retryable as exc:
                self._failed(str(exc))
                continue
            return b""

    def _open(self) -> None:
        """The next try's response from byte ``_at`` on, after the waits it takes."""
        while True:
            self.attempts.tries += 1
            self._try_from = self._at
            try:
                body = self._body.enter_context(self.downloader.body(self.location, self._at))
            except Restart as exc:
                # The bytes read are the reader's already: the file is read again from the start.
                raise StreamDamaged(f"the file changed while it was read ({exc})") from None
            except Retryable as exc:
                self._failed(str(exc), exc.wait)
                continue
            except (httpx.TransportError, OSError) as exc:
                self._failed(describe(exc))
                continue
            if body.total is not None and self._at > body.total:
                raise StreamDamaged(
                    f"the file changed while it was read ({self._at} bytes read, now {body.total})"
                )
            if self.total is None:
                self.total = body.total
            elif body.total is not None and body.total != self.total:
                raise StreamDamaged(
                    f"the file changed while it was read ({self.total} bytes, now {body.total})"
                )
            # A server that ignores the range sends the whole file again: the bytes already
            # read are skipped.
            self._blocks = _skip(body.blocks, self._at - body.start)
            return

    def _failed(self, error: str, asked: float | None = None) -> None:
        self._close_body()
        self.attempts.failed(error, self._at > self._try_from, asked)

    def _close_body(self) -> None:
        self._blocks = None
        self._body.close()

    def drain(self) -> None:
        """Read to the end (the reader may stop before it), so that ``verdict`` can be given."""
        while self.failure is None and not self._ended:
            self.read(BLOCK)

    def verdict(self) -> DownloadFailed | StreamDamaged | None:
        """Why the stream is not the whole file (read to its end), or None."""
        if self.failure is not None:
            return self.failure
        if self.count == 0:
            return StreamDamaged("the body is empty")
        if problem := self._checks.finish():
            return StreamDamaged(problem)
        return None

    def tail_from(self, offset: int) -> bytes | None:
        """The bytes from ``offset`` to the end, for ``reader.read_records``' check of the last
        record: None when a gzip stream (its members are checked as they pass) or when they
        are no longer held."""
        self.drain()
        if self.failure is not None or self._tail is None:
            return None
        return self._tail.since(offset)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the file, once ``verdict`` found it whole."""
        return self._checks.digest.hexdigest()

    def close(self) -> None:
        self._checks.finish()
        self._close_body()
        if self._tee is not None:
            self._tee.close()
        super().close()


def _skip(blocks: Iterator[bytes], count: int) -> Iterator[bytes]:
    for block in blocks:
        if count >= len(block):
            count -= len(block)
            continue
        yield block[count:] if count else block
        count = 0
