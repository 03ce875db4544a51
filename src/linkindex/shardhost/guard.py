"""The connections a shard host reads with: read-only and immutable, an authorizer that lets a
statement read and nothing else, and a deadline checked while SQLite steps.

The router sends only the reader's own statements; the guard is for anyone else who has the URL.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

# What a SELECT needs: reading tables and columns, calling functions, recursive CTEs.
_ALLOWED = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
# The SQLite virtual machine calls the progress handler every this many instructions.
_PROGRESS_STEPS = 10_000
_MIN_LENGTH = 1024 * 1024


class Refused(Exception):
    """A statement the host does not run, or one stopped by a bound; ``status`` says which."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryBounds:
    """How much one statement may take on a host."""

    seconds: float = 10.0
    rows: int = 1_000_000
    bytes: int = 64 * 1024 * 1024


def _authorize(action: int, *_: object) -> int:
    return sqlite3.SQLITE_OK if action in _ALLOWED else sqlite3.SQLITE_DENY


class GuardedConnection:
    """One read-only connection to one file; used by one thread at a time (a pool hands it out)."""

    def __init__(self, path: Path) -> None:
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        self.con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.con.execute("PRAGMA cache_size = -65536")  # before the authorizer forbids pragmas
        # The first use of json_each on a connection declares its virtual table, which SQLite
        # asks the authorizer as writes to sqlite_master; declared now, the reader's many-target
        # statements (index/snapshot.py) need only reads. Other virtual tables stay refused.
        self.con.execute("SELECT 1 FROM json_each('[]')").fetchall()
        self.con.set_authorizer(_authorize)
        self._deadline = float("inf")
        self.con.set_progress_handler(self._past_deadline, _PROGRESS_STEPS)

    def _past_deadline(self) -> int:
        return 1 if time.monotonic() > self._deadline else 0  # non-zero interrupts the step

    def rows(self, sql: str, params: list[object], bounds: QueryBounds) -> list[tuple]:
        """Every row of one statement, or Refused: not a read (403), malformed (400), over the
        time bound (422) or over the row or byte bound (413)."""
        self._deadline = time.monotonic() + bounds.seconds
        # The byte bound on what one SQLite step may build too (randomblob(N), printf('%.*c')
        # make a value of any size in one step, between two checks of the answer): no string
        # or blob over it. Never under 1 MiB, so the parameters a router sends always fit.
        self.con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(bounds.bytes, _MIN_LENGTH))
        try:
            return self._read(sql, params, bounds)
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "not authorized" in text:
                raise Refused(403, "only reads are allowed: " + text) from exc
            if "too big" in text:  # SQLITE_LIMIT_LENGTH, set from the byte bound
                raise Refused(413, f"a value is over {bounds.bytes} bytes") from exc
            if "interrupted" in text:
                raise Refused(422, f"the statement ran past {bounds.seconds:g} s") from exc
            raise Refused(400, text) from exc
        except (sqlite3.Error, sqlite3.Warning, OverflowError, ValueError) as exc:
            raise Refused(400, str(exc)) from exc  # several statements, a bad parameter
        finally:
            self._deadline = float("inf")

    def _read(self, sql: str, params: list[object], bounds: QueryBounds) -> list[tuple]:
        cursor = self.con.execute(sql, params)
        try:
            found: list[tuple] = []
            size = 0
            while batch := cursor.fetchmany(1000):
                found += batch
                size += sum(_row_bytes(row) for row in batch)
                if len(found) > bounds.rows or size > bounds.bytes:
                    bound = f"{bounds.rows} rows or {bounds.bytes} bytes"
                    raise Refused(413, f"the answer is over {bound}")
            return found
        finally:
            cursor.close()

    def close(self) -> None:
        self.con.close()


def answer_bytes(rows: list[tuple]) -> int:
    """About what a statement's rows take on the wire."""
    return sum(_row_bytes(row) for row in rows)


def _row_bytes(row: tuple) -> int:
    # About what msgpack will take: 9 bytes a number, the length of a text or blob.
    return sum(len(v) + 5 if isinstance(v, str | bytes) else 9 for v in row)
