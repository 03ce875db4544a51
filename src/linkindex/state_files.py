"""One SQLite connection per thread to a file of the server's state (keys, limits, usage,
Brand Authority scores, export tickets): autocommit, a busy timeout, the file's durability."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class ThreadConnections:
    """Calling it gives this thread's connection to ``path``, made on first use: a sqlite3
    connection may not be shared across threads, and the server's handlers run in several."""

    def __init__(self, path: Path, timeout: float, synchronous: str | None = None) -> None:
        self.path = path
        self.timeout = timeout
        self.synchronous = synchronous  # None: SQLite's default (FULL)
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, isolation_level=None, timeout=self.timeout)
            if self.synchronous is not None:
                con.execute(f"PRAGMA synchronous = {self.synchronous}")
            self._local.con = con
        return con
