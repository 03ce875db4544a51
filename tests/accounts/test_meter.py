"""The meter on real SQLite files with an injected clock: rows, allotments, periods, retries."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from linkindex.accounts.keys import KeyStore
from linkindex.accounts.meter import Meter, QuotaExceeded
from linkindex.accounts.quotas import (
    BETA_ROWS,
    DATA_ROWS,
    UNLIMITED_ROWS,
    AccountStore,
    QuotaPolicy,
    period_bounds,
)


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, start: str) -> None:
        self.now = ts(start)

    def __call__(self) -> float:
        return self.now

    def set(self, text: str) -> None:
        self.now = ts(text)


@pytest.fixture
def clock() -> Clock:
    return Clock("2026-03-14 12:00:00")


@pytest.fixture
def setup(home, clock):
    keys = KeyStore(home.state / "keys.sqlite")
    # A key without the settings a request identifies it with: the meter reads them from the
    # store on every call, so a test can change them between calls.
    key = replace(keys.verify_basic(*_pair(keys.create("m"))), account=None)
    return keys, key, Meter.open(home.state, clock), AccountStore(home.state / "keys.sqlite")


def _pair(credential):
    return credential.access_id, credential.secret_key


def test_quota_object_has_exactly_seed_001s_keys_and_usage_value_is_this_calls_rows(setup):
    _, key, meter, _ = setup
    quota = meter.charge(key, DATA_ROWS, 7).to_json()
    assert list(quota) == [
        "path", "account_id", "allotted", "used", "reset", "overage", "period_start",
        "period_reset", "usage_key", "usage_value",
    ]  # fmt: skip
    assert quota["path"] == DATA_ROWS and quota["usage_key"] is None
    assert quota["usage_value"] == 7 and quota["used"] == 7
    assert meter.charge(key, DATA_ROWS, 3).to_json()["used"] == 10


def test_the_default_policy_counts_every_row_and_refuses_none(setup):
    _, key, meter, _ = setup
    quota = meter.charge(key, DATA_ROWS, 1_000_000)
    assert (quota.allotted, quota.overage, quota.reset) == (0, True, "month")
    assert quota.used == 1_000_000


def test_a_quota_without_a_limit_shows_as_unlimited_and_not_over(setup):
    _, key, meter, accounts = setup
    shown = meter.charge(key, DATA_ROWS, 378).to_json()
    # Not "378 / 0, overage": a number far from used up, and not in overage.
    assert (shown["allotted"], shown["used"], shown["overage"]) == (UNLIMITED_ROWS, 378, False)
    assert isinstance(shown["allotted"], int) and UNLIMITED_ROWS == 2**31 - 1
    # A real allotment with overage allowed shows as it is.
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(100, "month", overage=True))
    shown = meter.quota(key, DATA_ROWS).to_json()
    assert (shown["allotted"], shown["used"], shown["overage"]) == (100, 378, True)


def test_account_ids_are_stable_small_integers_per_key(home, setup):
    keys, key, meter, _ = setup
    other = keys.verify_basic(*_pair(keys.create("second")))
    first_id = meter.quota(key, DATA_ROWS).account_id
    assert meter.quota(other, DATA_ROWS).account_id == first_id + 1
    reopened = Meter.open(home.state)
    assert reopened.quota(key, DATA_ROWS).account_id == first_id


def test_zero_rows_write_nothing_to_the_ledger(setup):
    _, key, meter, _ = setup
    assert meter.charge(key, DATA_ROWS, 0).usage_value == 0
    assert meter.ledger.calls_between(1, DATA_ROWS, 0, 2**40) == 0


def test_paths_are_counted_apart(setup):
    _, key, meter, _ = setup
    meter.charge(key, DATA_ROWS, 5)
    meter.charge(key, BETA_ROWS, 1)
    assert meter.quota(key, DATA_ROWS).used == 5
    assert meter.quota(key, BETA_ROWS).used == 1


def test_an_exhausted_allotment_without_overage_refuses_and_writes_nothing(setup):
    _, key, meter, accounts = setup
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(10, "month", overage=False))
    meter.check(key, DATA_ROWS)
    # A call that starts with rows left is billed in full, even past the allotment...
    assert meter.charge(key, DATA_ROWS, 8).used == 8
    assert meter.charge(key, DATA_ROWS, 8).used == 16
    # ...and the next one is refused, before (check) or after (charge) its work.
    with pytest.raises(QuotaExceeded) as refused:
        meter.check(key, DATA_ROWS)
    assert refused.value.quota.used == 16 and refused.value.quota.allotted == 10
    with pytest.raises(QuotaExceeded):
        meter.charge(key, DATA_ROWS, 1)
    assert meter.quota(key, DATA_ROWS).used == 16
    # Free calls stay free.
    assert meter.charge(key, DATA_ROWS, 0).used == 16


def test_overage_keeps_answering_past_the_allotment(setup):
    _, key, meter, accounts = setup
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(10, "month", overage=True))
    for _ in range(5):
        meter.check(key, DATA_ROWS)
        meter.charge(key, DATA_ROWS, 10)
    assert meter.quota(key, DATA_ROWS).used == 50


def test_a_daily_quota_resets_at_midnight_utc(setup, clock):
    _, key, meter, accounts = setup
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(10, "day", overage=False))
    clock.set("2026-03-14 23:59:59")
    meter.charge(key, DATA_ROWS, 10)
    with pytest.raises(QuotaExceeded) as refused:
        meter.charge(key, DATA_ROWS, 1)
    assert refused.value.quota.period_reset == ts("2026-03-15 00:00:00")
    clock.set("2026-03-15 00:00:00")
    quota = meter.charge(key, DATA_ROWS, 4)
    assert quota.used == 4
    assert (quota.period_start, quota.period_reset) == (
        ts("2026-03-15 00:00:00"),
        ts("2026-03-16 00:00:00"),
    )


@pytest.mark.parametrize(
    ("reset", "now", "start", "end"),
    [
        ("minute", "2026-03-14 12:34:56", "2026-03-14 12:34:00", "2026-03-14 12:35:00"),
        ("hour", "2026-03-14 12:34:56", "2026-03-14 12:00:00", "2026-03-14 13:00:00"),
        ("day", "2026-03-14 12:34:56", "2026-03-14 00:00:00", "2026-03-15 00:00:00"),
        # 2026-03-14 is a Saturday: weeks start on Monday.
        ("week", "2026-03-14 12:34:56", "2026-03-09 00:00:00", "2026-03-16 00:00:00"),
        ("month", "2026-03-14 12:34:56", "2026-03-01 00:00:00", "2026-04-01 00:00:00"),
        ("month", "2026-12-31 23:59:59", "2026-12-01 00:00:00", "2027-01-01 00:00:00"),
    ],
)
def test_periods_are_calendar_aligned_in_utc(reset, now, start, end):
    assert period_bounds(reset, ts(now), 0) == (ts(start), ts(end))


def test_a_quota_that_never_resets_counts_from_the_keys_creation(setup, clock):
    _, key, meter, accounts = setup
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(100, "never", overage=False))
    meter.charge(key, DATA_ROWS, 60)
    clock.set("2030-01-01 00:00:00")
    quota = meter.charge(key, DATA_ROWS, 60)
    assert quota.used == 120 and quota.period_reset is None
    assert quota.period_start == key.created_at
    with pytest.raises(QuotaExceeded):
        meter.charge(key, DATA_ROWS, 1)


def test_changing_the_reset_period_keeps_the_rows_already_used(setup, clock):
    _, key, meter, accounts = setup
    meter.charge(key, DATA_ROWS, 30)  # monthly by default
    clock.set("2026-03-15 09:00:00")
    meter.charge(key, DATA_ROWS, 5)
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(1000, "day", overage=False))
    assert meter.quota(key, DATA_ROWS).used == 5
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(1000, "month", overage=False))
    assert meter.charge(key, DATA_ROWS, 1).used == 36


def test_usage_survives_a_restart(home, setup, clock):
    _, key, meter, _ = setup
    meter.charge(key, DATA_ROWS, 12)
    del meter
    assert Meter.open(home.state, clock).quota(key, DATA_ROWS).used == 12


def test_a_retried_request_with_the_same_idempotency_key_is_billed_once(setup, clock):
    _, key, meter, _ = setup
    first = meter.charge(key, DATA_ROWS, 9, idempotency_key="req-1")
    again = meter.charge(key, DATA_ROWS, 9, idempotency_key="req-1")
    assert first.used == again.used == 9 and again.usage_value == 9
    assert meter.charge(key, DATA_ROWS, 9, idempotency_key="req-2").used == 18
    clock.set("2026-03-15 12:00:01")  # more than 24 hours later it is a new request
    assert meter.charge(key, DATA_ROWS, 9, idempotency_key="req-1").used == 27


def test_rows_consumed_defaults_to_the_current_period_and_takes_a_window(setup, clock):
    _, key, meter, _ = setup
    clock.set("2026-02-27 10:00:00")
    meter.charge(key, DATA_ROWS, 100)  # last month
    clock.set("2026-03-02 10:00:00")
    meter.charge(key, DATA_ROWS, 10)
    clock.set("2026-03-05 10:00:00")
    meter.charge(key, DATA_ROWS, 1)
    meter.charge(key, BETA_ROWS, 1000)  # not data rows
    assert meter.rows_consumed(key, None, None) == 11
    assert meter.rows_consumed(key, int(ts("2026-02-01 00:00:00")), None) == 111
    assert meter.rows_consumed(key, None, int(ts("2026-03-03 00:00:00"))) == 10
    window = (int(ts("2026-03-02 10:00:00")), int(ts("2026-03-02 10:00:00")))
    assert meter.rows_consumed(key, *window) == 10  # both ends included


def test_concurrent_async_charges_share_one_transaction_and_each_is_checked(setup):
    _, key, meter, accounts = setup
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(10, "month", overage=False))
    batches: list[int] = []
    charge_many = meter.ledger.charge_many

    def counting(charges):
        batches.append(len(charges))
        return charge_many(charges)

    meter.ledger.charge_many = counting  # type: ignore[method-assign]

    async def five_at_once():
        calls = [meter.charge_async(key, DATA_ROWS, 4) for _ in range(5)]
        return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(five_at_once())
    assert batches == [5]
    assert [r.used for r in results[:3]] == [4, 8, 12]
    assert all(isinstance(r, QuotaExceeded) for r in results[3:])
    assert meter.quota(key, DATA_ROWS).used == 12
