"""Rate limits and the bad-request throttle, applied to every API request (V2 and JSON-RPC) before
it reaches its endpoint; 4xx answers are counted on the way out.

A pure ASGI middleware: it costs one credentials check (reused by the endpoint) and one SQLite
lookup per request, or one SQLite upsert when the key has a rate limit.
"""

from __future__ import annotations

import msgspec
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkindex.accounts.limits import Limiter, Refused
from linkindex.api.auth import identify
from linkindex.api.errors import error_body
from linkindex.api.exports import EXPORTS_PATH

JSONRPC_PATH = "/jsonrpc"
# Moz's JSON-RPC code for a rate-limited call was never captured (spec 2.1): -32429 echoes the
# HTTP status, and error.status carries 429 as for every JSON-RPC error.
JSONRPC_RATE_LIMITED = -32429


def limited_path(path: str) -> bool:
    # An export's ticket is asked for with the key, as a V2 call is; following the ticket
    # (EXPORTS_PATH/<ticket>) is limited page by page as it streams (api/exports/stream.py).
    return path.startswith("/v2/") or path in (JSONRPC_PATH, EXPORTS_PATH)


def refusal_body(path: str, refused: Refused) -> bytes:
    if path == JSONRPC_PATH:
        error = {
            "code": JSONRPC_RATE_LIMITED,
            "status": 429,
            "message": refused.message,
            "data": {"retry_after": refused.retry_after},
        }
        return msgspec.json.encode({"id": None, "jsonrpc": "2.0", "error": error})
    return error_body(429, refused.message)


async def send_refusal(send: Send, body: bytes, refused: Refused) -> None:
    """The 429 with its Retry-After."""
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(refused.retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not limited_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        limiter: Limiter = state.limiter
        # The same reading of the credentials as the endpoints': the key limited is the key served.
        key = identify(state.key_store, Headers(scope=scope), jsonrpc=scope["path"] == JSONRPC_PATH)
        # The endpoint reuses this answer instead of checking the credentials again.
        scope.setdefault("state", {})["api_key"] = key
        if key is not None:
            client = key.access_id
            rate = state.meter.account(key).rate_limit
        else:
            # No valid key: the throttle follows the address (a 401 flood is bad requests too).
            client = "ip:" + (scope["client"][0] if scope.get("client") else "unknown")
            rate = None
        try:
            limiter.admit(client, rate)
        except Refused as refused:
            await send_refusal(send, refusal_body(scope["path"], refused), refused)
            return

        async def counting_send(message: Message) -> None:
            # 429s are the limits' own answers, not the client's mistakes: they do not count.
            if message["type"] == "http.response.start" and (
                400 <= message["status"] < 500 and message["status"] != 429
            ):
                limiter.record_client_error(client)
            await send(message)

        await self.app(scope, receive, counting_send)
