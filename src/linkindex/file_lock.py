"""An exclusive lock held through a file of its own, taken without waiting: one definition for
the build's lock on a snapshots folder and an ingest run's lock on its crawl folder.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO


def try_lock(path: Path) -> IO[str] | None:
    """The open lock file, holding an exclusive flock until it is closed; None (and nothing
    held) when another process holds it. The lock ends with the process, so a killed holder
    never leaves it taken."""
    lock = open(path, "w")  # noqa: SIM115 - the caller holds it for as long as it needs
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    return lock
