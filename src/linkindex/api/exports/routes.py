"""POST /explorer/exports (with the key: check the request as its V2 endpoint does, answer a
ticket) and GET /explorer/exports/<ticket> (the list as a CSV file, streamed as it is read).
"""

from __future__ import annotations

import logging
import re
import weakref
from typing import Any, Literal, get_args

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Send

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
    check_covered,
    read_page,
)
from linkindex.api.exports.tables import TABLES
from linkindex.api.exports.tickets import TooManyTickets
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
    " wait a minute for them to expire"
)
NO_SUCH_EXPORT = (
    "No such export: a ticket is followed once, within a minute, with the key that asked for"
    " it; ask for another (POST /explorer/exports)"
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
    state = request.app.state
    key = caller(state.key_store, request.scope.setdefault("state", {}), request.headers)
    check_quota(state.meter, key, DATA_ROWS)
    wanted = decode_body(EXPORT_DECODER, ExportRequest, await read_body(request))
    endpoint = ENDPOINTS[wanted.endpoint]
    data = decode_body(DECODERS[endpoint.name], endpoint.request_type, bytes(wanted.request))
    if data.next_token:
        raise bad_request(NO_NEXT_TOKEN)
    data = msgspec.structs.replace(data, limit=PAGE_SIZE)
    first = await run_in_threadpool(read_page, state, endpoint, data, None, PAGE_SIZE)
    await run_in_threadpool(check_covered, state, key, endpoint, data, first)
    try:
        ticket = state.export_tickets.issue(key.access_id, endpoint.name, msgspec.json.encode(data))
    except TooManyTickets:
        limit = state.export_tickets.per_key
        raise ApiError(429, TOO_MANY_TICKETS.format(limit=limit), {"Retry-After": "60"}) from None
    return JSONResponse(
        {
            "url": f"{EXPORTS_PATH}/{ticket}",
            "expires_in": state.export_tickets.lifetime,
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
    unfinished (ExportStopped)."""
    state = request.app.state
    presented = credential(request.headers)
    holder = None
    if presented is not None:  # a download by navigation sends none; a script may send one
        key = verify(state.key_store, presented)
        if key is None:
            raise ApiError(401, UNAUTHORIZED, CHALLENGE)
        holder = key.access_id
    ticket = state.export_tickets.take(request.path_params["ticket"], holder)
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
        first = await export.page(None)
    except BaseException:
        release()
        raise
    lines = export.lines(first, on_close=release)
    # A response cancelled before its first step never runs the stream's `finally`.
    weakref.finalize(lines, release)
    name = file_name(endpoint.name, data, TABLES[endpoint.name].default_scope)
    return UnfinishedOnStop(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


class UnfinishedOnStop(StreamingResponse):
    """A stream that, on ExportStopped, never sends its last (empty, final) body message: the
    server then closes the connection mid-body, which a browser counts as a failed download."""

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.raw_headers})  # fmt: skip
        try:
            async for chunk in self.body_iterator:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except ExportStopped as stop:
            log.warning("CSV export stopped before the end of its list: %s", stop)
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def routes() -> list[Route]:
    return [
        Route(EXPORTS_PATH, create_export, methods=["POST"]),
        Route(EXPORTS_PATH + "/{ticket}", stream_export, methods=["GET"]),
    ]
