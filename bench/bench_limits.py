"""Resource limits under abuse, against `linkindex serve` (one worker) on a built index:

1. the server's peak RSS while 8 clients each send a 64 MB request header at once;
2. index_metadata latency (p50/p99) for one key while another key floods url_metrics with
   50 targets and every modifier, beside the same latency without the flood.

Runs whatever `linkindex` is importable, so the same command measures two versions of the code:
    PYTHONPATH=src .venv/bin/python bench/bench_limits.py --links 1000000
Needs the index of `bench/bench_build.py --links N` (or --home). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from benchutil import FULL_LINKS, work_dir, work_home

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from live_server import start_server, stop_server  # noqa: E402

from linkindex.accounts.keys import KeyStore  # noqa: E402
from linkindex.home import Home  # noqa: E402
from linkindex.index import histories  # noqa: E402


def status(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as lines:
        for line in lines:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def huge_header(address: tuple[str, int], size: int) -> str:
    """Send a request whose one header is `size` bytes; the status line answered, or why not."""
    with socket.create_connection(address) as sock:
        sock.settimeout(120)
        try:
            sock.sendall(b"POST /v2/index_metadata HTTP/1.1\r\nHost: bench\r\nX-Padding: ")
            block = b"a" * (1 << 20)
            for _ in range(size >> 20):
                sock.sendall(block)
            sock.sendall(b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            return sock.recv(200).split(b"\r\n", 1)[0].decode() or "closed"
        except OSError as exc:
            return type(exc).__name__


def heavy_body(home: Home) -> dict:
    """url_metrics of the 50 root domains with the most pages linking, with every modifier."""
    from linkindex.index.snapshot import CurrentSnapshot

    snapshot = CurrentSnapshot(home.snapshots).get()
    rows = (
        snapshot._con()
        .execute(  # the bench picks its targets; the API has no such query
            "SELECT root_domain FROM root_domains ORDER BY pages_to_root_domain DESC LIMIT 50"
        )
        .fetchall()
    )
    body: dict = {"targets": [row[0] for row in rows], "distributions": True}
    for kind in histories.HISTORY_KINDS:
        body[kind] = list(histories.valid_metrics(kind))
    return body


def latencies(url: str, auth: tuple[str, str], seconds: float) -> list[float]:
    out = []
    session = requests.Session()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        answer = session.post(url + "/v2/index_metadata", json={}, auth=auth, timeout=120)
        out.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.text
        time.sleep(0.01)
    return out


def summary(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "requests": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p99_ms": round(values[int(len(values) * 0.99) - 1] * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=FULL_LINKS)
    parser.add_argument("--home", type=Path, help="default: the index of bench_build --links")
    parser.add_argument("--seconds", type=float, default=20, help="length of each latency run")
    parser.add_argument("--flooders", type=int, default=2, help="url_metrics clients of one key")
    args = parser.parse_args()
    home = Home(args.home or work_home(work_dir(args.links)))
    server = start_server(home)
    pid = server.process.pid
    host, port = server.base_url.removeprefix("http://").split(":")
    result: dict = {"server_rss_mib_at_start": status(pid, "VmRSS") >> 20}
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: huge_header((host, int(port)), 64 << 20), range(8)))
        result["huge_headers"] = {
            "answers": sorted(set(answers)),
            "server_peak_rss_mib": status(pid, "VmHWM") >> 20,
        }

        result["index_metadata_alone"] = summary(
            latencies(server.base_url, server.auth, args.seconds)
        )
        flooder = KeyStore(home.state / "keys.sqlite").create("bench-flooder")
        body = heavy_body(home)
        stop = threading.Event()
        statuses: dict[int, int] = {}

        def flood() -> None:
            session = requests.Session()
            auth = (flooder.access_id, flooder.secret_key)
            while not stop.is_set():
                answer = session.post(server.base_url + "/v2/url_metrics", json=body, auth=auth)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

        threads = [threading.Thread(target=flood) for _ in range(args.flooders)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        measured = latencies(server.base_url, server.auth, args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        result["index_metadata_during_flood"] = summary(measured)
        result["flood_statuses"] = statuses
    finally:
        stop_server(server)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
