"""The request limits on a real SQLite file with an injected clock: the per-key rate limit and
the spec's throttle (more than 50 4xx in 5 minutes: 50 requests per 5 minutes until 30 s quiet)."""

from __future__ import annotations

import sqlite3
import time

import pytest

from linkindex.accounts.limits import SHARED_CHECK_SECONDS, Limiter, Refused
from linkindex.accounts.quotas import RateLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(home, clock) -> Limiter:
    return Limiter(home.state / "limits.sqlite", clock, throttle=True)


def admitted(limiter: Limiter, client: str, rate: RateLimit | None, n: int) -> int:
    count = 0
    for _ in range(n):
        try:
            limiter.admit(client, rate)
            count += 1
        except Refused:
            pass
    return count


def test_a_rate_limit_admits_its_requests_per_second_then_refuses_with_retry_after(limiter, clock):
    rate = RateLimit(5, "second")
    assert admitted(limiter, "k", rate, 5) == 5
    with pytest.raises(Refused) as refused:
        limiter.admit("k", rate)
    assert refused.value.retry_after == 1
    assert "5 requests per second" in refused.value.message
    clock.now += 0.2  # one request's worth of time
    assert admitted(limiter, "k", rate, 3) == 1


def test_a_per_minute_limit_says_how_long_to_wait(limiter, clock):
    rate = RateLimit(2, "minute")
    assert admitted(limiter, "k", rate, 2) == 2
    clock.now += 10
    with pytest.raises(Refused) as refused:
        limiter.admit("k", rate)
    assert refused.value.retry_after == 20  # the next slot opens 30 s after the first request
    clock.now += 20
    limiter.admit("k", rate)


def test_rate_limits_are_per_key(limiter):
    rate = RateLimit(1, "minute")
    limiter.admit("a", rate)
    limiter.admit("b", rate)
    with pytest.raises(Refused):
        limiter.admit("a", rate)


def test_rate_limits_hold_across_processes_sharing_the_file(home, clock):
    first = Limiter(home.state / "limits.sqlite", clock)
    second = Limiter(home.state / "limits.sqlite", clock)
    rate = RateLimit(4, "second")
    assert admitted(first, "k", rate, 2) + admitted(second, "k", rate, 5) == 4


def test_fifty_bad_requests_in_five_minutes_do_not_throttle(limiter, clock):
    for _ in range(50):
        limiter.record_client_error("c")
        clock.now += 1
    assert admitted(limiter, "c", None, 200) == 200


def test_the_fifty_first_bad_request_throttles_to_fifty_requests_per_five_minutes(limiter, clock):
    for _ in range(51):
        limiter.record_client_error("c")
    clock.now += 1
    assert admitted(limiter, "c", None, 60) == 50
    with pytest.raises(Refused) as refused:
        limiter.admit("c", None)
    assert refused.value.retry_after == 29  # the throttle lifts 30 s after the last 4xx
    assert "50 requests per 5 minutes" in refused.value.message
    assert admitted(limiter, "other", None, 60) == 60  # other clients are not affected


def test_the_throttle_lifts_after_30_seconds_without_a_4xx(limiter, clock):
    for _ in range(51):
        limiter.record_client_error("c")
    assert admitted(limiter, "c", None, 60) == 50
    clock.now += 29
    limiter.record_client_error("c")  # a new 4xx restarts the 30 s
    clock.now += 29
    assert admitted(limiter, "c", None, 1) == 0
    clock.now += 1
    assert admitted(limiter, "c", None, 200) == 200
    limiter.record_client_error("c")  # a clean slate: one more 4xx does not throttle again
    assert admitted(limiter, "c", None, 10) == 10


def test_bad_requests_older_than_five_minutes_do_not_count(limiter, clock):
    for _ in range(30):
        limiter.record_client_error("c")
    clock.now += 301
    for _ in range(30):
        limiter.record_client_error("c")
    assert admitted(limiter, "c", None, 100) == 100


def test_the_throttle_can_be_switched_off(home, clock):
    limiter = Limiter(home.state / "limits.sqlite", clock, throttle=False)
    for _ in range(100):
        limiter.record_client_error("c")
    assert admitted(limiter, "c", None, 100) == 100


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("10/second", RateLimit(10)), ("600/minute", RateLimit(600, "minute")), ("3/s", RateLimit(3)),
     ("none", None)],
)  # fmt: skip
def test_rate_limit_settings_are_written_n_per_second_or_minute(text, parsed):
    assert RateLimit.parse(text) == parsed


@pytest.mark.parametrize("text", ["ten/second", "5/hour", "-1/second", ""])
def test_a_bad_rate_limit_setting_is_refused(text):
    with pytest.raises(ValueError):
        RateLimit.parse(text)


def test_old_bad_requests_of_every_client_are_swept(home, limiter, clock):
    for client in ("a", "b"):
        limiter.record_client_error(client)
    clock.now += 301
    limiter.record_client_error("c")
    con = sqlite3.connect(home.state / "limits.sqlite")
    assert con.execute("SELECT client FROM bad_requests").fetchall() == [("c",)]


def test_bad_requests_recorded_by_another_worker_count_within_the_shared_check(
    home, limiter, clock
):
    other_worker = Limiter(home.state / "limits.sqlite", clock, throttle=True)
    assert admitted(limiter, "c", None, 10) == 10  # this worker has read: no bad requests
    for _ in range(51):
        other_worker.record_client_error("c")
    time.sleep(SHARED_CHECK_SECONDS)
    assert admitted(limiter, "c", None, 60) == 50
    clock.now += 30
    assert admitted(other_worker, "c", None, 60) == 60  # lifted there: lifted here too
    time.sleep(SHARED_CHECK_SECONDS)
    assert admitted(limiter, "c", None, 60) == 60


def test_a_client_without_bad_requests_is_admitted_without_a_sqlite_statement(limiter):
    limiter.admit("c", None)
    statements: list[str] = []
    limiter._con().set_trace_callback(statements.append)
    for _ in range(20):
        limiter.admit("c", None)
    assert len(statements) < 5  # a data_version per SHARED_CHECK_SECONDS, not a count each
