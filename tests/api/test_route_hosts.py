"""Shard hosts and a router as real processes on loopback: the internal endpoint refuses a wrong
secret, anything but a read and a runaway statement; a host that is down is a 503 in each API's
own format; a snapshot published on every host is taken by the router at once (docs/scale.md)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import msgspec
import pytest
from app_server import app_server
from live_server import Server, free_port, start_server, stop_server
from records_factory import fan_in
from shard_hosts import (
    SECRET,
    ShardHost,
    start_shard_host,
    start_shard_hosts,
    stop_shard_host,
    write_routes,
)
from test_shards_equivalence import SHARDS, URL_TARGETS, build

from linkindex.api.errors import handle_unavailable
from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index.layout import SnapshotLayout
from linkindex.index.shards import shard_of
from linkindex.index.stores import StoreRefused
from linkindex.route.config import RouteConfig
from linkindex.route.remote import HostClient, RemoteStores
from linkindex.shardhost.place import place_files
from linkindex.urls import parse_target

SPLIT = (([0, 1], True), ([2, 3], False))  # host A: shards 0, 1 and global; B: 2, 3
BOUNDS = ("--query-seconds", "1", "--max-rows", "100000")
RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


@dataclass
class Cluster:
    root: Path
    local: Home
    snapshot: str
    homes: list[Home]
    hosts: list[ShardHost]
    routes: Path
    router: Server


def placed(root: Path, local: Home) -> tuple[str, list[Home]]:
    """The local home's current snapshot split over two host homes."""
    name = SnapshotLayout(local.snapshots).current_name()
    homes = [Home(root / f"host-{n}") for n in range(len(SPLIT))]
    for home, (shards, with_global) in zip(homes, SPLIT, strict=True):
        place_files(local.snapshots / name, home, shards, with_global)
    return name, homes


def secret_file(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "host-secret"
    path.write_text(SECRET)
    return path


def start_cluster(root: Path, local: Home, homes: list[Home], name: str) -> Cluster:
    hosts = start_shard_hosts(homes, secret_file(root), *BOUNDS)
    routes = write_routes(root / "router", [host.url for host in hosts])
    router = start_server(Home(root / "router" / "home"), options=("--route", str(routes)))
    return Cluster(root, local, name, homes, hosts, routes, router)


def stop_cluster(cluster: Cluster) -> None:
    stop_server(cluster.router)
    for host in cluster.hosts:
        if host.process.poll() is None:
            stop_shard_host(host)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("route-hosts")
    local = Home(root / "local").ensure()
    build(local, "links", SHARDS)
    name, homes = placed(root, local)
    started = start_cluster(root, local, homes, name)
    yield started
    stop_cluster(started)


def ask(host: ShardHost, query: dict, secret: str = SECRET, body: bytes | None = None):
    return httpx.post(
        f"{host.url}/shards/query",
        content=msgspec.msgpack.encode(query) if body is None else body,
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )


def without_tokens(response) -> dict:
    payload = response.json()
    payload.pop("next_token", None)
    return payload


REQUESTS = [
    ("index_metadata", {}),
    ("url_metrics", {"targets": URL_TARGETS}),
    ("links", {"target": "t.com/", "target_scope": "page", "limit": 50}),
    ("link_status", {"target": "t.com", "target_scope": "root_domain", "source_scope": "page",
                     "sources": ["a.com/1", "b.com/1", "http://c.com/1", "never.com/"]}),
    ("link_intersect", {"positive_targets": [{"target": "t.com", "scope": "root_domain"},
                                             {"target": "u.com/", "scope": "page"}], "limit": 50}),
    ("global_top_root_domains", {"limit": 50}),
]  # fmt: skip


@pytest.mark.parametrize(("endpoint", "body"), REQUESTS)
def test_the_router_process_answers_as_a_local_server(cluster, endpoint, body):
    with app_server(cluster.local) as local:
        expected = local.post(endpoint, body)
    answer = cluster.router.post(endpoint, body)
    assert answer.status_code == expected.status_code == 200
    assert without_tokens(answer) == without_tokens(expected)


def test_a_wrong_or_missing_secret_is_refused(cluster):
    host = cluster.hosts[0]
    query = {"snapshot": cluster.snapshot, "file": -1, "sql": "SELECT 1"}
    assert ask(host, query).status_code == 200
    assert ask(host, query, secret=SECRET[:-1] + "x").status_code == 401
    assert httpx.post(f"{host.url}/shards/query", content=b"").status_code == 401
    refused = httpx.get(f"{host.url}/shards/held", headers={"Authorization": "Bearer nope"})
    assert refused.status_code == 401
    assert "shared secret" in refused.json()["message"]


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO meta VALUES ('x', 'y')",
        "DELETE FROM meta",
        "UPDATE meta SET value = '1'",
        "DROP TABLE meta",
        "CREATE TABLE t (x)",
        "ATTACH DATABASE ':memory:' AS other",
        "PRAGMA query_only = 0",
        "PRAGMA writable_schema = 1",
        "BEGIN",
    ],
)
def test_a_host_runs_nothing_but_reads(cluster, sql):
    answer = ask(cluster.hosts[0], {"snapshot": cluster.snapshot, "file": 0, "sql": sql})
    assert answer.status_code == 403, answer.text
    assert "only reads" in answer.json()["message"]


