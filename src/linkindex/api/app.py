"""Builds the ASGI application: routes, error handlers, OpenAPI, and the shared server state.

`create_app(home)` is the one way in, for `linkindex serve`, the tests and the benchmarks.
"""

from __future__ import annotations

import os

from litestar import Litestar, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin

from linkindex import __version__
from linkindex.accounts.keys import KeyStore
from linkindex.api.errors import EXCEPTION_HANDLERS
from linkindex.api.home_page import home_page
from linkindex.api.tokens import DEFAULT_TTL_SECONDS, TokenCodec, load_or_create_secret
from linkindex.api.v2 import ROUTES as V2_ROUTES
from linkindex.home import Home
from linkindex.index.snapshot import CurrentSnapshot

MAX_BODY_BYTES = 64 * 1024  # the largest valid request (50 long targets) is far below this
TOKEN_TTL_ENV = "LINKINDEX_TOKEN_TTL"


@get("/openapi.json", include_in_schema=False, media_type=MediaType.JSON)
async def openapi_json(request: Request) -> Response:
    return Response(request.app.openapi_schema.to_schema(), media_type=MediaType.JSON)


def create_app(home: Home, token_ttl_seconds: int | None = None) -> Litestar:
    home.ensure()
    ttl = token_ttl_seconds or int(os.environ.get(TOKEN_TTL_ENV, DEFAULT_TTL_SECONDS))
    state = State(
        {
            "home": home,
            "snapshots": CurrentSnapshot(home.snapshots),
            "key_store": KeyStore(home.state / "keys.sqlite"),
            "tokens": TokenCodec(load_or_create_secret(home.state / "token.key"), ttl),
        }
    )
    return Litestar(
        route_handlers=[*V2_ROUTES, openapi_json, home_page],
        state=state,
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="linkindex",
            version=__version__,
            description=(
                "A self-hosted backlink index speaking the Moz Links API V2. Authenticate with"
                " HTTP Basic access_id:secret_key (`linkindex keys create`)."
            ),
            path="/docs",
            render_plugins=[SwaggerRenderPlugin(path="/")],
        ),
    )


def app_from_environment() -> Litestar:
    """Factory for uvicorn workers: the home folder comes from LINKINDEX_HOME."""
    return create_app(Home.resolve())
