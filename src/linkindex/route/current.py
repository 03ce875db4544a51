"""Which snapshot a router serves: one that the shard hosts together hold whole, and that every
host holding a file of it has made current; swapped for all requests at once (docs/scale.md).

The hosts are asked what they hold every `recheck_seconds`, on a thread of its own, so a slow
host never holds up a request; a request keeps the `Snapshot` it got to its end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from linkindex.index.snapshot import NoSnapshot, Snapshot
from linkindex.index.stores import StoreUnavailable
from linkindex.route.config import RouteConfig
from linkindex.route.remote import HostClient, RemoteStores
from linkindex.shardhost.wire import GLOBAL, Holdings

log = logging.getLogger("linkindex.route")


class NoWholeSnapshot(NoSnapshot):
    """The shard hosts that answer hold no snapshot whole, or do not agree on one."""

    public = "No snapshot is held whole by the shard hosts now: try again later"


@dataclass(frozen=True)
class Plan:
    """A snapshot the hosts can serve whole: its shard count and each file's holders."""

    name: str
    count: int
    holders: dict[int, tuple[str, ...]]


def choose(answers: Mapping[str, Holdings | None], serving: str | None) -> Plan | str:
    """The snapshot to serve from the hosts' answers (None: the host did not answer), or why
    there is none. A snapshot qualifies when every file of it is held by an answering host and
    every answering host that holds any file of it names it in CURRENT; so while the hosts
    publish a new one one by one, the one they all still agree on keeps serving."""
    plans: dict[str, Plan] = {}
    reasons: list[str] = []
    for name in sorted({h.current for h in answers.values() if h and h.current}):
        plan = _plan(name, answers)
        if isinstance(plan, Plan):
            plans[name] = plan
        else:
            reasons.append(plan)
    if not plans:
        if not any(answers.values()):
            return "no shard host answered: " + ", ".join(answers)
        return "; ".join(reasons) or "no shard host has a current snapshot"
    if serving in plans:
        return plans[serving]
    return plans[max(plans)]  # several disjoint sets of hosts: an operator's mix-up


def _plan(name: str, answers: Mapping[str, Holdings | None]) -> Plan | str:
    holders: dict[int, list[str]] = {}
    counts = set()
    for url, holdings in answers.items():
        held = next((s for s in holdings.snapshots if s.name == name), None) if holdings else None
        if held is None:
            continue
        if holdings and holdings.current != name:
            return f"snapshot {name}: {url} holds files of it but serves {holdings.current}"
        counts.add(held.count)
        for number in [*held.shards, *([GLOBAL] if held.has_global else [])]:
            holders.setdefault(number, []).append(url)
    if len(counts) != 1:
        return f"snapshot {name}: the hosts disagree on its shard count ({sorted(counts)})"
    count = counts.pop()
    missing = [n for n in (GLOBAL, *range(count)) if n not in holders]
    if missing:
        named = ", ".join("global" if n == GLOBAL else str(n) for n in missing)
        return f"snapshot {name}: no answering host holds file(s) {named}"
    return Plan(name, count, {n: tuple(urls) for n, urls in holders.items()})


class RoutedSnapshot:
    """`CurrentSnapshot` for a router: `get()` gives the Snapshot served now."""

    def __init__(self, config: RouteConfig, client: HostClient | None = None) -> None:
        self.config = config
        self.client = client or HostClient(config)
        self._snapshot: Snapshot | None = None
        self._plan: Plan | None = None
        self._why = "the shard hosts have not been asked yet"
        self._lock = threading.Lock()
        self._poller: threading.Thread | None = None
        self._stop = threading.Event()
        self._silent: set[str] = set()  # hosts that did not answer last time (logged once)

    def get(self) -> Snapshot:
        if self._poller is None:
            self._start()
        if self._snapshot is None:
            raise NoWholeSnapshot(self._why)
        return self._snapshot

    def _start(self) -> None:
        with self._lock:
            if self._poller is not None:
                return
            self.refresh()  # the first request waits for the hosts' first answers
            self._poller = threading.Thread(target=self._poll, name="route-hosts", daemon=True)
            self._poller.start()

    def _poll(self) -> None:
        while not self._stop.wait(self.config.recheck_seconds):
            try:
                self.refresh()
            except Exception:  # keep serving what we have; say why in the log
                log.exception("asking the shard hosts what they hold failed")

    def refresh(self) -> None:
        """Ask every host what it holds; swap to a newly qualified snapshot."""
        answers: dict[str, Holdings | None] = {}
        for url in self.config.hosts:
            try:
                answers[url] = self.client.holdings(url)
            except Exception as exc:  # down, refused the secret, not a shard host
                if url not in self._silent:
                    log.warning("shard host %s did not answer: %s", url, exc)
                self._silent.add(url)
                answers[url] = None
            else:
                if url in self._silent:
                    log.warning("shard host %s answers again", url)
                self._silent.discard(url)
        plan = choose(answers, self._plan.name if self._plan else None)
        if isinstance(plan, str):
            if plan != self._why:
                log.warning("no snapshot to move to: %s", plan)
            self._why = plan  # keep serving the last snapshot that qualified
            return
        if plan == self._plan:
            return
        stores = RemoteStores(self.client, plan.name, plan.count, plan.holders)
        try:
            snapshot = Snapshot(Path(plan.name), stores)  # reads meta from the global file
        except StoreUnavailable as exc:
            self._why = str(exc)
            return
        if self._plan is None or plan.name != self._plan.name:
            log.info("serving snapshot %s (index_id %s)", plan.name, snapshot.index_id)
        self._snapshot, self._plan = snapshot, plan

    def close(self) -> None:
        """Stop asking the hosts (the server is shutting down)."""
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=5)
        self.client.http.close()
