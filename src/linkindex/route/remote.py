"""Connections whose statements run on shard hosts: `RemoteStores` is `Stores` for a router, so
every `Snapshot` method, the fan-out ones included, reads the same way over the network.

A connection stands for one file of one snapshot (by folder name), so a request holding a
`Snapshot` reads that snapshot on every host, whatever the hosts have published since.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import msgspec

from linkindex.index.shards import GLOBAL_FILE, root_domain_of_key, shard_of
from linkindex.index.stores import StoreRefused, StoreUnavailable
from linkindex.index.writer import STORE_FILE
from linkindex.route.config import RouteConfig
from linkindex.shardhost.wire import (
    BATCH_PATH,
    GLOBAL,
    HELD_PATH,
    QUERY_PATH,
    Holdings,
    Query,
    bearer,
    decode_batch_rows,
    decode_holdings,
    decode_refusal,
    decode_rows,
    encode,
)
from linkindex.urls import Scope

log = logging.getLogger("linkindex.route")

# Worth asking another host holding the same file: this one lacks it, or is failing.
_TRY_ANOTHER = {404, 500, 502, 503, 504}
# The host's bounds on one statement's answer (rows, bytes) and time: every holder would refuse.
_OVER_BOUNDS = {413, 422}
_MSGPACK = {"content-type": "application/msgpack"}
# A fan-out's batches, one per host, are sent at once from these threads (shared by requests).
_BATCHES = ThreadPoolExecutor(max_workers=16, thread_name_prefix="route-batch")


class HostClient:
    """One keep-alive HTTP client to every shard host, shared by the server's threads."""

    def __init__(self, config: RouteConfig) -> None:
        self.http = httpx.Client(
            headers=bearer(config.secret),
            timeout=httpx.Timeout(config.timeout_seconds, connect=config.connect_seconds),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    def batch(self, url: str, queries: list[Query]) -> list[list[tuple]] | None:
        """Each query's rows from one host in one call; None when it did not answer them all
        (the caller then asks statement by statement, which tries the other holders)."""
        try:
            response = self._post(url + BATCH_PATH, encode(queries))
        except httpx.HTTPError as exc:
            log.warning("shard host %s did not answer a batch: %s", url, exc)
            return None
        if response.status_code != 200:
            log.warning("shard host %s refused a batch: %s", url, _message(response))
            return None
        try:
            return decode_batch_rows(response.content)
        except msgspec.DecodeError:  # not the host's answer (a proxy's page): ask one by one
            log.warning("shard host %s answered a batch with something else", url)
            return None

    def _post(self, url: str, body: bytes) -> httpx.Response:
        try:
            return self.http.post(url, content=body, headers=_MSGPACK)
        except httpx.RemoteProtocolError:
            # A kept-alive connection the host closed as it was reused: a read, so ask again.
            return self.http.post(url, content=body, headers=_MSGPACK)

    def holdings(self, url: str) -> Holdings:
        response = self.http.get(url + HELD_PATH)
        if response.status_code != 200:
            raise StoreUnavailable(f"{url}: {_message(response)}")
        return decode_holdings(response.content)

    def rows(
        self, urls: Sequence[str], snapshot: str, number: int, sql: str, params: Any
    ) -> list[tuple]:
        """The rows of one statement from the first host holding the file that answers."""
        body = encode(Query(snapshot, number, sql, list(params)))
        problems = []
        for url in urls:
            try:
                response = self._post(url + QUERY_PATH, body)
            except httpx.HTTPError as exc:
                problems.append(f"{url}: {exc.__class__.__name__} {exc}".rstrip())
                continue
            if response.status_code == 200:
                try:
                    return decode_rows(response.content)
                except msgspec.DecodeError:  # a proxy's page, say: like a host not answering
                    problems.append(f"{url}: an answer that is not rows")
                    continue
            problems.append(f"{url}: {_message(response)}")
            if response.status_code in _OVER_BOUNDS:
                log.warning("shard host %s refused a statement: %s", url, _message(response))
                raise StoreRefused(
                    "A shard host refused a statement over its bounds: "
                    f"{_message(response)} (its operator can raise them: linkindex serve-shards"
                    " --max-rows, --max-bytes, --query-seconds)"
                )
            if response.status_code not in _TRY_ANOTHER:
                break  # a refusal another host would repeat (the statement, the secret)
        what = "the global file" if number == GLOBAL else f"shard {number}"
        log.warning("no shard host answered for %s of %s: %s", what, snapshot, problems)
        # The hosts' addresses and errors are for the log, not for API clients.
        raise StoreUnavailable(
            f"A shard host is unavailable: no host answered for {what} of snapshot {snapshot}"
        )


def _message(response: httpx.Response) -> str:
    try:
        return decode_refusal(response.content).message
    except Exception:  # not a host's refusal: a proxy's page, say
        return f"HTTP {response.status_code}"


class RemoteCursor:
    """The rows of one executed statement, read as a sqlite3 cursor reads them."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows
        self._at = 0

    def fetchone(self) -> tuple | None:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchmany(self, size: int = 1) -> list[tuple]:
        found = self._rows[self._at : self._at + size]
        self._at += len(found)
        return found

    def fetchall(self) -> list[tuple]:
        return self.fetchmany(len(self._rows))

    def __iter__(self) -> RemoteCursor:
        return self

    def __next__(self) -> tuple:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def close(self) -> None:
        self._rows = []


class RemoteConnection:
    """One file of one snapshot, on the hosts holding it (tried in the routes file's order)."""

    def __init__(self, client: HostClient, urls: Sequence[str], snapshot: str, number: int):
        self.client = client
        self.urls = tuple(urls)
        self.snapshot = snapshot
        self.number = number

    def execute(self, sql: str, params: Any = ()) -> RemoteCursor:
        rows = self.client.rows(self.urls, self.snapshot, self.number, sql, params)
        return RemoteCursor(rows)


class RemoteStores:
    """`Stores` for a snapshot whose files are on shard hosts: ``holders`` maps each file
    number (GLOBAL, 0 .. count-1) to the URLs of the hosts holding it."""

    def __init__(
        self, client: HostClient, snapshot: str, count: int, holders: dict[int, Sequence[str]]
    ) -> None:
        self.count = count
        self.snapshot = snapshot
        self.client = client
        # Names the file for messages; it is on the hosts, not here.
        self.global_path = Path(snapshot) / (GLOBAL_FILE if count else STORE_FILE)
        self._files = {
            number: RemoteConnection(client, urls, snapshot, number)
            for number, urls in holders.items()
        }

    def _open(self, number: int) -> RemoteConnection:
        return self._files[number]

    def global_lists(self) -> RemoteConnection:
        return self._open(GLOBAL)

    def of_root(self, root_domain: str) -> RemoteConnection:
        return self._open(shard_of(root_domain, self.count) if self.count else GLOBAL)

    def of_key(self, scope: Scope | str, key: str) -> RemoteConnection:
        if not self.count:
            return self._open(GLOBAL)
        return self._open(shard_of(root_domain_of_key(scope, key), self.count))

    def run_all(
        self, statements: Sequence[tuple[RemoteConnection, str, Sequence[object]]]
    ) -> list[list[tuple]]:
        """Each statement's rows, in order: one batch per host (the first holder of each
        statement's file), the hosts' batches at once."""
        groups: dict[str, list[int]] = {}
        for at, (con, _, _) in enumerate(statements):
            groups.setdefault(con.urls[0], []).append(at)
        answers: list[list[tuple]] = [[] for _ in statements]

        def run(url: str, where: list[int]) -> None:
            queries = [
                Query(self.snapshot, statements[at][0].number, statements[at][1],
                      list(statements[at][2]))
                for at in where
            ]  # fmt: skip
            batched = len(where) > 1
            found = self.client.batch(url, queries) if batched else None
            if found is None:  # one statement, or a failed batch: each on its own, with failover
                # The host whose batch failed is asked last, not first again for each one.
                failed = url if batched else None
                found = [self._one(statements[at], failed) for at in where]
            for at, rows in zip(where, found, strict=True):
                answers[at] = rows

        if not groups:
            return answers
        *others, last = groups.items()
        futures = [_BATCHES.submit(run, url, where) for url, where in others]
        run(*last)  # this thread asks one host itself
        for future in futures:
            future.result()  # a StoreUnavailable of any host is the request's
        return answers

    def _one(
        self, statement: tuple[RemoteConnection, str, Sequence[object]], failed: str | None
    ) -> list[tuple]:
        con, sql, params = statement
        urls = con.urls
        if failed is not None:
            urls = (*[u for u in urls if u != failed], *[u for u in urls if u == failed])
        return self.client.rows(urls, self.snapshot, con.number, sql, params)

    def every_shard(self) -> list[RemoteConnection]:
        return [self._open(n) for n in range(self.count)] if self.count else [self._open(GLOBAL)]

    def streamed(self) -> list[RemoteConnection]:
        return self.every_shard()  # rows arrive whole; a build reads a local snapshot anyway
