"""Request limits: a per-key rate limit and the spec's throttle on clients that keep sending bad
requests (more than 50 4xx in 5 minutes: 50 requests per 5 minutes until 30 s pass without one).

State lives in home/state/limits.sqlite, shared by every server worker. It is not billing data,
so it is written without fsync: a crash only forgets who was being slowed down. Each worker keeps
its reading of a client's recent bad requests in memory and asks SQLite's data_version whether
another worker has written the file at most every SHARED_CHECK_SECONDS, so a request from a
well-behaved client costs no SQLite call at all.
"""

from __future__ import annotations

import bisect
import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from linkindex.accounts.quotas import RateLimit
from linkindex.state_files import ThreadConnections

# Spec 2.1 (Moz's error-handling guide).
THROTTLE_ERRORS = 50
THROTTLE_WINDOW_SECONDS = 300
THROTTLE_ALLOWANCE = 50
THROTTLE_QUIET_SECONDS = 30
# "off" turns the throttle off, e.g. behind a proxy that makes every client one address.
THROTTLE_ENV = "LINKINDEX_THROTTLE"
# Clients whose bad requests one connection remembers before it forgets them all and rereads:
# a bound on memory when every request comes from a new address.
REMEMBERED_CLIENTS = 10_000
# How long a worker trusts that memory before it asks whether another worker has written
# limits.sqlite: a 4xx answered by another worker counts here at most this late. (Asking on
# every request cost as much as the count it saves: both are one SQLite statement.)
SHARED_CHECK_SECONDS = 0.05

SCHEMA = """
CREATE TABLE IF NOT EXISTS rate (client TEXT PRIMARY KEY, tat REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bad_requests (client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS bad_requests_by_client ON bad_requests (client, at);
CREATE TABLE IF NOT EXISTS throttled_requests (client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS throttled_requests_by_client ON throttled_requests (client, at);
"""


