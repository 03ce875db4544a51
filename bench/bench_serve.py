"""Serving benchmark: in-process query/handler latency, then HTTP load with wrk against
`linkindex serve` beside a bare Starlette + orjson floor; writes results/serve-<N>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import logging
import os
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import msgspec
from benchutil import FULL_LINKS, RESULTS, code_version, machine, size_label, work_dir, work_home
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response as StarletteResponse
from starlette.routing import Route

from linkindex.accounts.keys import Credential, KeyStore
from linkindex.accounts.quotas import DATA_ROWS, RateLimit
from linkindex.api import v2
from linkindex.api.auth import identify
from linkindex.home import Home
from linkindex.index import histories
from linkindex.index.snapshot import RootDomainQuery, Snapshot
from linkindex.urls import parse_target

BENCH = Path(__file__).resolve().parent
LRD = "/v2/linking_root_domains"
URL_METRICS = "/v2/url_metrics"
P99_TARGET_MS_IN_PROCESS = 1.0
# The HTTP aim: >= 0.8x the bare endpoint's req/s at 32 connections, p99 <= 10 ms (was 0.6x, 20).
P99_TARGET_MS_HTTP = 10.0
RATIO_TARGET = 0.8


# --- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    key: str  # the target's key at its scope, which is also a valid API `target`
    scope: str
    kind: str  # "heavy" (most linking root domains) or "random" (>= 1 linking root domain)
    linking_roots: int


def sample_targets(store: Path, heavy: int, rand: int, seed: int) -> dict[str, list[Target]]:
    """Per class "<scope>/<kind>": the `heavy` most-linked targets and `rand` random linked ones."""
    con = sqlite3.connect(f"file:{store}?mode=ro&immutable=1", uri=True)
    rng = random.Random(seed)
    out: dict[str, list[Target]] = {}
    try:
        for scope, table, key, count in (
            ("page", "pages", "page", "root_domains_to_page"),
            ("root_domain", "root_domains", "root_domain", "root_domains_to_root_domain"),
        ):
            rows = con.execute(f"SELECT {key}, {count} FROM {table} WHERE {count} > 0").fetchall()
            rows.sort(key=lambda r: (-r[1], r[0]))
            out[f"{scope}/heavy"] = [Target(k, scope, "heavy", n) for k, n in rows[:heavy]]
            picked = rng.sample(rows, min(rand, len(rows)))
            out[f"{scope}/random"] = [Target(k, scope, "random", n) for k, n in picked]
    finally:
        con.close()
    return out


def lrd_body(target: Target, next_token: str | None = None) -> bytes:
    body: dict[str, object] = {"target": target.key, "target_scope": target.scope, "limit": 25}
    if next_token:
        body["next_token"] = next_token
    return json.dumps(body, separators=(",", ":")).encode()


def url_metrics_body(target: Target) -> bytes:
    return json.dumps({"targets": [target.key]}, separators=(",", ":")).encode()


# --- statistics ----------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def summarize_ns(samples: list[int]) -> dict[str, float]:
    ms = sorted(s / 1e6 for s in samples)
    return {
        "calls": len(ms),
        "p50_ms": round(percentile(ms, 50), 4),
        "p90_ms": round(percentile(ms, 90), 4),
        "p99_ms": round(percentile(ms, 99), 4),
        "max_ms": round(ms[-1], 4),
        "mean_ms": round(statistics.fmean(ms), 4),
    }


def time_calls(fn: Callable[[object], object], args: list[object], seconds: float) -> list[int]:
    """Call fn over args round-robin for about `seconds` (after one warm pass); ns per call."""
    for a in args:
        fn(a)
    samples: list[int] = []
    clock = time.perf_counter_ns
    deadline = clock() + int(seconds * 1e9)
    i = 0
    while clock() < deadline or i < len(args):
        a = args[i % len(args)]
        t0 = clock()
        fn(a)
        samples.append(clock() - t0)
        i += 1
    return samples


# --- in-process: the Snapshot, and whole ASGI apps without a socket ------------------------------


class AsgiDriver:
    """Calls an ASGI app directly on one event loop: the app's full request path, no network."""

    def __init__(self, app: object, authorization: bytes) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.state: dict[str, object] = {}
        self.headers = [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"authorization", authorization),
        ]
        self._lifespan_queue: asyncio.Queue | None = None
        self._lifespan_task: asyncio.Task | None = None

    def start(self) -> None:
        self.loop.run_until_complete(self._lifespan("startup"))

    def close(self) -> None:
        self.loop.run_until_complete(self._lifespan("shutdown"))
        self.loop.close()

    async def _lifespan(self, phase: str) -> None:
        if self._lifespan_queue is None:
            self._lifespan_queue = asyncio.Queue()
            replies: asyncio.Queue = asyncio.Queue()
            self._replies = replies
            scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}

            async def send(message: dict) -> None:
                await replies.put(message)

            self._lifespan_task = asyncio.ensure_future(
                self.app(scope, self._lifespan_queue.get, send)  # type: ignore[operator]
            )
        await self._lifespan_queue.put({"type": f"lifespan.{phase}"})
        reply = await asyncio.wait_for(self._replies.get(), 10)
        if not reply["type"].endswith(".complete"):
            raise RuntimeError(f"lifespan {phase} failed: {reply}")
        if phase == "shutdown" and self._lifespan_task is not None:
            await self._lifespan_task

    async def _request(self, path: str, body: bytes) -> tuple[int, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [*self.headers, (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
            "state": dict(self.state),
        }
        delivered = False
        status, chunks = 0, []

        async def receive() -> dict:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)  # type: ignore[operator]
        return status, b"".join(chunks)

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        return self.loop.run_until_complete(self._request(path, body))


def in_process(
    home: Home,
    store: Path,
    targets: dict[str, list[Target]],
    page2: list[tuple[Target, str]],
    authorization: bytes,
    seconds: float,
) -> dict[str, object]:
    import bare_starlette

    from linkindex.api.app import create_app

    snapshot = Snapshot(store.parent)
    out: dict[str, object] = {"seconds_per_case": seconds}

    # 1. Snapshot.linking_root_domains: top 25 by DA (the handler asks for limit + 1 rows).
    lrd: dict[str, object] = {}
    for name, group in targets.items():
        queries = [
            RootDomainQuery(t.scope, t.key, "source_domain_authority", limit=26) for t in group
        ]
        lrd[name] = summarize_ns(time_calls(snapshot.linking_root_domains, queries, seconds))  # type: ignore[arg-type]
    cursors = []
    for target, _token in page2:
        first = snapshot.linking_root_domains(
            RootDomainQuery(target.scope, target.key, "source_domain_authority", limit=26)
        )
        cursors.append(
            RootDomainQuery(
                target.scope,
                target.key,
                "source_domain_authority",
                after=first[24].cursor,
                limit=26,
            )
        )
    if cursors:
        lrd["heavy, second page (keyset cursor)"] = summarize_ns(
            time_calls(snapshot.linking_root_domains, cursors, seconds)  # type: ignore[arg-type]
        )
    # Keyset pagination cost against depth: page 1, 11, 101 of the most-linked page target.
    heaviest = targets["page/heavy"][0]
    depth: dict[str, object] = {}
    walked = snapshot.linking_root_domains(
        RootDomainQuery("page", heaviest.key, "source_domain_authority", limit=2501)
    )
    for page_number in (1, 11, 101):
        offset = 25 * (page_number - 1)
        if offset >= len(walked):
            break
        after = walked[offset - 1].cursor if offset else None
        query = RootDomainQuery(
            "page", heaviest.key, "source_domain_authority", after=after, limit=26
        )
        depth[f"page {page_number}"] = summarize_ns(
            time_calls(snapshot.linking_root_domains, [query], seconds / 2)  # type: ignore[arg-type]
        )
    lrd[f"keyset depth ({heaviest.key})"] = depth
    out["snapshot.linking_root_domains"] = lrd

    # 2. Snapshot.url_metrics for a single, already parsed target.
    um: dict[str, object] = {}
    for name in ("page/heavy", "page/random", "root_domain/heavy"):
        parsed = [parse_target(t.key) for t in targets[name]]
        um[name] = summarize_ns(time_calls(snapshot.url_metrics, parsed, seconds))  # type: ignore[arg-type]
    out["snapshot.url_metrics"] = um

    # 2b. Snapshot.metric_histories: all 27 counts, daily and monthly, values and deltas.
    asked = histories.HistoryRequest(
        *(histories.COUNT_METRICS,) * 4  # deltas and values, daily and monthly
    )
    mh: dict[str, object] = {}
    if snapshot.has_link_tables:
        for name in ("page/heavy", "page/random", "root_domain/heavy"):
            parsed = [parse_target(t.key) for t in targets[name]]
            mh[name] = summarize_ns(
                time_calls(lambda u: snapshot.metric_histories(u, asked), parsed, seconds)  # type: ignore[arg-type]
            )
    out["snapshot.metric_histories (27 counts x 4 histories)"] = mh

    # 3. The whole ASGI app in-process (routing, auth guard, body checks, handler, encoding),
    #    linkindex beside the bare Starlette app on the same store: a low-noise ratio.
    os.environ[bare_starlette.STORE_ENV] = str(store)
    drivers = {
        "linkindex": AsgiDriver(create_app(home), authorization),
        "bare": AsgiDriver(bare_starlette.app, authorization),
    }
    lrd_bodies = [lrd_body(t) for group in targets.values() for t in group]
    um_bodies = [url_metrics_body(t) for t in targets["page/heavy"] + targets["page/random"]]
    cases: list[tuple[str, str, list[bytes], tuple[str, ...]]] = [
        ("linking_root_domains (mixed)", LRD, lrd_bodies, ("linkindex", "bare")),
        ("url_metrics (1 target)", URL_METRICS, um_bodies, ("linkindex", "bare")),
    ]
    if page2:
        cases.append(
            (
                "linking_root_domains heavy page 1",
                LRD,
                [lrd_body(t) for t, _ in page2],
                ("linkindex",),
            )
        )
        cases.append(
            (
                "linking_root_domains heavy page 2 (next_token)",
                LRD,
                [lrd_body(t, tok) for t, tok in page2],
                ("linkindex",),
            )
        )
    handler: dict[str, object] = {}
    try:
        for driver in drivers.values():
            driver.start()
        for case, path, bodies, apps in cases:
            row: dict[str, object] = {}
            for app_name in apps:
                driver = drivers[app_name]
                for body in bodies[:5]:
                    status, payload = driver.post(path, body)
                    if status != 200:
                        raise RuntimeError(f"{app_name} {path} -> {status}: {payload[:300]!r}")

                def call(body: bytes, d: AsgiDriver = driver, p: str = path) -> object:
                    return d.post(p, body)

                row[app_name] = summarize_ns(time_calls(call, bodies, seconds))  # type: ignore[arg-type]
            if "bare" in row:
                row["ratio_mean_latency_bare_over_linkindex"] = round(
                    row["bare"]["mean_ms"] / row["linkindex"]["mean_ms"],
                    3,  # type: ignore[index]
                )
            handler[case] = row
    finally:
        for driver in drivers.values():
            driver.close()
    out["asgi_in_process"] = handler
    out["components_us"] = components(home, store, targets, authorization)
    return out


# An empty route: Starlette's own floor, beside which the handlers' costs are read.
async def starlette_empty(request: StarletteRequest) -> StarletteResponse:
    await request.body()
    return StarletteResponse(b"{}", media_type="application/json")


def _best_us(fn: Callable[[], object], number: int) -> float:
    fn()
    return round(min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6, 2)


def components(
    home: Home, store: Path, targets: dict[str, list[Target]], authorization: bytes
) -> dict[str, float]:
    """Best-of-5 microseconds of the pieces of one request, to say where handler time goes."""
    import bare_starlette

    from linkindex.api.app import create_app

    app = create_app(home)
    snapshot = Snapshot(store.parent)
    keys = app.state.key_store
    caller = identify(keys, {"authorization": authorization.decode()})
    assert caller is not None
    meter, limiter = app.state.meter, app.state.limiter
    high_rate = RateLimit(1_000_000_000, "second")  # never reached: only its check is timed
    heavy = targets["page/heavy"][0]
    query = RootDomainQuery("page", heavy.key, "source_domain_authority", limit=26)
    rows = snapshot.linking_root_domains(query)
    con = sqlite3.connect(f"file:{store}?mode=ro&immutable=1", uri=True)
    con.execute("PRAGMA cache_size = -65536")
    sql = (
        "SELECT * FROM linking_roots_page WHERE target = ? AND pages > 0"
        " ORDER BY neg_domain_authority, source LIMIT 26"
    )
    body = lrd_body(heavy)
    um_body = url_metrics_body(heavy)
    headers = {"authorization": authorization.decode()}
    parsed = parse_target(heavy.key)
    os.environ[bare_starlette.STORE_ENV] = str(store)
    drivers = {
        "floor": AsgiDriver(
            Starlette(routes=[Route("/floor", starlette_empty, methods=["POST"])]), authorization
        ),
        "linkindex": AsgiDriver(app, authorization),
        "bare": AsgiDriver(bare_starlette.app, authorization),
    }
    out: dict[str, float] = {}
    try:
        for driver in drivers.values():
            driver.start()
        out = {
            "lrd_heavy_page_snapshot_call": _best_us(
                lambda: snapshot.linking_root_domains(query), 1000
            ),
            "lrd_heavy_page_same_sql_fetchall": _best_us(
                lambda: con.execute(sql, (heavy.key,)).fetchall(), 1000
            ),
            "lrd_rows_returned": len(rows),
            "url_metrics_snapshot_call": _best_us(lambda: snapshot.url_metrics(parsed), 5000),
            "parse_target": _best_us(lambda: parse_target(heavy.key), 20000),
            "basic_auth_identify": _best_us(lambda: identify(keys, headers), 20000),
            # Accounts (docs/api.md): what a billed request adds to the path measured above.
            "accounts_policy_lookup": _best_us(lambda: meter.account(caller), 20000),
            "accounts_quota_check": _best_us(lambda: meter.check(caller, DATA_ROWS), 20000),
            "accounts_ledger_charge_25_rows": _best_us(
                lambda: meter.charge(caller, DATA_ROWS, 25), 3000
            ),
            "accounts_limiter_admit": _best_us(lambda: limiter.admit("bench", None), 5000),
            "accounts_limiter_admit_with_rate_limit": _best_us(
                lambda: limiter.admit("bench", high_rate), 5000
            ),
            "strict_body_decode": _best_us(
                lambda: msgspec.json.decode(body, type=v2.LinkingRootDomainsRequest, strict=True),
                20000,
            ),
            "asgi_starlette_empty_route": _best_us(
                lambda: drivers["floor"].post("/floor", body), 3000
            ),
            "asgi_linkindex_lrd_heavy": _best_us(
                lambda: drivers["linkindex"].post(LRD, body), 1000
            ),
            "asgi_bare_lrd_heavy": _best_us(lambda: drivers["bare"].post(LRD, body), 1000),
            "asgi_linkindex_url_metrics_heavy": _best_us(
                lambda: drivers["linkindex"].post(URL_METRICS, um_body), 2000
            ),
            "asgi_bare_url_metrics_heavy": _best_us(
                lambda: drivers["bare"].post(URL_METRICS, um_body), 2000
            ),
        }
    finally:
        for driver in drivers.values():
            driver.close()
        con.close()
    out["lrd_row_conversion_overhead"] = round(
        out["lrd_heavy_page_snapshot_call"] - out["lrd_heavy_page_same_sql_fetchall"], 2
    )
    return out


# --- HTTP: real servers in subprocesses, loaded by wrk ------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerProcess:
    name: str
    url: str
    process: subprocess.Popen
    log: Path


def start_server(
    name: str, command: list[str], env: dict[str, str], port: int, log: Path
) -> ServerProcess:
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            command, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = ServerProcess(name, f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"{name} did not start within 60 s")


def stop_server(server: ServerProcess) -> None:
    """Stop the server and its uvicorn workers: its own process group (start_new_session)."""
    if server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=5)


