"""Resource limits in-process (docs/api.md, "Resource limits"): the body cap for chunked bodies,
the body timeout, a client that goes away, and per-key admission, in both APIs' error formats.

The limits a real connection enforces (the request head's size and time) are in
test_resource_limits_live.py.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading

import httpx
import pytest

from linkindex.accounts.keys import KeyStore
from linkindex.api import v2
from linkindex.api.app import create_app
from linkindex.api.errors import NO_INDEX, ApiError
from linkindex.api.server_limits import ServerLimits
from linkindex.home import Home

RPC_CALL = (
    b'{"jsonrpc": "2.0", "id": "resource-limits-test-call-1", "method": "metadata.index.fetch"}'
)


@pytest.fixture
def home(tmp_path) -> Home:
    return Home(tmp_path / "home").ensure()


def client(app, key) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        auth=(key.access_id, key.secret_key),
    )


def jsonrpc_client(app, key) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"x-moz-token": key.token},
    )


async def chunks(*parts: bytes, pause: asyncio.Event | None = None):
    """A body sent in parts with no Content-Length (chunked); waits on `pause` after the first."""
    for i, part in enumerate(parts):
        yield part
        if i == 0 and pause is not None:
            await pause.wait()


def test_a_chunked_body_without_content_length_is_capped_too(home):
    key = KeyStore(home.state / "keys.sqlite").create("test")
    app = create_app(home, limits=ServerLimits(max_body_bytes=4096))

    async def go() -> tuple[httpx.Response, httpx.Response]:
        big = [b'{"targets": ["' + b"a" * 1024] + [b"a" * 1024] * 8 + [b'"]}']
        async with client(app, key) as v2_client, jsonrpc_client(app, key) as rpc_client:
            v2_answer = await v2_client.post("/v2/url_metrics", content=chunks(*big))
            rpc_answer = await rpc_client.post("/jsonrpc", content=chunks(*big))
        return v2_answer, rpc_answer

    v2_answer, rpc_answer = asyncio.run(go())
    assert "content-length" not in v2_answer.request.headers
    assert v2_answer.status_code == 413
    assert v2_answer.json() == {
        "status": 413,
        "name": "Request Entity Too Large",
        "message": "Request body too large: at most 4096 bytes",
    }
    assert rpc_answer.status_code == 413
    assert rpc_answer.json()["error"]["code"] == -32600
    assert rpc_answer.json()["error"]["status"] == 413


def test_a_body_that_does_not_arrive_in_time_is_a_408_in_each_protocols_format(home):
    key = KeyStore(home.state / "keys.sqlite").create("test")
    app = create_app(home, limits=ServerLimits(body_timeout=0.2))
    never = asyncio.Event()  # the rest of the body never comes

    async def go() -> tuple[httpx.Response, httpx.Response]:
        async with client(app, key) as v2_client, jsonrpc_client(app, key) as rpc_client:
            v2_answer = await v2_client.post(
                "/v2/url_metrics", content=chunks(b'{"targets": [', b"]}", pause=never)
            )
            rpc_answer = await rpc_client.post(
                "/jsonrpc", content=chunks(RPC_CALL[:10], RPC_CALL[10:], pause=never)
            )
        return v2_answer, rpc_answer

    v2_answer, rpc_answer = asyncio.run(go())
    assert v2_answer.status_code == 408
    assert v2_answer.json() == {
        "status": 408,
        "name": "Request Timeout",
        "message": "Request timeout: send the whole request body within 0.2 seconds",
    }
    assert v2_answer.headers["connection"] == "close"
    assert rpc_answer.status_code == 408
    error = rpc_answer.json()["error"]
    assert (error["code"], error["status"]) == (-32600, 408)
    assert "whole request body" in error["message"]


def test_a_client_that_goes_away_mid_body_is_one_log_line_without_a_traceback(home, caplog):
    key = KeyStore(home.state / "keys.sqlite").create("test")
    app = create_app(home)
    basic = base64.b64encode(f"{key.access_id}:{key.secret_key}".encode())
    headers = [(b"authorization", b"Basic " + basic)]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/v2/url_metrics", "raw_path": b"/v2/url_metrics",
        "query_string": b"", "root_path": "", "headers": headers,
        "client": ("192.0.2.7", 50000), "server": ("test", 80),
    }  # fmt: skip
    messages = [{"type": "http.request", "body": b'{"targ', "more_body": True}]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    async def go() -> None:
        async with app.router.lifespan_context(app):
            await app(scope, receive, send)

    with caplog.at_level(logging.INFO):
        asyncio.run(go())
    records = [r for r in caplog.records if "disconnect" in r.getMessage().lower()]
    assert [r.getMessage() for r in records] == [
        "client 192.0.2.7:50000 disconnected before sending its whole request: POST /v2/url_metrics"
    ]
    assert not any(r.exc_info for r in caplog.records)
    assert sent == []  # nobody to answer


def test_one_key_has_at_most_its_running_and_waiting_requests_then_a_429(home):
    keys = KeyStore(home.state / "keys.sqlite")
    busy, other = keys.create("busy"), keys.create("other")
    app = create_app(home, limits=ServerLimits(key_running=1, key_waiting=1))
    release = asyncio.Event()

    async def go() -> tuple[list[httpx.Response], httpx.Response, httpx.Response, httpx.Response]:
        async with client(app, busy) as busy_client, client(app, other) as other_client:
            # The first holds the key's one running place (its body is still coming), the
            # second waits its turn: both are admitted.
            held = [
                asyncio.create_task(
                    busy_client.post("/v2/usage_data", content=chunks(b"{", b"}", pause=release))
                )
                for _ in range(2)
            ]
            await asyncio.sleep(0.05)
            refused_v2 = await busy_client.post("/v2/usage_data", json={})
            async with jsonrpc_client(app, busy) as rpc_client:
                refused_rpc = await rpc_client.post("/jsonrpc", content=RPC_CALL)
            other_answer = await other_client.post("/v2/usage_data", json={})
            assert not any(task.done() for task in held)
            release.set()
            return [await task for task in held], refused_v2, refused_rpc, other_answer

    held, refused_v2, refused_rpc, other_answer = asyncio.run(go())
    assert [r.status_code for r in held] == [200, 200]
    assert other_answer.status_code == 200  # another key is not held up
    assert refused_v2.status_code == 429
    assert refused_v2.headers["retry-after"] == "1"
    assert refused_v2.json()["message"].startswith("Too many requests at once: this key may have 1")
    assert refused_rpc.status_code == 429
    assert refused_rpc.json()["error"]["code"] == -32429
    assert refused_rpc.json()["error"]["data"] == {"retry_after": 1}


# A body over api/handler_thread.py's line: the kind of request whose handler runs in a thread.
LARGE_TARGETS = [f"https://www.example.com/section/page-{i}.html" for i in range(40)]


def test_a_long_handler_does_not_hold_up_another_keys_request(home, monkeypatch):
    keys = KeyStore(home.state / "keys.sqlite")
    heavy, light = keys.create("heavy"), keys.create("light")
    app = create_app(home)
    light_answered = threading.Event()
    order: list[str] = []

    def slow_snapshot(state):
        # Stands in for a handler reading for seconds; it ends when the other key was served,
        # or after 5 s when the other key's request cannot start until it ends.
        light_answered.wait(5)
        order.append("heavy handler ended")
        raise ApiError(503, NO_INDEX)

    monkeypatch.setattr(v2, "current_snapshot", slow_snapshot)

    async def go() -> None:
        async with client(app, heavy) as heavy_client, client(app, light) as light_client:
            heavy_call = asyncio.create_task(
                heavy_client.post("/v2/url_metrics", json={"targets": LARGE_TARGETS})
            )
            await asyncio.sleep(0.05)
            answer = await light_client.post("/v2/usage_data", json={})
            assert answer.status_code == 200
            order.append("light answered")
            light_answered.set()
            assert (await heavy_call).status_code == 503

    asyncio.run(go())
    assert order == ["light answered", "heavy handler ended"]


def test_a_small_request_is_answered_on_the_event_loop_and_a_large_one_in_a_thread(home):
    # A one-target call costs less than the hop to a thread; a large one must not hold the loop.
    keys = KeyStore(home.state / "keys.sqlite")
    app = create_app(home)
    threads: list[bool] = []
    original = v2.current_snapshot

    def recording(state):
        threads.append(threading.current_thread() is threading.main_thread())
        return original(state)

    async def go() -> None:
        async with client(app, keys.create("k")) as api:
            for targets in (["example.com"], LARGE_TARGETS):
                await api.post("/v2/url_metrics", json={"targets": targets})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(v2, "current_snapshot", recording)
        asyncio.run(go())
    assert threads == [True, False]
