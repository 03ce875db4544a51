"""Usage is exact under load: thousands of concurrent requests on a server with two worker
processes bill exactly the rows of the answered calls, and a killed server loses no billed row."""

from __future__ import annotations

import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from indexed import built_home
from live_server import start_server, stop_server
from web import TARGET, crafted_web

from linkindex.accounts.keys import KeyStore
from linkindex.accounts.meter import Meter
from linkindex.accounts.quotas import DATA_ROWS, AccountStore, QuotaPolicy, RateLimit
from linkindex.home import Home

REQUESTS = 3000
THREADS = 32


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Home:
    return built_home(tmp_path_factory, crafted_web, "usage-load")


def random_call(rng: random.Random) -> tuple[str, dict]:
    kind = rng.choice(["lrd", "lrd", "url_metrics", "index_metadata", "bad", "usage_data"])
    if kind == "lrd":
        return "linking_root_domains", {"target": TARGET, "limit": rng.randint(1, 50)}
    if kind == "url_metrics":
        return "url_metrics", {"targets": [f"d{i:02d}.com" for i in range(rng.randint(1, 10))]}
    if kind == "bad":
        return "linking_root_domains", {"target": TARGET, "limit": 0}
    return kind, {}


def billed_rows(endpoint: str, payload: dict) -> int:
    """The rows an answered call bills by the endpoint's documented rule."""
    if endpoint in ("linking_root_domains", "url_metrics"):
        return len(payload["results"])
    return 0


def fire(base_url: str, auth: tuple[str, str], n: int, seed: int, stop=None) -> dict:
    """n concurrent calls; the rows of answered calls, statuses, and calls that got no answer."""
    local = threading.local()
    lock = threading.Lock()
    tally = {"rows": 0, "statuses": {}, "unanswered_max_rows": 0}

    def one(i: int) -> None:
        if stop is not None and stop.is_set():
            return
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.auth = auth
        endpoint, body = random_call(random.Random(seed * 100_003 + i))
        try:
            response = session.post(f"{base_url}/v2/{endpoint}", json=body, timeout=60)
        except requests.RequestException:  # the server died mid-call: no answer
            most = body.get("limit") or len(body.get("targets", []))
            with lock:
                tally["unanswered_max_rows"] += most
            return
        rows = billed_rows(endpoint, response.json()) if response.status_code == 200 else 0
        with lock:
            tally["rows"] += rows
            tally["statuses"][response.status_code] = (
                tally["statuses"].get(response.status_code, 0) + 1
            )

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, range(n)))
    return tally


def ledger_total(home: Home, access_id: str) -> int:
    meter = Meter.open(home.state)
    key = next(k for k in KeyStore(home.state / "keys.sqlite").list() if k.access_id == access_id)
    return meter.ledger.rows_between(meter.account(key).account_id, DATA_ROWS, 0, 2**40)


def running_total(home: Home, access_id: str) -> int:
    """The period's `used` the allotment is checked against (kept beside the ledger's rows)."""
    key = next(k for k in KeyStore(home.state / "keys.sqlite").list() if k.access_id == access_id)
    return Meter.open(home.state).quota(key, DATA_ROWS).used


def test_two_workers_bill_exactly_the_rows_of_thousands_of_concurrent_calls(home):
    server = start_server(home, workers=2)
    try:
        tally = fire(server.base_url, server.auth, REQUESTS, seed=1)
        assert sum(tally["statuses"].values()) == REQUESTS
        assert set(tally["statuses"]) == {200, 400}
        assert tally["rows"] > 20_000
        assert ledger_total(home, server.credential.access_id) == tally["rows"]
        assert running_total(home, server.credential.access_id) == tally["rows"]
        usage = server.post("usage_data", {}).json()
        assert usage == {"rows_consumed": tally["rows"]}
    finally:
        stop_server(server)


def test_two_workers_never_bill_past_an_exhausted_allotment(home):
    server = start_server(home, workers=2)
    try:
        allotted = 15_000  # about half of what the calls would use
        AccountStore(home.state / "keys.sqlite").set_quota(
            server.credential.access_id, DATA_ROWS, QuotaPolicy(allotted, "month", overage=False)
        )
        tally = fire(server.base_url, server.auth, REQUESTS, seed=2)
        assert tally["statuses"][429] > 100
        total = ledger_total(home, server.credential.access_id)
        assert total == tally["rows"] == running_total(home, server.credential.access_id)
        # A call that starts with rows left is billed in full: at most one call's rows over.
        assert allotted <= total < allotted + 50
    finally:
        stop_server(server)


def test_a_killed_server_loses_no_billed_row_and_bills_none_twice(home):
    server = start_server(home)
    stop = threading.Event()
    result: dict = {}
    loader = threading.Thread(
        target=lambda: result.update(fire(server.base_url, server.auth, 20_000, 3, stop))
    )
    loader.start()
    try:
        while ledger_total(home, server.credential.access_id) < 5_000:
            time.sleep(0.05)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        stop.set()
    finally:
        loader.join()
    total = ledger_total(home, server.credential.access_id)
    # Every answered call's rows are in the ledger; beyond them, at most the rows of calls the
    # kill cut off after their charge committed (they got no answer).
    assert result["rows"] <= total <= result["rows"] + result["unanswered_max_rows"]
    restarted = start_server(home)
    try:
        usage = restarted.post("usage_data", {}, auth=server.auth).json()
        assert usage == {"rows_consumed": total}
    finally:
        stop_server(restarted)


def test_a_rate_limit_holds_across_two_workers(home):
    server = start_server(home, workers=2)
    try:
        AccountStore(home.state / "keys.sqlite").set_rate_limit(
            server.credential.access_id, RateLimit(40, "minute")
        )
        local = threading.local()

        def one(_: int) -> int:
            session = getattr(local, "session", None)
            if session is None:
                session = local.session = requests.Session()
                session.auth = server.auth
            return session.post(
                f"{server.base_url}/v2/index_metadata", json={}, timeout=60
            ).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(THREADS) as pool:
            statuses = list(pool.map(one, range(300)))
        elapsed = time.monotonic() - started
        # 40 at once, then one more every 1.5 s while the 300 calls last.
        assert 40 <= statuses.count(200) <= 40 + int(elapsed / 1.5) + 1
        assert statuses.count(429) == 300 - statuses.count(200)
    finally:
        stop_server(server)
