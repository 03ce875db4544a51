"""The routes file of `linkindex serve --route ROUTES.toml`: the shard hosts' URLs, the shared
secret's file and the router's timings; read once when the server starts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from linkindex.shardhost.wire import read_secret


class BadRoutes(ValueError):
    """The routes file is missing, not TOML, or lacks what the router needs."""


@dataclass(frozen=True)
class RouteConfig:
    hosts: tuple[str, ...]  # base URLs, in the order a file held by several is tried
    secret: bytes
    recheck_seconds: float = 1.0  # how often the hosts are asked what they hold
    timeout_seconds: float = 30.0  # one query's answer
    connect_seconds: float = 2.0


def load_routes(path: Path) -> RouteConfig:
    """The config in a routes file; the secret file is relative to the routes file's folder."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BadRoutes(f"{path}: {exc}") from exc
    hosts = data.get("hosts")
    if not isinstance(hosts, list) or not hosts:
        raise BadRoutes(f"{path}: no [[hosts]] tables")
    urls = []
    for host in hosts:
        url = host.get("url") if isinstance(host, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise BadRoutes(f'{path}: each [[hosts]] needs url = "http://host:port"')
        urls.append(url.rstrip("/"))
    secret_file = data.get("secret_file")
    if not isinstance(secret_file, str):
        raise BadRoutes(f'{path}: secret_file = "FILE" is missing')
    try:
        secret = read_secret(path.parent / secret_file)
    except (OSError, ValueError) as exc:
        raise BadRoutes(str(exc)) from exc
    timings = {}
    for name in ("recheck_seconds", "timeout_seconds", "connect_seconds"):
        value = data.get(name)
        if value is not None:
            if not isinstance(value, int | float) or value <= 0:
                raise BadRoutes(f"{path}: {name} must be a positive number")
            timings[name] = float(value)
    return RouteConfig(tuple(urls), secret, **timings)
