"""Charging a call's rows and reading a key's quota, through the server's meter.

`charge` and `lookup` are the only places the JSON-RPC API touches accounting.
"""

from __future__ import annotations

import threading
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import State

from linkindex.accounts.keys import ApiKey
from linkindex.api.jsonrpc.errors import QUOTA_EXHAUSTED, RpcError

BETA_ROWS = "api.limits.beta.rows"
DATA_ROWS = "api.limits.data.rows"
MOZSCAPE_ROWS = "api.limits.mozscape.rows"
QUOTA_PATHS = (DATA_ROWS, BETA_ROWS, MOZSCAPE_ROWS)

# The in-memory meter's allotment per key, path and calendar month.
MEMORY_ALLOTTED = 1_000_000


class QuotaExceeded(Exception):
    """The in-memory meter's refusal; the accounts meter raises its own class of this name."""


def _is_quota_exceeded(exc: Exception) -> bool:
    # Matched by class name so this module needs no import of whichever meter is installed.
    return type(exc).__name__ == "QuotaExceeded"


def charge(state: State, key: ApiKey, path: str, rows: int) -> dict[str, Any]:
    """Bill ``rows`` to the key on ``path``; the quota object (seed 001's keys) after it."""
    try:
        return _meter(state).charge(key, path, rows).to_json()
    except Exception as exc:
        if _is_quota_exceeded(exc):
            raise RpcError(
                QUOTA_EXHAUSTED,
                429,
                f"Quota exhausted for {path}: the key's allotment for this period is used up.",
                {"key": "quota", "value": path, "issue": "quota-exhausted"},
            ) from exc
        raise


def lookup(state: State, key: ApiKey, path: str) -> dict[str, Any]:
    return _meter(state).quota(key, path).to_json()


def _meter(state: State) -> Any:
    meter = getattr(state, "meter", None)
    if meter is None:
        meter = state.meter = InMemoryMeter()
    return meter


@dataclass(frozen=True)
class MemoryQuota:
    path: str
    account_id: int
    allotted: int
    used: int
    period_start: int
    period_reset: int
    usage_value: int

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "account_id": self.account_id,
            "allotted": self.allotted,
            "used": self.used,
            "reset": "month",
            "overage": False,
            "period_start": self.period_start,
            "period_reset": self.period_reset,
            "usage_key": None,
            "usage_value": self.usage_value,
        }


def _month_bounds(now: float) -> tuple[int, int]:
    day = datetime.fromtimestamp(now, UTC)
    start = day.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else (start.replace(month=start.month + 1))
    )
    return int(start.timestamp()), int(end.timestamp())


class InMemoryMeter:
    """A per-process meter used only when the server has no `state.meter`.

    It counts rows per key, path and calendar month in memory, so counts are lost on restart
    and not shared between workers; the accounts module's durable meter replaces it.
    """

    def __init__(self, allotted: int = MEMORY_ALLOTTED) -> None:
        self.allotted = allotted
        self._used: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def _quota(self, key: ApiKey, path: str, used: int, rows: int) -> MemoryQuota:
        start, reset = _month_bounds(time.time())
        account = zlib.crc32(key.access_id.encode("utf-8"))
        return MemoryQuota(path, account, self.allotted, used, start, reset, rows)

    def charge(self, key: ApiKey, path: str, rows: int) -> MemoryQuota:
        start, _ = _month_bounds(time.time())
        slot = (key.access_id, path, start)
        with self._lock:
            used = self._used.get(slot, 0)
            if used + rows > self.allotted:
                raise QuotaExceeded(path)
            self._used[slot] = used + rows
            return self._quota(key, path, used + rows, rows)

    def quota(self, key: ApiKey, path: str) -> MemoryQuota:
        start, _ = _month_bounds(time.time())
        with self._lock:
            used = self._used.get((key.access_id, path, start), 0)
        return self._quota(key, path, used, 0)
