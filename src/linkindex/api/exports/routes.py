"""POST /explorer/exports (with the key: check the request as its V2 endpoint does, answer a
ticket) and GET /explorer/exports/<ticket> (the list as a CSV file, streamed as it is read).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import weakref
from typing import Any, Literal, get_args

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Message, Send

from linkindex.accounts.quotas import DATA_ROWS
from linkindex.api.auth import CHALLENGE, caller, credential, verify
from linkindex.api.billing import check_quota
from linkindex.api.endpoint import Endpoint, decode_body, read_body
from linkindex.api.errors import ENUM_VALUES, UNAUTHORIZED, ApiError
from linkindex.api.events import OpenStreams
from linkindex.api.exports import EXPORTS_PATH
from linkindex.api.exports.stream import (
    PAGE_SIZE,
    ROW_CAP,
    Export,
    ExportStopped,
    read_page,
    rows_covered,
)
from linkindex.api.exports.tables import TABLES
from linkindex.api.exports.tickets import TICKET_SECONDS, TooManyTickets
from linkindex.api.params import bad_request
from linkindex.api.registry import V2_ENDPOINTS

log = logging.getLogger("linkindex.api")

EXPORTABLE = tuple(TABLES)
ENUM_VALUES["endpoint"] = EXPORTABLE
ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in V2_ENDPOINTS if e.name in TABLES}
DECODERS = {
    name: msgspec.json.Decoder(endpoint.request_type, strict=True)
    for name, endpoint in ENDPOINTS.items()
}

# Exports one key may have streaming at once on each server process: each holds a worker
# thread only while a page is read, but bills and reads as long as its list lasts.
EXPORTS_RUNNING_PER_KEY = 2
TOO_MANY_EXPORTS = (
    "Too many exports at once: this key may have {limit} streaming on each server process;"
    " wait for one to finish"
)
NO_NEXT_TOKEN = "An export starts at the list's first row: send the request without next_token"
TOO_MANY_TICKETS = (
    "Too many export tickets: this key holds {limit} it has not followed yet; follow them or"
    f" wait {TICKET_SECONDS} s for them to expire"
)
NO_SUCH_EXPORT = (
    f"No such export: a ticket is followed once, within {TICKET_SECONDS} s, with the key that"
    " asked for it; ask for another (POST /explorer/exports)"
)
# The export paths' own 405s: the API's (errors.NOT_ALLOWED) speaks of its POST endpoints.
ASK_NOT_ALLOWED = (
    f"Method not allowed: ask for an export ticket with POST {EXPORTS_PATH} and a JSON body"
)
FOLLOW_NOT_ALLOWED = (
    "Method not allowed: follow an export ticket with GET, once (a HEAD would use it up"
    " and bill its list without sending it)"
)


Exportable = Literal["linking_root_domains", "links", "anchor_text", "top_pages"]
assert set(get_args(Exportable)) == set(EXPORTABLE)


class ExportRequest(msgspec.Struct, forbid_unknown_fields=True):
    endpoint: Exportable
    request: msgspec.Raw  # the endpoint's own request body


EXPORT_DECODER = msgspec.json.Decoder(ExportRequest, strict=True)


def running_exports() -> OpenStreams:
    return OpenStreams(EXPORTS_RUNNING_PER_KEY, TOO_MANY_EXPORTS)


async def create_export(request: Request) -> JSONResponse:
    """A ticket for one export: the request is checked as its endpoint checks it (the same
    400s), its first page read, and the key's quota must cover the whole list."""
    if request.method != "POST":
        raise ApiError(405, ASK_NOT_ALLOWED, {"Allow": "POST"})
    state = request.app.state
    tickets = state.export_tickets
    key = caller(state.key_store, request.scope.setdefault("state", {}), request.headers)
    check_quota(state.meter, key, DATA_ROWS)
    wanted = decode_body(EXPORT_DECODER, ExportRequest, await read_body(request))
    endpoint = ENDPOINTS[wanted.endpoint]
    data = decode_body(DECODERS[endpoint.name], endpoint.request_type, bytes(wanted.request))
    if data.next_token:
        raise bad_request(NO_NEXT_TOKEN)
    data = msgspec.structs.replace(data, limit=PAGE_SIZE)
    try:
        # The held tickets first: refusing the key's fifth is cheaper than counting its list.
        tickets.check_room(key.access_id)
        first = await run_in_threadpool(read_page, state, endpoint, data, None, PAGE_SIZE)
        promised = tickets.held(key.access_id).rows
        rows = await run_in_threadpool(rows_covered, state, key, endpoint, data, first, promised)
        ticket = tickets.issue(key.access_id, endpoint.name, msgspec.json.encode(data), rows)
    except TooManyTickets:
        message = TOO_MANY_TICKETS.format(limit=tickets.per_key)
        raise ApiError(429, message, {"Retry-After": str(int(tickets.lifetime))}) from None
    return JSONResponse(
        {
            "url": f"{EXPORTS_PATH}/{ticket}",
            "expires_in": tickets.lifetime,
            "row_cap": ROW_CAP,
        },
        headers={"Cache-Control": "no-store"},
    )


