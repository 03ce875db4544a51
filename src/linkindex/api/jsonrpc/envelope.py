"""The JSON-RPC 2.0 envelope: checking one call's jsonrpc, id, method and params, and the answers.

Answers are ``{id, jsonrpc, result}`` or ``{id, jsonrpc, error}`` in seed 001's key order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from linkindex.api.decoding import integral_floats_to_ints
from linkindex.api.jsonrpc.errors import (
    MIN_ID_LENGTH,
    RpcError,
    id_too_short,
    invalid_param,
    invalid_request,
    param_missing,
)

JSONRPC = "2.0"


@dataclass(frozen=True)
class Call:
    id: str
    method: str
    params: dict[str, Any]


def echo_id(call: object) -> Any:
    """The id an answer echoes: the call's own when it is a string or number, else null."""
    if isinstance(call, dict):
        value = call.get("id")
        if isinstance(value, str) or (
            isinstance(value, int | float) and not isinstance(value, bool)
        ):
            return value
    return None


def read_call(call: object) -> Call:
    """One call after every envelope rule of spec 2.1, or the RpcError that says which failed."""
    if not isinstance(call, dict):
        raise invalid_request("A call must be a JSON object with jsonrpc, id, method and params")
    if call.get("jsonrpc") != JSONRPC:
        raise invalid_request('jsonrpc must be "2.0"')
    call_id = call.get("id")
    if call_id is not None and not isinstance(call_id, str):
        raise invalid_request("id must be a string of at least 24 characters (a v4 UUID)")
    if call_id is None or len(call_id) < MIN_ID_LENGTH:
        raise id_too_short()
    method = call.get("method")
    if not isinstance(method, str) or not method:
        raise invalid_request("method must be a non-empty string naming the action")
    params = call.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise invalid_request('params must be a JSON object: {"data": {...}}')
    return Call(call_id, method, params)


def decode_params(params: dict[str, Any], data_type: type, optional: bool) -> Any:
    """``params.data`` as the method's type; a missing field is -32652, a bad one -32602."""
    extra = sorted(set(params) - {"data"})
    if extra:
        raise invalid_param(extra[0], 'params holds only data: {"data": {...}}')
    if "data" not in params:
        if not optional:
            raise param_missing("data")
        data: Any = {}
    else:
        data = params["data"]
    try:
        return msgspec.convert(integral_floats_to_ints(data), data_type, strict=True)
    except msgspec.ValidationError as exc:
        raise _validation_error(str(exc)) from exc


def _validation_error(message: str) -> RpcError:
    text, sep, where = message.rpartition(" - at `$")
    if not sep:
        text, where = message, ""
    path = where.rstrip("`").lstrip(".")
    if text.startswith("Object missing required field `"):
        field = text.split("`")[1]
        return param_missing(f"{path}.{field}" if path else field)
    if text.startswith("Object contains unknown field `"):
        field = text.split("`")[1]
        key = f"{path}.{field}" if path else field
        return invalid_param(key, f"{key} is not a parameter of this method")
    if text == "Invalid enum value ''" and path:
        # A filters list with an empty name ("" is not "no filter": that is an empty list).
        return invalid_param(path, f"{path} is empty: leave it out, or send a documented value")
    return invalid_param(path or "data", text)


def result_answer(call_id: Any, result: dict[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "jsonrpc": JSONRPC, "result": result}


def error_answer(call_id: Any, error: RpcError) -> dict[str, Any]:
    return {"id": call_id, "jsonrpc": JSONRPC, "error": error.to_json()}
