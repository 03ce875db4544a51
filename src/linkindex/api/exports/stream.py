"""One export's list read page by page through its V2 endpoint's handler (the same rows, order
and next_token paging), each page admitted, checked and billed as that endpoint's call.

Also the check, before a ticket is issued, that the key's quota can pay for the whole list.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from linkindex.accounts.keys import ApiKey
from linkindex.accounts.limits import Refused
from linkindex.accounts.quotas import DATA_ROWS
from linkindex.api.billing import charge_rows, check_quota, quota_too_small
from linkindex.api.endpoint import MAX_LIMIT, Endpoint
from linkindex.api.errors import ApiError
from linkindex.api.exports.tables import TABLES, csv_lines
from linkindex.api.params import RESULT_CAP
from linkindex.index.stores import StoreUnavailable

# The API's largest page: the fewest calls for the rate limit, the same rows billed.
PAGE_SIZE = MAX_LIMIT
# One export holds at most the API's cap on a list, whichever list it is.
ROW_CAP = RESULT_CAP
# From the ticket followed to the last row, waits for the rate limit included.
EXPORT_SECONDS = 600


class ExportStopped(Exception):
    """The list could not be read to its end after rows were sent: the response must end
    unfinished, so the browser marks the download failed instead of keeping a short file."""


@dataclass(frozen=True)
class ListPage:
    results: list[dict]  # as the endpoint's JSON answer has them
    next_token: str
    rows: int  # billed for it by the endpoint's rule


def read_page(
    state: State, endpoint: Endpoint, request: Any, token: str | None, limit: int
) -> ListPage:
    """One page of the list, from the endpoint's own handler; its errors are the endpoint's."""
    data = msgspec.structs.replace(request, next_token=token or None, limit=limit)
    answer = endpoint.handler(state, data)
    body = msgspec.to_builtins(answer)
    return ListPage(body["results"], body["next_token"], endpoint.rows(data, answer))


def rows_covered(
    state: State, key: ApiKey, endpoint: Endpoint, request: Any, first: ListPage, promised: int
) -> int:
    """The rows a new ticket promises, once the key's quota, less the rows its other tickets
    promise, is known to pay for the whole list; else 429. Counting reads the list unbilled,
    so it is done only when fewer than ROW_CAP rows are left, and stops at the first page that
    passes them: it reads at most one page more than the key could buy. An uncounted list
    promises ROW_CAP, the most an export holds."""
    quota = state.meter.quota(key, DATA_ROWS)
    if quota.overage:
        return 0
    left = quota.allotted - quota.used - promised
    if left >= ROW_CAP:
        return ROW_CAP
    counted, token = first.rows, first.next_token
    while token and counted <= left:
        page = read_page(state, endpoint, request, token, PAGE_SIZE)
        counted, token = counted + page.rows, page.next_token
    if counted > left:
        now = state.meter.clock()
        raise quota_too_small(quota, counted, more=bool(token), now=now, promised=promised)
    return counted


@dataclass
class Export:
    """The pages of one export, billed to `key` as they are read."""

    state: State
    key: ApiKey
    endpoint: Endpoint
    request: Any
    deadline: float = field(default_factory=lambda: time.monotonic() + EXPORT_SECONDS)
    streamed: int = 0

    async def page(self, token: str | None) -> ListPage:
        """The next page, as the endpoint's call: admitted, then read."""
        await self.admit()
        return await self.read(token)

    async def admit(self) -> None:
        """What refuses a call before it is read: the rate limit (waited for), the quota."""
        await self._admit()
        check_quota(self.state.meter, self.key, DATA_ROWS)

    async def read(self, token: str | None) -> ListPage:
        """The page at `token` from the endpoint's handler (in a worker thread: an export is
        many calls), charged before its rows are sent; admit() lets it in first."""
        limit = min(PAGE_SIZE, ROW_CAP - self.streamed)
        page = await run_in_threadpool(
            read_page, self.state, self.endpoint, self.request, token, limit
        )
        if page.rows:
            await charge_rows(self.state.meter, self.key, DATA_ROWS, page.rows)
        self.streamed += len(page.results)
        return page

    async def _admit(self) -> None:
        """Let one more call through the key's rate limit, waiting for it while the export
        has time left: a long list is read at the pace the key is allowed."""
        rate = self.state.meter.account(self.key).rate_limit
        while True:
            try:
                self.state.limiter.admit(self.key.access_id, rate)
                return
            except Refused as refused:
                if time.monotonic() + refused.retry_after > self.deadline:
                    retry = {"Retry-After": str(refused.retry_after)}
                    raise ApiError(429, refused.message, retry) from None
                await asyncio.sleep(refused.retry_after)

    async def lines(self, first: ListPage, on_close: Callable[[], None]) -> AsyncIterator[bytes]:
        """The CSV: its header and `first`'s rows, then each next page's rows as it is read;
        ExportStopped when a page after the first is refused (quota used up, a new index:
        the 410 of its next_token, the rate limit past the deadline)."""
        table = TABLES[self.endpoint.name]
        try:
            yield csv_lines([table.header, *map(table.row, first.results)])
            token = first.next_token
            while token and self.streamed < ROW_CAP:
                try:
                    if time.monotonic() > self.deadline:
                        raise ApiError(503, f"the export took more than {EXPORT_SECONDS} s")
                    page = await self.page(token)
                except (ApiError, StoreUnavailable) as exc:
                    reason = getattr(exc, "message", str(exc))
                    raise ExportStopped(
                        f"{self.key.access_id}'s {self.endpoint.name} export, after"
                        f" {self.streamed} rows: {reason}"
                    ) from exc
                yield csv_lines(map(table.row, page.results))
                token = page.next_token
        finally:
            on_close()
