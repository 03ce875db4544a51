"""A Python client for the Moz API (JSON-RPC 2.0 at /jsonrpc, x-moz-token): calls and lists.

Errors come back as JsonRpcError with Moz's code, HTTP status, message and data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from linkindex.client.errors import JsonRpcError
from linkindex.client.retry import RetryPolicy
from linkindex.client.transport import Transport

MOZ_API = "https://api.moz.com"
BRAND_AUTHORITY_MISSING = -32655


class MozClient:
    def __init__(
        self,
        token: str,
        base_url: str = MOZ_API,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        **transport: Any,
    ) -> None:
        self.transport = Transport(
            base_url, headers={"x-moz-token": token}, timeout=timeout, retry=retry, **transport
        )

    def __enter__(self) -> MozClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.transport.close()

    def call(self, method: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """The call's result object; a JSON-RPC error raises JsonRpcError."""
        # Moz asks for request ids of 24+ characters and recommends a v4 UUID.
        envelope = {
            "jsonrpc": "2.0",
            "id": str(uuid.uuid4()),
            "method": method,
            "params": {"data": data or {}},
        }
        response = self.transport.post("/jsonrpc", envelope)
        try:
            answer = response.json()
        except ValueError:
            raise JsonRpcError(-32700, response.status_code, response.text[:200]) from None
        if isinstance(answer, dict) and "error" in answer:
            error = answer["error"]
            raise JsonRpcError(
                int(error.get("code", 0)),
                int(error.get("status", response.status_code)),
                str(error.get("message", "")),
                error.get("data"),
            )
        if not isinstance(answer, dict) or "result" not in answer:
            raise JsonRpcError(-32603, response.status_code, f"not a JSON-RPC answer: {answer!r}")
        return answer["result"]

    def pages(self, method: str, data: dict[str, Any], items: str) -> Iterator[dict[str, Any]]:
        """Every item of an offset-paged list method, following offset.token to the end."""
        offset = {"token": None, "limit": 50, **data.get("offset", {})}
        while True:
            result = self.call(method, {**data, "offset": offset})
            yield from result.get(items, [])
            token = (result.get("offset") or {}).get("token")
            if not token:
                return
            offset = {**offset, "token": token}

    def quota(self, path: str = "api.limits.data.rows") -> dict[str, Any]:
        return self.call("quota.lookup", {"path": path})["quota"]

    def index_id(self) -> str:
        return str(self.call("metadata.index.fetch")["index_id"])

    def brand_authority(self, query: str, generate: bool = False) -> int:
        """Brand Authority of one site; with generate=True a missing score is generated first."""
        try:
            result = self.call("beta.data.metrics.brand.authority.fetch", {"query": query})
        except JsonRpcError as error:
            if not (generate and error.code == BRAND_AUTHORITY_MISSING):
                raise
            result = self.call("beta.data.metrics.brand.authority.generate", {"query": query})
        return int(result["brand_authority_score"])
