"""One HTTP/1.1 connection: uvicorn's httptools protocol with limits on the request head, which
the server reads before any ASGI code sees the request (so no middleware can limit it).

- The request line and headers may hold `max_header_bytes` (431 past that): counted as bytes
  arrive, so a huge header is refused after at most one read past the cap, never buffered whole.
- They must arrive within `header_timeout` seconds of the connection opening or the previous
  answer (408 when part of a request came, a silent close when none did).
- An answer sent before its request's body has fully arrived (a 401, 413 or 429) leaves the
  client `header_timeout` seconds from the answer to finish that body (read and dropped) and
  send its next headers, and at most `max_body_bytes` more of it: the connection is kept for a
  client that sent its body in a second packet, and closed for one that trickles it.

uvicorn itself caps neither the head nor its time when it runs httptools (its default when
installed); docs/api.md ("Resource limits") says what it does with h11.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from linkindex.api.errors import HEAD_TIMEOUT, HEAD_TOO_LARGE
from linkindex.api.refusals import refusal_body
from linkindex.api.server_limits import ServerLimits


@functools.cache
def _limits() -> ServerLimits:
    return ServerLimits.from_environment()


class LimitedHttpProtocol(HttpToolsProtocol):
    """What `linkindex serve` runs: passed to uvicorn as its `http` protocol class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = _limits()
        self.url = b""  # uvicorn's, set at each request's start
        self.head_bytes = 0  # bytes of the current request head received so far
        self.in_head = True  # between requests, or inside a request's line and headers
        self.head_too_large = False
        self.dropped_bytes = 0  # body bytes of an answered request, read and dropped
        self.head_timer: asyncio.TimerHandle | None = None

    # The head's deadline: from the connection opening, or from the previous answer.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self.head_timer = self.loop.call_later(self.limits.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.transport.is_closing():
            return
        if self.head_bytes:
            self._refuse(408, HEAD_TIMEOUT.format(self.limits.header_timeout))
        else:  # an idle connection: nothing to answer
            self.transport.close()

    # The head's size.
    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self.in_head:
            self.head_bytes += len(data)
        super().data_received(data)  # uvicorn's: parse (a malformed request is its 400)
        if self.transport.is_closing():
            return
        if self.in_head and self.head_bytes > self.limits.max_header_bytes:
            self._refuse(431, HEAD_TOO_LARGE.format(self.limits.max_header_bytes))

    def send_400_response(self, msg: str) -> None:
        if not self.transport.is_closing():  # not after this connection's own refusal
            super().send_400_response(msg)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head = True

    def on_headers_complete(self) -> None:
        self.in_head = False
        self._cancel_head_timer()
        # The exact size, for a head that ended inside the read that took it past the cap.
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.limits.max_header_bytes:
            self.head_too_large = True  # the parser goes on to the body: ignore it
            self._refuse(431, HEAD_TOO_LARGE.format(self.limits.max_header_bytes))
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self.head_too_large:
            return
        if self.cycle.response_complete:
            # Answered before its body arrived: uvicorn drops the rest; past the body cap,
            # stop reading it. (The head timer, armed at the answer, ends a slow trickle.)
            self.dropped_bytes += len(body)
            if self.dropped_bytes > self.limits.max_body_bytes:
                self.transport.close()
            return
        super().on_body(body)

    def on_message_complete(self) -> None:
        if self.head_too_large:
            return
        super().on_message_complete()
        self.in_head = True
        self.head_bytes = 0
        self.dropped_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm_head_timer()

    def _refuse(self, status: int, message: str) -> None:
        path = self.url.split(b"?", 1)[0].decode("latin-1")
        body = refusal_body(path, status, message)
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
