"""Publishing a new snapshot under load: no request fails, each sees one index or the next."""

from __future__ import annotations

import threading
import time

import requests
from records_factory import fan_in
from web import TARGET, crafted_web

from linkindex.builder.pipeline import build_index


def test_two_builds_publish_while_queries_run_and_none_fails(home, serve):
    for crawl in crafted_web():
        crawl.write(home.crawls)
    ids = [build_index(home).index_id]
    server = serve(home)
    failures: list[str] = []
    seen_by_worker: list[list[str]] = [[] for _ in range(4)]
    stop = threading.Event()

    def load(seen_ids: list[str]) -> None:
        session = requests.Session()
        session.auth = server.auth
        while not stop.is_set():
            meta = session.post(f"{server.base_url}/v2/index_metadata", json={}, timeout=10)
            page = session.post(
                f"{server.base_url}/v2/linking_root_domains",
                json={"target": TARGET, "limit": 50},
                timeout=10,
            )
            for response in (meta, page):
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text}")
            if meta.status_code == 200:
                seen_ids.append(meta.json()["index_id"])

    workers = [threading.Thread(target=load, args=(seen,)) for seen in seen_by_worker]
    for worker in workers:
        worker.start()
    try:
        for n, day in ((1, "2026-03-05"), (2, "2026-03-09")):
            time.sleep(0.5)
            fan_in(f"late{n}", day, 5, "http://t.com/", "http://{name}-{i}.org/").write(home.crawls)
            ids.append(build_index(home).index_id)
        time.sleep(1.5)  # servers recheck CURRENT every 0.5 s
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert failures == []
    assert len(set(ids)) == 3
    order = {index_id: i for i, index_id in enumerate(ids)}
    for seen in seen_by_worker:
        # One server process: each worker sees the indexes in build order, never going back,
        # and ends on the newest.
        positions = [order[index_id] for index_id in seen]
        assert positions == sorted(positions) and positions[-1] == 2
