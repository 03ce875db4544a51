"""Where snapshots live, how a finished one is published, and which one is current.

A snapshot is built in a private folder, renamed into place, then the CURRENT pointer is swapped
with one atomic rename: readers see the old snapshot or the new one, never a half-built one.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from linkindex.file_lock import try_lock
from linkindex.index.stores import global_store

POINTER = "CURRENT"
BUILDING_PREFIX = ".building-"
DEFAULT_KEEP = 3
# When a build's snapshot was made current (ISO 8601 UTC, to the second): the meta key that
# holds the first time (a copy of the folder, on a shard host, carries it), and the file beside
# its stores that holds the latest, rewritten whenever a build makes the folder current again.
# A snapshot published before either was recorded has neither.
PUBLISHED_AT = "published_at"
PUBLISHED_FILE = "published_at"


class BuildInProgress(RuntimeError):
    pass


class SnapshotLayout:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def pointer(self) -> Path:
        return self.folder / POINTER

    def current_name(self) -> str | None:
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def path_of(self, name: str) -> Path:
        return self.folder / name

    @contextmanager
    def building(self) -> Iterator[Path]:
        """A private folder to build in, removed on any failure; one build at a time."""
        lock = try_lock(self.folder / ".build.lock")
        if lock is None:
            raise BuildInProgress(f"another build is running in {self.folder}")
        try:
            for stale in self.folder.glob(BUILDING_PREFIX + "*"):
                shutil.rmtree(stale, ignore_errors=True)  # left by a killed build
            work = Path(tempfile.mkdtemp(prefix=BUILDING_PREFIX, dir=self.folder))
            try:
                yield work
            finally:
                shutil.rmtree(work, ignore_errors=True)
        finally:
            lock.close()

    def publish(
        self,
        built: Path,
        name: str,
        keep: int = DEFAULT_KEEP,
        replace: bool = False,
        record_time: bool = False,
    ) -> str:
        """Move a finished snapshot into place, make it current, and return its folder name.

        An identical rebuild reuses the published folder, unless ``replace`` (a forced build):
        then the new copy gets a folder of its own (``name-1``, ``name-2``...), so readers of
        the old one are never disturbed and CURRENT still changes in one atomic rename.
        ``record_time`` (a build's own publish, not a shard host's copy of one) writes the
        moment into the folder's PUBLISHED_FILE just before CURRENT names it, and into a new
        folder's meta as PUBLISHED_AT: a folder made current again (a build back to the
        records of an earlier one) has its stores unchanged but tells the new moment.
        """
        final = self.path_of(name)
        if final.exists() and replace:
            suffix = 1
            while self.path_of(f"{name}-{suffix}").exists():
                suffix += 1
            name = f"{name}-{suffix}"
            final = self.path_of(name)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if final.exists():
            shutil.rmtree(built)  # an identical rebuild: the published copy is the same content
        else:
            if record_time:
                record_publish_time(built, now)
            for item in built.iterdir():
                fsync_path(item)
            os.rename(built, final)
        if record_time:
            # Not current (a build never republishes the current folder), so no reader sees
            # the file change; written before CURRENT names the folder, so none sees it stale.
            replace_file(final / PUBLISHED_FILE, now + "\n")
        self._point_to(name)
        self.prune(keep)
        return name

    def _point_to(self, name: str) -> None:
        replace_file(self.pointer, name + "\n")

    def published(self) -> list[Path]:
        """Published snapshots, newest first."""
        found = [
            p for p in self.folder.iterdir()
            if p.is_dir() and not p.name.startswith(".")
        ]  # fmt: skip
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def prune(self, keep: int) -> None:
        """Delete all but the newest ``keep`` snapshots; the current one is always kept.

        A server still reading a deleted snapshot keeps its open file until it switches.
        """
        current = self.current_name()
        others = [p for p in self.published() if p.name != current]
        for old in others[max(keep - 1, 0) :]:
            shutil.rmtree(old, ignore_errors=True)


def publish_time(folder: Path) -> str | None:
    """When the folder was last made current, from its PUBLISHED_FILE; None without one (an
    older home's snapshot: its meta may still say when it was first published)."""
    try:
        return (folder / PUBLISHED_FILE).read_text().strip() or None
    except FileNotFoundError:
        return None


def replace_file(path: Path, text: str) -> None:
    """Write a small file whole, visible at once or not at all (rename(2)), and durable."""
    tmp = path.parent / f".{path.name}.{os.getpid()}"
    tmp.write_text(text)
    fsync_path(tmp)
    os.replace(tmp, path)
    fsync_path(path.parent)


def record_publish_time(built: Path, now: str) -> None:
    """Writes `now` into a finished, not yet published snapshot's meta: the build's own
    ``built_at`` is taken before the store is indexed, which can take minutes."""
    con = sqlite3.connect(global_store(built), isolation_level=None)
    try:
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (PUBLISHED_AT, json.dumps(now)))
        # The store's statistics were taken before: keep meta's true to its rows, as a store
        # written with the time already in its meta would have them.
        con.execute("ANALYZE meta")
    finally:
        con.close()


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's own entries to disk (before a rename makes it visible)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
