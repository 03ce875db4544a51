"""Soak: mixed API traffic from several keys against `linkindex serve --workers 2` for a few
minutes, while new builds publish snapshots and server workers are killed; writes results/soak.json.

Checks: no 5xx, no connection error beyond the requests a killed worker had in flight, every
answer of the probe requests equal to one published index's answer, each connection's index_id
never going back, and each key billed exactly the rows its answered calls carried (usage.sqlite,
`linkindex keys list --json` and the server's own usage_data / quota.lookup). Exit status 1 if
any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from bench_serve import (
    AsgiDriver,
    Target,
    free_port,
    percentile,
    sample_targets,
    start_server,
    stop_server,
)
from benchutil import RESULTS, WORK, code_version, machine

from linkindex.index.layout import SnapshotLayout

CLI = [sys.executable, "-m", "linkindex.cli"]
DATA = "api.limits.data.rows"
BETA = "api.limits.beta.rows"
# A connection error counts as the killed worker's when its request was sent before the kill
# and failed within this many seconds after it.
KILL_WINDOW_S = 5.0
QUOTA_ALLOTTED = 3000  # the "quota" key's data rows, never reset, no overage: it runs out mid-run
RATE_LIMIT = "25/second"  # the "rate" key's limit: most of its requests are refused with 429


# --- set-up: a synthetic web, ingested and built by the CLI, and its keys ---------------------


def run_cli(*args: str, home: Path | None) -> str:
    home_args = ["--home", str(home)] if home else []
    done = subprocess.run([*CLI, *args, *home_args], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"linkindex {' '.join(args)} failed: {done.stdout}\n{done.stderr}")
    return done.stdout


def ingest_and_build(home: Path, crawl_dir: Path) -> dict:
    run_cli("ingest", str(crawl_dir), "--crawl", crawl_dir.name, home=home)
    return json.loads(run_cli("build", "--json", home=home))


@dataclass
class Key:
    role: str
    access_id: str
    secret_key: str
    token: str

    @property
    def basic(self) -> str:
        pair = f"{self.access_id}:{self.secret_key}".encode()
        return "Basic " + base64.b64encode(pair).decode()


def create_keys(home: Path) -> dict[str, Key]:
    keys = {}
    for role in ("alpha", "beta", "quota", "rate", "careless", "oracle"):
        made = json.loads(run_cli("keys", "create", "--name", f"soak-{role}", "--json", home=home))
        keys[role] = Key(role, made["access_id"], made["secret_key"], made["token"])
    run_cli(
        "keys",
        "set-quota",
        keys["quota"].access_id,
        "--allotted",
        str(QUOTA_ALLOTTED),
        "--reset",
        "never",
        "--no-overage",
        home=home,
    )
    run_cli("keys", "set-quota", keys["rate"].access_id, "--rate-limit", RATE_LIMIT, home=home)
    return keys


# --- the calls: what each sends, and the rows its answer bills (docs/api.md) ------------------


@dataclass
class Call:
    api: str  # "v2" or "rpc"
    name: str  # V2 endpoint or JSON-RPC method
    body: dict | list | str
    rows: object = None  # answer JSON -> rows billed; None: free
    quota_path: str = DATA
    valid: bool = True
    probe: str | None = None  # compared with the oracle's answers of every published index
    max_rows: int = 0  # the most rows this call can bill (for calls whose answer was lost)
    credential: str = "key"  # "key", "none" or "wrong"


def results_rows(per: int = 1):
    return lambda answer: per * len(answer["results"])


def rpc_rows(list_key: str | None):
    if list_key is None:
        return lambda result: 1
    return lambda result: len(result[list_key])


class Catalogue:
    """Request bodies over the sampled targets: every V2 endpoint and several JSON-RPC methods."""

    def __init__(
        self, targets: dict[str, list[Target]], pages_any: list[str], branded: list[str]
    ) -> None:
        self.pages = targets["page/heavy"] + targets["page/random"]
        self.roots = targets["root_domain/heavy"] + targets["root_domain/random"]
        self.heavy_roots = targets["root_domain/heavy"]
        self.pages_any = pages_any
        self.branded = branded
        heavy_page, heavy_root = targets["page/heavy"][0].key, targets["root_domain/heavy"][0].key
        self.probes = {
            "url_metrics": Call(
                "v2",
                "url_metrics",
                {"targets": [heavy_page, heavy_root]},
                results_rows(),
                max_rows=2,
                probe="url_metrics",
            ),
            "linking_root_domains": Call(
                "v2",
                "linking_root_domains",
                {"target": heavy_root, "target_scope": "root_domain", "limit": 50},
                results_rows(),
                max_rows=50,
                probe="linking_root_domains",
            ),
            "anchor_text": Call(
                "v2",
                "anchor_text",
                {"target": heavy_root, "scope": "root_domain", "limit": 50},
                results_rows(),
                max_rows=50,
                probe="anchor_text",
            ),
            "links": Call(
                "v2",
                "links",
                {"target": heavy_page, "limit": 50},
                results_rows(),
                max_rows=50,
                probe="links",
            ),
        }

    def v2(self, rng: random.Random) -> Call:
        page = rng.choice(self.pages).key
        root = rng.choice(self.roots).key
        scope, target = rng.choice((("page", page), ("root_domain", root)))
        limit = rng.choice((5, 10, 25, 50))
        name = rng.choices(
            [
                "url_metrics",
                "linking_root_domains",
                "links",
                "anchor_text",
                "top_pages",
                "link_intersect",
                "link_status",
                "final_redirect",
                "global_top_pages",
                "global_top_root_domains",
                "index_metadata",
                "usage_data",
                "probe",
            ],
            [20, 20, 10, 8, 8, 4, 8, 5, 4, 4, 6, 2, 10],
        )[0]
        if name == "probe":
            return self.probes[rng.choice(list(self.probes))]
        if name == "url_metrics":
            targets = [rng.choice(self.pages + self.roots).key for _ in range(rng.randint(1, 3))]
            body: dict = {"targets": targets}
            per = 1
            if rng.random() < 0.2:
                body["distributions"] = True
                per = 2
            return Call("v2", name, body, results_rows(per), max_rows=per * len(targets))
        if name in ("linking_root_domains", "links"):
            body = {"target": target, "target_scope": scope, "limit": limit}
            return Call("v2", name, body, results_rows(), max_rows=limit)
        if name == "anchor_text":
            body = {"target": target, "scope": scope, "limit": limit}
            return Call("v2", name, body, results_rows(), max_rows=limit)
        if name == "top_pages":
            body = {"target": root, "scope": "root_domain", "limit": limit}
            return Call("v2", name, body, results_rows(), max_rows=limit)
        if name == "link_intersect":
            a, b = rng.sample(self.heavy_roots, 2)
            body = {
                "positive_targets": [
                    {"target": a.key, "scope": "root_domain"},
                    {"target": b.key, "scope": "root_domain"},
                ],
                "limit": 10,
            }
            return Call("v2", name, body, results_rows(5), max_rows=50)
        if name == "link_status":
            sources = [r.key for r in rng.sample(self.roots, 3)]
            body = {
                "target": root,
                "sources": sources,
                "target_scope": "root_domain",
                "source_scope": "root_domain",
            }
            return Call("v2", name, body, lambda answer: len(sources), max_rows=3)
        if name == "final_redirect":
            return Call("v2", name, {"page": rng.choice(self.pages_any)}, lambda a: 1, max_rows=1)
        if name in ("global_top_pages", "global_top_root_domains"):
            return Call("v2", name, {"limit": limit}, results_rows(), max_rows=limit)
        return Call("v2", name, {})  # index_metadata, usage_data: free

    def rpc(self, rng: random.Random) -> Call:
        root = rng.choice(self.roots).key
        site = {"query": root, "scope": "domain"}
        limit = rng.choice((5, 10, 25))
        method = rng.choices(
            [
                "metadata.index.fetch",
                "quota.lookup",
                "data.site.metrics.fetch",
                "data.site.linking-domain.list",
                "data.site.anchor-text.list",
                "data.site.link.status.fetch",
                "data.site.top-page.list",
                "data.global.top-page.list",
                "beta.data.metrics.brand.authority.fetch",
            ],
            [8, 4, 20, 15, 10, 10, 10, 5, 8],
        )[0]
        data: dict | None = None
        rows, path, max_rows = None, DATA, 0
        if method == "quota.lookup":
            data = {"path": rng.choice((DATA, BETA))}
        elif method == "data.site.metrics.fetch":
            data, rows, max_rows = {"site_query": site}, rpc_rows(None), 1
        elif method in (
            "data.site.linking-domain.list",
            "data.site.anchor-text.list",
            "data.site.top-page.list",
        ):
            data = {"site_query": site, "offset": {"limit": limit}}
            list_key = {
                "data.site.linking-domain.list": "linking_domains",
                "data.site.anchor-text.list": "anchor_texts",
                "data.site.top-page.list": "top_pages",
            }[method]
            rows, max_rows = rpc_rows(list_key), limit
        elif method == "data.site.link.status.fetch":
            source = {"query": rng.choice(self.roots).key, "scope": "domain"}
            data = {"target_site_query": site, "source_site_query": source}
            rows, max_rows = rpc_rows(None), 1
        elif method == "data.global.top-page.list":
            data = {"page": {"n": rng.randint(0, 9), "limit": limit}}
        elif method == "beta.data.metrics.brand.authority.fetch":
            query = rng.choice(self.branded) if self.branded else root
            data, rows, path, max_rows = {"query": query}, rpc_rows(None), BETA, 1
        return Call("rpc", method, rpc_call(method, data), rows, path, max_rows=max_rows)

    def invalid(self, rng: random.Random) -> Call:
        """A request the server must refuse with a 4xx, billing nothing."""
        root = rng.choice(self.roots).key
        kind = rng.randrange(9)
        if kind == 0:
            return Call("v2", "linking_root_domains", {"target": root, "limit": 500}, valid=False)
        if kind == 1:
            return Call("v2", "url_metrics", {"targets": [root], "colour": "red"}, valid=False)
        if kind == 2:
            return Call("v2", "links", '{"target": ', valid=False)  # not JSON
        if kind == 3:
            return Call("v2", "top_pages", {"target": root, "sort": "nonsense"}, valid=False)
        if kind == 4:
            call = Call("v2", "url_metrics", {"targets": [root]}, valid=False)
            call.credential = rng.choice(("none", "wrong"))
            return call
        if kind == 5:
            return Call(
                "rpc", "data.site.nonexistent", rpc_call("data.site.nonexistent", {}), valid=False
            )
        if kind == 6:
            body = rpc_call("metadata.index.fetch", None)
            body["id"] = "short"  # ids must have 24+ characters
            return Call("rpc", "metadata.index.fetch", body, valid=False)
        if kind == 7:
            data = {"site_query": {"query": root, "scope": "subfolder"}}
            return Call(
                "rpc",
                "data.site.metrics.fetch",
                rpc_call("data.site.metrics.fetch", data),
                valid=False,
            )
        call = Call(
            "rpc",
            "data.site.metrics.fetch",
            rpc_call("data.site.metrics.fetch", {"site_query": {"query": root}}),
            valid=False,
        )
        call.credential = rng.choice(("none", "wrong"))
        return call


def rpc_call(method: str, data: dict | None) -> dict:
    body: dict = {"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method}
    if data is not None:
        body["params"] = {"data": data}
    return body


# --- the load: one client per connection, each speaking for one key ----------------------------


@dataclass
class Tally:
    """What the clients saw. Kept by one event loop, so no locks."""

    attempts: int = 0
    statuses: Counter = field(default_factory=Counter)
    by_call: dict = field(default_factory=lambda: defaultdict(Counter))
    by_key: dict = field(default_factory=lambda: defaultdict(Counter))
    latencies_ms: list = field(default_factory=list)
    # (sent at, failed at, error type, api, call name, key role)
    connection_errors: list = field(default_factory=list)
    server_errors: list = field(default_factory=list)  # first few 5xx: status, call, body
    unexpected: list = field(default_factory=list)  # first few unexpected answers
    unexpected_count: int = 0
    # key role -> quota path -> [rows, calls]: billed by answers the clients received
    billed: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    # key role -> quota path -> [calls, max rows]: billed calls whose answer never came
    in_doubt: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    retried_after_connection_error: int = 0
    index_seen: dict = field(default_factory=dict)  # index_id -> first seen (s into the run)
    index_by_connection: dict = field(default_factory=lambda: defaultdict(list))
    probe_answers: dict = field(default_factory=lambda: defaultdict(Counter))  # probe -> json
    expired_tokens: int = 0  # 410 on a next_token issued before a swap: expected
    quota_refusals: int = 0
    rate_refusals: int = 0
    throttled: int = 0
    brand_not_scored: int = 0
    calls: int = 0


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


class LoadClient:
    def __init__(
        self,
        n: int,
        base: str,
        key: Key,
        catalogue: Catalogue,
        tally: Tally,
        started: float,
        rng: random.Random,
    ) -> None:
        self.n, self.base, self.key, self.catalogue = n, base, key, catalogue
        self.tally, self.started, self.rng = tally, started, rng
        # One connection per client, as a Moz script would hold it: it stays on one worker.
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self.http = httpx.AsyncClient(limits=limits, timeout=30)

    def clock(self) -> float:
        return time.monotonic() - self.started

    def headers(self, call: Call, idempotency: str | None) -> dict[str, str]:
        headers = {"content-type": "application/json"}
        if call.credential == "wrong":
            credential = Key(self.key.role, self.key.access_id, "not-the-secret", "not-a-token")
        else:
            credential = self.key
        if call.credential != "none":
            if call.api == "v2":
                headers["authorization"] = credential.basic
            else:
                headers["x-moz-token"] = credential.token
        if idempotency:
            headers["idempotency-key"] = idempotency
        return headers

    async def send(self, call: Call) -> httpx.Response | None:
        """One call; a V2 call (billed ones carry an Idempotency-Key) or a free JSON-RPC call is
        sent again after a connection error, a billed JSON-RPC call is not: it may have been
        billed (JSON-RPC has no idempotency key), so its rows are counted as in doubt."""
        url = f"{self.base}/v2/{call.name}" if call.api == "v2" else f"{self.base}/jsonrpc"
        body = call.body if isinstance(call.body, str) else json.dumps(call.body)
        billed = call.rows is not None
        retry_safe = call.api == "v2" or not billed
        headers = self.headers(call, str(uuid.uuid4()) if call.api == "v2" and billed else None)
        t = self.tally
        t.calls += 1
        for _ in range(4):
            t.attempts += 1
            sent = self.clock()
            try:
                response = await self.http.post(url, content=body, headers=headers)
            except httpx.TransportError as exc:
                failed = self.clock()
                t.statuses["connection error"] += 1
                t.by_call[call.name]["connection error"] += 1
                t.by_key[self.key.role]["connection error"] += 1
                t.connection_errors.append(
                    (
                        round(sent, 3),
                        round(failed, 3),
                        type(exc).__name__,
                        call.api,
                        call.name,
                        self.key.role,
                    )
                )
                if retry_safe:
                    t.retried_after_connection_error += 1
                    await asyncio.sleep(0.05)
                    continue
                break
            t.latencies_ms.append((self.clock() - sent) * 1000)
            t.statuses[response.status_code] += 1
            t.by_call[call.name][response.status_code] += 1
            t.by_key[self.key.role][response.status_code] += 1
            return response
        if billed and call.valid:
            doubt = t.in_doubt[self.key.role][call.quota_path]
            doubt[0] += 1
            doubt[1] += call.max_rows
        return None

    def unexpected(self, call: Call, response: httpx.Response) -> None:
        self.tally.unexpected_count += 1
        if len(self.tally.unexpected) < 20:
            self.tally.unexpected.append(
                {
                    "key": self.key.role,
                    "call": call.name,
                    "status": response.status_code,
                    "body": response.text[:300],
                }
            )

    def account(self, call: Call, response: httpx.Response) -> None:
        """Bill what the answer carries, note index ids and probe answers, and judge the status."""
        t = self.tally
        status = response.status_code
        if status >= 500:
            if len(t.server_errors) < 20:
                t.server_errors.append(
                    {"status": status, "call": call.name, "body": response.text[:500]}
                )
            return
        try:
            answer = response.json()
        except ValueError:
            self.unexpected(call, response)
            return
        if status == 429:
            message = json.dumps(answer)
            if "Quota exhausted" in message and self.key.role == "quota":
                t.quota_refusals += 1
            elif "Rate limit" in message and self.key.role == "rate":
                t.rate_refusals += 1
            elif "Too many bad requests" in message and self.key.role == "careless":
                t.throttled += 1
            else:
                self.unexpected(call, response)
            return
        if not call.valid:
            if not 400 <= status < 500:
                self.unexpected(call, response)
            return
        if status == 410 and isinstance(call.body, dict) and call.body.get("next_token"):
            t.expired_tokens += 1
            return
        if call.api == "rpc":
            if status == 404 and answer.get("error", {}).get("code") == -32655:
                t.brand_not_scored += 1  # a root domain without a stored Brand Authority
                return
            if status != 200 or "result" not in answer:
                self.unexpected(call, response)
                return
            answer = answer["result"]
        elif status != 200:
            self.unexpected(call, response)
            return
        if call.rows is not None:
            rows = call.rows(answer)
            if rows:
                billed = t.billed[self.key.role][call.quota_path]
                billed[0] += rows
                billed[1] += 1
        index_id = (
            answer.get("index_id")
            if call.name in ("index_metadata", "metadata.index.fetch")
            else None
        )
        if index_id:
            t.index_seen.setdefault(index_id, round(self.clock(), 2))
            t.index_by_connection[self.n].append((round(self.clock(), 3), index_id))
        if call.probe:
            t.probe_answers[call.probe][canonical(answer["results"])] += 1

    async def run(self, deadline: float, mix: str) -> None:
        try:
            while self.clock() < deadline:
                if mix == "careless":
                    call = self.catalogue.invalid(self.rng)
                    await asyncio.sleep(0.02)
                elif self.rng.random() < 0.7:
                    call = self.catalogue.v2(self.rng)
                else:
                    call = self.catalogue.rpc(self.rng)
                if mix == "rate":
                    await asyncio.sleep(0.01)
                response = await self.send(call)
                if response is None:
                    continue
                self.account(call, response)
                # Half of the first pages with a next page are followed, on the same connection.
                if (
                    call.api == "v2"
                    and response.status_code == 200
                    and call.probe is None
                    and self.rng.random() < 0.5
                ):
                    token = response.json().get("next_token")
                    if token:
                        follow = Call(
                            "v2",
                            call.name,
                            {**call.body, "next_token": token},
                            call.rows,
                            call.quota_path,
                            max_rows=call.max_rows,
                        )
                        response = await self.send(follow)
                        if response is not None:
                            self.account(follow, response)
        finally:
            await self.http.aclose()


# --- what happens to the server meanwhile: builds (index swaps) and worker kills ---------------


def worker_pids(server_pid: int) -> list[int]:
    """uvicorn's worker processes: the children of its supervisor that run the app."""
    pids = []
    for task in os.listdir(f"/proc/{server_pid}/task"):
        try:
            with open(f"/proc/{server_pid}/task/{task}/children") as children:
                pids += [int(c) for c in children.read().split()]
        except OSError:  # a thread or process that ended meanwhile
            continue
    workers = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "multiprocessing" in command and "resource_tracker" not in command:
            workers.append(pid)
    return sorted(workers)


