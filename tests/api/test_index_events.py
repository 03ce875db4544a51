"""GET /v2/index_events: each new index_id pushed as a server-sent event, over real HTTP."""

from __future__ import annotations

import json

import httpx
import pytest
from indexed import built_home
from records_factory import fan_in

from linkindex.builder.pipeline import build_index


def first_crawl() -> list:
    return [fan_in("c1", "2026-01-10", 2)]


@pytest.fixture
def home(tmp_path_factory):
    return built_home(tmp_path_factory, first_crawl, "events")


@pytest.fixture
def server(home, serve):
    return serve(home)


def next_event(lines) -> dict:
    """The data of the next `index` event (heartbeat comments skipped)."""
    fields: dict[str, str] = {}
    for line in lines:
        if not line:
            if fields.get("event") == "index":
                return {"id": fields["id"], **json.loads(fields["data"])}
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value
    raise AssertionError("stream ended")


def index_id(server) -> str:
    return server.post("index_metadata", {}).json()["index_id"]


def test_a_subscriber_first_hears_the_current_index(server):
    with httpx.stream("GET", f"{server.base_url}/v2/index_events", auth=server.auth,
                      timeout=10) as response:  # fmt: skip
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = next_event(response.iter_lines())
    assert event["index_id"] == event["id"] == index_id(server)
    assert event["previous_index_id"] is None


def test_a_published_build_is_pushed_with_the_previous_id(server, home):
    old = index_id(server)
    with httpx.stream("GET", f"{server.base_url}/v2/index_events", auth=server.auth,
                      headers={"Last-Event-ID": old}, timeout=15) as response:  # fmt: skip
        lines = response.iter_lines()
        fan_in("c2", "2026-03-10", 4).write(home.crawls)
        build_index(home)
        event = next_event(lines)
    assert event["previous_index_id"] == old
    assert event["index_id"] == index_id(server) != old


def test_the_event_stream_needs_credentials(server):
    response = httpx.get(f"{server.base_url}/v2/index_events", timeout=10)
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_an_open_stream_does_not_take_a_place_of_its_key(home, serve):
    """One request of the key at a time, and none waiting: its calls still run beside its
    stream (a Link Explorer tab listens for as long as it is open)."""
    server = serve(
        home, env={"LINKINDEX_LIMIT_KEY_RUNNING": "1", "LINKINDEX_LIMIT_KEY_WAITING": "0"}
    )
    with httpx.stream("GET", f"{server.base_url}/v2/index_events", auth=server.auth,
                      timeout=10) as response:  # fmt: skip
        next_event(response.iter_lines())
        assert server.post("url_metrics", {"targets": ["example.com"]}).status_code == 200
