"""Router benchmark: one generated web built in 4 shards, served by one local `linkindex serve`
and by `linkindex serve --route` over two `linkindex serve-shards` hosts (shards 0-1 and global,
2-3), all on 127.0.0.1; the same requests sent one at a time to each, in turn; writes
results/route.json (median latency per request kind and the router / local ratio).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_build import generate, reusable
from bench_serve import free_port, sample_targets, start_server, stop_server
from bench_shards import bodies_by_case
from benchutil import (
    RESULTS,
    WORK,
    code_version,
    linked_home,
    machine,
    root_domains_for,
    size_label,
)

from linkindex.accounts.keys import KeyStore
from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index.layout import SnapshotLayout
from linkindex.shardhost.place import place_files

SEED = 7
SECRET = "bench-route-secret-0123456789abcdef"


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "linkindex.cli", *args]


def authorization(home: Home) -> str:
    credential = KeyStore(home.state / "keys.sqlite").create("bench")
    basic = f"{credential.access_id}:{credential.secret_key}".encode()
    return "Basic " + base64.b64encode(basic).decode()


def timed(client: httpx.Client, url: str, body: bytes, auth: str) -> float:
    started = time.perf_counter_ns()
    response = client.post(
        url, content=body, headers={"Authorization": auth, "Content-Type": "application/json"}
    )
    elapsed = (time.perf_counter_ns() - started) / 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=300_000, help="link records to generate")
    parser.add_argument("--requests", type=int, default=300, help="requests per kind and server")
    parser.add_argument("--targets", type=int, default=200, help="random targets per scope")
    args = parser.parse_args()
    work = WORK / f"route-{size_label(args.links)}"
    roots = root_domains_for(args.links)
    if reusable(work, args.links, roots, SEED) is None:
        print(f"generating {args.links} link records ...", flush=True)
        generate(work, args.links, roots, SEED, timeout=3600)
    homes_root = work / "homes"
    homes_root.mkdir(exist_ok=True)
    local = Home(linked_home(work / "home" / "crawls", homes_root))
    result = build_index(local, shards=4)
    snapshot = SnapshotLayout(local.snapshots).path_of(result.snapshot)
    targets: dict[str, list] = {}
    for path in sorted(snapshot.glob("shard-*.sqlite")):  # a quarter of the sample from each
        for kind, found in sample_targets(path, 0, args.targets // 4, seed=11).items():
            targets.setdefault(kind, []).extend(found)
    cases = bodies_by_case(targets, seed=13)
    with tempfile.TemporaryDirectory(prefix="bench-route-", dir=work) as tmp:
        folder = Path(tmp)
        (folder / "secret").write_text(SECRET)
        servers, urls = {}, []
        try:
            env = {**os.environ, "PYTHONUNBUFFERED": "1", "LINKINDEX_THROTTLE": "off"}
            for n, (shards, with_global) in enumerate((([0, 1], True), ([2, 3], False))):
                home = Home(folder / f"host-{n}")
                place_files(snapshot, home, shards, with_global)
                port = free_port()
                command = serve_command(
                    "serve-shards",
                    "--home",
                    str(home.root),
                    "--port",
                    str(port),
                    "--secret-file",
                    str(folder / "secret"),
                )
                servers[f"host-{n}"] = start_server(
                    f"host-{n}", command, env, port, folder / f"host-{n}.log"
                )
                urls.append(f"http://127.0.0.1:{port}")
            hosts = "".join(f'[[hosts]]\nurl = "{url}"\n' for url in urls)
            (folder / "routes.toml").write_text(f'secret_file = "secret"\n{hosts}')
            router_home = Home(folder / "router").ensure()
            auths = {"local": authorization(local), "router": authorization(router_home)}
            routes = ("--route", str(folder / "routes.toml"))
            for name, home, extra in (("local", local, ()), ("router", router_home, routes)):
                port = free_port()
                command = serve_command(
                    "serve", "--home", str(home.root), "--port", str(port), *extra
                )
                servers[name] = start_server(name, command, env, port, folder / f"{name}.log")
            report = measure(servers, auths, cases, args.requests)
        finally:
            for server in servers.values():
                stop_server(server)
    out = RESULTS / "route.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "route",
                "links": args.links,
                "label": size_label(args.links),
                "shards": 4,
                "requests_per_kind": args.requests,
                "median_latency_us": report,
                "machine": machine(),
                "code": code_version(),
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out}")


def measure(servers: dict, auths: dict[str, str], cases: dict, count: int) -> dict:
    """Each request kind: the same bodies to the local server and the router, alternately, one
    at a time on a keep-alive connection; medians in microseconds."""
    report = {}
    with httpx.Client(timeout=60) as client:
        for case, (path, bodies) in cases.items():
            samples: dict[str, list[float]] = {"local": [], "router": []}
            for i in range(count + 20):
                body = bodies[i % len(bodies)]
                for name in ("local", "router") if i % 2 == 0 else ("router", "local"):
                    elapsed = timed(client, servers[name].url + path, body, auths[name])
                    if i >= 20:  # the first ones warm the connections and page caches
                        samples[name].append(elapsed)
            medians = {name: round(statistics.median(v), 1) for name, v in samples.items()}
            ratio = round(medians["router"] / medians["local"], 2)
            report[case] = {**medians, "ratio": ratio}
            print(
                f"{case:22s} local {medians['local']:9.1f} us  router {medians['router']:9.1f}"
                f" us  ratio {ratio:.2f}",
                flush=True,
            )
    return report


if __name__ == "__main__":
    main()
