"""Builds the ASGI application: routes, error handlers, OpenAPI, and the shared server state.

`create_app(home)` is the one way in, for `linkindex serve`, the tests and the benchmarks.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from linkindex.accounts.keys import KeyStore
from linkindex.accounts.limits import Limiter
from linkindex.accounts.meter import Meter
from linkindex.api import assets
from linkindex.api.admission import AdmissionMiddleware
from linkindex.api.body_guard import BodyGuardMiddleware
from linkindex.api.errors import EXCEPTION_HANDLERS
from linkindex.api.events import OpenStreams, index_events
from linkindex.api.explain_page import explain_json, explain_page
from linkindex.api.explorer_page import explorer_page
from linkindex.api.exports import routes as exports
from linkindex.api.exports.tickets import Tickets
from linkindex.api.handler_thread import EVERY_BODY, THREAD_BODY_BYTES
from linkindex.api.home_page import home_page
from linkindex.api.jsonrpc import mount as jsonrpc
from linkindex.api.limiting import LimitMiddleware
from linkindex.api.openapi import DOCS_PAGE, openapi_document
from linkindex.api.registry import V2_ENDPOINTS
from linkindex.api.server_limits import ServerLimits
from linkindex.api.tokens import DEFAULT_TTL_SECONDS, TokenCodec, load_or_create_secret
from linkindex.home import Home
from linkindex.index.snapshot import CurrentSnapshot
from linkindex.route.config import load_routes
from linkindex.route.current import RoutedSnapshot

TOKEN_TTL_ENV = "LINKINDEX_TOKEN_TTL"
# The routes file of `linkindex serve --route`: snapshots read from shard hosts (docs/scale.md).
ROUTES_ENV = "LINKINDEX_ROUTES"
# Origins whose browser pages may call the APIs, separated by spaces ("*" for any): set by
# `linkindex serve --cors-origin`, read by every worker. Unset: no CORS headers at all.
CORS_ORIGINS_ENV = "LINKINDEX_CORS_ORIGINS"
# What a browser page may send: the credentials both APIs take, and JSON.
CORS_HEADERS = ("Authorization", "Content-Type", "x-moz-token", "Idempotency-Key")


def cors_middleware(origins: list[str]) -> list[Middleware]:
    """Starlette's CORS middleware for these origins, outermost so that a preflight is
    answered before limits and credentials are looked at; none for no origins.

    With "*", any page may call, but the browser sends no cookies and the API reads none
    (the APIs take credentials in headers the page must set itself): fit for an open demo.
    Named origins may also send credentials; each is a site trusted with the keys its users
    type into it (docs/api.md, "CORS").
    """
    if not origins:
        return []
    wildcard = "*" in origins
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"] if wildcard else origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=list(CORS_HEADERS),
            allow_credentials=not wildcard,
            max_age=600,
        )
    ]


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """The JSON-RPC brand worker's life; a router also stops asking its shard hosts."""
    async with jsonrpc.lifespan(app):
        try:
            yield
        finally:
            if isinstance(app.state.snapshots, RoutedSnapshot):
                app.state.snapshots.close()


def create_app(
    home: Home,
    token_ttl_seconds: int | None = None,
    cors_origins: list[str] | None = None,
    limits: ServerLimits | None = None,
    routes_file: Path | None = None,
) -> Starlette:
    """Starlette with msgspec: the framework measured fastest here that leaves us validation
    (msgspec types) and OpenAPI (generated from the same types); docs/architecture.md."""
    home.ensure()
    if cors_origins is None:
        cors_origins = os.environ.get(CORS_ORIGINS_ENV, "").split()
    if limits is None:
        limits = ServerLimits.from_environment()
    if routes_file is None and os.environ.get(ROUTES_ENV):
        routes_file = Path(os.environ[ROUTES_ENV])
    ttl = token_ttl_seconds or int(os.environ.get(TOKEN_TTL_ENV, DEFAULT_TTL_SECONDS))
    document = openapi_document()

    async def openapi_json(_: Request) -> JSONResponse:
        return JSONResponse(document)

    async def docs(_: Request) -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE, headers=assets.PAGE_HEADERS)

    routes = [Route(e.path, e.asgi(), methods=["POST"]) for e in V2_ENDPOINTS]
    routes += jsonrpc.routes()
    routes += [
        Route("/v2/index_events", index_events, methods=["GET"]),
        Route("/explain", explain_page, methods=["GET"]),
        Route("/explain.json", explain_json, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/explorer", explorer_page, methods=["GET"]),
        *exports.routes(),
        *assets.routes(),
        Route("/", home_page, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[
            *cors_middleware(cors_origins),
            Middleware(LimitMiddleware),
            # Inside the limits: a request refused there never takes a key's place.
            Middleware(AdmissionMiddleware, running=limits.key_running, waiting=limits.key_waiting),
            Middleware(BodyGuardMiddleware, body_timeout=limits.body_timeout),
        ],
        lifespan=_lifespan,
    )
    app.state.home = home
    app.state.limits = limits
    if routes_file is None:
        app.state.snapshots = CurrentSnapshot(home.snapshots)
        app.state.thread_line = THREAD_BODY_BYTES
    else:
        # Only snapshot reads go to the shard hosts: keys, quotas, limits, usage and the
        # next_token key are this home's, one set for the whole cluster.
        app.state.snapshots = RoutedSnapshot(load_routes(routes_file))
        app.state.thread_line = EVERY_BODY
    app.state.key_store = KeyStore(home.state / "keys.sqlite")
    app.state.open_streams = OpenStreams()
    # The Link Explorer's CSV exports (api/exports/): tickets shared by the workers, and the
    # exports each key has streaming in this process.
    app.state.export_tickets = Tickets(home.state / "exports.sqlite")
    app.state.running_exports = exports.running_exports()
    # Quotas and usage (both APIs bill through the meter) and the request limits: docs/api.md.
    app.state.meter = Meter.open(home.state)
    app.state.limiter = Limiter(home.state / "limits.sqlite")
    app.state.tokens = TokenCodec(load_or_create_secret(home.state / "token.key"), ttl)
    jsonrpc.attach(app.state, home)
    return app


def app_from_environment() -> Starlette:
    """Factory for uvicorn workers: the home folder comes from LINKINDEX_HOME."""
    return create_app(Home.resolve())
