"""One POST with retries: the loop both API clients share, over one pooled httpx connection.

A request is retried on 429, 5xx and connection failures (RetryPolicy); anything else returns.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from linkindex.client.retry import RetryPolicy

USER_AGENT = "linkindex-client"


class Transport:
    def __init__(
        self,
        base_url: str,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            auth=auth,
            timeout=timeout,
        )

    def post(self, path: str, body: Any) -> httpx.Response:
        """The final answer: a non-retryable status, or the last try's answer or failure."""
        attempt = 1
        while True:
            try:
                response = self.http.post(path, json=body)
            except httpx.TransportError:
                if not self.retry.should_retry(attempt, None):
                    raise
                self.sleep(self.retry.delay(attempt))
            else:
                if not self.retry.should_retry(attempt, response.status_code):
                    return response
                self.sleep(self.retry.delay(attempt, response.headers.get("retry-after")))
            attempt += 1

    def close(self) -> None:
        self.http.close()
