"""Sharded serving benchmark: one generated web built unsharded and in N shards, each served by
`linkindex serve --workers 2` on 127.0.0.1 and loaded with wrk in alternating rounds; writes
results/shards.json (req/s per request kind, the ratio N-shard / unsharded, build times, bytes).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_build import generate, reusable
from bench_serve import (
    LoadConfig,
    Target,
    free_port,
    lrd_body,
    measured_load,
    run_load,
    sample_targets,
    start_server,
    stop_server,
    url_metrics_body,
)
from benchutil import (
    PAGES_PER_DOMAIN,
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
from linkindex.index.link_queries import LinkQuery
from linkindex.index.snapshot import RootDomainQuery, Snapshot
from linkindex.urls import parse_target

RATIO_TARGET = 0.9
SEED = 7


def bodies_by_case(targets: dict[str, list[Target]], seed: int) -> dict[str, tuple[str, list]]:
    """(path, request bodies) of each kind of request: one target, 50 targets across shards,
    a linking-root-domains page, a links page, a link_status of 10 sources."""
    rng = random.Random(seed)
    one = targets["page/random"] + targets["root_domain/random"]
    pages = [t for t in one if t.scope == "page"]

    def dumps(body: dict) -> bytes:
        return json.dumps(body, separators=(",", ":")).encode()

    fifty = [dumps({"targets": [t.key for t in rng.sample(one, min(50, len(one)))]})
             for _ in range(100)]  # fmt: skip
    links = [dumps({"target": t.key, "target_scope": t.scope, "limit": 25}) for t in one]
    status = [
        dumps({"target": t.key, "target_scope": "page", "source_scope": "page",
               "sources": [s.key for s in rng.sample(pages, min(10, len(pages)))]})
        for t in pages
    ]  # fmt: skip
    return {
        "url_metrics_1": ("/v2/url_metrics", [url_metrics_body(t) for t in one]),
        "url_metrics_50": ("/v2/url_metrics", fifty),
        "linking_root_domains": ("/v2/linking_root_domains", [lrd_body(t) for t in one]),
        "links": ("/v2/links", links),
        "link_status_10": ("/v2/link_status", status),
    }


class StepTimer:
    """build_index's on_step: the seconds from each step's start to the next one's."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._current: tuple[str, float] | None = None

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        if self._current is not None:
            step, since = self._current
            self.seconds[step] = self.seconds.get(step, 0.0) + now - since
        self._current = (name, now)

    def total(self, prefix: str) -> float:
        return sum(v for k, v in self.seconds.items() if k.startswith(prefix))


def in_process(snapshots: dict[str, Snapshot], targets: dict[str, list[Target]]) -> dict:
    """Median ns of each Snapshot call on each snapshot, the two called in turn for every
    target, so the machine's other load falls on both alike."""
    one = [parse_target(t.key) for t in targets["page/random"] + targets["root_domain/random"]]
    rng = random.Random(17)
    fifty = [rng.sample(one, min(50, len(one))) for _ in range(len(one))]
    calls: dict[str, Callable[[Snapshot, int], object]] = {
        "url_metrics_1": lambda s, i: s.url_metrics(one[i]),
        "url_metrics_50": lambda s, i: s.url_metrics_many(fifty[i]),
        "linking_root_domains": lambda s, i: s.linking_root_domains(
            RootDomainQuery("root_domain", one[i].root_domain, "source_domain_authority", limit=26)
        ),
        "links_with_metrics": lambda s, i: [
            (s.page_metrics(row.source_page), s.page_metrics(row.link_page))
            for row in s.links(LinkQuery("page", one[i].page, "source_page_authority"))
        ],
        "link_status_10": lambda s, i: s.links_exist(
            one[i], "page", [t.page for t in fifty[i][:10]], "page"
        ),
    }
    report = {}
    for case, call in calls.items():
        samples: dict[str, list[int]] = {name: [] for name in snapshots}
        for _ in range(3):
            for i in range(len(one)):
                for name, snapshot in snapshots.items():
                    started = time.perf_counter_ns()
                    call(snapshot, i)
                    samples[name].append(time.perf_counter_ns() - started)
        medians = {name: statistics.median(v) / 1000 for name, v in samples.items()}
        first, second = medians.values()
        report[case] = {"median_us": medians, "ratio": round(first / second, 3)}
        print(f"in-process {case:22s} " + "  ".join(f"{n} {v:.1f} us" for n, v in medians.items()),
              flush=True)  # fmt: skip
    return report


