"""GET /v2/index_events: each new index_id pushed as a server-sent event, over real HTTP."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from contextlib import ExitStack
from datetime import UTC, datetime

import httpx
import pytest
from indexed import built_home
from records_factory import fan_in

from linkindex.api.events import CHECK_SECONDS, STREAMS_PER_KEY
from linkindex.builder.pipeline import build_index
from linkindex.index.layout import PUBLISHED_AT, PUBLISHED_FILE, SnapshotLayout
from linkindex.index.snapshot import Snapshot
from linkindex.index.stores import global_store


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


def current_snapshot(home) -> Snapshot:
    layout = SnapshotLayout(home.snapshots)
    return Snapshot(layout.path_of(layout.current_name()))


def first_event(server) -> dict:
    with httpx.stream("GET", f"{server.base_url}/v2/index_events", auth=server.auth,
                      timeout=10) as response:  # fmt: skip
        return next_event(response.iter_lines())


def utc_second(at: str) -> datetime:
    """An ISO 8601 UTC time to the second, as events carry it ("2026-12-07T01:57:44Z")."""
    return datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_an_event_tells_the_index_date_of_its_snapshot(server, home):
    event = first_event(server)
    assert event["index_date"] == current_snapshot(home).meta["index_date"] == "2026-01-10"


def test_an_event_tells_when_its_index_was_published(server, home):
    old = first_event(server)
    with httpx.stream("GET", f"{server.base_url}/v2/index_events", auth=server.auth,
                      headers={"Last-Event-ID": old["id"]}, timeout=15) as response:  # fmt: skip
        lines = response.iter_lines()
        fan_in("c2", "2026-03-10", 4).write(home.crawls)
        before = datetime.now(UTC).replace(microsecond=0)
        build_index(home)
        after = datetime.now(UTC)
        event = next_event(lines)
    # The moment the build made it current, not when it started (its meta's built_at).
    assert before <= utc_second(event["published_at"]) <= after
    assert event["published_at"] == current_snapshot(home).meta[PUBLISHED_AT]
    assert event["index_date"] == "2026-03-10"
    assert utc_second(old["published_at"]) <= utc_second(event["published_at"])


def test_an_index_made_current_again_tells_when_it_was_made_current_again(home, serve):
    """Build A, build B with a new crawl, take the crawl back and build: A's own folder is
    current again, and its event says it was published after B, not when A first was."""
    first = current_snapshot(home)
    fan_in("c2", "2026-03-10", 4).write(home.crawls)
    build_index(home)
    replaced = current_snapshot(home).meta[PUBLISHED_AT]
    shutil.rmtree(home.crawls / "c2")
    time.sleep(1)  # the times are to the second
    before = datetime.now(UTC).replace(microsecond=0)
    again = build_index(home, full=True)
    after = datetime.now(UTC)
    assert home.snapshots / again.snapshot == first.folder  # the same folder, reused
    event = first_event(serve(home))
    assert event["index_id"] == first.index_id
    assert before <= utc_second(event["published_at"]) <= after
    assert utc_second(event["published_at"]) > utc_second(replaced)


def test_a_snapshot_published_before_its_time_was_recorded_still_streams(home, serve):
    """Older snapshots have no publish time, in their meta or beside it: the event says null
    for it."""
    folder = current_snapshot(home).folder
    with sqlite3.connect(global_store(folder)) as con:
        con.execute("DELETE FROM meta WHERE key = ?", (PUBLISHED_AT,))
    (folder / PUBLISHED_FILE).unlink()
    event = first_event(serve(home))
    assert event["published_at"] is None
    assert event["index_date"] == "2026-01-10"
    assert event["index_id"] == current_snapshot(home).index_id


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


def test_a_key_may_hold_a_bounded_number_of_open_streams(server):
    """Streams are not among a key's requests in progress, so they have a bound of their own:
    past it a 429 in the V2 format with Retry-After; a closed stream frees its place."""
    url = f"{server.base_url}/v2/index_events"
    with ExitStack() as stack:
        listening = []  # each stream's line iterator, kept: dropping it closes the stream
        for _ in range(STREAMS_PER_KEY):
            response = stack.enter_context(httpx.stream("GET", url, auth=server.auth, timeout=10))
            assert response.status_code == 200
            lines = response.iter_lines()
            next_event(lines)
            listening.append(lines)
        refused = httpx.get(url, auth=server.auth, timeout=10)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["message"].startswith("Too many open index event streams")
    # The server notices a closed stream at its next check (every CHECK_SECONDS).
    deadline = time.monotonic() + 10
    while True:
        with httpx.stream("GET", url, auth=server.auth, timeout=10) as response:
            if response.status_code == 200:
                break
        assert time.monotonic() < deadline, "closed streams kept their places"
        time.sleep(CHECK_SECONDS)
