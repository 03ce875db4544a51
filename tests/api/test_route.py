"""`linkindex serve --route`: a router whose snapshot reads go to two `linkindex serve-shards`
hosts holding half the shards each answers every V2 endpoint and JSON-RPC link-data method byte
for byte as one local server of the same 4-shard snapshot does (docs/scale.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_server import app_server
from live_server import Server
from shard_hosts import SECRET, start_shard_hosts, stop_shard_host, write_routes
from test_shards_equivalence import (
    FROZEN_CLOCK,
    RPC_REQUESTS,
    SHARDS,
    V2_REQUESTS,
    WEBS,
    build,
    rpc_pages,
    v2_pages,
)

from linkindex.api.app import ROUTES_ENV
from linkindex.home import Home
from linkindex.index.layout import SnapshotLayout
from linkindex.shardhost.place import place_files

# Host A: shards 0 and 1 and the global file; host B: shards 2 and 3.
SPLIT = (([0, 1], True), ([2, 3], False))


@pytest.fixture(scope="module", params=WEBS)
def routed_pair(request, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    """A local server of a 4-shard snapshot, and a router to two shard host processes holding
    its files; both sign next_tokens with one key and one frozen clock."""
    root = tmp_path_factory.mktemp(f"route-{request.param}")
    local = Home(root / "local").ensure()
    build(local, request.param, SHARDS)
    snapshot = local.snapshots / SnapshotLayout(local.snapshots).current_name()
    homes = [Home(root / f"host-{n}") for n in range(len(SPLIT))]
    for home, (shards, with_global) in zip(homes, SPLIT, strict=True):
        place_files(snapshot, home, shards, with_global)
    secret = root / "host-secret"
    secret.write_text(SECRET)
    hosts = start_shard_hosts(homes, secret)
    try:
        routes = write_routes(root / "router", [host.url for host in hosts])
        router_home = Home(root / "router" / "home")
        with app_server(local) as one, app_server(router_home, {ROUTES_ENV: str(routes)}) as many:
            key = one.app.state.tokens._secret
            for server in (one, many):
                server.app.state.tokens._secret = key
                server.app.state.tokens.clock = lambda: FROZEN_CLOCK
            yield one, many
    finally:
        for host in hosts:
            stop_shard_host(host)


@pytest.mark.parametrize(("endpoint", "body"), V2_REQUESTS)
def test_every_v2_answer_is_the_same_bytes_through_the_router(routed_pair, endpoint, body):
    one, many = routed_pair
    answers = list(v2_pages(one, endpoint, body))
    assert answers[0].startswith(b"200 ")
    assert list(v2_pages(many, endpoint, body)) == answers


@pytest.mark.parametrize(("method", "data"), RPC_REQUESTS)
def test_every_jsonrpc_answer_is_the_same_bytes_through_the_router(routed_pair, method, data):
    one, many = routed_pair
    answers = list(rpc_pages(one, method, data))
    assert answers[0].startswith(b"200 ")
    assert list(rpc_pages(many, method, data)) == answers


def test_the_routers_quota_counts_as_the_local_servers(routed_pair):
    one, many = routed_pair
    assert many.post("usage_data", {}).content == one.post("usage_data", {}).content
