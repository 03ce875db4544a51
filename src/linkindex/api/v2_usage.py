"""Links API V2 usage_data: rows the calling key has consumed, read from the usage ledger.

Free; by default the current billing period of the key's data-rows quota, up to now.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from starlette.datastructures import State

from linkindex.accounts.keys import ApiKey
from linkindex.api.endpoint import Endpoint
from linkindex.api.params import bad_request

# Unix seconds as Moz's docs send them ("1635466367"); a bare number is accepted too. The
# schema states what parse_timestamp takes (up to 12 ASCII digits; "" is not a time), and
# parse_timestamp enforces it with a message that says what to send (docs/api.md).
MAX_DIGITS = 12
_TIMESTAMP_TEXT = {"pattern": f"^[0-9]{{1,{MAX_DIGITS}}}$"}
_TIMESTAMP_NUMBER = {"minimum": 0, "maximum": 10**MAX_DIGITS - 1}
Timestamp = (
    Annotated[str, msgspec.Meta(extra_json_schema=_TIMESTAMP_TEXT)]
    | Annotated[int, msgspec.Meta(extra_json_schema=_TIMESTAMP_NUMBER)]
    | None
)


class UsageDataRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Optional `start` and `end`: Unix timestamps, both included; `start` after `end` is a 400."""

    start: Timestamp = None
    end: Timestamp = None


class UsageDataResponse(msgspec.Struct):
    rows_consumed: int


def parse_timestamp(value: Timestamp, name: str) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    # ASCII only: str.isdigit also takes "²" (which int() refuses) and "١٢" (which it reads).
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        raise bad_request(
            f"{name} must be a Unix timestamp in seconds, as a string of digits"
            f' (e.g. "1635466367"), got {value!r}'
        )
    return int(text)


def usage_data(state: State, data: UsageDataRequest, key: ApiKey) -> UsageDataResponse:
    """Rows consumed by the calling key: this billing period, or from `start` to `end`."""
    start = parse_timestamp(data.start, "start")
    end = parse_timestamp(data.end, "end")
    if start is not None and end is not None and start > end:
        raise bad_request(f"start ({start}) is after end ({end}): send start <= end")
    return UsageDataResponse(rows_consumed=state.meter.rows_consumed(key, start, end))


ENDPOINTS = [
    Endpoint(
        "/v2/usage_data",
        UsageDataRequest,
        UsageDataResponse,
        usage_data,
        rows=lambda request, response: 0,
        empty_body_allowed=True,
        free=True,
        pass_key=True,
    ),
]
