"""Every error a Links API client can meet: one status, one message that says what to send.

Bodies are ``{"status": int, "name": reason phrase, "message": text}`` (docs/api.md says why).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

log = logging.getLogger("linkindex.api")

UNAUTHORIZED = "Missing or invalid credentials: send HTTP Basic access_id:secret_key"
TOKEN_EXPIRED = "The next token has expired"
NO_INDEX = "No index has been built yet: run `linkindex build` on the server"
INTERNAL = "An unexpected error occurred; the server log has the details"


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        {"status": status, "name": HTTPStatus(status).phrase, "message": message},
        status_code=status,
        headers=headers,
    )


# Valid values named in the message when a client sends a value outside an enumeration.
ENUM_VALUES: dict[str, tuple[str, ...]] = {}


def field_problem(key: str | None, text: str) -> str:
    """One sentence naming the field and, for an enumeration, the values it accepts."""
    if key in ENUM_VALUES and text.startswith("Invalid enum value"):
        text += ". Valid values: " + ", ".join(ENUM_VALUES[key])
    return f"{key}: {text}" if key else text


def _describe_validation(exc: ValidationException) -> str:
    # Litestar reports msgspec's message and the offending key; say both in one sentence.
    problems = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            key = item.get("key")
            text = str(item.get("message", "invalid value"))
            problems.append(field_problem(key if key != "data" else None, text))
    if problems:
        return "Invalid request body: " + "; ".join(problems)
    detail = str(exc.detail)
    if "JSON" in detail or "decode" in detail.lower():
        return "Request body is not valid JSON"
    return f"Invalid request: {detail}"


def handle_api_error(_: Request, exc: ApiError) -> Response:
    return error_response(exc.status, exc.message, exc.headers)


def handle_validation(_: Request, exc: ValidationException) -> Response:
    return error_response(400, _describe_validation(exc))


def handle_http(_: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if status == 404:
        message = "No such endpoint: see /openapi.json for the endpoints this server has"
    elif status == 405:
        message = "Method not allowed: Links API endpoints take POST with a JSON body"
    elif status == 413:
        message = "Request body too large"
    else:
        message = str(exc.detail)
    return error_response(status, message, dict(exc.headers or {}))


def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, INTERNAL)


EXCEPTION_HANDLERS = {
    ApiError: handle_api_error,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
