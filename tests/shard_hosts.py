"""Real `linkindex serve-shards` processes on loopback ports, and a routes file naming them, for
the tests of `linkindex serve --route` (docs/scale.md, "Several servers")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from live_server import free_port, stop_process

from linkindex.home import Home

SECRET = "0123456789abcdef-test-shard-secret"
SCALE_DOC = Path(__file__).resolve().parent.parent / "docs" / "scale.md"


@dataclass
class ShardHost:
    url: str
    home: Home
    process: subprocess.Popen


def start_shard_host(
    home: Home, secret_file: Path, *options: str, port: int | None = None
) -> ShardHost:
    """One host; on ``port`` to come back where a routes file expects it."""
    return start_shard_hosts([home], secret_file, *options, ports=[port or free_port()])[0]


def start_shard_hosts(
    homes: list[Home], secret_file: Path, *options: str, ports: list[int] | None = None
) -> list[ShardHost]:
    """`linkindex serve-shards` on each home, started together, once all of them answer."""
    hosts = []
    for home, port in zip(homes, ports or [free_port() for _ in homes], strict=True):
        process = subprocess.Popen(
            [sys.executable, "-m", "linkindex.cli", "serve-shards", "--home", str(home.root),
             "--secret-file", str(secret_file), "--port", str(port), *options],
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        hosts.append(ShardHost(f"http://127.0.0.1:{port}", home, process))
    deadline = time.monotonic() + 30
    for host in hosts:
        while True:
            if host.process.poll() is not None:
                raise RuntimeError(f"shard host exited: {host.process.stderr.read().decode()}")
            try:
                httpx.get(host.url + "/shards/held", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    for started in hosts:
                        started.process.kill()
                    raise RuntimeError("shard host did not start within 30 s") from None
                time.sleep(0.1)
    return hosts


def stop_shard_host(host: ShardHost) -> None:
    stop_process(host.process)


def example_routes() -> str:
    """The routes file docs/scale.md shows (its first TOML block)."""
    found = re.search(r"```toml\n(.*?)```", SCALE_DOC.read_text(), re.S)
    assert found, "docs/scale.md has no TOML example"
    return found[1]


def write_routes(folder: Path, urls: list[str], recheck_seconds: float = 0.2) -> Path:
    """docs/scale.md's routes file with these hosts' URLs, a fast recheck, and its secret."""
    text = example_routes()
    documented = re.findall(r'url = "(http://[^"]+)"', text)
    assert len(documented) == len(urls)
    for old, new in zip(documented, urls, strict=True):
        text = text.replace(old, new)
    text = re.sub(r"recheck_seconds = [0-9.]+", f"recheck_seconds = {recheck_seconds}", text)
    secret_name = re.search(r'secret_file = "([^"]+)"', text)[1]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / secret_name).write_text(SECRET + "\n")
    routes = folder / "routes.toml"
    routes.write_text(text)
    return routes
