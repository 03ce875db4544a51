"""Charging a call's rows and reading a key's quota, through the server's meter (accounts).

`check`, `charge`, `charge_async` and `lookup` are the only places the JSON-RPC API touches
accounting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.datastructures import State

from linkindex.accounts.keys import ApiKey
from linkindex.accounts.meter import QuotaExceeded
from linkindex.accounts.quotas import BETA_ROWS, DATA_ROWS, MOZSCAPE_ROWS, QUOTA_PATHS
from linkindex.api.billing import quota_exhausted
from linkindex.api.jsonrpc.errors import QUOTA_EXHAUSTED, RpcError

__all__ = [
    "BETA_ROWS", "DATA_ROWS", "MOZSCAPE_ROWS", "QUOTA_PATHS", "charge", "charge_async", "check",
    "lookup",
]  # fmt: skip

T = TypeVar("T")


def _metered(state: State, path: str, bill: Callable[[], T]) -> T:
    try:
        return bill()
    except QuotaExceeded as exc:
        raise _exhausted(state, path, exc) from None


def _exhausted(state: State, path: str, exc: QuotaExceeded) -> RpcError:
    error = quota_exhausted(exc.quota, state.meter.clock())
    data: dict[str, Any] = {"key": "quota", "value": path, "issue": "quota-exhausted"}
    if "Retry-After" in error.headers:
        data["retry_after"] = int(error.headers["Retry-After"])
    return RpcError(QUOTA_EXHAUSTED, 429, error.message, data)


def check(state: State, key: ApiKey, path: str) -> None:
    """-32653 before any work when the key's allotment on ``path`` is used up (as V2's 429)."""
    _metered(state, path, lambda: state.meter.check(key, path))


def charge(state: State, key: ApiKey, path: str, rows: int) -> dict[str, Any]:
    """Bill ``rows`` to the key on ``path``; the quota object (seed 001's keys) after it."""
    return _metered(state, path, lambda: state.meter.charge(key, path, rows).to_json())


async def charge_async(state: State, key: ApiKey, path: str, rows: int) -> dict[str, Any]:
    """`charge` from the event loop: calls served in the same loop iteration share one commit
    (Meter.charge_async). The commit itself still runs on the loop (Meter._flush), once per
    iteration instead of once per call."""
    try:
        return (await state.meter.charge_async(key, path, rows)).to_json()
    except QuotaExceeded as exc:
        raise _exhausted(state, path, exc) from None


def lookup(state: State, key: ApiKey, path: str) -> dict[str, Any]:
    return state.meter.quota(key, path).to_json()
