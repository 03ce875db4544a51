"""Every error a Links API client can meet: one status, one message that says what to send.

Bodies are ``{"status": int, "name": reason phrase, "message": text}`` (docs/api.md says why).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from linkindex.index.stores import StoreUnavailable

log = logging.getLogger("linkindex.api")

UNAUTHORIZED = "Missing or invalid credentials: send HTTP Basic access_id:secret_key"
TOKEN_EXPIRED = "The next token has expired"
NO_INDEX = "No index has been built yet: run `linkindex build` on the server"
INTERNAL = "An unexpected error occurred; the server log has the details"
NOT_FOUND = "No such endpoint: see /openapi.json for the endpoints this server has"
NOT_ALLOWED = "Method not allowed: Links API endpoints take POST with a JSON body"
# The resource limits (api/server_limits.py), formatted with the limit's value.
HEAD_TOO_LARGE = (
    "Request header fields too large: send at most {} bytes of request line and headers"
)
HEAD_TIMEOUT = "Request timeout: send the request line and headers within {:g} seconds"
BODY_TOO_LARGE = "Request body too large: at most {} bytes"
BODY_TOO_DEEP = (
    "Request body nests too deeply: send the request's own fields, none of which nests more"
    " than a few levels"
)
BODY_TIMEOUT = "Request timeout: send the whole request body within {:g} seconds"

# Valid values named in the message when a client sends a value outside an enumeration.
ENUM_VALUES: dict[str, tuple[str, ...]] = {}


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_body(status: int, message: str) -> bytes:
    return msgspec.json.encode(
        {"status": status, "name": HTTPStatus(status).phrase, "message": message}
    )


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        error_body(status, message), status, headers=headers, media_type="application/json"
    )


def field_problem(key: str | None, text: str) -> str:
    """One sentence naming the field and, for an enumeration, the values it accepts."""
    if key in ENUM_VALUES and text.startswith("Invalid enum value"):
        text += ". Valid values: " + ", ".join(ENUM_VALUES[key])
    return f"{key}: {text}" if key else text


def describe_validation(message: str) -> str:
    """msgspec says "... - at `$.limit`"; name the field first, as the other errors do."""
    text, sep, where = message.rpartition(" - at `$.")
    return "Invalid request body: " + (field_problem(where.rstrip("`"), text) if sep else message)


async def handle_api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, exc.headers)


async def handle_http(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: NOT_FOUND, 405: NOT_ALLOWED}
    return error_response(
        exc.status_code, messages.get(exc.status_code, str(exc.detail)), dict(exc.headers or {})
    )


async def handle_unavailable(_: Request, exc: Exception) -> Response:
    # A router's shard host is down (index/stores.py, StoreUnavailable): retry later; or it
    # refused the statement over its bounds (StoreRefused): a retry would be refused too.
    status = getattr(exc, "status", 503)
    retry = getattr(exc, "retry", True)
    return error_response(status, str(exc), {"Retry-After": "1"} if retry else None)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, INTERNAL)


EXCEPTION_HANDLERS = {
    ApiError: handle_api_error,
    HTTPException: handle_http,
    StoreUnavailable: handle_unavailable,
    Exception: handle_unexpected,
}
