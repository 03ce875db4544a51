"""Which files of which published snapshots a shard host's home holds, and a pool of guarded
connections per file, opened when first asked for and closed when the snapshot is gone.

A host may hold any subset of a snapshot's files: `Stores` refuses such a folder, this does not.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from linkindex.index.layout import SnapshotLayout
from linkindex.index.shards import GLOBAL_FILE, SHARD_FILES, parse_shard_file, shard_file
from linkindex.index.writer import STORE_FILE
from linkindex.shardhost.guard import GuardedConnection, Refused
from linkindex.shardhost.wire import GLOBAL, SNAPSHOT_NAME, HeldSnapshot, Holdings


def held_snapshot(folder: Path) -> HeldSnapshot | None:
    """The files of one snapshot folder; None when it holds none."""
    if (folder / STORE_FILE).exists():  # unsharded: one file answers everything
        return HeldSnapshot(folder.name, 0, [], True)
    counts: set[int] = set()
    numbers: list[int] = []
    for path in folder.glob(SHARD_FILES):
        parsed = parse_shard_file(path.name)
        if parsed:
            numbers.append(parsed[0])
            counts.add(parsed[1])
    has_global = (folder / GLOBAL_FILE).exists()
    if len(counts) > 1 or (not counts and not has_global):
        return None  # nothing, or a mix no build writes
    return HeldSnapshot(folder.name, counts.pop() if counts else 0, sorted(numbers), has_global)


class _Pool:
    """Idle connections to one file; a connection is with one thread at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.idle: list[GuardedConnection] = []
        self.lock = threading.Lock()
        self.retired = False

    @contextmanager
    def connection(self) -> Iterator[GuardedConnection]:
        with self.lock:
            con = self.idle.pop() if self.idle else None
        if con is None:
            try:
                con = GuardedConnection(self.path)
            except sqlite3.Error as exc:  # pruned since it was listed
                raise Refused(404, f"cannot open {self.path.name}: {exc}") from exc
        try:
            yield con
        finally:
            with self.lock:
                if self.retired:
                    con.close()
                else:
                    self.idle.append(con)

    def retire(self) -> None:
        with self.lock:
            self.retired = True
            idle, self.idle = self.idle, []
        for con in idle:
            con.close()


class HeldFiles:
    """The snapshots under one home's snapshots/ folder, read by name."""

    def __init__(self, snapshots: Path) -> None:
        self.layout = SnapshotLayout(snapshots)
        self._pools: dict[tuple[str, int], _Pool] = {}
        self._lock = threading.Lock()

    def holdings(self) -> Holdings:
        """What the home holds now; pools of snapshots pruned since are closed."""
        found = []
        for folder in self.layout.published():
            if SNAPSHOT_NAME.fullmatch(folder.name) and (held := held_snapshot(folder)):
                found.append(held)
        names = {held.name for held in found}
        with self._lock:
            gone = [key for key in self._pools if key[0] not in names]
            pools = [self._pools.pop(key) for key in gone]
        for pool in pools:
            pool.retire()
        return Holdings(self.layout.current_name(), found)

    def _path(self, snapshot: str, number: int) -> Path:
        if not SNAPSHOT_NAME.fullmatch(snapshot):
            raise Refused(400, f"not a snapshot name: {snapshot!r}")
        folder = self.layout.path_of(snapshot)
        held = held_snapshot(folder) if folder.is_dir() else None
        if held is None:
            raise Refused(404, f"this host holds no file of snapshot {snapshot}")
        if number == GLOBAL and held.has_global:
            return folder / (GLOBAL_FILE if held.count else STORE_FILE)
        if number in held.shards:
            return folder / shard_file(number, held.count)
        raise Refused(404, f"this host does not hold file {number} of snapshot {snapshot}")

    @contextmanager
    def connection(self, snapshot: str, number: int) -> Iterator[GuardedConnection]:
        key = (snapshot, number)
        with self._lock:
            pool = self._pools.get(key)
        if pool is None:
            path = self._path(snapshot, number)  # outside the lock: it looks at the disk
            with self._lock:
                pool = self._pools.setdefault(key, _Pool(path))
        with pool.connection() as con:
            yield con
