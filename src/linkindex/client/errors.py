"""The exceptions a client call raises: the server's own error, with its status and message.

Links API errors carry HTTP status and message; JSON-RPC errors also carry code and data.
"""

from __future__ import annotations


class ApiError(Exception):
    """A Links API V2 error answer (status 4xx/5xx, body {"status", "name", "message"})."""

    def __init__(self, status: int, message: str, body: object = None) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.body = body


class NextTokenExpired(ApiError):
    """410: the index changed or the token aged out; start the listing again."""


class JsonRpcError(Exception):
    """A Moz API (JSON-RPC) error object: code, HTTP status, message and data."""

    def __init__(self, code: int, status: int, message: str, data: object = None) -> None:
        super().__init__(f"JSON-RPC {code} (HTTP {status}): {message}")
        self.code = code
        self.status = status
        self.message = message
        self.data = data
