"""What the app adds for the Moz API: the /jsonrpc route, the brand store and its worker.

The worker thread lives as long as the server process (Starlette's lifespan).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.routing import Route

from linkindex.api.jsonrpc.brand_store import BrandStore
from linkindex.api.jsonrpc.endpoint import jsonrpc
from linkindex.api.jsonrpc.worker import BrandWorker
from linkindex.home import Home

PATH = "/jsonrpc"
STORE_FILE = "brand.sqlite"


def routes() -> list[Route]:
    return [Route(PATH, jsonrpc, methods=["POST"])]


def attach(state: State, home: Home) -> None:
    state.brand_store = BrandStore(home.state / STORE_FILE)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    worker = BrandWorker(app.state, app.state.brand_store)
    app.state.brand_worker = worker
    worker.start()
    try:
        yield
    finally:
        worker.stop()
