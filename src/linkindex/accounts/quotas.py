"""Quota policies: how many rows a key may use per quota path, per period, and whether it may go
over; the billing periods themselves (calendar-aligned in UTC) and the Moz quota object.

Policies and per-key rate limits are stored beside the credentials (keys.sqlite), so the CLI
changes them and every server worker sees the change on its next request.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from linkindex.accounts.keys import ACCOUNTS_SCHEMA
from linkindex.accounts.keys import SCHEMA as KEYS_SCHEMA

# Spec 2.2: production rows (V2 endpoints and the JSON-RPC data methods), beta methods, legacy.
DATA_ROWS = "api.limits.data.rows"
BETA_ROWS = "api.limits.beta.rows"
MOZSCAPE_ROWS = "api.limits.mozscape.rows"
QUOTA_PATHS = (DATA_ROWS, BETA_ROWS, MOZSCAPE_ROWS)

Reset = Literal["never", "month", "week", "day", "hour", "minute"]
RESETS: tuple[str, ...] = ("never", "month", "week", "day", "hour", "minute")
RATE_PERIODS = {"second": 1, "minute": 60}
# What an unlimited quota (no allotment, overage allowed: every key's default) shows as
# `allotted` in the quota object, with `overage: false`: the largest 32-bit integer, so a
# Moz client typed for a number (int32 included) reads it as a quota far from used up, where
# `allotted: 0, overage: true` read as "over the limit" (docs/api.md).
UNLIMITED_ROWS = 2**31 - 1


@dataclass(frozen=True)
class QuotaPolicy:
    """What a key may use on one path. The default (no `keys set-quota`) counts every row and
    refuses none: overage allowed over an allotment of 0, billed monthly (docs/api.md)."""

    allotted: int = 0
    reset: str = "month"
    overage: bool = True
    set_at: int = 0  # when `keys set-quota` last changed it (0: the default policy)

    @property
    def rule(self) -> str:
        return f"{self.reset}@{self.set_at}"


DEFAULT_POLICY = QuotaPolicy()


@dataclass(frozen=True)
class RateLimit:
    """At most `requests` per `period` ("second" or "minute"); None = no per-key limit."""

    requests: int
    period: str = "second"

    @property
    def seconds(self) -> int:
        return RATE_PERIODS[self.period]

    def __str__(self) -> str:
        return f"{self.requests}/{self.period}"

    @classmethod
    def parse(cls, text: str) -> RateLimit | None:
        """ "10/second", "600/minute", "10/s", "600/min", or "none"."""
        if text.strip().lower() in ("none", "off", "0"):
            return None
        count, _, unit = text.strip().lower().partition("/")
        period = {"s": "second", "sec": "second", "second": "second", "m": "minute",
                  "min": "minute", "minute": "minute"}.get(unit or "second")  # fmt: skip
        if not count.isdigit() or int(count) < 1 or period is None:
            raise ValueError(f"rate limit {text!r}: write N/second, N/minute or none")
        return cls(int(count), period)


@dataclass(frozen=True)
class Account:
    account_id: int
    access_id: str
    created_at: int
    rate_limit: RateLimit | None
    policies: dict[str, QuotaPolicy]

    def policy(self, path: str) -> QuotaPolicy:
        return self.policies.get(path, DEFAULT_POLICY)


def period_bounds(reset: str, now: float, never_start: int) -> tuple[int, int | None]:
    """The billing period holding `now`: (period_start, period_reset), Unix seconds, UTC
    calendar boundaries (weeks start on Monday). A quota that never resets has one period,
    from the key's creation, with no reset time."""
    if reset == "never":
        return never_start, None
    at = datetime.fromtimestamp(now, UTC)
    if reset == "minute":
        start = at.replace(second=0, microsecond=0)
        end = start + timedelta(minutes=1)
    elif reset == "hour":
        start = at.replace(minute=0, second=0, microsecond=0)
        end = start + timedelta(hours=1)
    elif reset == "day":
        start = at.replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=1)
    elif reset == "week":
        day = at.replace(hour=0, minute=0, second=0, microsecond=0)
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=7)
    elif reset == "month":
        start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = start.replace(year=start.year + 1, month=1) if start.month == 12 else (
            start.replace(month=start.month + 1))  # fmt: skip
    else:
        raise ValueError(f"unknown reset period {reset!r}: one of {', '.join(RESETS)}")
    return int(start.timestamp()), int(end.timestamp())


