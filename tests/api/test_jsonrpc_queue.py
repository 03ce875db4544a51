"""The async queue and quota charging: process-safe claims, two servers, the meter contract.

Two real servers, and one with several workers, show the queue across processes; the rest call
the app in-process."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time

import pytest
import requests
from indexed import build_a_newer_index, built_home
from live_server import Server, free_port, start_server, stop_server
from rpc import UNBRANDED, brand_web, rpc
from starlette.datastructures import State

from linkindex.accounts.keys import ApiKey, KeyStore
from linkindex.accounts.meter import Meter
from linkindex.accounts.quotas import AccountStore, QuotaPolicy
from linkindex.api.jsonrpc.brand_store import BrandStore
from linkindex.api.jsonrpc.errors import RpcError
from linkindex.api.jsonrpc.quota import charge, lookup
from linkindex.api.jsonrpc.worker import BrandWorker
from linkindex.home import Home
from linkindex.index.snapshot import CurrentSnapshot

CALLS = 200


def claim_all(path: str, out: multiprocessing.Queue) -> None:
    store = BrandStore(path)
    claimed = []
    while (call := store.claim()) is not None:
        claimed.append(call.id)
        store.finish(call.id, {"ok": True}, None)
    out.put(claimed)


def test_each_queued_call_is_claimed_by_exactly_one_of_several_processes(tmp_path):
    store = BrandStore(tmp_path / "brand.sqlite")
    queued = {store.enqueue("a", "q", "q.com", "id").id for _ in range(CALLS)}
    out: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=claim_all, args=(tmp_path / "brand.sqlite", out))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    claimed = [call_id for _ in workers for call_id in out.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(claimed) == sorted(queued)  # every call once, none twice


def test_a_call_whose_worker_died_is_claimed_again_after_the_lease(tmp_path, monkeypatch):
    from linkindex.api.jsonrpc import brand_store

    store = BrandStore(tmp_path / "brand.sqlite")
    call = store.enqueue("a", "q", "q.com", "id")
    assert store.claim().id == call.id
    assert store.claim() is None  # being processed
    monkeypatch.setattr(brand_store, "CLAIM_LEASE_SECONDS", -1)
    assert store.claim().id == call.id


def test_an_async_call_queued_on_one_server_is_seen_by_another(tmp_path_factory):
    home = built_home(tmp_path_factory, brand_web, "two-servers")
    first, second = start_server(home), start_server(home)
    try:
        token = first.credential.token
        queued = rpc(first, "beta.data.metrics.brand.authority.async", {"query": UNBRANDED})
        call_id = queued.json()["result"]["async_call"]["id"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            answer = rpc(second, "async.call.lookup", {"id": call_id}, token=token).json()
            if answer["result"]["async_call"]["status"] == "complete":
                break
            time.sleep(0.1)
        assert answer["result"]["async_call"]["result"]["brand_authority_score"] == 1
        fetched = rpc(second, "beta.data.metrics.brand.authority.fetch", {"query": UNBRANDED})
        assert fetched.status_code == 200
    finally:
        stop_server(first)
        stop_server(second)


def serve_with_workers(home: Home, workers: int) -> Server:
    credential = KeyStore(home.state / "keys.sqlite").create("workers")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "linkindex.cli", "serve", "--home", str(home.root),
         "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", home, credential, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if rpc(server, "metadata.index.fetch", {}).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("server did not start")


def queue_async(server: Server, query: str) -> str:
    response = rpc(server, "beta.data.metrics.brand.authority.async", {"query": query})
    return response.json()["result"]["async_call"]["id"]


def test_async_calls_complete_once_each_under_several_uvicorn_workers(tmp_path_factory):
    home = built_home(tmp_path_factory, brand_web, "workers")
    server = serve_with_workers(home, 3)
    try:
        domains = [f"d{i:02d}.com" for i in range(40, 60)]
        ids = [queue_async(server, domain) for domain in domains]
        store = BrandStore(home.state / "brand.sqlite")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            calls = [store.get(call_id) for call_id in ids]
            if all(c.status == "complete" for c in calls):
                break
            time.sleep(0.2)
        assert [c.status for c in calls] == ["complete"] * len(ids)
        assert all(c.error is None and c.result["brand_authority_score"] == 1 for c in calls)
        for domain in domains:  # every worker process finds every generated score
            fetched = rpc(server, "beta.data.metrics.brand.authority.fetch", {"query": domain})
            assert fetched.status_code == 200, fetched.text
    finally:
        stop_server(server)


def test_a_revoked_token_is_refused_at_once(home, serve_app):
    server = serve_app(home)
    assert rpc(server, "quota.lookup", {"path": "api.limits.data.rows"}).status_code == 200
    KeyStore(home.state / "keys.sqlite").revoke(server.credential.access_id)
    response = rpc(server, "quota.lookup", {"path": "api.limits.data.rows"})
    assert response.status_code == 401 and response.json()["error"]["code"] == -32651


def metered_state(home: Home, allotted: int | None = None) -> tuple[State, ApiKey]:
    """A state with the real meter, and a key (with a data-rows allotment, no overage)."""
    state = State()
    state.key_store = KeyStore(home.state / "keys.sqlite")
    state.meter = Meter.open(home.state)
    credential = state.key_store.create("metered")
    if allotted is not None:
        AccountStore(home.state / "keys.sqlite").set_quota(
            credential.access_id, "api.limits.data.rows",
            QuotaPolicy(allotted=allotted, overage=False),
        )  # fmt: skip
    # A key carries its quota settings from the credentials check: identify it after them.
    return state, state.key_store.verify_token(credential.token)


def test_charge_counts_rows_per_key_and_path_in_the_meter(home):
    state, key = metered_state(home)
    assert charge(state, key, "api.limits.beta.rows", 1)["used"] == 1
    assert charge(state, key, "api.limits.beta.rows", 3)["used"] == 4
    assert lookup(state, key, "api.limits.data.rows")["used"] == 0
    assert lookup(state, key, "api.limits.beta.rows")["usage_value"] == 0


def test_an_exhausted_quota_is_32653_429_and_not_counted(home):
    state, key = metered_state(home, allotted=2)
    charge(state, key, "api.limits.data.rows", 2)
    with pytest.raises(RpcError) as raised:
        charge(state, key, "api.limits.data.rows", 1)
    assert (raised.value.code, raised.value.status) == (-32653, 429)
    assert raised.value.data["retry_after"] > 0
    assert lookup(state, key, "api.limits.data.rows")["used"] == 2


def test_an_exhausted_quota_refuses_the_call_before_any_work_over_http(tmp_path_factory, serve_app):
    home = built_home(tmp_path_factory, brand_web, "quota")
    server = serve_app(home)
    AccountStore(home.state / "keys.sqlite").set_quota(
        server.credential.access_id, "api.limits.beta.rows",
        QuotaPolicy(allotted=1, overage=False),
    )  # fmt: skip
    assert rpc(server, "beta.data.metrics.brand.authority.generate", {"query": "d40.com"}).ok
    for method in ("beta.data.metrics.brand.authority.generate",
                   "beta.data.metrics.brand.authority.async"):  # fmt: skip
        response = rpc(server, method, {"query": UNBRANDED})
        assert response.status_code == 429
        assert response.json()["error"]["code"] == -32653
    # Refused before the work: no score was generated for it.
    fetched = rpc(server, "beta.data.metrics.brand.authority.fetch", {"query": UNBRANDED})
    assert fetched.json()["error"]["code"] in (-32653, -32655)
    quota = rpc(server, "quota.lookup", {"path": "api.limits.beta.rows"}).json()
    assert quota["result"]["quota"]["used"] == 1
    assert (
        BrandStore(home.state / "brand.sqlite").generated_score(
            rpc(server, "metadata.index.fetch", {}).json()["result"]["index_id"], UNBRANDED
        )
        is None
    )


def test_a_generated_score_belongs_to_the_index_it_was_computed_on(tmp_path_factory, serve_app):
    server = serve_app(built_home(tmp_path_factory, brand_web, "generated"))
    fetch = "beta.data.metrics.brand.authority.fetch"
    assert rpc(server, "beta.data.metrics.brand.authority.generate", {"query": UNBRANDED}).ok
    assert rpc(server, fetch, {"query": UNBRANDED}).status_code == 200
    build_a_newer_index(server)
    assert rpc(server, fetch, {"query": UNBRANDED}).json()["error"]["code"] == -32655


def test_a_call_whose_key_was_revoked_before_it_ran_fails_and_charges_nothing(tmp_path_factory):
    home = built_home(tmp_path_factory, brand_web, "revoked")
    state = State()
    state.snapshots = CurrentSnapshot(home.snapshots)
    state.key_store = KeyStore(home.state / "keys.sqlite")
    state.meter = Meter.open(home.state)
    store = BrandStore(home.state / "brand.sqlite")
    credential = state.key_store.create("soon revoked")
    queued = store.enqueue("a", UNBRANDED, UNBRANDED, credential.access_id)
    state.key_store.revoke(credential.access_id)
    BrandWorker(state, store).run_call(store.claim())
    done = store.get(queued.id)
    assert done.status == "complete" and done.result is None
    assert done.error["code"] == -32651
    [key] = [k for k in state.key_store.list() if k.access_id == credential.access_id]
    assert lookup(state, key, "api.limits.beta.rows")["used"] == 0
