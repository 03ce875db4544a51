"""Quotas, usage_data, rate limits and the bad-request throttle, called in-process (docs/api.md,
"Accounts, quotas and limits"). Each test makes its own key, so their counts never mix; the
limits across server workers are tested on a real server (test_usage_concurrency.py)."""

from __future__ import annotations

import time

import pytest
import requests
from indexed import serve_web
from web import TARGET, crafted_web

from linkindex.accounts.keys import KeyStore
from linkindex.accounts.meter import Meter
from linkindex.accounts.quotas import (
    BETA_ROWS,
    DATA_ROWS,
    UNLIMITED_ROWS,
    AccountStore,
    QuotaPolicy,
    RateLimit,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_web(tmp_path_factory, "accounts", crafted_web, {"LINKINDEX_THROTTLE": "on"})


class Caller:
    """A fresh key on the server, posting as a Moz script would."""

    def __init__(self, server) -> None:
        self.server = server
        credential = KeyStore(server.home.state / "keys.sqlite").create("t")
        self.access_id = credential.access_id
        self.auth = (credential.access_id, credential.secret_key)
        self.token = credential.token
        self.accounts = AccountStore(server.home.state / "keys.sqlite")

    def post(self, endpoint: str, body: object, **kwargs) -> requests.Response:
        return self.server.post(endpoint, body, auth=self.auth, **kwargs)

    def rows_consumed(self, **window: str) -> int:
        response = self.post("usage_data", window)
        assert response.status_code == 200, response.text
        return response.json()["rows_consumed"]

    def set_quota(self, allotted: int, reset: str = "month", overage: bool = False) -> None:
        self.accounts.set_quota(self.access_id, DATA_ROWS, QuotaPolicy(allotted, reset, overage))


@pytest.fixture
def caller(server) -> Caller:
    return Caller(server)


def test_each_answered_call_bills_the_rows_its_endpoint_counts(caller):
    targets = ["t.com/", "d01.com/p0", "nowhere.example/"]
    assert caller.post("url_metrics", {"targets": targets}).status_code == 200
    assert caller.rows_consumed() == 3  # url_metrics: one row per target
    page = caller.post("linking_root_domains", {"target": TARGET, "limit": 7}).json()
    assert len(page["results"]) == 7
    assert caller.rows_consumed() == 10  # linking_root_domains: one row per result
    assert caller.post("index_metadata", {}).status_code == 200
    assert caller.rows_consumed() == 10  # index_metadata and usage_data are free


def test_a_call_that_errors_bills_nothing(caller):
    assert caller.post("linking_root_domains", {"target": TARGET, "limit": 51}).status_code == 400
    assert caller.post("url_metrics", {"targets": ["ftp://x"]}).status_code == 400
    assert caller.rows_consumed() == 0


def test_an_exhausted_quota_is_a_429_with_retry_after_until_the_period_resets(caller):
    caller.set_quota(5, "day")
    assert caller.post("url_metrics", {"targets": ["a.com"] * 5}).status_code == 200
    refused = caller.post("url_metrics", {"targets": ["a.com"]})
    assert refused.status_code == 429
    body = refused.json()
    assert body["status"] == 429 and body["name"] == "Too Many Requests"
    assert body["message"].startswith("Quota exhausted: 5 of 5 rows on api.limits.data.rows")
    midnight = (int(time.time()) // 86400 + 1) * 86400
    assert 0 < int(refused.headers["retry-after"]) <= midnight - int(time.time()) + 1
    assert caller.rows_consumed() == 5
    # Free endpoints still answer.
    assert caller.post("index_metadata", {}).status_code == 200


def test_an_exhausted_quota_that_never_resets_has_no_retry_after(caller):
    caller.set_quota(0, "never")
    refused = caller.post("linking_root_domains", {"target": TARGET})
    assert refused.status_code == 429 and "retry-after" not in refused.headers
    assert "never resets" in refused.json()["message"]


def test_overage_keeps_answering_past_the_allotment(caller):
    caller.set_quota(2, "month", overage=True)
    for _ in range(3):
        assert caller.post("url_metrics", {"targets": ["a.com", "b.com"]}).status_code == 200
    assert caller.rows_consumed() == 6


def test_a_raised_quota_applies_at_once(caller):
    caller.set_quota(1, "month")
    assert caller.post("url_metrics", {"targets": ["a.com"]}).status_code == 200
    assert caller.post("url_metrics", {"targets": ["a.com"]}).status_code == 429
    caller.set_quota(10, "month")
    assert caller.post("url_metrics", {"targets": ["a.com"]}).status_code == 200


def test_usage_data_takes_a_window_of_unix_timestamps(caller):
    caller.post("url_metrics", {"targets": ["a.com", "b.com"]})
    now = int(time.time())
    assert caller.rows_consumed(start="18374", end=str(now + 5)) == 2
    assert caller.rows_consumed(start=str(now + 100)) == 0
    assert caller.rows_consumed(end=str(now - 3600 * 24 * 40)) == 0
    assert caller.post("usage_data", {"start": 0, "end": now + 5}).json() == {"rows_consumed": 2}
    url = f"{caller.server.base_url}/v2/usage_data"
    empty = caller.server.http.post(url, data=b"", auth=caller.auth, timeout=10)
    assert empty.json() == {"rows_consumed": 2}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"start": "yesterday"}, "start must be a Unix timestamp in seconds"),
        ({"end": "-5"}, "end must be a Unix timestamp in seconds"),
        ({"start": "²"}, "start must be a Unix timestamp in seconds"),
        ({"start": "١٢٣"}, "start must be a Unix timestamp in seconds"),
        ({"end": "１２"}, "end must be a Unix timestamp in seconds"),
        ({"start": "200", "end": "100"}, "start (200) is after end (100)"),
        ({"from": "100"}, "Invalid request body"),
    ],
)
def test_usage_data_rejects_a_bad_window_with_a_400(caller, body, message):
    response = caller.post("usage_data", body)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_usage_data_counts_only_the_calling_key(server, caller):
    other = Caller(server)
    other.post("url_metrics", {"targets": ["a.com"] * 4})
    caller.post("url_metrics", {"targets": ["a.com"]})
    assert (caller.rows_consumed(), other.rows_consumed()) == (1, 4)


