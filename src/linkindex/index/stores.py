"""The SQLite files of one published snapshot as the reader opens them: which file answers for a
target, which holds the global lists, and every shard for the questions that span them.

An unsharded snapshot is one file that answers everything, so both layouts read the same way.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
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


class Stores:
    """Read-only connections to a snapshot's files: one per file per thread, opened lazily."""

    def __init__(self, folder: Path) -> None:
        self.count = shard_count(folder)
        if self.count:
            self.global_path = folder / GLOBAL_FILE
            self.paths = shard_paths(folder, self.count)
        else:
            self.global_path = folder / STORE_FILE
            self.paths = [self.global_path]
        for path in {self.global_path, *self.paths}:
            if not path.exists():
                raise NoStore(f"snapshot store missing: {path}")
        self._local = threading.local()

    def _connect(self, path: Path, same_thread: bool = True) -> sqlite3.Connection:
        # immutable=1: the file never changes once published, so SQLite skips all locking.
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        con = sqlite3.connect(uri, uri=True, check_same_thread=same_thread)
        con.execute("PRAGMA cache_size = -65536")
        return con

    def _open(self, number: int) -> sqlite3.Connection:
        """This thread's connection to shard ``number`` (-1: the global file)."""
        opened: dict[int, sqlite3.Connection] | None = getattr(self._local, "opened", None)
        if opened is None:
            opened = self._local.opened = {}
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

    def every_shard(self) -> list[sqlite3.Connection]:
        """Each file of per-target rows once, in shard order."""
        return [self._open(number) for number in range(len(self.paths))]

    def streamed(self) -> Iterator[sqlite3.Connection]:
        """Each shard's file on a connection of its own, for a read streamed by a consumer
        that may pull each batch from another thread (the build reading the last snapshot)."""
        for path in self.paths:
            con = self._connect(path, same_thread=False)
            try:
                yield con
            finally:
                con.close()
