"""Durable Brand Authority state: generated scores and the queue of async generation calls.

One SQLite file in WAL mode under home/state, shared by every server worker of the home.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkindex.state_files import ThreadConnections

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS generated_brand_authority (
        index_id TEXT NOT NULL,
        root_domain TEXT NOT NULL,
        score INTEGER NOT NULL,
        generated_at INTEGER NOT NULL,
        PRIMARY KEY (index_id, root_domain)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS async_calls (
        id TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        query TEXT NOT NULL,
        root_domain TEXT NOT NULL,
        access_id TEXT NOT NULL,
        status TEXT NOT NULL,
        result TEXT,
        error TEXT,
        created_at REAL NOT NULL,
        claimed_at REAL,
        expires_at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS async_calls_pending ON async_calls (status, created_at)",
)

# How long an async call can be looked up: an hour while it waits or runs, and 10 s after a
# lookup has seen it complete (spec 2.3: "TTL is reset to 10 s after a completed fetch").
CALL_TTL_SECONDS = 3600
COMPLETED_TTL_SECONDS = 10
# A call claimed by a worker that died is taken up again after this long.
CLAIM_LEASE_SECONDS = 60


@dataclass(frozen=True)
class AsyncCall:
    id: str
    action: str
    query: str
    root_domain: str
    access_id: str
    status: str
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    expires_at: float

    def to_json(self, now: float) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "status": self.status,
            "ttl": max(0, int(self.expires_at - now)),
            "result": self.result,
            "error": self.error,
        }


_CALL_COLUMNS = "id, action, query, root_domain, access_id, status, result, error, expires_at"


def _call(row: tuple) -> AsyncCall:
    values = list(row)
    values[6] = json.loads(values[6]) if values[6] else None
    values[7] = json.loads(values[7]) if values[7] else None
    return AsyncCall(*values)


class BrandStore:
    """Thread-safe (a connection per thread) and process-safe (SQLite locking, WAL)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # FULL: a stored score survives a power cut.
        self._con = ThreadConnections(path, timeout=30, synchronous="FULL")
        con = self._con()
        con.execute("PRAGMA journal_mode = WAL")
        for statement in SCHEMA:
            con.execute(statement)

    def generated_score(self, index_id: str, root_domain: str) -> int | None:
        row = (
            self._con()
            .execute(
                "SELECT score FROM generated_brand_authority"
                " WHERE index_id = ? AND root_domain = ?",
                (index_id, root_domain),
            )
            .fetchone()
        )
        return None if row is None else int(row[0])

    def save_score(self, index_id: str, root_domain: str, score: int) -> None:
        self._con().execute(
            "INSERT OR REPLACE INTO generated_brand_authority VALUES (?, ?, ?, ?)",
            (index_id, root_domain, score, int(time.time())),
        )

    def enqueue(self, action: str, query: str, root_domain: str, access_id: str) -> AsyncCall:
        now = time.time()
        call_id = str(uuid.uuid4())
        self._con().execute(
            "INSERT INTO async_calls (id, action, query, root_domain, access_id, status,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
            (call_id, action, query, root_domain, access_id, now, now + CALL_TTL_SECONDS),
        )
        found = self.get(call_id)
        assert found is not None
        return found

    def get(self, call_id: str) -> AsyncCall | None:
        row = (
            self._con()
            .execute(f"SELECT {_CALL_COLUMNS} FROM async_calls WHERE id = ?", (call_id,))
            .fetchone()
        )
        return None if row is None else _call(row)

    def lookup(self, call_id: str, access_id: str) -> AsyncCall | None:
        """The caller's own call, unless expired; a completed call then expires in 10 s."""
        now = time.time()
        con = self._con()
        con.execute("DELETE FROM async_calls WHERE expires_at < ?", (now,))
        row = con.execute(
            f"SELECT {_CALL_COLUMNS} FROM async_calls WHERE id = ? AND access_id = ?",
            (call_id, access_id),
        ).fetchone()
        if row is None:
            return None
        call = _call(row)
        if call.status == "complete":
            expires = min(call.expires_at, now + COMPLETED_TTL_SECONDS)
            con.execute("UPDATE async_calls SET expires_at = ? WHERE id = ?", (expires, call.id))
            call = _call((*row[:8], expires))
        return call

    def claim(self) -> AsyncCall | None:
        """Take the oldest waiting call (or one whose worker died); one worker gets each."""
        now = time.time()
        # One UPDATE ... RETURNING is one write transaction: two workers can never both
        # move the same row from pending to processing.
        row = (
            self._con()
            .execute(
                f"UPDATE async_calls SET status = 'processing', claimed_at = ?"
                " WHERE id = (SELECT id FROM async_calls WHERE status = 'pending'"
                "   OR (status = 'processing' AND claimed_at < ?)"
                "   ORDER BY created_at LIMIT 1)"
                f" RETURNING {_CALL_COLUMNS}",
                (now, now - CLAIM_LEASE_SECONDS),
            )
            .fetchone()
        )
        return None if row is None else _call(row)

    def finish(
        self, call_id: str, result: dict[str, Any] | None, error: dict[str, Any] | None
    ) -> None:
        self._con().execute(
            "UPDATE async_calls SET status = 'complete', result = ?, error = ? WHERE id = ?",
            (
                None if result is None else json.dumps(result),
                None if error is None else json.dumps(error),
                call_id,
            ),
        )
