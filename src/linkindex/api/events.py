"""GET /v2/index_events: the push form of seed 000's freshness check, as server-sent events.

A client subscribes once and hears each new index_id, instead of polling index_metadata.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Callable

from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import StreamingResponse

from linkindex.api.auth import authenticate
from linkindex.api.errors import ApiError
from linkindex.index.layout import PUBLISHED_AT
from linkindex.index.snapshot import NoSnapshot, Snapshot

# CurrentSnapshot rereads the CURRENT pointer at most this often, so checking faster is useless.
CHECK_SECONDS = 0.5
# A comment line this often keeps proxies and idle timeouts from closing a quiet stream.
HEARTBEAT_SECONDS = 15.0
# Open streams one key may hold in one worker process: a stream is not counted among the key's
# requests in progress (it holds no handler), so this bounds what one key can keep open.
STREAMS_PER_KEY = 16
TOO_MANY_STREAMS = (
    "Too many open index event streams: this key may hold {limit} on each server process;"
    " close one before opening another"
)


class OpenStreams:
    """How many streams (of index events, of CSV exports) each key holds open in this
    process."""

    def __init__(self, per_key: int = STREAMS_PER_KEY, message: str = TOO_MANY_STREAMS) -> None:
        self.per_key = per_key
        self.message = message  # formatted with {limit}
        self.held: Counter[str] = Counter()

    def open(self, access_id: str) -> Callable[[], None]:
        """Counts one more stream of the key, or raises the 429; returns its release, which
        counts only once however often it is called."""
        if self.held[access_id] >= self.per_key:
            message = self.message.format(limit=self.per_key)
            raise ApiError(429, message, {"Retry-After": "1"})
        self.held[access_id] += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.held[access_id] -= 1
                if self.held[access_id] <= 0:
                    del self.held[access_id]

        return release


def index_facts(snapshot: Snapshot) -> dict[str, object]:
    """What an event tells of an index beyond its id: Moz's spam_score_update_days, and ours,
    its date (YYYY-MM-DD) and when it was published (ISO 8601 UTC; null for a snapshot
    published before that was recorded)."""
    return {
        "spam_score_update_days": list(snapshot.meta.get("spam_score_update_days", [])),
        "index_date": snapshot.meta.get("index_date") or None,
        "published_at": snapshot.meta.get(PUBLISHED_AT),
    }


def _current_index(state: State) -> tuple[str, dict[str, object]] | None:
    try:
        snapshot = state.snapshots.get()
    except NoSnapshot:
        return None
    return snapshot.index_id, index_facts(snapshot)


def _event(index_id: str, previous: str | None, facts: dict[str, object]) -> bytes:
    data = {"index_id": index_id, "previous_index_id": previous, **facts}
    return f"event: index\nid: {index_id}\ndata: {json.dumps(data)}\n\n".encode()


async def index_event_stream(
    request: Request,
    last_seen: str | None,
    heartbeat: float = HEARTBEAT_SECONDS,
    on_close: Callable[[], None] | None = None,
) -> AsyncIterator[bytes]:
    """First the current index (unless the client's Last-Event-ID is already it), then each
    change as it is published; ``on_close`` runs however the stream ends."""
    state = request.app.state
    sent = last_seen
    quiet = 0.0
    try:
        while not await request.is_disconnected():
            current = _current_index(state)
            if current is not None and current[0] != sent:
                yield _event(current[0], sent, current[1])
                sent, quiet = current[0], 0.0
            elif quiet >= heartbeat:
                yield b": still here\n\n"
                quiet = 0.0
            await asyncio.sleep(CHECK_SECONDS)
            quiet += CHECK_SECONDS
    finally:
        if on_close is not None:
            on_close()


async def index_events(request: Request) -> StreamingResponse:
    key = authenticate(request.app.state.key_store, request.headers)
    release = request.app.state.open_streams.open(key.access_id)
    last_seen = request.headers.get("last-event-id") or None
    stream = index_event_stream(request, last_seen, on_close=release)
    # A response cancelled before its first step never runs the stream's `finally`.
    weakref.finalize(stream, release)
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
