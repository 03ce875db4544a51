"""Every JSON-RPC error a Moz API client can meet: one code, one HTTP status, one message.

The HTTP status of a single call's answer is always the error's `status` (spec 2.1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from linkindex.api.errors import ApiError

T = TypeVar("T")

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
UNAUTHORIZED = -32651
PARAM_MISSING = -32652
QUOTA_EXHAUSTED = -32653
ID_TOO_SHORT = -32654
NO_BRAND_SCORE = -32655
NOT_FOUND = -32656
OFFSET_EXPIRED = -32657
NO_SEARCH_DATA = -32658
NO_INDEX = -32659
UNAVAILABLE = -32660

MIN_ID_LENGTH = 24
NO_BRAND_SCORE_MESSAGE = (
    "A brand authority score does not exist for that target. Call"
    " BetaDataMetricsBrandAuthorityGenerate to have one generated."
)


class RpcError(Exception):
    """One JSON-RPC error; ``http_status_key`` adds Moz's `httpStatus` quirk (spec 2.1)."""

    def __init__(
        self,
        code: int,
        status: int,
        message: str,
        data: dict[str, Any] | None = None,
        http_status_key: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.data = data or {}
        self.http_status_key = http_status_key

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "status": self.status,
            "data": self.data,
            "message": self.message,
        }
        if self.http_status_key:
            error["httpStatus"] = self.status
        return error

    def to_pylon(self) -> dict[str, Any]:
        """The UnifiedApiPylonError form used inside errors_by_site (spec 2.1)."""
        return {
            "message": self.message,
            "name": _PYLON_NAMES.get(self.code, "UnhandledError"),
            "data": {"key": self.data.get("key"), "value": self.data.get("value")},
            "httpStatus": self.status,
            "jsonrpcCode": self.code,
        }


_PYLON_NAMES = {
    INVALID_PARAMS: "InvalidParamsError",
    PARAM_MISSING: "ParamIsMissingError",
    NOT_FOUND: "NotFoundError",
    NO_BRAND_SCORE: "NotFoundError",
}


def parse_error(detail: str) -> RpcError:
    return RpcError(PARSE_ERROR, 400, f"Parse error: the body is not valid JSON ({detail})")


def too_deep() -> RpcError:
    # msgspec stops at Python's recursion limit (about 1,000 levels); a call needs a handful.
    return RpcError(
        PARSE_ERROR, 400, "Parse error: the body nests arrays or objects too deeply to be read"
    )


def invalid_request(message: str, status: int = 400) -> RpcError:
    # Moz puts this error's status under `httpStatus` (spec 2.1); we send both keys.
    return RpcError(INVALID_REQUEST, status, message, http_status_key=True)


def method_not_found(name: str) -> RpcError:
    return RpcError(METHOD_NOT_FOUND, 400, f"Action not found: {name}")


def unauthorized() -> RpcError:
    return RpcError(UNAUTHORIZED, 401, "Missing or invalid authentication")


def param_missing(key: str) -> RpcError:
    return RpcError(
        PARAM_MISSING,
        400,
        f"Please include a {key}",
        {
            "explanation": f"{key} is a required field and was not included.",
            "issue": "param-is-missing",
            "key": key,
        },
    )


def invalid_param(key: str | None, explanation: str, value: Any = None) -> RpcError:
    data: dict[str, Any] = {"explanation": explanation, "issue": "param-is-invalid"}
    if key is not None:
        data["key"] = key
    if value is not None:
        data["value"] = value
    return RpcError(INVALID_PARAMS, 400, f"Invalid {key or 'params'}: {explanation}", data)


def v2_rule(key: str, check: Callable[[], T]) -> T:
    """Run a V2 parameter rule; its 400 becomes a JSON-RPC invalid-params error on ``key``."""
    try:
        return check()
    except ApiError as exc:
        raise invalid_param(key, exc.message) from exc


def id_too_short() -> RpcError:
    return RpcError(ID_TOO_SHORT, 400, "Minimum Request ID length is 24.")


def internal_error() -> RpcError:
    return RpcError(INTERNAL_ERROR, 500, "An unexpected error occurred.")


def unavailable(message: str, status: int = 503) -> RpcError:
    """A router's shard host did not answer (`linkindex serve --route`; 503, worth a retry) or
    refused a statement over its bounds (502)."""
    return RpcError(UNAVAILABLE, status, message)


def no_brand_score() -> RpcError:
    return RpcError(NO_BRAND_SCORE, 404, NO_BRAND_SCORE_MESSAGE)


def not_in_index(root_domain: str) -> RpcError:
    return RpcError(
        NOT_FOUND,
        404,
        f"The index has no pages or links of {root_domain}, so it has no Brand Authority"
        " to fetch or generate.",
        {"key": "query", "value": root_domain},
    )


def no_search_data(name: str) -> RpcError:
    return RpcError(
        NO_SEARCH_DATA,
        400,
        f"{name} needs keyword and search-result data; linkindex is a link index and has"
        " none. The link-data methods (data.site.*) are available.",
        {"issue": "no-search-data", "explanation": "This server holds link data only."},
    )
