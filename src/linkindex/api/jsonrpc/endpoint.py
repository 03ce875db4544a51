"""POST /jsonrpc: the body, the x-moz-token check, single calls and batches, and quota.

A call that errors bills nothing: quota is charged only after its result exists.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from linkindex.accounts.keys import ApiKey
from linkindex.api.auth import request_key
from linkindex.api.endpoint import read_body
from linkindex.api.errors import ApiError
from linkindex.api.handler_thread import run_handler
from linkindex.api.jsonrpc.envelope import (
    decode_params,
    echo_id,
    error_answer,
    read_call,
    result_answer,
)
from linkindex.api.jsonrpc.errors import (
    RpcError,
    internal_error,
    invalid_request,
    method_not_found,
    no_search_data,
    parse_error,
    too_deep,
    unauthorized,
    unavailable,
)
from linkindex.api.jsonrpc.methods import Context
from linkindex.api.jsonrpc.quota import charge_async, check
from linkindex.api.jsonrpc.registry import METHODS, method_name, needs_search_data
from linkindex.index.stores import StoreUnavailable

log = logging.getLogger("linkindex.api.jsonrpc")

# A batch is a JSON array of calls; more than this in one request is refused as a whole.
MAX_BATCH = 50

_encode = msgspec.json.Encoder().encode


async def answer_call(
    request: Request, key: ApiKey, call: object, body_bytes: int
) -> tuple[dict[str, Any], int]:
    """One call's answer and its HTTP status."""
    call_id = echo_id(call)
    try:
        result = await run_call(request, key, call, body_bytes)
    except RpcError as exc:
        return error_answer(call_id, exc), exc.status
    except StoreUnavailable as exc:  # a router whose shard host is down
        error = unavailable(str(exc), exc.status)
        return error_answer(call_id, error), error.status
    except Exception:
        log.exception("unexpected error in a JSON-RPC call")
        error = internal_error()
        return error_answer(call_id, error), error.status
    return result_answer(call_id, result), 200


async def run_call(request: Request, key: ApiKey, raw: object, body_bytes: int) -> dict[str, Any]:
    call = read_call(raw)
    if needs_search_data(call.method):
        raise no_search_data(call.method)
    method = METHODS.get(method_name(call.method))
    if method is None:
        raise method_not_found(call.method)
    data = decode_params(call.params, method.params, method.params_optional)
    state = request.app.state
    # An exhausted quota refuses a billed call before any work, as V2 does.
    checked = method.quota_path or method.deferred_quota_path
    if checked is not None:
        check(state, key, checked)
    # A large request (the whole batch's body) in a worker thread, as V2's (api/handler_thread.py).
    result = await run_handler(
        body_bytes, method.handler, Context(state, key), data, line=state.thread_line
    )
    if method.quota_path is not None:
        rows = method.rows(data, result)
        if rows > 0:
            quota = await charge_async(state, key, method.quota_path, rows)
            if method.quota_in_result:
                result = {"quota": quota, **result}
    return result


def _response(body: object, status: int) -> Response:
    return Response(_encode(body), status, media_type="application/json")


async def jsonrpc(request: Request) -> Response:
    """Answer one call, or a batch (a JSON array of calls) with an array of answers."""
    try:
        body = await read_body(request)
    except ApiError as exc:  # over the size cap, or too slow (api/body_guard.py)
        return _response(error_answer(None, invalid_request(exc.message, exc.status)), exc.status)
    try:
        payload = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        error = parse_error(str(exc))
        return _response(error_answer(None, error), error.status)
    except RecursionError:  # a client's mistake (or probe), not a bug: no traceback
        error = too_deep()
        return _response(error_answer(None, error), error.status)
    # x-moz-token or Bearer, read as the limits middleware read it (api.auth).
    scope_state = request.scope.setdefault("state", {})
    key = request_key(request.app.state.key_store, scope_state, request.headers, jsonrpc=True)
    calls = payload if isinstance(payload, list) else [payload]
    if key is None:
        error = unauthorized()
        answers = [error_answer(echo_id(call), error) for call in calls]
        return _response(answers if isinstance(payload, list) else answers[0], error.status)
    if not isinstance(payload, list):
        answer, status = await answer_call(request, key, payload, len(body))
        return _response(answer, status)
    if not payload:
        error = invalid_request("A batch must hold at least one call")
        return _response(error_answer(None, error), error.status)
    if len(payload) > MAX_BATCH:
        error = invalid_request(f"A batch holds at most {MAX_BATCH} calls")
        return _response(error_answer(None, error), error.status)
    # Concurrent, so the batch's charges share one commit; answers keep the calls' order.
    answered = await asyncio.gather(
        *(answer_call(request, key, call, len(body)) for call in payload)
    )
    statuses = {status for _, status in answered}
    # Every answer carries its own status; the batch's is theirs when they all agree.
    status = statuses.pop() if len(statuses) == 1 else 200
    return _response([answer for answer, _ in answered], status)
