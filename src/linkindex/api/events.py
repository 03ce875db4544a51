"""GET /v2/index_events: the push form of seed 000's freshness check, as server-sent events.

A client subscribes once and hears each new index_id, instead of polling index_metadata.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import StreamingResponse

from linkindex.api.auth import authenticate
from linkindex.index.snapshot import NoSnapshot

# CurrentSnapshot rereads the CURRENT pointer at most this often, so checking faster is useless.
CHECK_SECONDS = 0.5
# A comment line this often keeps proxies and idle timeouts from closing a quiet stream.
HEARTBEAT_SECONDS = 15.0


def _current_index(state: State) -> tuple[str, list[str]] | None:
    try:
        snapshot = state.snapshots.get()
    except NoSnapshot:
        return None
    return snapshot.index_id, list(snapshot.meta.get("spam_score_update_days", []))


def _event(index_id: str, previous: str | None, days: list[str]) -> bytes:
    data = {"index_id": index_id, "previous_index_id": previous, "spam_score_update_days": days}
    return f"event: index\nid: {index_id}\ndata: {json.dumps(data)}\n\n".encode()


async def index_event_stream(
    request: Request, last_seen: str | None, heartbeat: float = HEARTBEAT_SECONDS
) -> AsyncIterator[bytes]:
    """First the current index (unless the client's Last-Event-ID is already it), then each
    change as it is published."""
    state = request.app.state
    sent = last_seen
    quiet = 0.0
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


async def index_events(request: Request) -> StreamingResponse:
    authenticate(request.app.state.key_store, request.headers)
    last_seen = request.headers.get("last-event-id") or None
    return StreamingResponse(
        index_event_stream(request, last_seen),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
