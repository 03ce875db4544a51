"""When and how long the client waits before sending a request again.

Retries 429 and 5xx answers and dropped connections with capped exponential backoff and full
jitter, and waits exactly as long as a Retry-After header asks when the server sends one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RetryAfterTooLong(Exception):
    """The server asked for a longer wait than the caller allows."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


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
        return self.rng.uniform(0.0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))
