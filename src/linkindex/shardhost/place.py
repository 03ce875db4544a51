"""Puts some files of a built snapshot into a shard host's home and publishes them there: the
chosen shard files (and global.sqlite if asked), hard-linked when on the same filesystem.

Publishing is the build's own: the folder is filled aside, renamed into place, CURRENT swapped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from linkindex.home import Home
from linkindex.index.layout import SnapshotLayout
from linkindex.index.shards import GLOBAL_FILE, shard_file
from linkindex.shardhost.held import held_snapshot


def place_files(
    snapshot: Path, home: Home, shards: Iterable[int], with_global: bool, keep: int = 3
) -> str:
    """Publish ``shards`` (and the global file) of the snapshot folder in ``home``; returns the
    folder name, the same as the source's, which is how the router matches the hosts' files."""
    source = held_snapshot(snapshot)
    if source is None or not source.count:
        raise ValueError(f"{snapshot}: not the folder of a sharded snapshot")
    wanted = sorted(set(shards))
    unheld = [n for n in wanted if n not in source.shards]
    if unheld:
        raise ValueError(f"{snapshot} holds no shard {unheld[0]} (it has {source.count})")
    if with_global and not source.has_global:
        raise ValueError(f"{snapshot} holds no {GLOBAL_FILE}")
    names = [shard_file(n, source.count) for n in wanted] + ([GLOBAL_FILE] if with_global else [])
    if not names:
        raise ValueError("nothing to place: name shards or the global file")
    layout = SnapshotLayout(home.ensure().snapshots)
    placed = layout.path_of(snapshot.name)
    held = held_snapshot(placed) if placed.exists() else None
    if held and (held.shards, held.has_global) != (wanted, with_global):
        # publish() would keep the folder as it is: say so rather than place nothing.
        raise ValueError(f"{placed} already holds other files of this snapshot; remove it first")
    with layout.building() as work:
        for name in names:
            _link_or_copy(snapshot / name, work / name)
        return layout.publish(work, snapshot.name, keep=keep)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source.resolve(), target)  # the files are immutable once published
    except OSError:
        shutil.copyfile(source, target)