def test_bad_queries_are_4xx_with_a_reason(cluster):
    host, name = cluster.hosts[0], cluster.snapshot
    cases = [
        ({"snapshot": name, "file": 0, "sql": "SELECT 1; SELECT 2"}, 400),
        ({"snapshot": name, "file": 0, "sql": "SELECT * FROM no_such_table"}, 400),
        ({"snapshot": name, "file": 0, "sql": "SELECT ?", "params": []}, 400),
        ({"snapshot": name, "file": 0}, 400),
        ({"snapshot": "../../etc", "file": 0, "sql": "SELECT 1"}, 400),
        ({"snapshot": "0" * 32, "file": 0, "sql": "SELECT 1"}, 404),
        ({"snapshot": name, "file": 2, "sql": "SELECT 1"}, 404),  # on host B
    ]
    for query, status in cases:
        answer = ask(host, query)
        assert answer.status_code == status, (query, answer.text)
        assert answer.json()["message"]
    assert ask(host, {}, body=b"\xc1 not msgpack").status_code == 400
    assert ask(host, {}, body=b"x" * (2 * 1024 * 1024)).status_code == 413


def test_a_runaway_statement_is_stopped(cluster):
    host, name = cluster.hosts[0], cluster.snapshot
    started = time.monotonic()
    answer = ask(host, {"snapshot": name, "file": 0, "sql": RUNAWAY})
    assert answer.status_code == 422
    assert "ran past 1 s" in answer.json()["message"]
    assert time.monotonic() - started < 10
    many = RUNAWAY.replace("SELECT count(*) FROM c", "SELECT x FROM c LIMIT 200000")
    answer = ask(host, {"snapshot": name, "file": 0, "sql": many})
    assert answer.status_code == 413
    # The host answers the next query as before.
    ok = ask(host, {"snapshot": name, "file": 0, "sql": "SELECT 1"})
    assert msgspec.msgpack.decode(ok.content) == [[1]]


def test_a_host_lists_what_it_holds(cluster):
    for host, (shards, with_global) in zip(cluster.hosts, SPLIT, strict=True):
        held = httpx.get(f"{host.url}/shards/held", headers={"Authorization": f"Bearer {SECRET}"})
        assert held.json() == {
            "current": cluster.snapshot,
            "snapshots": [
                {"name": cluster.snapshot, "count": SHARDS, "shards": shards,
                 "has_global": with_global}
            ],
        }  # fmt: skip


def test_a_host_that_is_down_is_a_503_in_each_apis_format(cluster):
    # Hosts of its own on the same homes, so the other tests' hosts keep running.
    own = start_cluster(cluster.root / "down", cluster.local, cluster.homes, cluster.snapshot)
    try:
        on_b = next(t for t in URL_TARGETS if shard_of(parse_target(t).root_domain, SHARDS) >= 2)
        on_a = next(t for t in URL_TARGETS if shard_of(parse_target(t).root_domain, SHARDS) < 2)
        assert own.router.post("url_metrics", {"targets": [on_b]}).status_code == 200
        stop_shard_host(own.hosts[1])
        down = own.router.post("url_metrics", {"targets": [on_b]})
        assert down.status_code == 503
        assert down.json()["name"] == "Service Unavailable"
        assert "shard 2" in down.json()["message"] or "shard 3" in down.json()["message"]
        assert own.router.post("url_metrics", {"targets": [on_a]}).status_code == 200
        rpc = httpx.post(
            f"{own.router.base_url}/jsonrpc",
            json={"jsonrpc": "2.0", "id": "down-0000-0000-0000-000000000000",
                  "method": "data.site.metrics.fetch",
                  "params": {"data": {"site_query": {"query": on_b, "scope": "url"}}}},
            headers={"x-moz-token": own.router.credential.token},
        )  # fmt: skip
        assert rpc.status_code == 503
        assert rpc.json()["error"]["status"] == 503
        # Back on its port, the host answers the router's next request.
        port = int(own.hosts[1].url.rsplit(":", 1)[1])
        own.hosts[1] = start_shard_host(own.homes[1], secret_file(own.root), *BOUNDS, port=port)
        assert own.router.post("url_metrics", {"targets": [on_b]}).status_code == 200
    finally:
        stop_cluster(own)


