"""When and how long the client waits before sending a request again.

Retries the answers linkindex.retrying names and dropped connections with capped exponential
backoff and full jitter, and waits as long as a Retry-After header asks when the server sends one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from linkindex.retrying import RETRY_STATUSES, backoff_ceiling, parse_retry_after


class RetryAfterTooLong(Exception):
    """The server asked for a longer wait than the caller allows."""


@dataclass
class RetryPolicy:
    """attempts counts every try, the first included; delays grow base * 2**n up to max_delay."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    # A Retry-After longer than this raises instead of sleeping (a quota reset can be days).
    max_retry_after: float = 300.0
    statuses: frozenset[int] = RETRY_STATUSES
    rng: random.Random = field(default_factory=random.Random)

    def should_retry(self, attempt: int, status: int | None) -> bool:
        """attempt is 1 for the first try; status None means the connection failed."""
        return attempt < self.attempts and (status is None or status in self.statuses)

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        asked = parse_retry_after(retry_after)
        if asked is not None:
            if asked > self.max_retry_after:
                raise RetryAfterTooLong(
                    f"the server asked to retry after {asked:.0f} s, more than the "
                    f"{self.max_retry_after:.0f} s this client waits"
                )
            return asked
        # Full jitter: clients that failed together do not come back together.
        return self.rng.uniform(0.0, backoff_ceiling(attempt, self.base_delay, self.max_delay))
