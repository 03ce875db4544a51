"""A real `linkindex serve` process on a loopback port, for tests that speak HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import requests

from linkindex.accounts.keys import Credential, KeyStore
from linkindex.home import Home


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base_url: str
    home: Home
    credential: Credential
    process: subprocess.Popen | None  # None: the app answers in-process (app_server.py)
    session: requests.Session | None = None  # how an in-process app is reached
    app: Any = None  # the in-process app, for tests that set its clock

    @property
    def auth(self) -> tuple[str, str]:
        return (self.credential.access_id, self.credential.secret_key)

    @property
    def http(self) -> Any:
        """What to send raw requests with: `server.http.post(f"{server.base_url}/...")`."""
        return self.session or requests

    def post(self, endpoint: str, body: object = None, **kwargs) -> requests.Response:
        kwargs.setdefault("auth", self.auth)
        return self.http.post(f"{self.base_url}/v2/{endpoint}", json=body, timeout=30, **kwargs)

    def all_pages(self, endpoint: str, **body: object) -> list[dict]:
        """Every result of a paginated request, following next_token to the end."""
        results: list[dict] = []
        token = None
        while True:
            response = self.post(endpoint, {**body, **({"next_token": token} if token else {})})
            assert response.status_code == 200, response.text
            payload = response.json()
            results += payload["results"]
            token = payload["next_token"]
            if not token:
                return results


# Tests of parameter rules send many bad requests with one key on purpose; the spec's throttle on
# such clients (tests/api/test_limits.py) is switched on by the tests that test it.
TEST_ENV = {"LINKINDEX_THROTTLE": "off"}


def start_server(
    home: Home, env: dict[str, str] | None = None, workers: int = 1, options: tuple[str, ...] = ()
) -> Server:
    """`linkindex serve` on the home and a free port, with a fresh credential; ``options`` are
    more of serve's options (``("--route", path)``)."""
    credential = KeyStore(home.ensure().state / "keys.sqlite").create("test")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "linkindex.cli", "serve", "--home", str(home.root),
         "--port", str(port), "--workers", str(workers), *options],
        env={**os.environ, **TEST_ENV, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()}")
        try:
            requests.get(base_url + "/", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("server did not start within 30 s")
    return Server(base_url, home, credential, process)


def stop_process(process: subprocess.Popen) -> None:
    """Ask a server process to stop; kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def stop_server(server: Server) -> None:
    stop_process(server.process)