@dataclass(frozen=True)
class Quota:
    """A key's standing on one quota path, shaped as Moz's quota object (seed 001)."""

    path: str
    account_id: int
    allotted: int
    used: int
    reset: str
    overage: bool
    period_start: int
    period_reset: int | None
    usage_value: int = 0

    @property
    def exhausted(self) -> bool:
        return not self.overage and self.used >= self.allotted

    @property
    def unlimited(self) -> bool:
        """No allotment and overage allowed: every row is counted, none refused."""
        return self.overage and self.allotted == 0

    def to_json(self) -> dict:
        """Seed 001's quota object; an unlimited quota shows UNLIMITED_ROWS allotted, overage
        false (the policy itself is unchanged: it still refuses nothing)."""
        return {
            "path": self.path,
            "account_id": self.account_id,
            "allotted": UNLIMITED_ROWS if self.unlimited else self.allotted,
            "used": self.used,
            "reset": self.reset,
            "overage": False if self.unlimited else self.overage,
            "period_start": self.period_start,
            "period_reset": self.period_reset,
            "usage_key": None,
            "usage_value": self.usage_value,
        }


def load_accounts(con: sqlite3.Connection) -> dict[str, Account]:
    """Every key's account (revoked ones too) with its policies, from keys.sqlite."""
    # Keys made before accounts existed get their number the first time anyone looks.
    con.execute(
        "INSERT OR IGNORE INTO accounts (access_id)"
        " SELECT access_id FROM api_keys ORDER BY created_at, access_id"
    )
    policies: dict[str, dict[str, QuotaPolicy]] = {}
    for access_id, path, allotted, reset, overage, set_at in con.execute(
        "SELECT access_id, path, allotted, reset, overage, set_at FROM quotas"
    ):
        policies.setdefault(access_id, {})[path] = QuotaPolicy(
            allotted, reset, bool(overage), set_at
        )
    accounts = {}
    for account_id, access_id, limit, period, created_at in con.execute(
        "SELECT a.account_id, a.access_id, a.rate_limit, a.rate_period, k.created_at"
        " FROM accounts a JOIN api_keys k USING (access_id)"
    ):
        accounts[access_id] = Account(
            account_id,
            access_id,
            created_at,
            RateLimit(limit, period) if limit else None,
            policies.get(access_id, {}),
        )
    return accounts


class AccountStore:
    """Account ids, quota policies and rate limits in keys.sqlite, cached per process and
    reloaded when another connection (the CLI) commits a change."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        con = sqlite3.connect(path, isolation_level=None, timeout=30)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute(KEYS_SCHEMA)
        con.executescript(ACCOUNTS_SCHEMA)
        con.close()
        self._lock = threading.Lock()
        self._watcher = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._version: int | None = None
        self._accounts: dict[str, Account] = {}

    def _write(self, sql: str, params: tuple) -> int:
        con = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            return con.execute(sql, params).rowcount
        finally:
            con.close()

    def _known(self, access_id: str) -> bool:
        con = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            row = con.execute("SELECT 1 FROM api_keys WHERE access_id = ?", (access_id,))
            return row.fetchone() is not None
        finally:
            con.close()

    def set_quota(self, access_id: str, path: str, policy: QuotaPolicy) -> None:
        if path not in QUOTA_PATHS:
            raise ValueError(f"unknown quota path {path!r}: one of {', '.join(QUOTA_PATHS)}")
        if policy.reset not in RESETS:
            raise ValueError(f"unknown reset {policy.reset!r}: one of {', '.join(RESETS)}")
        if policy.allotted < 0:
            raise ValueError("allotted must be 0 or more rows")
        if not self._known(access_id):
            raise KeyError(access_id)
        self._write(
            "INSERT INTO quotas VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (access_id, path) DO UPDATE"
            " SET allotted = excluded.allotted, reset = excluded.reset,"
            " overage = excluded.overage, set_at = excluded.set_at",
            (access_id, path, policy.allotted, policy.reset, int(policy.overage), int(time.time())),
        )

    def set_rate_limit(self, access_id: str, limit: RateLimit | None) -> None:
        if not self._known(access_id):
            raise KeyError(access_id)
        self._write(
            "INSERT INTO accounts (access_id, rate_limit, rate_period) VALUES (?, ?, ?)"
            " ON CONFLICT (access_id) DO UPDATE"
            " SET rate_limit = excluded.rate_limit, rate_period = excluded.rate_period",
            (access_id, limit.requests if limit else None, limit.period if limit else "second"),
        )

    def _reload(self) -> None:
        self._accounts = load_accounts(self._watcher)

    def get(self, access_id: str) -> Account:
        with self._lock:
            version = self._watcher.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version or access_id not in self._accounts:
                self._reload()
                # Our own INSERT above bumps no data_version for this connection.
                self._version = self._watcher.execute("PRAGMA data_version").fetchone()[0]
            try:
                return self._accounts[access_id]
            except KeyError:
                raise KeyError(f"no credential {access_id}") from None

    def all(self) -> list[Account]:
        with self._lock:
            self._reload()
            return sorted(self._accounts.values(), key=lambda a: a.account_id)