def test_json_rpc_shows_a_key_without_a_quota_as_unlimited_not_over(server, caller):
    assert caller.post("url_metrics", {"targets": ["a.com", "b.com"]}).status_code == 200
    envelope = {"jsonrpc": "2.0", "id": "0" * 24, "method": "quota.lookup",
                "params": {"data": {"path": DATA_ROWS}}}  # fmt: skip
    answer = server.http.post(f"{server.base_url}/jsonrpc", json=envelope,
                           headers={"x-moz-token": caller.token}, timeout=10)  # fmt: skip
    quota = answer.json()["result"]["quota"]
    assert (quota["allotted"], quota["used"], quota["overage"]) == (UNLIMITED_ROWS, 2, False)
    assert caller.post("url_metrics", {"targets": ["a.com"]}).status_code == 200  # not refused


def test_a_retry_with_the_same_idempotency_key_is_billed_once(caller):
    body = {"targets": ["a.com", "b.com", "c.com"]}
    headers = {"Idempotency-Key": "7f7c1f4e-retry"}
    first = caller.post("url_metrics", body, headers=headers)
    again = caller.post("url_metrics", body, headers=headers)
    assert first.json() == again.json()
    assert caller.rows_consumed() == 3
    caller.post("url_metrics", {"targets": ["a.com"]}, headers=headers)  # another request
    assert caller.rows_consumed() == 4


def test_over_the_rate_limit_is_a_429_with_retry_after(server, caller):
    caller.accounts.set_rate_limit(caller.access_id, RateLimit(3, "minute"))
    for _ in range(3):
        assert caller.post("index_metadata", {}).status_code == 200
    refused = caller.post("index_metadata", {})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 20
    assert refused.json() == {
        "status": 429,
        "name": "Too Many Requests",
        "message": "Rate limit exceeded: this key may send 3 requests per minute;"
        " retry after the number of seconds in the Retry-After header",
    }
    assert Caller(server).post("index_metadata", {}).status_code == 200  # per key


def test_the_rate_limit_covers_the_json_rpc_api_in_its_own_error_format(server, caller):
    caller.accounts.set_rate_limit(caller.access_id, RateLimit(1, "minute"))
    headers = {"x-moz-token": caller.token}
    url = f"{server.base_url}/jsonrpc"
    envelope = {"jsonrpc": "2.0", "id": "0" * 24, "method": "quota.lookup",
                "params": {"data": {"path": BETA_ROWS}}}  # fmt: skip
    server.http.post(url, json=envelope, headers=headers, timeout=10)
    refused = server.http.post(url, json=envelope, headers=headers, timeout=10)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    error = refused.json()["error"]
    assert error["status"] == 429 and error["message"].startswith("Rate limit exceeded")


def test_more_than_50_bad_requests_in_5_minutes_throttle_the_client(caller):
    for _ in range(51):
        assert (
            caller.post("linking_root_domains", {"target": TARGET, "limit": 0}).status_code == 400
        )
    answered = [caller.post("index_metadata", {}).status_code for _ in range(51)]
    assert answered == [200] * 50 + [429]
    refused = caller.post("index_metadata", {})
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 30
    assert "Too many bad requests" in refused.json()["message"]


def test_a_revoked_key_is_refused_at_once_and_its_usage_is_kept(server, caller):
    assert caller.post("url_metrics", {"targets": ["a.com", "b.com"]}).status_code == 200
    assert KeyStore(server.home.state / "keys.sqlite").revoke(caller.access_id)
    refused = caller.post("usage_data", {})
    assert refused.status_code == 401
    assert "Missing or invalid credentials" in refused.json()["message"]
    key = next(k for k in KeyStore(server.home.state / "keys.sqlite").list()
               if k.access_id == caller.access_id)  # fmt: skip
    assert Meter.open(server.home.state).quota(key, DATA_ROWS).used == 2


# Last: it throttles the test machine's address for the rest of this server's life.
def test_unauthenticated_floods_are_throttled_by_address(server):
    url = f"{server.base_url}/v2/index_metadata"
    statuses = [server.http.post(url, json={}, timeout=10).status_code for _ in range(102)]
    assert statuses[:51] == [401] * 51
    assert statuses[101] == 429