def established_connections(pid: int, port: int) -> int:
    """TCP connections to `port` that process `pid` holds open (from /proc/net/tcp)."""
    inodes = set()
    for name in ("tcp", "tcp6"):
        with open(f"/proc/net/{name}") as table:
            for line in table.readlines()[1:]:
                fields = line.split()
                if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    held = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:[") and link[8:-1] in inodes:
                held += 1
    except OSError:
        return 0
    return held


class Disturber(threading.Thread):
    """Publishes a new build every `build_every` s and SIGKILLs a worker at the kill times."""

    def __init__(
        self,
        home: Path,
        crawls: list[Path],
        server_pid: int,
        port: int,
        started: float,
        duration: float,
        build_every: float,
        kill_at: list[float],
        oracle: Callable[[str], None],
    ) -> None:
        super().__init__(daemon=True)
        self.home, self.crawls, self.server_pid, self.port = home, crawls, server_pid, port
        self.started, self.duration = started, duration
        self.build_every, self.kill_at, self.oracle = build_every, kill_at, oracle
        self.builds: list[dict] = []
        self.kills: list[dict] = []
        self.error: str | None = None
        self.stop = threading.Event()

    def clock(self) -> float:
        return time.monotonic() - self.started

    def run(self) -> None:
        try:
            # A kill comes just before a build, so no swap falls on the requests it cuts off
            # (their retries are answered by the index that billed them).
            events = [(t, 0, "kill") for t in self.kill_at]
            events += [(self.build_every * (k + 1), 1, "build") for k in range(len(self.crawls))]
            for at, _, kind in sorted(events):
                if at >= self.duration - 5:  # leave the last seconds for the counts to settle
                    continue
                if self.stop.wait(max(0.0, at - self.clock())):
                    return
                if kind == "kill":
                    self.kill()
                elif self.crawls:
                    self.build(self.crawls.pop(0))
        except Exception as exc:  # reported, and the soak fails
            self.error = f"{type(exc).__name__}: {exc}"

    def build(self, crawl: Path) -> None:
        began = self.clock()
        result = ingest_and_build(self.home, crawl)
        published = self.clock()
        self.builds.append(
            {
                "crawl": crawl.name,
                "index_id": result["index_id"],
                "started_s": round(began, 2),
                "published_s": round(published, 2),
                "build_seconds": result.get("seconds"),
                "link_state": result.get("link_state"),
            }
        )
        self.oracle(result["index_id"])

    def kill(self) -> None:
        before = worker_pids(self.server_pid)
        # The worker holding the most client connections: killing an idle one proves little.
        held = {pid: established_connections(pid, self.port) for pid in before}
        victim = max(before, key=lambda pid: held[pid])
        at = self.clock()
        os.kill(victim, signal.SIGKILL)
        restarted = None
        while self.clock() < at + 60:
            now = worker_pids(self.server_pid)
            if len(now) == len(before) and victim not in now:
                restarted = self.clock()
                break
            time.sleep(0.05)
        self.kills.append(
            {
                "pid": victim,
                "at_s": round(at, 3),
                "workers_before": before,
                "client_connections_per_worker": held,
                "workers_after": worker_pids(self.server_pid),
                "replaced_after_s": round(restarted - at, 2) if restarted else None,
            }
        )


class Oracle:
    """Each probe's answer from every published index: an in-process app over the home, asked
    right after each build, while that build's snapshot is the current one."""

    def __init__(self, home: Path, key: Key, probes: dict[str, Call], tally: Tally) -> None:
        self.home, self.key, self.probes, self.tally = home, key, probes, tally
        self.answers: dict[str, dict[str, str]] = {}  # index_id -> probe -> canonical results
        self.lock = threading.Lock()

    def __call__(self, index_id: str) -> None:
        from linkindex.api.app import create_app
        from linkindex.home import Home

        driver = AsgiDriver(create_app(Home(self.home)), self.key.basic.encode())
        driver.start()
        try:
            status, payload = driver.post("/v2/index_metadata", b"{}")
            seen = json.loads(payload)["index_id"]
            if seen != index_id:
                raise RuntimeError(f"oracle app serves {seen}, the build published {index_id}")
            answers = {}
            for name, call in self.probes.items():
                status, payload = driver.post(f"/v2/{call.name}", json.dumps(call.body).encode())
                if status != 200:
                    raise RuntimeError(f"oracle {name} -> {status}: {payload[:300]!r}")
                answer = json.loads(payload)
                answers[name] = canonical(answer["results"])
                rows = call.rows(answer)
                with self.lock:  # the oracle's key is billed too, and checked like the others
                    if rows:
                        billed = self.tally.billed["oracle"][DATA]
                        billed[0] += rows
                        billed[1] += 1
        finally:
            driver.close()
        self.answers[index_id] = answers


# --- the server's own accounting, read three ways -----------------------------------------------


def ledger_by_key(home: Path, keys: dict[str, Key]) -> dict[str, dict[str, list[int]]]:
    state = home / "state"
    accounts = sqlite3.connect(f"file:{state / 'keys.sqlite'}?mode=ro", uri=True)
    ids = dict(accounts.execute("SELECT access_id, account_id FROM accounts").fetchall())
    accounts.close()
    usage = sqlite3.connect(f"file:{state / 'usage.sqlite'}?mode=ro", uri=True)
    out: dict[str, dict[str, list[int]]] = {}
    for role, key in keys.items():
        out[role] = {}
        for path in (DATA, BETA):
            rows, calls = usage.execute(
                "SELECT COALESCE(SUM(rows), 0), COALESCE(SUM(calls), 0) FROM usage"
                " WHERE account_id = ? AND path = ?",
                (ids.get(key.access_id, -1), path),
            ).fetchone()
            out[role][path] = [rows, calls]
    usage.close()
    return out


def server_reports(base: str, keys: dict[str, Key]) -> dict[str, dict[str, int]]:
    """usage_data (data rows this period) and quota.lookup's `used` per path, from the server.
    The rate-limited and throttled keys are refused at first: their 429s are waited out."""

    def ask(client: httpx.Client, path: str, body: dict, headers: dict) -> dict:
        for _ in range(10):
            response = client.post(f"{base}{path}", json=body, headers=headers)
            if response.status_code != 429:
                return response.json()
            time.sleep(min(60, int(response.headers.get("retry-after", "1"))))
        raise RuntimeError(f"{path} still refused with 429: {response.text}")

    out = {}
    with httpx.Client(timeout=30) as client:
        for role, key in keys.items():
            usage = ask(client, "/v2/usage_data", {}, {"authorization": key.basic})
            row = {"usage_data": usage.get("rows_consumed")}
            for path in (DATA, BETA):
                answer = ask(
                    client,
                    "/jsonrpc",
                    rpc_call("quota.lookup", {"path": path}),
                    {"x-moz-token": key.token},
                )
                row[f"quota.lookup {path}"] = answer.get("result", {}).get("quota", {}).get("used")
            out[role] = row
    return out


def keys_list_used(home: Path, keys: dict[str, Key]) -> dict[str, dict[str, int]]:
    report = json.loads(run_cli("keys", "list", "--json", home=home))
    by_id = {entry["access_id"]: entry for entry in report}
    return {
        role: {q["path"]: q["used"] for q in by_id[key.access_id]["quotas"]}
        for role, key in keys.items()
    }


# --- the run ----------------------------------------------------------------------------------


def prepare(work: Path, root_domains: int, crawls: int, seed: int) -> tuple[Path, list[Path]]:
    if work.exists():
        shutil.rmtree(work)
    web, home = work / "web", work / "home"
    run_cli(
        "synth",
        str(web),
        "--root-domains",
        str(root_domains),
        "--crawls",
        str(crawls),
        "--seed",
        str(seed),
        home=None,
    )
    crawl_dirs = sorted(p for p in web.iterdir() if p.is_dir())
    return home, crawl_dirs


def sample_pages(store: Path, n: int, seed: int) -> list[str]:
    con = sqlite3.connect(f"file:{store}?mode=ro&immutable=1", uri=True)
    pages = [row[0] for row in con.execute("SELECT page FROM pages").fetchall()]
    con.close()
    return random.Random(seed).sample(pages, min(n, len(pages)))


def branded_roots(store: Path) -> list[str]:
    """The 40 root domains with the most branded linkers: Fetch answers them in every build,
    where a root domain without a stored Brand Authority is a 404 (-32655), and over 50 4xx in 5
    minutes throttles the key (docs/api.md); a domain with few branded linkers can lose its
    score in the next build."""
    con = sqlite3.connect(f"file:{store}?mode=ro&immutable=1", uri=True)
    query = (
        "SELECT root_domain FROM root_domain_scores WHERE branded_linkers > 0"
        " ORDER BY branded_linkers DESC, root_domain LIMIT 40"
    )
    roots = sorted(row[0] for row in con.execute(query).fetchall())
    con.close()
    return roots


async def load(
    base: str,
    keys: dict[str, Key],
    catalogue: Catalogue,
    tally: Tally,
    started: float,
    duration: float,
    connections: int,
    seed: int,
) -> None:
    # Per connection, which key it speaks for: mostly the two plain keys.
    roles = [
        "alpha",
        "beta",
        "alpha",
        "beta",
        "quota",
        "careless",
        "rate",
        "alpha",
        "beta",
        "quota",
        "alpha",
        "beta",
    ]
    clients = []
    for n in range(connections):
        role = roles[n % len(roles)]
        rng = random.Random(seed * 1000 + n)
        clients.append((LoadClient(n, base, keys[role], catalogue, tally, started, rng), role))
    await asyncio.gather(*(c.run(duration, role) for c, role in clients))


def attribute_connection_errors(errors: list, kills: list[dict]) -> tuple[list, list, list]:
    """(in flight on a killed worker: sent before the kill, failed within KILL_WINDOW_S after it;
    sent just after a kill, on a connection it closed; every other one)."""
    in_flight, after, others = [], [], []
    for error in errors:
        sent, failed = error[0], error[1]
        if any(sent <= k["at_s"] <= failed <= k["at_s"] + KILL_WINDOW_S for k in kills):
            in_flight.append(error)
        elif any(k["at_s"] < sent <= failed <= k["at_s"] + KILL_WINDOW_S for k in kills):
            after.append(error)
        else:
            others.append(error)
    return in_flight, after, others


def index_went_back(by_connection: dict, order: dict[str, int]) -> list[dict]:
    back = []
    for n, seen in by_connection.items():
        positions = [(t, order.get(i, -1)) for t, i in seen]
        for (_, a), (t1, b) in zip(positions, positions[1:], strict=False):
            if b < a:
                back.append({"connection": n, "from": a, "to": b, "at_s": t1})
    return back


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load")
    parser.add_argument("--connections", type=int, default=12)
    parser.add_argument("--build-every", type=float, default=20.0, help="seconds between builds")
    parser.add_argument("--kills", type=int, default=2, help="workers SIGKILLed, spread evenly")
    parser.add_argument("--root-domains", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=WORK / "soak")
    parser.add_argument("--out", type=Path, default=RESULTS / "soak.json")
    args = parser.parse_args()

    machine_facts, code = machine(), code_version()
    builds_during = max(1, math.ceil(args.duration / args.build_every))
    print(
        f"soak: synthetic web of {args.root_domains} root domains, {2 + builds_during} crawls",
        flush=True,
    )
    home, crawl_dirs = prepare(args.work.resolve(), args.root_domains, 2 + builds_during, args.seed)
    first = [ingest_and_build(home, c) for c in crawl_dirs[:2]][-1]
    keys = create_keys(home)
    layout = SnapshotLayout(home / "snapshots")
    store = layout.path_of(layout.current_name()) / "index.sqlite"
    targets = sample_targets(store, heavy=20, rand=100, seed=args.seed)
    catalogue = Catalogue(targets, sample_pages(store, 200, args.seed), branded_roots(store))

    tally = Tally()
    oracle = Oracle(home, keys["oracle"], catalogue.probes, tally)
    oracle(first["index_id"])
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = args.work.resolve() / "serve.log"
    server = start_server(
        "linkindex",
        [*CLI, "serve", "--home", str(home), "--port", str(port), "--workers", "2"],
        env,
        port,
        log,
    )
    base = server.url
    try:
        deadline = time.monotonic() + 60
        while len(worker_pids(server.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        started = time.monotonic()
        # Spread evenly, each on a build's time (the kill goes first).
        kill_at = [
            max(1, round(args.duration * (k + 1) / (args.kills + 1) / args.build_every))
            * args.build_every
            for k in range(args.kills)
        ]
        disturber = Disturber(
            home,
            crawl_dirs[2:],
            server.process.pid,
            port,
            started,
            args.duration,
            args.build_every,
            kill_at,
            oracle,
        )
        disturber.start()
        print(
            f"soak: {args.duration:g} s of load on {base}, {args.connections} connections,"
            f" a build every {args.build_every:g} s, {args.kills} worker kill(s)",
            flush=True,
        )
        asyncio.run(
            load(base, keys, catalogue, tally, started, args.duration, args.connections, args.seed)
        )
        wall = time.monotonic() - started
        disturber.stop.set()
        disturber.join(timeout=120)
        reports = server_reports(base, keys)
    finally:
        stop_server(server)
    ledger = ledger_by_key(home, keys)
    keys_list = keys_list_used(home, keys)
    report = assemble(args, tally, disturber, oracle, first, ledger, reports, keys_list, wall, log)
    report.update(
        machine=machine_facts, code=code, measured_at=time.strftime("%Y-%m-%dT%H:%M:%S%z")
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_summary(report, args.out)
    sys.exit(0 if report["passed"] else 1)


def assemble(
    args,
    tally: Tally,
    disturber: Disturber,
    oracle: Oracle,
    first: dict,
    ledger: dict,
    reports: dict,
    keys_list: dict,
    wall: float,
    log: Path,
) -> dict:
    published = [first["index_id"]] + [b["index_id"] for b in disturber.builds]
    order = {index_id: k for k, index_id in enumerate(published)}
    killed, after_kill, other_errors = attribute_connection_errors(
        tally.connection_errors, disturber.kills
    )
    classes = Counter()
    for status, count in tally.statuses.items():
        classes["connection error" if status == "connection error" else f"{status // 100}xx"] += (
            count
        )
    latencies = sorted(tally.latencies_ms)
    # Usage: per key and path, the server's three views against the clients' count.
    usage = {}
    usage_ok = True
    for role in ledger:
        for path in (DATA, BETA):
            client_rows, client_calls = tally.billed[role][path] if role in tally.billed else (0, 0)
            doubt_calls, doubt_rows = (
                tally.in_doubt[role][path] if role in tally.in_doubt else (0, 0)
            )
            ledger_rows, ledger_calls = ledger[role][path]
            views = {
                "usage.sqlite": ledger_rows,
                "keys list --json": keys_list[role].get(path, 0),
                "quota.lookup": reports[role][f"quota.lookup {path}"],
            }
            if path == DATA:
                views["usage_data"] = reports[role]["usage_data"]
            agree = len(set(views.values())) == 1
            exact = agree and ledger_rows == client_rows and ledger_calls == client_calls
            within = agree and client_rows <= ledger_rows <= client_rows + doubt_rows
            if not (exact or (doubt_calls and within)):
                usage_ok = False
            if path == DATA or ledger_rows or client_rows or doubt_calls:
                usage[f"{role} {path}"] = {
                    "client_rows": client_rows,
                    "client_calls": client_calls,
                    "ledger_rows": ledger_rows,
                    "ledger_calls": ledger_calls,
                    "server_views": views,
                    "in_doubt_calls": doubt_calls,
                    "in_doubt_max_rows": doubt_rows,
                    "exact": exact,
                }
    # Probes: every answer a client got must be one published index's answer.
    wrong = {}
    for probe, answers in tally.probe_answers.items():
        known = {per_index[probe] for per_index in oracle.answers.values()}
        bad = sum(count for answer, count in answers.items() if answer not in known)
        if bad:
            wrong[probe] = bad
    probes = {
        probe: {
            "answers": sum(answers.values()),
            "distinct": len(answers),
            "distinct_across_indexes": len({a[probe] for a in oracle.answers.values()}),
        }
        for probe, answers in tally.probe_answers.items()
    }
    back = index_went_back(tally.index_by_connection, order)
    unknown_ids = sorted(set(tally.index_seen) - set(published))
    server_log = log.read_text(errors="replace") if log.exists() else ""
    server_errors_5xx = sum(
        v for k, v in tally.statuses.items() if k != "connection error" and k >= 500
    )
    checks = {
        "no 5xx": server_errors_5xx == 0,
        "no connection error but those a worker kill caused": not other_errors,
        "every kill's worker replaced": all(
            k["replaced_after_s"] is not None for k in disturber.kills
        ),
        "at least one worker killed": len(disturber.kills) >= 1,
        "at least two indexes published under load": len(disturber.builds) >= 2,
        "no unexpected answer": tally.unexpected_count == 0,
        "probe answers all from a published index": not wrong,
        "index_id never goes back on a connection": not back,
        "no index_id that was not published": not unknown_ids,
        "usage exact per key (within the in-doubt rows of lost JSON-RPC answers)": usage_ok,
        "no traceback in the server log": "Traceback" not in server_log,
        # A call that starts with rows left is billed in full: at most one call's rows over.
        "quota key billed up to its allotment, over by less than one call's rows": (
            QUOTA_ALLOTTED <= ledger["quota"][DATA][0] < QUOTA_ALLOTTED + 50
        ),
        "builds and kills ran": disturber.error is None,
    }
    return {
        "benchmark": "soak",
        "passed": all(checks.values()),
        "checks": checks,
        "settings": {
            "duration_s": args.duration,
            "connections": args.connections,
            "build_every_s": args.build_every,
            "kills": args.kills,
            "root_domains": args.root_domains,
            "seed": args.seed,
            "workers": 2,
            "quota_key_allotted": QUOTA_ALLOTTED,
            "rate_key_limit": RATE_LIMIT,
        },
        "wall_s": round(wall, 1),
        "calls": tally.calls,
        "requests_sent": tally.attempts,
        "requests_per_s": round(tally.attempts / wall, 1),
        "by_status_class": dict(classes),
        "by_status": {str(k): v for k, v in sorted(tally.statuses.items(), key=str)},
        "by_call": {
            name: {str(k): v for k, v in c.items()} for name, c in sorted(tally.by_call.items())
        },
        "by_key": {
            role: {str(k): v for k, v in sorted(c.items(), key=str)}
            for role, c in sorted(tally.by_key.items())
        },
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p99": round(percentile(latencies, 99), 2),
            "max": round(latencies[-1], 1) if latencies else None,
        },
        "expected_refusals": {
            "quota_exhausted_429": tally.quota_refusals,
            "rate_limited_429": tally.rate_refusals,
            "bad_request_throttle_429": tally.throttled,
            "next_token_of_a_replaced_index_410": tally.expired_tokens,
            "brand_authority_not_scored_404": tally.brand_not_scored,
        },
        "errors": {
            "5xx": server_errors_5xx,
            "5xx_examples": tally.server_errors,
            "connection_errors": len(tally.connection_errors),
            "connection_errors_killed_workers_in_flight": len(killed),
            "connection_errors_on_a_connection_the_kill_closed": len(after_kill),
            "connection_errors_on_a_connection_the_kill_closed_examples": after_kill[:20],
            "connection_errors_other": len(other_errors),
            "connection_errors_other_examples": other_errors[:20],
            "retried_after_connection_error": tally.retried_after_connection_error,
            "unexpected_answers": tally.unexpected_count,
            "unexpected_examples": tally.unexpected,
            "server_log_tracebacks": server_log.count("Traceback"),
        },
        "kills": disturber.kills,
        "builds": disturber.builds,
        "index_ids_published": published,
        "index_ids_seen": tally.index_seen,
        "index_went_back": back,
        "probes": probes,
        "probe_answers_not_from_any_index": wrong,
        "usage": usage,
        "disturber_error": disturber.error,
    }


def print_summary(report: dict, out: Path) -> None:
    s = report["settings"]
    e = report["errors"]
    print(f"\nsoak ({report['wall_s']} s, {s['connections']} connections, 2 workers)  ->  {out}")
    print(
        f"  requests sent {report['requests_sent']:,} ({report['requests_per_s']:,} /s),"
        f" calls {report['calls']:,}; by class {report['by_status_class']}"
    )
    print(f"  latency p50 {report['latency_ms']['p50']} ms, p99 {report['latency_ms']['p99']} ms")
    print(f"  expected refusals {report['expected_refusals']}")
    print(
        f"  5xx {e['5xx']}; connection errors {e['connection_errors']}"
        f" ({e['connection_errors_killed_workers_in_flight']} in flight on a killed worker,"
        f" {e['connection_errors_on_a_connection_the_kill_closed']} sent just after a kill"
        f" on a connection it closed, {e['connection_errors_other']} other;"
        f" {e['retried_after_connection_error']} sent again); unexpected answers"
        f" {e['unexpected_answers']}"
    )
    for kill in report["kills"]:
        print(
            f"  killed worker {kill['pid']} at {kill['at_s']} s,"
            f" replaced after {kill['replaced_after_s']} s"
        )
    print(
        f"  {len(report['builds'])} builds published under load; index_ids seen:"
        f" {len(report['index_ids_seen'])} of {len(report['index_ids_published'])} published"
    )
    for probe, p in report["probes"].items():
        print(
            f"  probe {probe}: {p['answers']} answers, {p['distinct']} distinct"
            f" ({p['distinct_across_indexes']} across the indexes)"
        )
    for name, u in report["usage"].items():
        doubt = f", in doubt {u['in_doubt_calls']} calls" if u["in_doubt_calls"] else ""
        print(
            f"  usage {name:34s} client {u['client_rows']:>8,} rows / {u['client_calls']:>6,}"
            f" calls; ledger {u['ledger_rows']:>8,} / {u['ledger_calls']:>6,}"
            f"{doubt}: {'exact' if u['exact'] else 'NOT EXACT'}"
        )
    for check, ok in report["checks"].items():
        print(f"  [{'ok' if ok else 'FAIL'}] {check}")
    print("soak " + ("passed" if report["passed"] else "FAILED"))


if __name__ == "__main__":
    main()
