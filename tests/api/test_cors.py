"""CORS (docs/api.md): off unless an origin is configured; preflights answered for both APIs."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from linkindex.api.app import create_app
from linkindex.home import Home

PAGE = "https://tools.example"


def send(home: Home, origins: list[str], method: str, path: str, headers: dict) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(home, cors_origins=origins))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, path, headers=headers)

    return asyncio.run(go())


def preflight(home: Home, origins: list[str], path: str, origin: str = PAGE) -> httpx.Response:
    return send(home, origins, "OPTIONS", path, {
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, x-moz-token",
    })  # fmt: skip


@pytest.fixture
def home(tmp_path) -> Home:
    return Home(tmp_path / "home").ensure()


def test_without_a_configured_origin_no_response_carries_cors_headers(home):
    response = preflight(home, [], "/v2/url_metrics")
    assert response.status_code == 405
    assert not any(h.lower().startswith("access-control-") for h in response.headers)


@pytest.mark.parametrize("path", ["/v2/url_metrics", "/jsonrpc"])
def test_a_configured_origin_gets_its_preflight_answered_for_both_apis(home, path):
    response = preflight(home, [PAGE], path)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PAGE
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "x-moz-token" in allowed


def test_another_origin_is_not_allowed(home):
    response = preflight(home, [PAGE], "/jsonrpc", origin="https://evil.example")
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_a_wildcard_allows_any_page_but_never_with_credentials(home):
    response = preflight(home, ["*"], "/jsonrpc", origin="https://anyone.example")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_an_actual_call_from_the_page_carries_the_allow_origin_header(home):
    response = send(home, [PAGE], "POST", "/v2/index_metadata", {"Origin": PAGE})
    assert response.status_code == 401  # no credentials sent, but the page can read why
    assert response.headers["access-control-allow-origin"] == PAGE
