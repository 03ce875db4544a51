"""The body of an error answered outside an endpoint (by the connection or a middleware), in the
protocol of the path asked: V2's `{"status", "name", "message"}`, or a JSON-RPC error."""

from __future__ import annotations

import msgspec

from linkindex.api.errors import error_body
from linkindex.api.jsonrpc.envelope import error_answer
from linkindex.api.jsonrpc.errors import invalid_request
from linkindex.api.limiting import JSONRPC_PATH


def refusal_body(path: str, status: int, message: str) -> bytes:
    if path == JSONRPC_PATH:
        return msgspec.json.encode(error_answer(None, invalid_request(message, status)))
    return error_body(status, message)
