"""A Python client for the Links API V2: one method per endpoint, pages followed for the caller.

Works against linkindex or Moz alike; only the base URL and the credentials differ.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from linkindex.client.errors import ApiError, NextTokenExpired
from linkindex.client.retry import RetryPolicy
from linkindex.client.transport import Transport

MOZ_LINKS_API = "https://lsapi.seomoz.com"
PAGE_SIZE = 50  # the largest page V2 serves: fewest round trips


class LinksClient:
    """HTTP Basic access_id:secret_key, or a Moz API token (sent as x-moz-token)."""

    def __init__(
        self,
        base_url: str = MOZ_LINKS_API,
        access_id: str | None = None,
        secret_key: str | None = None,
        token: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        **transport: Any,
    ) -> None:
        if token is None and (access_id is None or secret_key is None):
            raise ValueError("give access_id and secret_key, or token")
        self.transport = Transport(
            base_url,
            headers={"x-moz-token": token} if token else None,
            auth=(access_id, secret_key) if token is None else None,  # type: ignore[arg-type]
            timeout=timeout,
            retry=retry,
            **transport,
        )

    def __enter__(self) -> LinksClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.transport.close()

    def call(self, endpoint: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One request to /v2/<endpoint>; None values in body are left out."""
        payload = {k: v for k, v in (body or {}).items() if v is not None}
        return _answer(self.transport.post(f"/v2/{endpoint}", payload))

    def pages(self, endpoint: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every result of a paged endpoint, following next_token until the last page."""
        token = body.get("next_token")
        while True:
            answer = self.call(endpoint, {**body, "next_token": token})
            yield from answer.get("results", [])
            token = answer.get("next_token")
            if not token:
                return

    # --- one method per endpoint, named and shaped as Moz documents them ---

    def index_metadata(self) -> dict[str, Any]:
        return self.call("index_metadata")

    def usage_data(self, start: int | None = None, end: int | None = None) -> int:
        # Moz documents start and end as Unix timestamps sent as strings.
        window = {"start": start, "end": end}
        body = {k: str(v) for k, v in window.items() if v is not None}
        return int(self.call("usage_data", body)["rows_consumed"])

    def url_metrics(self, targets: list[str], **modifiers: Any) -> list[dict[str, Any]]:
        """One result per target in request order; up to 50 targets per call, batched here."""
        results: list[dict[str, Any]] = []
        for start in range(0, len(targets), 50):
            batch = {"targets": targets[start : start + 50], **modifiers}
            results += self.call("url_metrics", batch)["results"]
        return results

    def linking_root_domains(self, target: str, **options: Any) -> Iterator[dict[str, Any]]:
        return self.pages("linking_root_domains", _paged(target=target, **options))

    def links(self, target: str, **options: Any) -> Iterator[dict[str, Any]]:
        return self.pages("links", _paged(target=target, **options))

    def anchor_text(self, target: str, scope: str = "page", **options: Any) -> Iterator[dict]:
        return self.pages("anchor_text", _paged(target=target, scope=scope, **options))

    def top_pages(self, target: str, **options: Any) -> Iterator[dict[str, Any]]:
        return self.pages("top_pages", _paged(target=target, **options))

    def global_top_pages(self, **options: Any) -> Iterator[dict[str, Any]]:
        return self.pages("global_top_pages", _paged(**options))

    def global_top_root_domains(self, **options: Any) -> Iterator[dict[str, Any]]:
        return self.pages("global_top_root_domains", _paged(**options))

    def link_intersect(
        self, positive_targets: list[dict[str, str]], **options: Any
    ) -> Iterator[dict[str, Any]]:
        return self.pages("link_intersect", _paged(positive_targets=positive_targets, **options))

    def link_status(self, target: str, sources: list[str], **options: Any) -> list[bool]:
        body = {"target": target, "sources": sources, **options}
        return list(self.call("link_status", body)["exists"])

    def final_redirect(self, page: str) -> str:
        return str(self.call("final_redirect", {"page": page})["page"])


def _paged(**body: Any) -> dict[str, Any]:
    body.setdefault("limit", PAGE_SIZE)
    return body


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if response.is_success and isinstance(payload, dict):
        return payload
    message = payload.get("message", "") if isinstance(payload, dict) else response.text[:200]
    error = NextTokenExpired if response.status_code == 410 else ApiError
    raise error(response.status_code, message or response.reason_phrase, payload)
