"""Export tickets: short-lived, single-use, unguessable names of one export, bound to the key
that asked for it, shared by every server worker through home/state/exports.sqlite.

A browser download cannot carry the Explorer's Authorization header, so the page asks for a
ticket with it and the download names the ticket (docs/explorer.md, "CSV exports").
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from linkindex.state_files import ThreadConnections

# The page follows its ticket at once: a minute covers a slow network, and a ticket copied
# out of the page is soon worth nothing.
TICKET_SECONDS = 60
# Tickets a key may hold unused at once, across the server's workers.
TICKETS_PER_KEY = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    digest BLOB PRIMARY KEY, access_id TEXT NOT NULL, endpoint TEXT NOT NULL,
    request BLOB NOT NULL, expires REAL NOT NULL,
    rows INTEGER NOT NULL  -- promised: the key's quota covered them when it was issued
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tickets_by_key ON tickets (access_id, expires);
"""
COLUMNS = "access_id, endpoint, request"
# A home's file from before tickets promised rows: its tickets are a minute from expiring, so
# the table is made anew rather than migrated.
OLD_TABLE = "SELECT COUNT(*) > 0 AND NOT SUM(name = 'rows') FROM pragma_table_info('tickets')"


class TooManyTickets(Exception):
    """The key holds TICKETS_PER_KEY tickets it has not used yet."""


@dataclass(frozen=True)
class Held:
    """A key's unexpired tickets: how many, and the rows they promise together."""

    tickets: int
    rows: int


@dataclass(frozen=True)
class Ticket:
    access_id: str
    endpoint: str
    request: bytes  # the endpoint's request body, as checked when the ticket was issued


def _digest(ticket: str) -> bytes:
    # Stored as a digest, as keys are: a copy of the file names no export to follow.
    return hashlib.sha256(ticket.encode()).digest()


class Tickets:
    def __init__(
        self,
        path: Path,
        lifetime: float = TICKET_SECONDS,
        per_key: int = TICKETS_PER_KEY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lifetime = lifetime
        self.per_key = per_key
        self.clock = clock  # tests move it on instead of waiting for a ticket to expire
        # OFF: not billing data; a crash only loses tickets a minute from expiring anyway.
        self._con = ThreadConnections(path, timeout=30, synchronous="OFF")
        con = self._con()
        con.execute("PRAGMA journal_mode = WAL")
        if con.execute(OLD_TABLE).fetchone()[0]:
            con.execute("DROP TABLE tickets")
        con.executescript(SCHEMA)

    def held(self, access_id: str) -> Held:
        """The key's unexpired tickets, without taking any."""
        found = self._con().execute(
            "SELECT COUNT(*), COALESCE(SUM(rows), 0) FROM tickets"
            " WHERE access_id = ? AND expires > ?",
            (access_id, self.clock()),
        )
        return Held(*found.fetchone())

    def check_room(self, access_id: str) -> None:
        """TooManyTickets when the key holds as many as it may: cheap, so it is asked before
        an export is counted; issue() checks again, atomically."""
        if self.held(access_id).tickets >= self.per_key:
            raise TooManyTickets(access_id)

    def issue(self, access_id: str, endpoint: str, request: bytes, rows: int) -> str:
        """A new ticket for the key, promising `rows` of its quota, or TooManyTickets."""
        ticket = secrets.token_urlsafe(32)
        now = self.clock()
        con = self._con()
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("DELETE FROM tickets WHERE expires <= ?", (now,))
            (held,) = con.execute(
                "SELECT COUNT(*) FROM tickets WHERE access_id = ?", (access_id,)
            ).fetchone()
            if held >= self.per_key:
                raise TooManyTickets(access_id)
            con.execute(
                "INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?)",
                (_digest(ticket), access_id, endpoint, request, now + self.lifetime, rows),
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return ticket

    def peek(self, ticket: str, access_id: str | None = None) -> Ticket | None:
        """The ticket's export, left in place: what take() would give now."""
        query, args = self._which(ticket, access_id)
        row = self._con().execute(f"SELECT {COLUMNS} FROM tickets WHERE {query}", args)
        found = row.fetchone()
        return Ticket(*found) if found else None

    def take(self, ticket: str, access_id: str | None = None) -> Ticket | None:
        """The ticket's export, once: the same ticket again, an expired one, or one of
        another key than `access_id` (when given) is None."""
        query, args = self._which(ticket, access_id)
        found = self._con().execute(f"DELETE FROM tickets WHERE {query} RETURNING {COLUMNS}", args)
        row = found.fetchone()
        found.fetchall()  # to the statement's end: it commits only then
        return Ticket(*row) if row else None

    def _which(self, ticket: str, access_id: str | None) -> tuple[str, tuple]:
        query = "digest = ? AND expires > ?"
        args: tuple = (_digest(ticket), self.clock())
        if access_id is not None:
            query, args = query + " AND access_id = ?", (*args, access_id)
        return query, args