def test_a_snapshot_published_on_every_host_is_taken_at_once(tmp_path):
    local = Home(tmp_path / "local").ensure()
    build(local, "links", SHARDS)
    first, homes = placed(tmp_path, local)
    own = start_cluster(tmp_path, local, homes, first)
    body = {"targets": URL_TARGETS}
    try:
        before = own.router.post("url_metrics", body).content
        changed = ["http://t.com/", "http://a.com/1", "http://s.com/", "http://u.com/",
                   "http://site.com/", "http://h.com/"]  # fmt: skip
        for n, target in enumerate(changed):
            fan_in(f"late{n}", "2026-03-05", 3, target, f"http://late{n}-{{i}}.org/").write(
                local.crawls
            )
        build_index(local, shards=SHARDS)
        second = SnapshotLayout(local.snapshots).current_name()
        assert second != first
        seen, stop = hammer(own.router, body)
        try:
            place_files(local.snapshots / second, homes[0], *SPLIT[0])
            time.sleep(1.0)  # five rechecks: host B still serves the first snapshot
            assert own.router.post("url_metrics", body).content == before
            place_files(local.snapshots / second, homes[1], *SPLIT[1])
            after = wait_for_change(own.router, body, before)
            time.sleep(0.3)
        finally:
            stop.set()
        answers = [a for thread in seen for a in thread]
        assert answers and set(answers) <= {before, after}
        for thread in seen:  # never back to the first once the second was seen
            positions = [0 if a == before else 1 for a in thread]
            assert positions == sorted(positions)
        old, new = (msgspec.json.decode(answer)["results"] for answer in (before, after))
        pairs = zip(old, new, strict=True)
        moved = {shard_of(a["root_domain"], SHARDS) for a, b in pairs if a != b}
        assert len(moved) >= 2  # a mixed answer would have shown
    finally:
        stop_cluster(own)


def hammer(server: Server, body: dict) -> tuple[list[list[bytes]], threading.Event]:
    """Two threads asking the same question until stopped; each one's answers in order."""
    seen: list[list[bytes]] = [[], []]
    stop = threading.Event()

    def load(into: list[bytes]) -> None:
        with httpx.Client(auth=server.auth, timeout=30) as client:
            while not stop.is_set():
                answer = client.post(f"{server.base_url}/v2/url_metrics", json=body)
                into.append(answer.content if answer.status_code == 200 else answer.text.encode())

    for into in seen:
        threading.Thread(target=load, args=(into,), daemon=True).start()
    return seen, stop


def wait_for_change(server: Server, body: dict, before: bytes) -> bytes:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        answer = server.post("url_metrics", body).content
        if answer != before:
            return answer
        time.sleep(0.1)
    raise AssertionError("the router did not move to the new snapshot within 15 s")


