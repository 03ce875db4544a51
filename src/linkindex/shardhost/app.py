"""The shard host's HTTP face: GET /shards/held lists what it holds, POST /shards/query runs one
read statement on one file of one snapshot, POST /shards/batch several; each takes the shared
secret as a Bearer token.

Built by `linkindex serve-shards`; its settings come from the environment, as the API's do.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from linkindex.home import HOME_ENV, Home
from linkindex.shardhost.guard import QueryBounds, Refused, answer_bytes
from linkindex.shardhost.held import HeldFiles
from linkindex.shardhost.wire import (
    BATCH_PATH,
    HELD_PATH,
    MAX_BATCH,
    QUERY_PATH,
    Query,
    Refusal,
    decode_batch,
    decode_query,
    encode,
    read_secret,
)

SECRET_FILE_ENV = "LINKINDEX_SHARD_SECRET_FILE"
BOUNDS_ENV = "LINKINDEX_SHARD_BOUNDS"  # "seconds rows bytes"
# A query's body: its statement and parameters (link_status sends its sources).
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class HostSettings:
    home: Home
    secret: bytes
    bounds: QueryBounds


def _refusal(status: int, message: str) -> Response:
    body = msgspec.json.encode(Refusal(f"{HTTPStatus(status).phrase}: {message}"))
    return Response(body, status, media_type="application/json")


def _authorized(request: Request, secret: bytes) -> bool:
    given = request.headers.get("authorization", "").encode("latin-1")
    # compare_digest: the time taken says nothing about how much of the secret was right.
    return hmac.compare_digest(given, b"Bearer " + secret)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise Refused(413, f"a query is at most {MAX_BODY_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refused(413, f"a query is at most {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def create_host_app(settings: HostSettings) -> Starlette:
    files = HeldFiles(settings.home.snapshots)
    unauthorized = "send the shared secret as Authorization: Bearer <secret>"

    def held(request: Request) -> Response:
        if not _authorized(request, settings.secret):
            return _refusal(401, unauthorized)
        return Response(msgspec.json.encode(files.holdings()), media_type="application/json")

    def read(asked: Query, bounds: QueryBounds = settings.bounds) -> list[tuple]:
        with files.connection(asked.snapshot, asked.file) as con:
            return con.rows(asked.sql, asked.params, bounds)

    def read_all(batch: list[Query]) -> list[list[tuple]]:
        # The bounds hold for the whole batch, not for each of its statements: else one batch
        # of MAX_BATCH statements could take MAX_BATCH times the time and bytes of one.
        whole = settings.bounds
        ends = time.monotonic() + whole.seconds
        answers: list[list[tuple]] = []
        rows = size = 0
        for asked in batch:
            seconds = ends - time.monotonic()
            if seconds <= 0:
                raise Refused(422, f"the batch ran past {whole.seconds:g} s")
            found = read(asked, QueryBounds(seconds, whole.rows - rows, whole.bytes - size))
            answers.append(found)
            rows += len(found)
            size += answer_bytes(found)
        return answers

    def parse_query(body: bytes) -> Query:
        try:
            return decode_query(body)
        except msgspec.MsgspecError as exc:
            raise Refused(400, f"not a query: {exc}") from exc

    def parse_batch(body: bytes) -> list[Query]:
        try:
            batch = decode_batch(body)
        except msgspec.MsgspecError as exc:
            raise Refused(400, f"not a list of queries: {exc}") from exc
        if len(batch) > MAX_BATCH:
            raise Refused(413, f"a batch holds at most {MAX_BATCH} queries")
        return batch

    def answering(parse: Callable[[bytes], Any], run: Callable[[Any], object]):
        """An endpoint: the secret, the bounded body ``parse``d, ``run`` on it, the rows as
        msgpack; any refusal in the host's format."""

        async def endpoint(request: Request) -> Response:
            if not _authorized(request, settings.secret):
                return _refusal(401, unauthorized)
            try:
                asked = parse(await _body(request))
                # SQLite in a worker thread: the event loop keeps answering the other queries.
                rows = await run_in_threadpool(run, asked)
            except Refused as exc:
                return _refusal(exc.status, exc.message)
            return Response(encode(rows), media_type="application/msgpack")

        return endpoint

    return Starlette(
        routes=[
            Route(HELD_PATH, held, methods=["GET"]),
            Route(QUERY_PATH, answering(parse_query, read), methods=["POST"]),
            # One refusal refuses the batch: the router then asks statement by statement.
            Route(BATCH_PATH, answering(parse_batch, read_all), methods=["POST"]),
        ]
    )


def settings_to_environment(secret_file: Path, bounds: QueryBounds) -> dict[str, str]:
    return {
        SECRET_FILE_ENV: str(secret_file),
        BOUNDS_ENV: f"{bounds.seconds} {bounds.rows} {bounds.bytes}",
    }


def app_from_environment() -> Starlette:
    """Factory for uvicorn workers: home, secret file and bounds from the environment."""
    bounds = QueryBounds()
    if os.environ.get(BOUNDS_ENV):
        seconds, rows, size = os.environ[BOUNDS_ENV].split()
        bounds = QueryBounds(float(seconds), int(rows), int(size))
    secret = read_secret(Path(os.environ[SECRET_FILE_ENV]))
    return create_host_app(HostSettings(Home.resolve(os.environ.get(HOME_ENV)), secret, bounds))
