"""One Links API V2 endpoint: its path, body and result types, handler and the rows it bills.

The request cycle every endpoint shares: credentials, a capped body, strict decoding, encoding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response

from linkindex.accounts.quotas import DATA_ROWS
from linkindex.api.auth import caller
from linkindex.api.billing import charge_rows, check_quota, idempotency_key
from linkindex.api.decoding import decode_request
from linkindex.api.errors import (
    BODY_TOO_DEEP,
    BODY_TOO_LARGE,
    NO_INDEX,
    ApiError,
    describe_validation,
)
from linkindex.api.handler_thread import run_handler
from linkindex.api.params import bad_request
from linkindex.index.snapshot import NoSnapshot, Snapshot

TargetScope = Literal["page", "subdomain", "root_domain"]
# The most results a list endpoint gives in one page.
MAX_LIMIT = 50
Limit = Annotated[
    int, msgspec.Meta(ge=1, le=MAX_LIMIT, description=f"Results per page, 1-{MAX_LIMIT}.")
]
Target = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]


def current_snapshot(state: State) -> Snapshot:
    try:
        return state.snapshots.get()
    except NoSnapshot as exc:
        raise ApiError(503, exc.public or NO_INDEX) from exc


async def read_body(request: Request) -> bytes:
    """The body, at most the server's `max_body_bytes`: a declared Content-Length over it is
    refused unread, and a chunked body (no Content-Length) as soon as it passes it."""
    cap = request.app.state.limits.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise ApiError(413, BODY_TOO_LARGE.format(cap))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise ApiError(413, BODY_TOO_LARGE.format(cap))
        chunks.append(chunk)
    return b"".join(chunks)


def decode_body(decoder: msgspec.json.Decoder, request_type: type, body: bytes) -> Any:
    """The body as `request_type`, or the 400 that says what is wrong with it."""
    try:
        return decode_request(decoder, request_type, body)
    except msgspec.ValidationError as exc:
        raise bad_request(describe_validation(str(exc))) from exc
    except msgspec.DecodeError as exc:
        raise bad_request(f"Request body is not valid JSON: {exc}") from exc
    except UnicodeDecodeError as exc:  # bad UTF-8 inside a JSON string
        raise bad_request(f"Request body is not valid UTF-8: {exc.reason}") from exc
    except RecursionError as exc:  # msgspec skipping a deep value it keeps raw, or converts
        raise bad_request(BODY_TOO_DEEP) from exc


@dataclass(frozen=True)
class Endpoint:
    """One V2 endpoint: its path, body and result types (which also make its OpenAPI entry)."""

    path: str
    request_type: type
    response_type: Any
    handler: Callable[[State, Any], Any]
    # Rows billed for one answered request (spec 1.1: quota is counted in rows), from the
    # decoded request and the handler's response; an error bills nothing.
    rows: Callable[[Any, Any], int] = lambda request, response: len(response.results)
    empty_body_allowed: bool = False
    # Free endpoints (index_metadata, usage_data) are answered even when the quota is used up.
    free: bool = False
    # The handler also gets the caller's ApiKey, as handler(state, request, key).
    pass_key: bool = False

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def summary(self) -> str:
        return (self.handler.__doc__ or "").strip().splitlines()[0]

    def asgi(self) -> Callable[[Request], Awaitable[Response]]:
        decoder = msgspec.json.Decoder(self.request_type, strict=True)
        encode = msgspec.json.Encoder().encode

        async def endpoint(request: Request) -> Response:
            state = request.app.state
            # Credentials first: a caller without them learns nothing about its body.
            key = caller(state.key_store, request.scope.setdefault("state", {}), request.headers)
            if not self.free:
                check_quota(state.meter, key, DATA_ROWS)
            body = await read_body(request)
            if not body.strip() and self.empty_body_allowed:
                body = b"{}"
            data = decode_body(decoder, self.request_type, body)
            # A large request in a worker thread: a handler that reads for seconds (50 targets
            # with every modifier) leaves the event loop free for other requests.
            args = (state, data, key) if self.pass_key else (state, data)
            result = await run_handler(len(body), self.handler, *args, line=state.thread_line)
            if not self.free:
                # After the handler: an error raised above bills nothing (spec 2.1).
                rows = self.rows(data, result)
                if rows:
                    retry = idempotency_key(request.headers, self.path, body)
                    await charge_rows(state.meter, key, DATA_ROWS, rows, retry)
            return Response(encode(result), media_type="application/json")

        return endpoint
