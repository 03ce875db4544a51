"""The usage ledger: every billed row per account, quota path and second (state/usage.sqlite).

One SQLite transaction per charge reads the period's running total, checks the allotment and
writes the rows, under SQLite's write lock, so server workers in separate processes count exactly.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from linkindex.state_files import ThreadConnections

SYNC_ENV = "LINKINDEX_USAGE_SYNC"
# A repeat of a request with the same idempotency key within this window is not billed again.
RETRY_WINDOW_SECONDS = 24 * 3600

# One row per account, quota path and second: the rows billed in it, and (so a charge writes one
# B-tree, not two) the running total of the billing period after it, with the rule and period
# that total belongs to.
SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    account_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    second INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    calls INTEGER NOT NULL,
    rule TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    period_used INTEGER NOT NULL,
    PRIMARY KEY (account_id, path, second)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retries (
    account_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    at INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
"""


class Exhausted(Exception):
    """The allotment was used up before this charge; nothing was written."""

    def __init__(self, used: int) -> None:
        super().__init__(used)
        self.used = used


@dataclass(frozen=True)
class Charge:
    """One call's bill, as the meter hands it to the ledger."""

    account_id: int
    path: str
    rows: int
    now: float
    rule: str
    period_start: int
    allotted: int | None  # None: overage allowed
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Charged:
    used: int  # the period's total after this charge
    rows: int  # rows billed by this request (the first time, for a repeated request)
    repeated: bool = False


class UsageLedger:
    def __init__(self, path: Path, synchronous: str | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # NORMAL in WAL mode: a committed charge survives a killed or crashed server process;
        # FULL also survives an OS crash or power cut, at about 7x the commit cost (docs/api.md).
        self.synchronous = (synchronous or os.environ.get(SYNC_ENV) or "NORMAL").upper()
        if self.synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"{SYNC_ENV} must be normal or full, not {self.synchronous!r}")
        self._con = ThreadConnections(path, timeout=60, synchronous=self.synchronous)
        con = self._con()
        con.execute("PRAGMA journal_mode = WAL")
        con.executescript(SCHEMA)

    @staticmethod
    def _total(
        con: sqlite3.Connection, account_id: int, path: str, rule: str, period_start: int
    ) -> tuple[int, int]:
        """(rows used this period, the latest second written for this account and path)."""
        latest = con.execute(
            "SELECT rule, period_start, period_used, second FROM usage"
            " WHERE account_id = ? AND path = ? ORDER BY second DESC LIMIT 1",
            (account_id, path),
        ).fetchone()
        if latest is None:
            return 0, 0
        if latest[0] == rule and latest[1] == period_start:
            return latest[2], latest[3]
        # A new period, or `keys set-quota` changed the reset rule: the total so far comes from
        # the ledger itself, so a changed rule never forgets rows already used.
        used = con.execute(
            "SELECT COALESCE(SUM(rows), 0) FROM usage"
            " WHERE account_id = ? AND path = ? AND second >= ?",
            (account_id, path, period_start),
        ).fetchone()[0]
        return used, latest[3]

    def used(self, account_id: int, path: str, rule: str, period_start: int) -> int:
        return self._total(self._con(), account_id, path, rule, period_start)[0]

    def rows_between(self, account_id: int, path: str, start: int, end: int) -> int:
        """Rows billed from second `start` to second `end`, both included."""
        return (
            self._con()
            .execute(
                "SELECT COALESCE(SUM(rows), 0) FROM usage"
                " WHERE account_id = ? AND path = ? AND second BETWEEN ? AND ?",
                (account_id, path, start, end),
            )
            .fetchone()[0]
        )

    def calls_between(self, account_id: int, path: str, start: int, end: int) -> int:
        return (
            self._con()
            .execute(
                "SELECT COALESCE(SUM(calls), 0) FROM usage"
                " WHERE account_id = ? AND path = ? AND second BETWEEN ? AND ?",
                (account_id, path, start, end),
            )
            .fetchone()[0]
        )

    def charge(
        self,
        account_id: int,
        path: str,
        rows: int,
        *,
        now: float,
        rule: str,
        period_start: int,
        allotted: int | None,
        idempotency_key: str | None = None,
    ) -> Charged:
        """Bill `rows`, unless `allotted` (None = overage allowed) was already used up."""
        item = Charge(account_id, path, rows, now, rule, period_start, allotted, idempotency_key)
        [result] = self.charge_many([item])
        if isinstance(result, Exhausted):
            raise result
        return result

    def charge_many(self, charges: list[Charge]) -> list[Charged | Exhausted]:
        """Bill several calls in one transaction, in order; each is refused (Exhausted) or
        billed as if it were alone. All are written, or (on an error) none.

        The transaction is IMMEDIATE: it takes the database's write lock before reading the
        totals, so two workers cannot both read the same total and both spend it.
        """
        con = self._con()
        results: list[Charged | Exhausted] = []
        # (account, path) -> (rule, period_start, used, latest second) after this batch's writes
        latest: dict[tuple[int, str], tuple[str, int, int, int]] = {}
        con.execute("BEGIN IMMEDIATE")
        try:
            for c in charges:
                known = latest.get((c.account_id, c.path))
                if known is not None and known[:2] == (c.rule, c.period_start):
                    used, last_second = known[2], known[3]
                else:
                    used, last_second = self._total(
                        con, c.account_id, c.path, c.rule, c.period_start
                    )
                if c.idempotency_key is not None:
                    found = con.execute(
                        "SELECT rows FROM retries WHERE account_id = ? AND key = ? AND at >= ?",
                        (c.account_id, c.idempotency_key, int(c.now) - RETRY_WINDOW_SECONDS),
                    ).fetchone()
                    if found is not None:
                        results.append(Charged(used, found[0], repeated=True))
                        continue
                if c.allotted is not None and used >= c.allotted:
                    results.append(Exhausted(used))
                    continue
                # Never behind the latest row: the running total is read from the latest second,
                # and another worker may have written a later one while this call waited.
                second = max(int(c.now), last_second)
                con.execute(
                    "INSERT INTO usage VALUES (?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT DO UPDATE"
                    " SET rows = rows + excluded.rows, calls = calls + 1, rule = excluded.rule,"
                    " period_start = excluded.period_start, period_used = excluded.period_used",
                    (c.account_id, c.path, second, c.rows, c.rule, c.period_start, used + c.rows),
                )
                if c.idempotency_key is not None:
                    con.execute(
                        "INSERT OR REPLACE INTO retries VALUES (?, ?, ?, ?)",
                        (c.account_id, c.idempotency_key, int(c.now), c.rows),
                    )
                latest[(c.account_id, c.path)] = (c.rule, c.period_start, used + c.rows, second)
                results.append(Charged(used + c.rows, c.rows))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return results

    def forget_old_retries(self, now: float) -> int:
        """Drop idempotency keys older than the retry window (the server does this hourly)."""
        cursor = self._con().execute(
            "DELETE FROM retries WHERE at < ?", (int(now) - RETRY_WINDOW_SECONDS,)
        )
        return cursor.rowcount
