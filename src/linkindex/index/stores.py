"""The SQLite files of one published snapshot as the reader opens them: which file answers for a
target, which holds the global lists, and every shard for the questions that span them.

An unsharded snapshot is one file that answers everything, so both layouts read the same way.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

from linkindex.index.shards import (
    GLOBAL_FILE,
    root_domain_of_key,
    shard_count,
    shard_of,
    shard_paths,
)
from linkindex.index.writer import STORE_FILE
from linkindex.urls import Scope


class NoStore(RuntimeError):
    """The snapshot folder has no store file."""


class StoreUnavailable(RuntimeError):
    """A file of the snapshot cannot be read now: no shard host holding it answered
    (`linkindex serve --route`); the API answers 503 with this message."""

    status = 503
    retry = True


class StoreRefused(StoreUnavailable):
    """A shard host refused a statement over one of its bounds (rows, bytes, time): asking
    again would be refused again, so the API answers 502 without Retry-After."""

    status = 502
    retry = False


class _Held:
    """One thread's connections, by file number. When the thread ends its thread-local storage
    is freed, and the connections go back to the spare sets for the next new thread: a server's
    worker threads come and go, and each file's connection parses the schema and fills its page
    cache before it is fast (with N shards, N times over)."""

    def __init__(self, spares: list[dict[int, sqlite3.Connection]], lock: threading.Lock) -> None:
        with lock:
            self.opened: dict[int, sqlite3.Connection] = spares.pop() if spares else {}

        def give_back(opened: dict[int, sqlite3.Connection]) -> None:
            with lock:
                spares.append(opened)

        weakref.finalize(self, give_back, self.opened)


def global_store(folder: Path) -> Path:
    """The file of a snapshot folder that holds its global lists and its meta."""
    return folder / (GLOBAL_FILE if shard_count(folder) else STORE_FILE)


class Stores:
    """Read-only connections to a snapshot's files: one per file per thread, opened lazily."""

    def __init__(self, folder: Path) -> None:
        self.count = shard_count(folder)
        self.global_path = global_store(folder)
        self.paths = shard_paths(folder, self.count) if self.count else [self.global_path]
        for path in {self.global_path, *self.paths}:
            if not path.exists():
                raise NoStore(f"snapshot store missing: {path}")
        self._local = threading.local()
        self._spares: list[dict[int, sqlite3.Connection]] = []
        self._spares_lock = threading.Lock()

    def _connect(self, path: Path) -> sqlite3.Connection:
        # immutable=1: the file never changes once published, so SQLite skips all locking.
        # Not bound to its thread: it outlives it, in the spare sets, or in a streamed read.
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        con.execute("PRAGMA cache_size = -65536")
        return con

    def _open(self, number: int) -> sqlite3.Connection:
        """This thread's connection to shard ``number`` (-1: the global file)."""
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            held = self._local.held = _Held(self._spares, self._spares_lock)
        opened = held.opened
        con = opened.get(number)
        if con is None:
            path = self.global_path if number < 0 else self.paths[number]
            con = opened[number] = self._connect(path)
        return con

    def global_lists(self) -> sqlite3.Connection:
        """The file of the meta and of the whole index's top pages and root domains."""
        return self._open(-1 if self.count else 0)  # unsharded: the one file

    def of_root(self, root_domain: str) -> sqlite3.Connection:
        """The file holding everything about a root domain and the targets under it."""
        if not self.count:
            return self._open(0)
        return self._open(shard_of(root_domain, self.count))

    def of_key(self, scope: Scope | str, key: str) -> sqlite3.Connection:
        """The file of a page, subdomain or root domain key."""
        if not self.count:
            return self._open(0)
        return self._open(shard_of(root_domain_of_key(scope, key), self.count))

    def run_all(
        self, statements: Sequence[tuple[sqlite3.Connection, str, Sequence[object]]]
    ) -> list[list[tuple]]:
        """Each (connection, SQL, parameters)'s rows, in order. Here one after another; a
        router's stores send them to the shard hosts at once (route/remote.py)."""
        return [con.execute(sql, params).fetchall() for con, sql, params in statements]

    def every_shard(self) -> list[sqlite3.Connection]:
        """Each file of per-target rows once, in shard order."""
        return [self._open(number) for number in range(len(self.paths))]

    def streamed(self) -> Iterator[sqlite3.Connection]:
        """Each shard's file on a connection of its own, for a read streamed by a consumer
        that may pull each batch from another thread (the build reading the last snapshot)."""
        for path in self.paths:
            con = self._connect(path)
            try:
                yield con
            finally:
                con.close()
