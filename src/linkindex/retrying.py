"""When an HTTP answer is worth another try and how long a server asks to wait: the rules the
API client (client/retry.py) and ingest's downloads (ingest/download.py) share.

Each caller keeps its own counts and jitter; the statuses, Retry-After and the backoff's
ceiling are defined once here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Overloaded or briefly unavailable: another try can succeed. 501 and 505 say the server will
# never do it, and other 4xx that the request itself is wrong.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


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
    # An HTTP date is always UTC; "-0000" makes parsedate_to_datetime return it naive.
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_ceiling(attempt: int, base_delay: float, max_delay: float) -> float:
    """The longest wait after failed try ``attempt`` (1 for the first): ``base_delay`` doubled
    each try after the first, at most ``max_delay``; callers take a random part of it."""
    return min(max_delay, base_delay * 2 ** (attempt - 1))