def store_bytes(snapshot: Path) -> dict[str, object]:
    """Bytes of each file, and of each b-tree summed over the files (dbstat)."""
    files = {p.name: p.stat().st_size for p in sorted(snapshot.glob("*.sqlite"))}
    btrees: dict[str, int] = {}
    for path in sorted(snapshot.glob("*.sqlite")):
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            for name, size in con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
                btrees[name] = btrees.get(name, 0) + size
        except sqlite3.OperationalError:
            pass  # SQLite without dbstat: file sizes only
        finally:
            con.close()
    return {"total": sum(files.values()), "files": files,
            "btrees": dict(sorted(btrees.items(), key=lambda kv: -kv[1]))}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=1_000_000, help="link records to generate")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per HTTP run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per variant")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds per case, unmeasured")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--targets", type=int, default=200, help="random targets per scope")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    work = WORK / f"shards-{size_label(args.links)}"
    roots = root_domains_for(args.links)
    if reusable(work, args.links, roots, SEED) is None:
        print(f"generating {args.links} link records ...", flush=True)
        generate(work, args.links, roots, SEED, timeout=3600)
    crawls = work / "home" / "crawls"
    homes_root = work / "homes"
    shutil.rmtree(homes_root, ignore_errors=True)
    homes_root.mkdir()
    variants: dict[str, dict] = {}
    for name, shards in (("unsharded", 1), (f"{args.shards}_shards", args.shards)):
        home = Home(linked_home(crawls, homes_root))
        timer = StepTimer()
        started = time.perf_counter()
        result = build_index(home, shards=shards, on_step=timer)
        seconds = time.perf_counter() - started
        timer("")  # ends the last step
        snapshot = SnapshotLayout(home.snapshots).path_of(result.snapshot)
        credential = KeyStore(home.state / "keys.sqlite").create("bench")
        basic = f"{credential.access_id}:{credential.secret_key}".encode()
        variants[name] = {
            "home": home, "index_id": result.index_id, "build_seconds": round(seconds, 1),
            "write_seconds": round(timer.total("writing "), 1),
            "index_seconds": round(timer.total("indexing"), 1),
            "bytes": store_bytes(snapshot), "snapshot": snapshot,
            "authorization": "Basic " + base64.b64encode(basic).decode(),
        }  # fmt: skip
        print(f"built {name} in {seconds:.0f} s (writing {timer.total('writing '):.1f} s,"
              f" indexing {timer.total('indexing'):.1f} s)", flush=True)  # fmt: skip
    names = list(variants)
    first = variants[names[0]]
    assert variants[names[1]]["index_id"] == first["index_id"]
    targets = sample_targets(first["snapshot"] / "index.sqlite", 0, args.targets, seed=11)
    cases = bodies_by_case(targets, seed=13)
    snapshots = {n: Snapshot(variants[n]["snapshot"]) for n in names}
    calls = in_process(snapshots, targets)
    runs: dict[str, dict[str, list[dict]]] = {n: {c: [] for c in cases} for n in names}
    with tempfile.TemporaryDirectory(prefix="bench-shards-", dir=work) as tmp:
        cfg = LoadConfig(args.connections, args.threads, args.duration, "wrk", Path(tmp))
        servers = {}
        try:
            for name in names:
                port = free_port()
                command = [sys.executable, "-m", "linkindex.cli", "serve", "--home",
                           str(variants[name]["home"].root), "--port", str(port),
                           "--workers", "2"]  # fmt: skip
                env = {**os.environ, "PYTHONUNBUFFERED": "1"}
                servers[name] = start_server(name, command, env, port, Path(tmp) / f"{name}.log")
            for path, bodies in cases.values():
                for name in names:  # each worker's connections and page cache warm
                    auth = variants[name]["authorization"]
                    run_load(cfg, servers[name].url, path, auth, bodies, duration=args.warmup)
            for number in range(args.rounds):
                # Alternate which variant goes first: the machine's other load drifts.
                order = names if number % 2 == 0 else names[::-1]
                for case, (path, bodies) in cases.items():
                    for name in order:
                        auth = variants[name]["authorization"]
                        figures = measured_load(
                            cfg, servers[name], path, auth, bodies, args.connections
                        )
                        runs[name][case].append(figures)
                        print(f"round {number + 1} {case:22s} {name:10s}"
                              f" {figures['req_per_s']:8.1f} req/s", flush=True)  # fmt: skip
        finally:
            for server in servers.values():
                stop_server(server)
    summary = {}
    for case in cases:
        medians = {n: statistics.median(r["req_per_s"] for r in runs[n][case]) for n in names}
        # The server's own CPU per request: far less sensitive than req/s to a shared machine.
        cpu = {n: statistics.median(r["server_cpu_us_per_req"] for r in runs[n][case])
               for n in names}  # fmt: skip
        summary[case] = {
            **medians,
            "ratio": round(medians[names[1]] / medians[names[0]], 3),
            "server_cpu_us_per_req": cpu,
            "cpu_ratio": round(cpu[names[1]] / cpu[names[0]], 3),
        }
    report = {
        "benchmark": "shards",
        "label": size_label(args.links),
        "links": args.links,
        "root_domains": roots,
        "pages_per_domain": PAGES_PER_DOMAIN,
        "shards": args.shards,
        "index_id": first["index_id"],
        "ratio_target": RATIO_TARGET,
        "req_per_s_median": summary,
        # unsharded / sharded time per call: above 1, the sharded snapshot answers faster.
        "in_process": calls,
        "variants": {
            n: {k: v for k, v in variants[n].items() if k.endswith("seconds") or k == "bytes"}
            for n in names
        },  # fmt: skip
        "runs": runs,
        "load": {
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "warmup_s": args.warmup,
            "workers": 2,
        },  # fmt: skip
        "machine": machine(),
        "code": code_version(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "shards.json"
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    for case, figures in summary.items():
        print(f"{case:22s} " + "  ".join(f"{n} {figures[n]:.1f}" for n in names)
              + f"  ratio {figures['ratio']:.2f}  server CPU per request ratio"
              f" {figures['cpu_ratio']:.2f}")  # fmt: skip
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
