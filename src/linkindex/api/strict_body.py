"""Strict JSON body checking: a string where the API wants a number is an error, not a guess.

Litestar converts bodies leniently ("5" becomes 5); Moz clients must learn of a wrong type.
"""

from __future__ import annotations

import msgspec
from litestar import Request

from linkindex.api.errors import ApiError, field_problem

BODY_TYPE = "strict_body_type"


def _location(message: str) -> str:
    # msgspec says "... - at `$.limit`"; name the field first, as the other errors do.
    text, sep, where = message.rpartition(" - at `$.")
    return field_problem(where.rstrip("`"), text) if sep else message


async def check_body_types(request: Request) -> None:
    body_type = request.route_handler.opt.get(BODY_TYPE)
    if body_type is None:
        return
    body = await request.body()
    if not body.strip():
        return  # an empty body is the handler's decision (index_metadata allows it)
    try:
        msgspec.json.decode(body, type=body_type, strict=True)
    except msgspec.ValidationError as exc:
        raise ApiError(400, f"Invalid request body: {_location(str(exc))}") from exc
    except msgspec.DecodeError as exc:
        raise ApiError(400, f"Request body is not valid JSON: {exc}") from exc