def file_name(endpoint: str, data: Any, default_scope: str) -> str:
    """As the page named its files: linking-root-domains-<target>-<scope>.csv."""
    scope = getattr(data, "target_scope", None) or getattr(data, "scope", None) or default_scope
    target = re.sub(r"[^A-Za-z0-9.-]+", "_", data.target)
    return f"{endpoint.replace('_', '-')}-{target}-{scope}.csv"


async def stream_export(request: Request) -> Response:
    """The export's CSV, billed page by page to the key that asked for the ticket. Errors
    before the first row are answered as the endpoint's; after it, the response ends
    unfinished (ExportStopped). A refusal the key can wait out (its running exports, its
    quota or rate) leaves the ticket to be followed again."""
    if request.method != "GET":  # HEAD too: it would take the ticket and send nothing
        raise ApiError(405, FOLLOW_NOT_ALLOWED, {"Allow": "GET"})
    state = request.app.state
    presented = credential(request.headers)
    holder = None
    if presented is not None:  # a download by navigation sends none; a script may send one
        key = verify(state.key_store, presented)
        if key is None:
            raise ApiError(401, UNAUTHORIZED, CHALLENGE)
        holder = key.access_id
    name = request.path_params["ticket"]
    ticket = state.export_tickets.peek(name, holder)
    if ticket is None:
        raise ApiError(404, NO_SUCH_EXPORT)
    key = state.key_store.active(ticket.access_id)
    if key is None:  # revoked since
        raise ApiError(401, UNAUTHORIZED, CHALLENGE)
    endpoint = ENDPOINTS[ticket.endpoint]
    data = DECODERS[endpoint.name].decode(ticket.request)
    release = state.running_exports.open(key.access_id)
    try:
        export = Export(state, key, endpoint, data)
        await export.admit()
        # Taken only now, once nothing the key can wait out refuses it: a follower that lost
        # the race to another finds it gone.
        if state.export_tickets.take(name, holder) is None:
            raise ApiError(404, NO_SUCH_EXPORT)
        first = await export.read(None)
    except BaseException:
        release()
        raise
    lines = export.lines(first, on_close=release)
    # A response cancelled before its first step never runs the stream's `finally`.
    weakref.finalize(lines, release)
    name = file_name(endpoint.name, data, TABLES[endpoint.name].default_scope)
    return UnfinishedOnStop(
        lines,
        export.deadline,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


class UnfinishedOnStop(StreamingResponse):
    """A stream that, on ExportStopped or at its deadline (a client that stopped reading
    holds each send back), never sends its last (empty, final) body message: the server then
    closes the connection mid-body, which a browser counts as a failed download."""

    def __init__(self, content: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.deadline = deadline  # time.monotonic()'s

    async def stream_response(self, send: Send) -> None:
        async def bounded(message: Message) -> None:
            async with asyncio.timeout(max(0.0, self.deadline - time.monotonic())):
                await send(message)

        try:
            await bounded({"type": "http.response.start", "status": self.status_code,
                           "headers": self.raw_headers})  # fmt: skip
            async for chunk in self.body_iterator:
                await bounded({"type": "http.response.body", "body": chunk, "more_body": True})
        except ExportStopped as stop:
            log.warning("CSV export stopped before the end of its list: %s", stop)
            return
        except TimeoutError:
            log.warning("CSV export stopped: its client read too slowly to end in time")
            await self.body_iterator.aclose()  # type: ignore[attr-defined]  # its slot back
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})


EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def routes() -> list[Route]:
    return [
        # Every method reaches the handlers, which answer the others their own 405.
        Route(EXPORTS_PATH, create_export, methods=EVERY_METHOD),
        Route(EXPORTS_PATH + "/{ticket}", stream_export, methods=EVERY_METHOD),
    ]