class Refused(Exception):
    """Over a limit: answer 429 with Retry-After (whole seconds, at least 1)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, math.ceil(retry_after))


def rate_message(limit: RateLimit) -> str:
    return (
        f"Rate limit exceeded: this key may send {limit.requests} requests per {limit.period};"
        " retry after the number of seconds in the Retry-After header"
    )


THROTTLE_MESSAGE = (
    f"Too many bad requests: more than {THROTTLE_ERRORS} requests from this client ended in a"
    f" 4xx error within {THROTTLE_WINDOW_SECONDS // 60} minutes, so it may send"
    f" {THROTTLE_ALLOWANCE} requests per {THROTTLE_WINDOW_SECONDS // 60} minutes until"
    f" {THROTTLE_QUIET_SECONDS} s pass without a 4xx; fix the requests that fail"
)


class Limiter:
    def __init__(
        self, path: Path, clock: Callable[[], float] = time.time, throttle: bool | None = None
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.clock = clock
        if throttle is None:
            throttle = os.environ.get(THROTTLE_ENV, "on").lower() not in ("off", "0", "false")
        self.throttle = throttle
        self._next_sweep = 0.0
        self._local = threading.local()  # this thread's bad-request cache
        self._con = ThreadConnections(path, timeout=60, synchronous="OFF")
        con = self._con()
        con.execute("PRAGMA journal_mode = WAL")
        con.executescript(SCHEMA)

    def admit(self, client: str, rate: RateLimit | None) -> None:
        """Let one request from `client` through, or raise Refused."""
        now = self.clock()
        if rate is not None:
            self._rate(client, rate, now)
        if not self.throttle:
            return
        times = self._bad_request_times(client, now)
        errors = len(times) - bisect.bisect_right(times, now - THROTTLE_WINDOW_SECONDS)
        if errors > THROTTLE_ERRORS:
            self._throttle(client, now, times[-1])

    def _bad_request_times(self, client: str, now: float) -> list[float]:
        """The client's bad requests of the last window, oldest first: as this connection last
        read them, unless it has seen another connection (another worker) write the file since."""
        con = self._con()
        local = self._local
        moment = time.monotonic()  # not self.clock: the bound is real time, whatever the rules'
        if moment >= getattr(local, "check_at", 0.0):
            local.check_at = moment + SHARED_CHECK_SECONDS
            version = con.execute("PRAGMA data_version").fetchone()[0]
            if version != getattr(local, "version", None) or len(local.errors) > REMEMBERED_CLIENTS:
                local.version, local.errors = version, {}
        times = local.errors.get(client)
        if times is None:
            times = local.errors[client] = [
                at
                for (at,) in con.execute(
                    "SELECT at FROM bad_requests WHERE client = ? AND at > ? ORDER BY at",
                    (client, now - THROTTLE_WINDOW_SECONDS),
                )
            ]
        return times

    def _forget(self, client: str) -> None:
        # This connection's own writes leave its data_version as it was: drop what it read.
        getattr(self._local, "errors", {}).pop(client, None)

    def _throttle(self, client: str, now: float, last_error: float) -> None:
        con = self._con()
        quiet_for = now - last_error
        if quiet_for >= THROTTLE_QUIET_SECONDS:
            # Lifted: the slate is clean, so it takes another 51 errors to be throttled again.
            con.execute("BEGIN IMMEDIATE")
            con.execute("DELETE FROM bad_requests WHERE client = ?", (client,))
            con.execute("DELETE FROM throttled_requests WHERE client = ?", (client,))
            con.execute("COMMIT")
            self._forget(client)
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute(
                "DELETE FROM throttled_requests WHERE client = ? AND at <= ?",
                (client, now - THROTTLE_WINDOW_SECONDS),
            )
            count, oldest = con.execute(
                "SELECT COUNT(*), MIN(at) FROM throttled_requests WHERE client = ?", (client,)
            ).fetchone()
            if count >= THROTTLE_ALLOWANCE:
                frees_up = oldest + THROTTLE_WINDOW_SECONDS - now
                raise Refused(THROTTLE_MESSAGE, min(frees_up, THROTTLE_QUIET_SECONDS - quiet_for))
            con.execute("INSERT INTO throttled_requests VALUES (?, ?)", (client, now))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _rate(self, client: str, rate: RateLimit, now: float) -> None:
        # GCRA (a leaky bucket kept as one time per client): each request moves the client's
        # theoretical arrival time on by period/requests; up to `requests` may come at once.
        interval = rate.seconds / rate.requests
        con = self._con()
        admitted = con.execute(
            "INSERT INTO rate VALUES (?1, ?2 + ?3) ON CONFLICT (client) DO UPDATE"
            " SET tat = max(tat, ?2) + ?3 WHERE max(tat, ?2) + ?3 - ?2 <= ?4 + 1e-6 RETURNING tat",
            (client, now, interval, rate.seconds),
        ).fetchall()  # fetch to the end: the statement (and its commit) finishes only then
        if not admitted:
            (tat,) = con.execute("SELECT tat FROM rate WHERE client = ?", (client,)).fetchone()
            raise Refused(rate_message(rate), max(tat, now) + interval - rate.seconds - now)

    def record_client_error(self, client: str) -> None:
        """Count a 4xx answer toward the throttle."""
        if not self.throttle:
            return
        now = self.clock()
        con = self._con()
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "DELETE FROM bad_requests WHERE client = ? AND at <= ?",
            (client, now - THROTTLE_WINDOW_SECONDS),
        )
        con.execute("INSERT INTO bad_requests VALUES (?, ?)", (client, now))
        if now >= self._next_sweep:
            # Clients that stopped erroring leave rows behind: drop everyone's old ones now
            # and then (a scan, so not on every error).
            self._next_sweep = now + 60
            cutoff = now - THROTTLE_WINDOW_SECONDS
            con.execute("DELETE FROM bad_requests WHERE at <= ?", (cutoff,))
            con.execute("DELETE FROM throttled_requests WHERE at <= ?", (cutoff,))
        con.execute("COMMIT")
        self._forget(client)