def lua_script(path: str, authorization: str, bodies: list[bytes]) -> str:
    """A wrk script cycling over pre-formatted POSTs; done() prints one JSON line of figures."""
    items = []
    for body in bodies:
        text = body.decode()
        level = "=" * next(n for n in range(1, 9) if f"]{'=' * n}]" not in text)
        items.append(f"[{level}[{text}]{level}]")
    return f"""
local bodies = {{{", ".join(items)}}}
local path = "{path}"
local headers = {{["Content-Type"] = "application/json", ["Authorization"] = "{authorization}"}}
local threads = 0
setup = function(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end
local requests = {{}}
local i = 0
init = function(args)
  for k, body in ipairs(bodies) do requests[k] = wrk.format("POST", path, headers, body) end
  i = (offset or 0) % #requests
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
done = function(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {{"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d,' ..
    ' "errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d,' ..
    ' "mean_us": %.1f, "max_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d,' ..
    ' "p999_us": %d}}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
"""


@dataclass
class LoadConfig:
    connections: int
    threads: int
    duration: float
    loader: str  # "wrk" or "python"
    scripts: Path


def run_load(
    cfg: LoadConfig,
    url: str,
    path: str,
    authorization: str,
    bodies: list[bytes],
    duration: float | None = None,
    connections: int | None = None,
) -> dict[str, object]:
    seconds = duration or cfg.duration
    connections = connections or cfg.connections
    if cfg.loader == "python":
        return python_load(cfg, url, path, authorization, bodies, seconds, connections)
    script = cfg.scripts / f"load-{abs(hash((path, tuple(bodies)))):x}.lua"
    script.write_text(lua_script(path, authorization, bodies))
    command = [
        "wrk",
        "--latency",
        "-t",
        str(min(cfg.threads, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url + path,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"^BENCH_JSON (.*)$", done.stdout, re.M)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    raw = json.loads(match.group(1))
    return _load_figures(raw, "wrk")


def _tree_cpu_seconds(pid: int) -> float:
    """utime + stime of a process and all its descendants (a uvicorn parent and its workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _system_cpu() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    steal = fields[7] if len(fields) > 7 else 0
    return (sum(fields[:8]) - idle - steal) / tick, steal / tick


def measured_load(
    cfg: LoadConfig,
    server: ServerProcess,
    path: str,
    authorization: str,
    bodies: list[bytes],
    connections: int,
) -> dict[str, object]:
    """run_load plus where the CPU went meanwhile: the server's own CPU per request is far
    less sensitive to a noisy shared machine than req/s is."""
    server0 = _tree_cpu_seconds(server.process.pid)
    busy0, steal0 = _system_cpu()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    figures = run_load(cfg, server.url, path, authorization, bodies, None, connections)
    wall = time.perf_counter() - started
    server_cpu = _tree_cpu_seconds(server.process.pid) - server0
    busy1, steal1 = _system_cpu()
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    loader_cpu = (children1.ru_utime + children1.ru_stime) - (
        children0.ru_utime + children0.ru_stime
    )
    own_cpu = (self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime)
    other = (busy1 - busy0) - server_cpu - loader_cpu - own_cpu
    figures.update(
        connections=connections,
        server_cpu_us_per_req=round(1e6 * server_cpu / max(1, int(figures["requests"]))),
        server_cpu_cores=round(server_cpu / wall, 2),
        loader_cpu_cores=round(loader_cpu / wall, 2),
        other_cpu_cores=round(max(0.0, other) / wall, 2),
        steal_cpu_cores=round((steal1 - steal0) / wall, 2),
        loadavg_1m_after=round(os.getloadavg()[0], 2),
    )
    return figures


def _load_figures(raw: dict, loader: str) -> dict[str, object]:
    seconds = raw["duration_us"] / 1e6
    errors = sum(v for k, v in raw.items() if k.startswith("errors_"))
    return {
        "loader": loader,
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "req_per_s": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 3),
        "p90_ms": round(raw["p90_us"] / 1000, 3),
        "p99_ms": round(raw["p99_us"] / 1000, 3),
        "p999_ms": round(raw["p999_us"] / 1000, 3),
        "max_ms": round(raw["max_us"] / 1000, 3),
        "mean_ms": round(raw["mean_us"] / 1000, 3),
        "errors": errors,
        "error_detail": {k: v for k, v in raw.items() if k.startswith("errors_") and v},
    }


def python_load(
    cfg: LoadConfig,
    url: str,
    path: str,
    authorization: str,
    bodies: list[bytes],
    seconds: float,
    connections: int,
) -> dict[str, object]:
    """The fallback when wrk is missing: asyncio + httpx in a child process, bounded in time
    and count. Python is the bottleneck long before the server; compare only within a run."""
    spec = {
        "url": url + path,
        "authorization": authorization,
        "bodies": [b.decode() for b in bodies],
        "connections": connections,
        "seconds": seconds,
        "max_requests": 500_000,
    }
    spec_file = cfg.scripts / "python-load.json"
    spec_file.write_text(json.dumps(spec))
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child-load", str(spec_file)],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    match = re.search(r"^BENCH_JSON (.*)$", done.stdout, re.M)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"python loader failed: {done.stdout}\n{done.stderr}")
    return _load_figures(json.loads(match.group(1)), "python-httpx")


def child_load(spec_file: Path) -> None:
    spec = json.loads(spec_file.read_text())
    bodies = [b.encode() for b in spec["bodies"]]
    headers = {"content-type": "application/json", "authorization": spec["authorization"]}
    latencies: list[int] = []
    errors = {"errors_status": 0, "errors_read": 0}

    async def worker(client: httpx.AsyncClient, offset: int, deadline: float) -> None:
        i = offset
        while time.perf_counter() < deadline and len(latencies) < spec["max_requests"]:
            body = bodies[i % len(bodies)]
            i += 1
            t0 = time.perf_counter_ns()
            try:
                response = await client.post(spec["url"], content=body, headers=headers)
                if response.status_code != 200:
                    errors["errors_status"] += 1
            except httpx.HTTPError:
                errors["errors_read"] += 1
            latencies.append(time.perf_counter_ns() - t0)

    async def main() -> float:
        # One single-connection client per worker: a shared httpx pool serializes on its lock.
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        clients = [httpx.AsyncClient(limits=limits, timeout=10) for _ in range(spec["connections"])]
        try:
            started = time.perf_counter()
            deadline = started + spec["seconds"]
            await asyncio.gather(*(worker(c, k * 7919, deadline) for k, c in enumerate(clients)))
            return time.perf_counter() - started
        finally:
            for client in clients:
                await client.aclose()

    elapsed = asyncio.run(main())
    us = sorted(v / 1000 for v in latencies)
    raw = {
        "requests": len(us),
        "duration_us": int(elapsed * 1e6),
        "mean_us": statistics.fmean(us) if us else 0,
        "max_us": us[-1] if us else 0,
        **{f"p{p}_us": percentile(us, p) for p in (50, 90, 99)},
        "p999_us": percentile(us, 99.9),
        **errors,
    }
    print("BENCH_JSON " + json.dumps(raw))


def check_bodies(url: str, path: str, auth: str, bodies: list[bytes]) -> list[dict]:
    """Every body must answer 200 before it is used under load; returns the decoded answers."""
    answers = []
    with httpx.Client(timeout=30) as client:
        for body in bodies:
            response = client.post(
                url + path,
                content=body,
                headers={"content-type": "application/json", "authorization": auth},
            )
            if response.status_code != 200:
                raise RuntimeError(
                    f"{url}{path} {body!r} -> {response.status_code}: {response.text[:300]}"
                )
            answers.append(response.json())
    return answers


def http_section(
    home: Home,
    store: Path,
    targets: dict[str, list[Target]],
    authorization: str,
    cfg: LoadConfig,
    rounds: int,
    warmup: float,
    page2_count: int,
    low_connections: int,
    other: Path | None = None,
) -> dict[str, object]:
    logs = cfg.scripts
    env = {**os.environ, "BARE_STORE": str(store), "PYTHONUNBUFFERED": "1"}
    serve = [sys.executable, "-m", "linkindex.cli", "serve", "--home", str(home.root)]
    li_port, bare_port = free_port(), free_port()
    servers: dict[str, ServerProcess] = {}
    try:
        servers["linkindex"] = start_server(
            "linkindex",
            [
                sys.executable,
                "-m",
                "linkindex.cli",
                "serve",
                "--home",
                str(home.root),
                "--port",
                str(li_port),
                "--workers",
                "2",
            ],
            env,
            li_port,
            logs / "linkindex-serve.log",
        )
        if other is not None:
            # The same server from another copy of the code (e.g. the commit before a change),
            # loaded in the same rounds: a before/after ratio that the machine's noise shares.
            other_port = free_port()
            servers["other"] = start_server(
                "other",
                [*serve, "--port", str(other_port), "--workers", "2"],
                {**env, "PYTHONPATH": str(other.resolve())},
                other_port,
                logs / "other-serve.log",
            )
            check_bodies(
                servers["other"].url, LRD, authorization, [lrd_body(targets["page/heavy"][0])]
            )
        servers["bare"] = start_server(
            "bare",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_starlette:app",
                "--app-dir",
                str(BENCH),
                "--host",
                "127.0.0.1",
                "--port",
                str(bare_port),
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env,
            bare_port,
            logs / "bare-serve.log",
        )
        li, bare = servers["linkindex"].url, servers["bare"].url

        lrd_targets = [t for group in targets.values() for t in group]
        random.Random(1).shuffle(lrd_targets)
        lrd_bodies = [lrd_body(t) for t in lrd_targets]
        um_targets = targets["page/heavy"] + targets["page/random"]
        random.Random(2).shuffle(um_targets)
        um_bodies = [url_metrics_body(t) for t in um_targets]

        # Both servers must answer every body, and the same root domains: equal work.
        li_answers = check_bodies(li, LRD, authorization, lrd_bodies)
        bare_answers = check_bodies(bare, LRD, authorization, lrd_bodies)
        mismatches = sum(
            [r["root_domain"] for r in a["results"]] != [r["root_domain"] for r in b["results"]]
            for a, b in zip(li_answers, bare_answers, strict=True)
        )
        empty = sum(not a["results"] for a in li_answers)
        check_bodies(li, URL_METRICS, authorization, um_bodies)
        check_bodies(bare, URL_METRICS, authorization, um_bodies)

        # next_token bodies: page 2 of the heaviest targets (those with more than 25 results).
        heavy = [t for t in targets["page/heavy"] + targets["root_domain/heavy"]]
        page1, page2 = [], []
        for target, answer in zip(lrd_targets, li_answers, strict=True):
            if target in heavy and answer["next_token"] and len(page1) < page2_count:
                page1.append(lrd_body(target))
                page2.append(lrd_body(target, answer["next_token"]))
        check_bodies(li, LRD, authorization, page2)

        both = ("linkindex", "other", "bare") if other is not None else ("linkindex", "bare")
        li_only = ("linkindex",)
        low = f"linking_root_domains @{low_connections} conn"
        cases = [
            ("linking_root_domains", LRD, lrd_bodies, both, cfg.connections),
            ("url_metrics", URL_METRICS, um_bodies, both, cfg.connections),
            ("lrd heavy page 1", LRD, page1, li_only, cfg.connections),
            ("lrd heavy page 2 (next_token)", LRD, page2, li_only, cfg.connections),
            (low, LRD, lrd_bodies, both, low_connections),
        ]
        runs: dict[str, dict[str, list[dict]]] = {c[0]: {} for c in cases}
        for case, path, bodies, apps, conns in cases:
            for app_name in apps:
                url = servers[app_name].url
                print(f"  warm-up {app_name} {case} ({warmup:g} s)", flush=True)
                run_load(cfg, url, path, authorization, bodies, warmup, conns)
        for r in range(rounds):
            for case, path, bodies, apps, conns in cases:
                order = apps if r % 2 == 0 else tuple(reversed(apps))  # alternate who goes first
                for app_name in order:
                    figures = measured_load(
                        cfg, servers[app_name], path, authorization, bodies, conns
                    )
                    runs[case].setdefault(app_name, []).append(figures)
                    print(
                        f"  round {r + 1} {case:32s} {app_name:9s}"
                        f" {figures['req_per_s']:>9,.0f} req/s  p50 {figures['p50_ms']:.2f} ms"
                        f"  p99 {figures['p99_ms']:.2f} ms  server CPU"
                        f" {figures['server_cpu_us_per_req']} us/req"
                        f"  other load {figures['other_cpu_cores']} cores"
                        f"  errors {figures['errors']}",
                        flush=True,
                    )
    finally:
        for server in servers.values():
            stop_server(server)
    summary: dict[str, object] = {}
    for case, by_app in runs.items():
        row: dict[str, object] = {}
        for app_name, figures in by_app.items():
            row[app_name] = {
                "req_per_s_median": statistics.median(f["req_per_s"] for f in figures),
                "p50_ms_median": statistics.median(f["p50_ms"] for f in figures),
                "p99_ms_median": statistics.median(f["p99_ms"] for f in figures),
                "p99_ms_worst": max(f["p99_ms"] for f in figures),
                "server_cpu_us_per_req_median": statistics.median(
                    f["server_cpu_us_per_req"] for f in figures
                ),
                "other_cpu_cores_max": max(f["other_cpu_cores"] for f in figures),
                "errors": sum(f["errors"] for f in figures),
                "runs": figures,
            }
        if "other" in by_app:
            row["ratio_req_per_s_over_other"] = round(
                statistics.median(
                    a["req_per_s"] / b["req_per_s"]
                    for a, b in zip(by_app["linkindex"], by_app["other"], strict=True)
                ),
                3,
            )
            row["ratio_other_over_bare"] = round(
                statistics.median(
                    a["req_per_s"] / b["req_per_s"]
                    for a, b in zip(by_app["other"], by_app["bare"], strict=True)
                ),
                3,
            )
        if "bare" in by_app:
            ratios = [
                a["req_per_s"] / b["req_per_s"]
                for a, b in zip(by_app["linkindex"], by_app["bare"], strict=True)
            ]
            row["ratio_req_per_s_per_round"] = [round(x, 3) for x in ratios]
            row["ratio_req_per_s"] = round(statistics.median(ratios), 3)
            cpu = [
                b["server_cpu_us_per_req"] / a["server_cpu_us_per_req"]
                for a, b in zip(by_app["linkindex"], by_app["bare"], strict=True)
            ]
            row["ratio_server_cpu_per_req_bare_over_linkindex"] = round(statistics.median(cpu), 3)
        summary[case] = row
    p1 = summary["lrd heavy page 1"]["linkindex"]  # type: ignore[index]
    p2 = summary["lrd heavy page 2 (next_token)"]["linkindex"]  # type: ignore[index]
    return {
        "connections": cfg.connections,
        "other_src": str(other) if other is not None else None,
        "threads": cfg.threads,
        "duration_s": cfg.duration,
        "rounds": rounds,
        "loader": cfg.loader,
        "lrd_bodies": len(lrd_bodies),
        "lrd_bodies_with_no_results": empty,
        "lrd_result_mismatches_linkindex_vs_bare": mismatches,
        "url_metrics_bodies": len(um_bodies),
        "next_token_bodies": len(page2),
        "pagination_cost_req_per_s_page2_over_page1": round(
            p2["req_per_s_median"] / p1["req_per_s_median"], 3
        ),
        "cases": summary,
    }


# --- main ----------------------------------------------------------------------------------------


def find_store(home: Home) -> Path:
    from linkindex.index.layout import SnapshotLayout

    layout = SnapshotLayout(home.snapshots)
    name = layout.current_name()
    if name is None:
        raise SystemExit(f"no built index under {home.root}: run bench/bench_build.py first")
    return layout.path_of(name) / "index.sqlite"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=FULL_LINKS, help="which bench_build home")
    parser.add_argument("--work", type=Path, help="work folder (default bench/work/links-<N>)")
    parser.add_argument("--heavy", type=int, default=50, help="heavy targets per scope")
    parser.add_argument("--random", type=int, default=200, help="random targets per scope")
    parser.add_argument("--seconds", type=float, default=2.0, help="in-process time per case")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per HTTP run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of HTTP warm-up")
    parser.add_argument("--rounds", type=int, default=3, help="HTTP runs per server and case")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--low-connections", type=int, default=4, help="an extra mixed-LRD run at this load"
    )
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--skip-http", action="store_true", help="in-process figures only")
    parser.add_argument(
        "--other",
        type=Path,
        help="another copy of src/ (e.g. `git archive COMMIT src | tar -x -C OLD`, then OLD/src)"
        " served beside this one in the same HTTP rounds",
    )
    parser.add_argument("--child-load", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_load:
        child_load(args.child_load)
        return

    loader = args.loader
    if loader == "auto":
        loader = "wrk" if shutil.which("wrk") else "python"
    if loader == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk, or use --loader python")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise
    machine_facts = machine()
    code_at_start = code_version()  # src may change while a long run goes on
    work = work_dir(args.links, args.work)
    home = Home(work_home(work))
    store = find_store(home)
    credential: Credential = KeyStore(home.ensure().state / "keys.sqlite").create("bench")
    basic = base64.b64encode(f"{credential.access_id}:{credential.secret_key}".encode()).decode()
    authorization = f"Basic {basic}"
    targets = sample_targets(store, args.heavy, args.random, seed=11)
    print(f"serving benchmark on {store} ({store.stat().st_size / 2**30:.2f} GiB)", flush=True)

    # next_token of page 1 for the heavy targets, through the in-process app (same secret).
    page2 = next_tokens(home, targets, authorization.encode())
    print("in-process latency ...", flush=True)
    report: dict[str, object] = {
        "benchmark": "serve",
        "label": size_label(args.links),
        "store": str(store),
        "store_gib": round(store.stat().st_size / 2**30, 3),
        "targets": {
            name: {
                "count": len(group),
                "linking_roots_max": max((t.linking_roots for t in group), default=0),
                "linking_roots_median": statistics.median(t.linking_roots for t in group)
                if group
                else 0,
                "examples": [t.key for t in group[:3]],
            }
            for name, group in targets.items()
        },
        "in_process": in_process(home, store, targets, page2, authorization.encode(), args.seconds),
        "machine": machine_facts,
        "code": code_at_start,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if not args.skip_http:
        print(
            f"HTTP load ({loader}, {args.connections} connections, {args.threads} threads,"
            f" {args.duration:g} s x {args.rounds} rounds) ...",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="bench-serve-", dir=work) as tmp:
            cfg = LoadConfig(args.connections, args.threads, args.duration, loader, Path(tmp))
            report["http"] = http_section(
                home,
                store,
                targets,
                authorization,
                cfg,
                args.rounds,
                args.warmup,
                page2_count=len(page2) or 50,
                low_connections=args.low_connections,
                other=args.other,
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"serve-{size_label(args.links)}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_summary(report, out)


def next_tokens(
    home: Home, targets: dict[str, list[Target]], authorization: bytes
) -> list[tuple[Target, str]]:
    from linkindex.api.app import create_app

    driver = AsgiDriver(create_app(home), authorization)
    out = []
    try:
        driver.start()
        for target in targets["page/heavy"] + targets["root_domain/heavy"]:
            status, payload = driver.post(LRD, lrd_body(target))
            token = json.loads(payload).get("next_token") if status == 200 else None
            if token:
                out.append((target, token))
    finally:
        driver.close()
    return out


def print_summary(report: dict, out: Path) -> None:
    m = report["machine"]
    print(
        f"\nserving benchmark ({report['label']} link rows, store {report['store_gib']} GiB)"
        f"  ->  {out}"
    )
    print(
        f"  machine: {m['nproc']} CPU {m['cpu_model']}, {m['ram_gib']} GiB, py {m['python']},"
        f" sqlite {m['sqlite']}, load avg {m['loadavg_at_start']}"
    )
    ip = report["in_process"]
    print(f"  in-process (target p99 <= {P99_TARGET_MS_IN_PROCESS} ms):")
    for section in ("snapshot.linking_root_domains", "snapshot.url_metrics"):
        for name, f in ip[section].items():
            if name.startswith("keyset depth"):
                pages = ", ".join(f"{k} p50 {v['p50_ms']:.3f} ms" for k, v in f.items())
                print(f"    {section:30s} {name}: {pages}")
                continue
            flag = "ok" if f["p99_ms"] <= P99_TARGET_MS_IN_PROCESS else "OVER"
            print(
                f"    {section:30s} {name:36s} p50 {f['p50_ms']:.3f} ms"
                f"  p99 {f['p99_ms']:.3f} ms  {flag}"
            )
    for case, row in ip["asgi_in_process"].items():
        for app_name in ("linkindex", "bare"):
            if app_name in row:
                f = row[app_name]
                print(
                    f"    {'asgi ' + app_name:30s} {case:36s} p50 {f['p50_ms']:.3f} ms"
                    f"  p99 {f['p99_ms']:.3f} ms"
                )
    print("  components (best of 5, us):")
    for name, value in ip["components_us"].items():
        print(f"    {name:52s} {value:>9}")
    http = report.get("http")
    if not http:
        return
    print(
        f"  HTTP ({http['loader']}, {http['connections']} connections, {http['rounds']} x"
        f" {http['duration_s']:g} s; target ratio >= {RATIO_TARGET}, p99 <="
        f" {P99_TARGET_MS_HTTP} ms):"
    )
    for case, row in http["cases"].items():
        for app_name in ("linkindex", "other", "bare"):
            if app_name in row:
                f = row[app_name]
                print(
                    f"    {case:32s} {app_name:9s} {f['req_per_s_median']:>9,.0f} req/s"
                    f"  p50 {f['p50_ms_median']:.2f} ms  p99 {f['p99_ms_median']:.2f} ms"
                    f"  server CPU {f['server_cpu_us_per_req_median']:.0f} us/req"
                    f"  errors {f['errors']}"
                )
        if "ratio_req_per_s" in row:
            print(
                f"    {'':32s} ratio linkindex/bare req/s {row['ratio_req_per_s']:.3f}"
                f" (per round {row['ratio_req_per_s_per_round']}); CPU per request"
                f" bare/linkindex {row['ratio_server_cpu_per_req_bare_over_linkindex']:.3f}"
            )
        if "ratio_req_per_s_over_other" in row:
            print(
                f"    {'':32s} ratio linkindex/other req/s {row['ratio_req_per_s_over_other']:.3f};"
                f" other/bare {row['ratio_other_over_bare']:.3f}"
            )
    print(
        f"    next_token page 2 / page 1 req/s:"
        f" {http['pagination_cost_req_per_s_page2_over_page1']}"
    )


if __name__ == "__main__":
    main()
