"""The background worker that runs queued Brand Authority generations (the Async method).

One daemon thread per server process; the queue's atomic claim lets any number run at once.
"""

from __future__ import annotations

import logging
import threading

from starlette.datastructures import State

from linkindex.api.jsonrpc.brand import generate_and_store
from linkindex.api.jsonrpc.brand_store import AsyncCall, BrandStore
from linkindex.api.jsonrpc.errors import RpcError, internal_error, not_in_index, unauthorized
from linkindex.api.jsonrpc.quota import BETA_ROWS, charge
from linkindex.index.snapshot import NoSnapshot

log = logging.getLogger("linkindex.api.jsonrpc")

# How often an idle worker looks for calls queued by other processes (its own wake it at once).
POLL_SECONDS = 0.5


class BrandWorker:
    def __init__(self, state: State, store: BrandStore, poll_seconds: float = POLL_SECONDS):
        self.state = state
        self.store = store
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="brand-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                call = self.store.claim()
            except Exception:  # a locked or unavailable store: try again on the next tick
                log.exception("brand worker could not claim a call")
                call = None
            if call is None:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
                continue
            self.run_call(call)

    def run_call(self, call: AsyncCall) -> None:
        """Compute, store and charge one call; its result or error goes on the call."""
        try:
            snapshot = self.state.snapshots.get()
            evidence = snapshot.brand_evidence(call.root_domain)
            if evidence is None:  # the index changed since the call was queued
                raise not_in_index(call.root_domain)
            # The key is read again, so one revoked since the call was queued is not charged.
            key = next(
                (k for k in self.state.key_store.list()
                 if k.access_id == call.access_id and k.revoked_at is None),
                None,
            )  # fmt: skip
            if key is None:
                raise unauthorized()
            score = generate_and_store(self.store, snapshot, evidence)
            quota = charge(self.state, key, BETA_ROWS, 1)
            result = {"quota": quota, "brand_authority_score": score, "query": call.query}
            self.store.finish(call.id, result, None)
        except RpcError as exc:
            self.store.finish(call.id, None, exc.to_json())
        except NoSnapshot:
            self.store.finish(call.id, None, internal_error().to_json())
        except Exception:
            log.exception("brand worker failed on async call %s", call.id)
            self.store.finish(call.id, None, internal_error().to_json())
