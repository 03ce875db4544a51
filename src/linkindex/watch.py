"""`linkindex watch`: seed 000's freshness loop: poll index_metadata, act once per new index_id.

The last seen index_id lives in a state file written atomically, so a restart neither misses a
change nor runs the command twice for one.
"""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from linkindex.client import ApiError, LinksClient, RetryAfterTooLong

log = logging.getLogger("linkindex.watch")

# After a failed check the next waits interval * 2**failures, at most this long.
MAX_BACKOFF_SECONDS = 6 * 3600.0


@dataclass
class WatchState:
    """last_index_id: the id the command last ran for (or first seen); pending: a change whose
    command was started but not seen to finish (a crash mid-run)."""

    last_index_id: str | None = None
    pending: dict[str, str] | None = None

    @classmethod
    def load(cls, path: Path) -> WatchState:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(data.get("last_index_id"), data.get("pending"))

    def save(self, path: Path) -> None:
        """Write to a temporary file, fsync, rename: the file is always the old or the new."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(self), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)


@dataclass(frozen=True)
class Change:
    old_index_id: str
    new_index_id: str
    exit_code: int


class Watcher:
    def __init__(
        self,
        client: LinksClient,
        state_path: Path,
        command: str,
        interval: float = 900.0,
        jitter: float = 0.1,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.state_path = state_path
        self.command = command
        self.interval = interval
        self.jitter = jitter
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.failures = 0
        self._recover()

    def _recover(self) -> None:
        # At most once: a command that was started and may have run is never started again.
        state = WatchState.load(self.state_path)
        if state.pending:
            log.warning(
                "the command for index change %s -> %s was interrupted; not running it again",
                state.pending["old"], state.pending["new"],
            )  # fmt: skip
            WatchState(state.pending["new"]).save(self.state_path)

    def check_once(self) -> Change | None:
        """One poll; runs the command if index_id changed since the last one stored."""
        return self.observe(str(self.client.index_metadata()["index_id"]))

    def observe(self, current: str) -> Change | None:
        """Compare an index_id, however learned, with the stored one; act once on a change."""
        state = WatchState.load(self.state_path)
        if state.last_index_id is None:
            log.info("first index_id seen: %s (stored; the command runs on the next change)",
                     current)  # fmt: skip
            WatchState(current).save(self.state_path)
            return None
        if current == state.last_index_id:
            return None
        old = state.last_index_id
        WatchState(old, {"old": old, "new": current}).save(self.state_path)
        exit_code = self._run(old, current)
        WatchState(current).save(self.state_path)
        return Change(old, current, exit_code)

    def _run(self, old: str, new: str) -> int:
        env = {**os.environ, "LINKINDEX_OLD_INDEX_ID": old, "LINKINDEX_NEW_INDEX_ID": new}
        # The ids are the command's $1 and $2 as well as environment variables.
        done = subprocess.run(["sh", "-c", self.command, "linkindex-watch", old, new], env=env)
        if done.returncode:
            log.error("the command exited %s for index change %s -> %s (not retried)",
                      done.returncode, old, new)  # fmt: skip
        return done.returncode

    def next_wait(self) -> float:
        """The interval with +-jitter; doubled per consecutive failed check, capped."""
        base = min(MAX_BACKOFF_SECONDS, self.interval * 2**self.failures)
        return base * (1 + self.rng.uniform(-self.jitter, self.jitter))

    def follow_events(self, events: int | None = None) -> None:
        """The push form: subscribe to /v2/index_events and act on each event; on a dropped
        stream, back off as a failed poll would and subscribe again."""
        seen = 0
        while events is None or seen < events:
            try:
                for index_id in self._event_ids():
                    self.failures = 0
                    self.observe(index_id)
                    seen += 1
                    if events is not None and seen >= events:
                        return
                self.failures += 1  # the server closed the stream: it may be restarting
            except httpx.HTTPStatusError as error:
                if error.response.status_code in (401, 403):
                    raise ApiError(error.response.status_code, "credentials refused") from error
                self.failures += 1
            except httpx.TransportError as error:
                self.failures += 1
                log.warning("index_events stream failed (%s); backing off", error)
            self.sleep(self.next_wait())

    def _event_ids(self) -> Iterator[str]:
        last = WatchState.load(self.state_path).last_index_id
        headers = {"Last-Event-ID": last} if last else {}
        http = self.client.transport.http
        # No read timeout: a quiet stream is normal; heartbeats arrive every 15 s.
        timeout = httpx.Timeout(30.0, read=None)
        with http.stream("GET", "/v2/index_events", headers=headers, timeout=timeout) as stream:
            stream.raise_for_status()
            for line in stream.iter_lines():
                if line.startswith("id: "):
                    yield line[4:]

    def run(self, checks: int | None = None) -> None:
        """Poll until stopped (or `checks` polls). Credentials errors stop; others back off."""
        done = 0
        while checks is None or done < checks:
            try:
                change = self.check_once()
                self.failures = 0
                if change:
                    log.info("index changed %s -> %s", change.old_index_id, change.new_index_id)
            except ApiError as error:
                if error.status in (401, 403):
                    raise
                self.failures += 1
                log.warning("index_metadata failed (%s); backing off", error)
            except (httpx.TransportError, RetryAfterTooLong) as error:
                self.failures += 1
                log.warning("index_metadata failed (%s); backing off", error)
            done += 1
            if checks is None or done < checks:
                self.sleep(self.next_wait())
