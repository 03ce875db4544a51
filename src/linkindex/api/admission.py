"""Per-key admission: at most `running` requests of one key are in progress at once on a server
process; more wait their turn in arrival order, up to `waiting`, and past that get a 429.

So one key's heavy requests (50 url_metrics targets with every modifier hold a handler for
seconds) take at most `running` of the server's handler threads, and another key's requests
start at once beside them. A pure ASGI middleware, inside LimitMiddleware: it reuses that
middleware's reading of the credentials (api.auth), so the key admitted is the key limited,
served and billed. A request without a valid key goes through: it is answered 401 before any
work.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from linkindex.accounts.limits import Refused
from linkindex.api.auth import request_key
from linkindex.api.limiting import JSONRPC_PATH, limited_path, refusal_body, send_refusal

EVENTS = "/v2/index_events"


def busy_message(running: int, waiting: int) -> str:
    return (
        f"Too many requests at once: this key may have {running} requests in progress and"
        f" {waiting} waiting on each server process; wait for answers before sending more"
    )


@dataclass
class _Gate:
    semaphore: asyncio.Semaphore
    users: int = 0  # running and waiting


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, running: int, waiting: int) -> None:
        self.app = app
        self.running = running
        self.waiting = waiting
        self.gates: dict[str, _Gate] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The index event stream holds no handler thread but stays open as long as its client
        # listens (a Link Explorer tab): admitted, it would keep one of the key's places busy.
        if scope["type"] != "http" or not limited_path(scope["path"]) or scope["path"] == EVENTS:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        jsonrpc = scope["path"] == JSONRPC_PATH
        scope_state = scope.setdefault("state", {})
        key = request_key(state.key_store, scope_state, Headers(scope=scope), jsonrpc=jsonrpc)
        if key is None:
            await self.app(scope, receive, send)
            return
        gate = self.gates.get(key.access_id)
        if gate is None:
            gate = self.gates[key.access_id] = _Gate(asyncio.Semaphore(self.running))
        if gate.users >= self.running + self.waiting:
            refused = Refused(busy_message(self.running, self.waiting), 1)
            await send_refusal(send, refusal_body(scope["path"], refused), refused)
            return
        gate.users += 1
        try:
            async with gate.semaphore:
                await self.app(scope, receive, send)
        finally:
            gate.users -= 1
            if gate.users == 0:
                del self.gates[key.access_id]
