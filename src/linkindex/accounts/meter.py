"""The meter both APIs bill through: a key's quota on a path, and charging rows against it.

It joins the policy (quotas.AccountStore, keys.sqlite) with the ledger (usage.UsageLedger,
usage.sqlite); the clock is injectable so tests can cross period boundaries.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from linkindex.accounts.keys import ApiKey
from linkindex.accounts.quotas import DATA_ROWS, Account, AccountStore, Quota, period_bounds
from linkindex.accounts.usage import Charge, Charged, Exhausted, UsageLedger

RETRY_SWEEP_SECONDS = 3600


class QuotaExceeded(Exception):
    """The key's allotment on this path is used up and overage is not allowed."""

    def __init__(self, quota: Quota) -> None:
        super().__init__(f"quota exhausted on {quota.path}: {quota.used} of {quota.allotted} rows")
        self.quota = quota


class Meter:
    def __init__(
        self,
        accounts: AccountStore,
        ledger: UsageLedger,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.accounts = accounts
        self.ledger = ledger
        self.clock = clock
        self._next_sweep = 0.0
        # (reset, never_start) -> the current period's bounds, reused until it ends.
        self._periods: dict[tuple[str, int], tuple[int, int | None]] = {}
        self._pending: list[tuple[Charge, asyncio.Future]] = []

    @classmethod
    def open(cls, state: Path, clock: Callable[[], float] = time.time) -> Meter:
        """The meter of a home's state folder: policies in keys.sqlite, usage in usage.sqlite."""
        return cls(AccountStore(state / "keys.sqlite"), UsageLedger(state / "usage.sqlite"), clock)

    def account(self, key: ApiKey) -> Account:
        """The key's settings: those it was identified with, else (CLI, tests) the store's."""
        return key.account if key.account is not None else self.accounts.get(key.access_id)

    def _period(self, reset: str, now: float, never_start: int) -> tuple[int, int | None]:
        cached = self._periods.get((reset, never_start))
        if cached is None or now < cached[0] or (cached[1] is not None and now >= cached[1]):
            cached = self._periods[(reset, never_start)] = period_bounds(reset, now, never_start)
        return cached

    def _quota(
        self, account: Account, path: str, now: float, used: int = 0, usage_value: int = 0
    ) -> Quota:
        policy = account.policy(path)
        start, reset_at = self._period(policy.reset, now, account.created_at)
        return Quota(path, account.account_id, policy.allotted, used, policy.reset,
                     policy.overage, start, reset_at, usage_value)  # fmt: skip

    def quota(self, key: ApiKey, path: str) -> Quota:
        """The key's quota on `path` now: allotment, rows used this period, period bounds."""
        account = self.account(key)
        now = self.clock()
        standing = self._quota(account, path, now)
        used = self.ledger.used(
            account.account_id, path, account.policy(path).rule, standing.period_start
        )
        return self._quota(account, path, now, used)

    def check(self, key: ApiKey, path: str) -> None:
        """Raise QuotaExceeded if a billed call would be refused now (asked before the work).
        A key allowed overage costs no lookup."""
        if self.account(key).policy(path).overage:
            return
        quota = self.quota(key, path)
        if quota.exhausted:
            raise QuotaExceeded(quota)

    def _prepare(
        self, key: ApiKey, path: str, rows: int, idempotency_key: str | None
    ) -> tuple[Account, float, Charge]:
        if rows < 0:
            raise ValueError("rows must be 0 or more")
        now = self.clock()
        account = self.account(key)
        policy = account.policy(path)
        period_start, _ = self._period(policy.reset, now, account.created_at)
        allotted = None if policy.overage else policy.allotted
        item = Charge(account.account_id, path, rows, now, policy.rule, period_start, allotted,
                      idempotency_key)  # fmt: skip
        return account, now, item

    def _settle(
        self, account: Account, path: str, now: float, result: Charged | Exhausted
    ) -> Quota:
        if isinstance(result, Exhausted):
            raise QuotaExceeded(self._quota(account, path, now, result.used))
        if now >= self._next_sweep:
            self._next_sweep = now + RETRY_SWEEP_SECONDS
            self.ledger.forget_old_retries(now)
        return self._quota(account, path, now, result.used, result.rows)

    def charge(
        self, key: ApiKey, path: str, rows: int, idempotency_key: str | None = None
    ) -> Quota:
        """Record `rows` on `path` durably and return the quota after it (usage_value = rows).

        Refused with QuotaExceeded, writing nothing, when the allotment was already used up and
        overage is off; a call that starts with rows left is billed in full, so `used` can pass
        `allotted` by at most one call's rows. 0 rows writes nothing. A repeat of an
        `idempotency_key` within 24 hours is not billed again and reports the first rows.
        """
        account, now, item = self._prepare(key, path, rows, idempotency_key)
        if rows == 0:
            used = self.ledger.used(item.account_id, path, item.rule, item.period_start)
            return self._quota(account, path, now, used)
        [result] = self.ledger.charge_many([item])
        return self._settle(account, path, now, result)

    async def charge_async(
        self, key: ApiKey, path: str, rows: int, idempotency_key: str | None = None
    ) -> Quota:
        """`charge` for async servers: the calls of one event loop that reach it in the same
        loop iteration share one transaction (group commit), each still checked and billed on
        its own and each awaiting the commit, so its answer leaves only once its rows are safe.
        """
        if rows == 0:
            return self.charge(key, path, 0)
        account, now, item = self._prepare(key, path, rows, idempotency_key)
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if len(self._pending) == 1:
            # Runs after the callbacks already queued: the other requests this iteration serves.
            asyncio.get_running_loop().call_soon(self._flush)
        return self._settle(account, path, now, await future)

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        try:
            results = self.ledger.charge_many([item for item, _ in batch])
        except Exception as exc:  # nothing was written: every call of the batch fails
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    def rows_consumed(self, key: ApiKey, start: int | None, end: int | None) -> int:
        """Data rows (spec 2.2 production path) billed to the key from `start` to `end`
        (Unix seconds, both included); by default the current billing period up to now."""
        account = self.account(key)
        now = self.clock()
        period_start, _ = self._period(account.policy(DATA_ROWS).reset, now, account.created_at)
        first = period_start if start is None else start
        last = int(now) if end is None else end
        return self.ledger.rows_between(account.account_id, DATA_ROWS, first, last)
