"""Shared fixtures: a home folder, credentials, and a real `linkindex serve` on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).parent))

from linkindex.accounts.keys import Credential, KeyStore  # noqa: E402
from linkindex.home import Home  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base_url: str
    home: Home
    credential: Credential
    process: subprocess.Popen

    @property
    def auth(self) -> tuple[str, str]:
        return (self.credential.access_id, self.credential.secret_key)

    def post(self, endpoint: str, body: object = None, **kwargs) -> requests.Response:
        kwargs.setdefault("auth", self.auth)
        return requests.post(f"{self.base_url}/v2/{endpoint}", json=body, timeout=30, **kwargs)


def start_server(home: Home, env: dict[str, str] | None = None) -> Server:
    credential = KeyStore(home.ensure().state / "keys.sqlite").create("test")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "linkindex.cli", "serve", "--home", str(home.root),
         "--port", str(port)],
        env={**os.environ, **(env or {})},
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


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def serve():
    """Start servers on a home; all are stopped at the end of the test."""
    started: list[Server] = []

    def _start(home: Home, env: dict[str, str] | None = None) -> Server:
        server = start_server(home, env)
        started.append(server)
        return server

    yield _start
    for server in started:
        stop_server(server)


@pytest.fixture
def build_home(home: Home):
    """Write crawls into the home and build them; returns the BuildResult."""
    from linkindex.build.pipeline import build_index

    def _build(*crawls) -> object:
        for crawl in crawls:
            crawl.write(home.crawls)
        return build_index(home)

    return _build
