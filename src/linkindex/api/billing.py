"""V2 billing over the meter: the quota-exhausted error a Moz client sees, and the optional
Idempotency-Key header that keeps a retried request from being billed twice.
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import UTC, datetime

from starlette.datastructures import Headers

from linkindex.accounts.keys import ApiKey
from linkindex.accounts.meter import Meter, QuotaExceeded
from linkindex.accounts.quotas import Quota
from linkindex.api.errors import ApiError

IDEMPOTENCY_HEADER = "idempotency-key"


def quota_exhausted(quota: Quota, now: float | None = None) -> ApiError:
    """429 (what Moz clients treat as "over your limit"), with Retry-After until the period
    resets; a quota that never resets has no Retry-After: only its operator can raise it."""
    used = f"{quota.used} of {quota.allotted} rows on {quota.path}"
    if quota.period_reset is None:
        message = (
            f"Quota exhausted: {used} used, and this quota never resets;"
            " ask the server's operator to raise it (linkindex keys set-quota)"
        )
        return ApiError(429, message)
    message = f"Quota exhausted: {used} used this {quota.reset}; it resets at {_when(quota)}"
    return ApiError(429, message, _retry_after(quota, now))


def quota_too_small(
    quota: Quota, rows: int, more: bool, now: float | None = None, promised: int = 0
) -> ApiError:
    """429 for a whole list (a CSV export) that needs more rows than the quota has left, less
    the rows its export tickets not yet followed promise: refused before any row is billed,
    rather than cut short part way."""
    left = max(0, quota.allotted - quota.used)
    needs = f"{'more than ' if more else ''}{rows} rows"
    message = (
        f"Quota too small for this export: the list has {needs} and this key has {left} of"
        f" {quota.allotted} rows left on {quota.path}"
    )
    if promised:
        message += f", {promised} of them promised to its export tickets not yet followed"
    message += "; export a narrower list (a filter), or"
    if quota.period_reset is None:
        message += " ask the server's operator to raise the quota (linkindex keys set-quota)"
        return ApiError(429, message)
    message += f" wait until the quota resets at {_when(quota)}"
    return ApiError(429, message, _retry_after(quota, now))


def _when(quota: Quota) -> str:
    assert quota.period_reset is not None
    return datetime.fromtimestamp(quota.period_reset, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _retry_after(quota: Quota, now: float | None) -> dict[str, str]:
    """Retry-After: the seconds until the quota's period resets."""
    assert quota.period_reset is not None
    wait = max(1, math.ceil(quota.period_reset - (time.time() if now is None else now)))
    return {"Retry-After": str(wait)}


def check_quota(meter: Meter, key: ApiKey, path: str) -> None:
    try:
        meter.check(key, path)
    except QuotaExceeded as exc:
        raise quota_exhausted(exc.quota, meter.clock()) from None


async def charge_rows(
    meter: Meter, key: ApiKey, path: str, rows: int, retry_key: str | None = None
) -> Quota:
    try:
        return await meter.charge_async(key, path, rows, idempotency_key=retry_key)
    except QuotaExceeded as exc:
        # Another request spent the last rows while this one ran: its answer is dropped unbilled.
        raise quota_exhausted(exc.quota, meter.clock()) from None


def idempotency_key(headers: Headers, path: str, body: bytes) -> str | None:
    """The client's Idempotency-Key bound to this exact request: the same key sent with another
    endpoint or body is a new request and is billed."""
    sent = headers.get(IDEMPOTENCY_HEADER)
    if not sent:
        return None
    digest = hashlib.blake2b(digest_size=16)
    for part in (sent.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()
