"""The client's politeness rules: what it retries, how long it waits, what it never retries."""

from __future__ import annotations

import random
import socket
from datetime import UTC, datetime

import httpx
import pytest
from scripted_server import Answer, scripted_server

from linkindex.client import (
    ApiError,
    JsonRpcError,
    LinksClient,
    MozClient,
    NextTokenExpired,
    RetryAfterTooLong,
    RetryPolicy,
)
from linkindex.retrying import parse_retry_after

METADATA = {"index_id": "abc=", "spam_score_update_days": []}


def client(base_url: str, sleeps: list[float], **policy: object) -> LinksClient:
    retry = RetryPolicy(rng=random.Random(1), **policy)  # type: ignore[arg-type]
    return LinksClient(base_url, "id", "secret", retry=retry, sleep=sleeps.append)


def test_a_429_is_retried_after_exactly_the_retry_after_seconds():
    sleeps: list[float] = []
    with scripted_server(
        Answer(429, {"message": "slow down"}, {"Retry-After": "3"}), Answer(200, METADATA)
    ) as (url, script):
        assert client(url, sleeps).index_metadata() == METADATA
    assert sleeps == [3.0]
    assert len(script.requests) == 2


def test_5xx_answers_are_retried_with_growing_jittered_backoff():
    sleeps: list[float] = []
    answers = [Answer(503, {"message": "busy"}) for _ in range(3)] + [Answer(200, METADATA)]
    with scripted_server(*answers) as (url, _):
        assert client(url, sleeps, base_delay=1.0).index_metadata() == METADATA
    assert len(sleeps) == 3
    for attempt, slept in enumerate(sleeps, start=1):
        assert 0.0 <= slept <= 2 ** (attempt - 1)


def test_the_last_retryable_answer_is_raised_when_attempts_run_out():
    sleeps: list[float] = []
    with (
        scripted_server(*[Answer(500, {"message": "boom"}) for _ in range(3)]) as (url, _),
        pytest.raises(ApiError) as raised,
    ):
        client(url, sleeps, attempts=3).index_metadata()
    assert raised.value.status == 500 and raised.value.message == "boom"
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [400, 401, 404, 413])
def test_client_errors_are_never_retried(status):
    sleeps: list[float] = []
    with (
        scripted_server(Answer(status, {"message": "no"})) as (url, script),
        pytest.raises(ApiError) as raised,
    ):
        client(url, sleeps).index_metadata()
    assert raised.value.status == status
    assert sleeps == [] and len(script.requests) == 1


def test_a_410_raises_next_token_expired():
    with (
        scripted_server(Answer(410, {"message": "The next token has expired"})) as (url, _),
        pytest.raises(NextTokenExpired),
    ):
        list(client(url, []).linking_root_domains("moz.com", next_token="old"))


def test_a_retry_after_longer_than_the_caller_allows_raises_instead_of_sleeping():
    with (
        scripted_server(Answer(429, {}, {"Retry-After": "86400"})) as (url, _),
        pytest.raises(RetryAfterTooLong),
    ):
        client(url, []).index_metadata()


def test_a_refused_connection_is_retried_then_raised():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    with pytest.raises(httpx.ConnectError):
        client(f"http://127.0.0.1:{port}", sleeps, attempts=3).index_metadata()
    assert len(sleeps) == 2


def test_retry_after_accepts_seconds_and_http_dates():
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Thu, 26 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 26 Nov 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None


def test_pages_follow_next_token_until_it_is_empty():
    with scripted_server(
        Answer(200, {"results": [{"n": 1}, {"n": 2}], "next_token": "t1"}),
        Answer(200, {"results": [{"n": 3}], "next_token": ""}),
    ) as (url, script):
        assert [r["n"] for r in client(url, []).linking_root_domains("moz.com")] == [1, 2, 3]
    assert "next_token" not in script.requests[0]["body"]
    assert script.requests[1]["body"]["next_token"] == "t1"
    assert script.requests[0]["body"]["limit"] == 50


def test_url_metrics_sends_at_most_50_targets_per_call_and_keeps_their_order():
    targets = [f"site{i}.com" for i in range(60)]
    with scripted_server(
        Answer(200, {"results": [{"page": t} for t in targets[:50]]}),
        Answer(200, {"results": [{"page": t} for t in targets[50:]]}),
    ) as (url, script):
        results = client(url, []).url_metrics(targets)
    assert [r["page"] for r in results] == targets
    assert [len(r["body"]["targets"]) for r in script.requests] == [50, 10]


def test_the_moz_client_sends_a_json_rpc_envelope_with_a_long_id_and_the_token():
    result = {"brand_authority_score": 56, "query": "moz.com"}
    with scripted_server(Answer(200, {"id": "x", "jsonrpc": "2.0", "result": result})) as (
        url,
        script,
    ):
        assert MozClient("tok", url).brand_authority("moz.com") == 56
    sent = script.requests[0]
    assert sent["path"] == "/jsonrpc" and sent["headers"]["x-moz-token"] == "tok"
    assert sent["body"]["jsonrpc"] == "2.0" and len(sent["body"]["id"]) >= 24
    assert sent["body"]["params"] == {"data": {"query": "moz.com"}}


def test_a_json_rpc_error_raises_with_code_status_and_data():
    error = {"code": -32655, "status": 404, "data": {}, "message": "no score"}
    with (
        scripted_server(Answer(404, {"id": "x", "jsonrpc": "2.0", "error": error})) as (url, _),
        pytest.raises(JsonRpcError) as raised,
    ):
        MozClient("tok", url).brand_authority("moz.com")
    assert (raised.value.code, raised.value.status, raised.value.data) == (-32655, 404, {})


def test_brand_authority_generates_a_missing_score_when_asked():
    missing = {"code": -32655, "status": 404, "data": {}, "message": "no score"}
    generated = {"brand_authority_score": 12, "query": "moz.com"}
    with scripted_server(
        Answer(404, {"id": "x", "jsonrpc": "2.0", "error": missing}),
        Answer(200, {"id": "x", "jsonrpc": "2.0", "result": generated}),
    ) as (url, script):
        assert MozClient("tok", url).brand_authority("moz.com", generate=True) == 12
    assert script.requests[1]["body"]["method"] == "beta.data.metrics.brand.authority.generate"


def test_offset_paged_lists_follow_the_offset_token():
    def page(items: list[int], token: str | None) -> Answer:
        result = {"linking_domains": items, "offset": {"token": token, "limit": 50}}
        return Answer(200, {"id": "x", "jsonrpc": "2.0", "result": result})

    with scripted_server(page([1, 2], "t"), page([3], None)) as (url, script):
        items = MozClient("tok", url).pages(
            "data.site.linking-domain.list", {"site_query": {}}, "linking_domains"
        )
        assert list(items) == [1, 2, 3]
    assert script.requests[1]["body"]["params"]["data"]["offset"]["token"] == "t"