def linkindex(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "linkindex.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_the_commands_refuse_what_cannot_work(cluster, tmp_path):
    snapshot = str(cluster.local.snapshots / cluster.snapshot)
    host = str(tmp_path / "host")
    placed = linkindex("place-shards", snapshot, "--shard", "3", "--home", host)
    assert placed.returncode == 0, placed.stderr
    assert placed.stdout.strip() == cluster.snapshot
    other = linkindex("place-shards", snapshot, "--shard", "2", "--home", host)
    assert other.returncode == 2 and "already holds other files" in other.stderr
    missing = linkindex("place-shards", snapshot, "--shard", "9", "--home", host)
    assert missing.returncode == 2 and "no shard 9" in missing.stderr
    short = tmp_path / "short-secret"
    short.write_text("too short")
    refused = linkindex("serve-shards", "--secret-file", str(short), "--home", host)
    assert refused.returncode == 2 and "at least 16 bytes" in refused.stderr
    routes = tmp_path / "routes.toml"
    routes.write_text('secret_file = "short-secret"\n')
    bad = linkindex("serve", "--route", str(routes), "--home", str(tmp_path / "router"))
    assert bad.returncode == 2 and "no [[hosts]]" in bad.stderr


def test_a_batch_is_answered_in_order_and_refused_whole(cluster):
    host, name = cluster.hosts[0], cluster.snapshot
    url = f"{host.url}/shards/batch"
    headers = {"Authorization": f"Bearer {SECRET}"}
    batch = [{"snapshot": name, "file": n % 2, "sql": "SELECT ?", "params": [n]} for n in range(5)]
    answer = httpx.post(url, content=msgspec.msgpack.encode(batch), headers=headers)
    assert msgspec.msgpack.decode(answer.content) == [[[n]] for n in range(5)]
    batch[3] = {"snapshot": name, "file": 0, "sql": "DELETE FROM meta"}
    refused = httpx.post(url, content=msgspec.msgpack.encode(batch), headers=headers)
    assert refused.status_code == 403
    assert httpx.post(url, content=msgspec.msgpack.encode(batch)).status_code == 401


def test_a_router_whose_hosts_are_all_down_says_so(tmp_path):
    routes = write_routes(tmp_path / "router", [f"http://127.0.0.1:{free_port()}"] * 2)
    router = start_server(Home(tmp_path / "router" / "home"), options=("--route", str(routes)))
    try:
        answer = router.post("index_metadata", {})
        assert answer.status_code == 503
        assert answer.json()["message"].startswith("No snapshot is held whole by the shard hosts")
    finally:
        stop_server(router)


def test_a_value_over_the_byte_bound_is_refused_before_it_is_built(cluster):
    """One SQLite step can build a value of any size (randomblob, printf): the byte bound is
    SQLite's longest string or blob too, so it is refused instead of allocated."""
    host, name = cluster.hosts[0], cluster.snapshot
    answer = ask(host, {"snapshot": name, "file": 0, "sql": "SELECT length(randomblob(2e8))"})
    assert answer.status_code == 413
    assert "a value is over" in answer.json()["message"]


def test_a_batchs_statements_share_one_bound(cluster):
    """Each statement under the row bound, the batch over it: refused, as one statement of
    all their rows would be."""
    host, name = cluster.hosts[0], cluster.snapshot
    rows = RUNAWAY.replace("SELECT count(*) FROM c", "SELECT x FROM c LIMIT 40000")
    batch = [{"snapshot": name, "file": 0, "sql": rows, "params": []}] * 3
    headers = {"Authorization": f"Bearer {SECRET}"}
    answer = httpx.post(
        f"{host.url}/shards/batch", content=msgspec.msgpack.encode(batch), headers=headers
    )
    assert answer.status_code == 413
    assert ask(host, {"snapshot": name, "file": 0, "sql": rows}).status_code == 200


def test_a_statement_over_a_hosts_bounds_is_a_502_not_a_retry(cluster):
    """Every holder would refuse it again: the API says so (502) and asks for no retry."""
    client = HostClient(RouteConfig((cluster.hosts[0].url,), SECRET.encode()))
    many = RUNAWAY.replace("SELECT count(*) FROM c", "SELECT x FROM c LIMIT 200000")
    with pytest.raises(StoreRefused) as refused:
        client.rows([cluster.hosts[0].url], cluster.snapshot, 0, many, [])
    response = asyncio.run(handle_unavailable(None, refused.value))
    assert response.status_code == 502
    assert "retry-after" not in response.headers
    assert "refused a statement over its bounds" in response.body.decode()


class FailingHost(BaseHTTPRequestHandler):
    """A host that answers every query 503 and counts the calls it got."""

    calls = 0

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(503)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


def test_after_a_failed_batch_the_other_holder_is_asked_first(cluster):
    """A host whose batch failed is asked once, not again before the other holder for each
    of the batch's statements (with a hung host, each of those asks would wait its timeout)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FailingHost)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    failing = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        good = cluster.hosts[0].url  # holds shard 0
        client = HostClient(RouteConfig((failing, good), SECRET.encode()))
        holders = {n: (failing, good) for n in range(SHARDS)}  # only shard 0 is read
        stores = RemoteStores(client, cluster.snapshot, SHARDS, holders)
        con = stores.every_shard()[0]
        answers = stores.run_all([(con, "SELECT ?", (n,)) for n in range(4)])
        assert answers == [[(n,)] for n in range(4)]
        assert FailingHost.calls == 1
    finally:
        server.shutdown()
