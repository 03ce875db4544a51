"""The app called in-process, behind the same `Server` as a real `linkindex serve`.

Most API tests ask what the app answers, not what a socket does: they run here, with no port and
no subprocess. The app's lifespan runs (the brand worker too) and its settings come from the
same environment variables a real server reads. Requests go through a `requests.Session` whose
adapter hands them to Starlette's TestClient, so a test reads the same `requests.Response`
whichever way its server runs (`server.session.post(f"{server.base_url}/...")`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from live_server import TEST_ENV, Server
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from starlette.applications import Starlette
from starlette.testclient import TestClient

from linkindex.accounts.keys import KeyStore
from linkindex.api.app import create_app
from linkindex.home import Home

BASE_URL = "http://testserver"


class AppAdapter(BaseAdapter):
    """A requests transport adapter that answers from an ASGI app instead of a socket."""

    def __init__(self, client: TestClient) -> None:
        super().__init__()
        self.client = client

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body.encode() if isinstance(request.body, str) else request.body
        answer = self.client.request(
            request.method, request.url, headers=dict(request.headers), content=body
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason_phrase
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.content
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """os.environ with these values set, restored afterwards: the app reads its settings once,
    when it is created, as each worker of a real server does."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def make_app(home: Home, env: dict[str, str] | None = None) -> Starlette:
    """The app `linkindex serve` would run on the home, with a real server's test settings."""
    with environment({**TEST_ENV, **(env or {})}):
        return create_app(home)


@contextmanager
def app_server(home: Home, env: dict[str, str] | None = None) -> Iterator[Server]:
    """A Server whose requests are answered in-process; `server.app` is the app."""
    credential = KeyStore(home.ensure().state / "keys.sqlite").create("test")
    app = make_app(home, env)
    # A build a test publishes is seen by the next request, not up to 0.5 s later.
    app.state.snapshots.recheck_seconds = 0
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        session = requests.Session()
        session.mount(BASE_URL, AppAdapter(client))
        yield Server(BASE_URL, home, credential, None, session, app)


def pass_time(server: Server, seconds: float) -> None:
    """Move the in-process app's clocks on by `seconds` instead of waiting: next_token ages,
    rate-limit windows and the bad-request throttle all read them."""
    state = server.app.state
    for holder in (state.tokens, state.limiter):
        earlier = holder.clock
        holder.clock = lambda earlier=earlier: earlier() + seconds
