"""Slow and vanishing request bodies, for every HTTP request before it reaches its endpoint.

- A body must arrive whole within `body_timeout` seconds of the endpoint starting to read it:
  past that the read raises the 408 ApiError, which each API answers in its own format (and the
  connection then closes: api/connection.py).
- A client that goes away before its body was read is one line in the log, not a traceback:
  nobody is left to answer, and it is the client's doing, not a bug.

A pure ASGI middleware: it wraps `receive` only, and costs nothing once the body is read.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkindex.api.errors import BODY_TIMEOUT, ApiError

log = logging.getLogger("linkindex.api")


class BodyGuardMiddleware:
    def __init__(self, app: ASGIApp, body_timeout: float) -> None:
        self.app = app
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        body_read = False

        async def timed_receive() -> Message:
            nonlocal deadline, body_read
            if body_read:  # e.g. a response waiting for the client to go away
                return await receive()
            if deadline is None:
                deadline = asyncio.get_running_loop().time() + self.body_timeout
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                message = BODY_TIMEOUT.format(self.body_timeout)
                raise ApiError(408, message, {"Connection": "close"}) from None
            body_read = message["type"] != "http.request" or not message.get("more_body")
            return message

        try:
            await self.app(scope, timed_receive, send)
        except ClientDisconnect:
            client = scope.get("client") or ("unknown", 0)
            log.warning(
                "client %s:%s disconnected before sending its whole request: %s %s",
                client[0], client[1], scope["method"], scope["path"],
            )  # fmt: skip
