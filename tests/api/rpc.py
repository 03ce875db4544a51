"""JSON-RPC test helpers: a crafted web with and without brand evidence, and a call helper."""

from __future__ import annotations

import uuid

import requests
from records_factory import Crawl
from web import crafted_web

BRANDED = "acme.com"  # linked by name by ten root domains: the build stores its score
UNBRANDED = "plain.com"  # linked only as "click here": no stored score until generated
BRANDED_LINKERS = 10


def brand_web() -> list[Crawl]:
    crawls = crafted_web()
    second = crawls[1]
    second.page("http://acme.com/")
    second.page("http://plain.com/")
    for i in range(BRANDED_LINKERS):
        second.link(f"http://d{i:02d}.com/p0", "http://acme.com/", anchor="Acme tools")
    for i in range(10, 15):
        second.link(f"http://d{i:02d}.com/p0", "http://plain.com/", anchor="click here")
    return crawls


def new_id() -> str:
    return str(uuid.uuid4())


def call(method: str, data: object = None, call_id: str | None = None) -> dict:
    body: dict = {"jsonrpc": "2.0", "id": call_id or new_id(), "method": method}
    if data is not None:
        body["params"] = {"data": data}
    return body


def post(server, body: object, token: str | None = "default", **kwargs) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token == "default":
        token = server.credential.token
    if token is not None:
        headers["x-moz-token"] = token
    return server.http.post(
        f"{server.base_url}/jsonrpc", json=body, headers=headers, timeout=30, **kwargs
    )


def rpc(server, method: str, data: object = None, **kwargs) -> requests.Response:
    return post(server, call(method, data), **kwargs)


def result_of(response: requests.Response) -> dict:
    """The result of a call that must have succeeded."""
    assert response.status_code == 200, response.text
    return response.json()["result"]


def error_of(response: requests.Response, status: int, code: int) -> dict:
    """The error of a failed call, after checking its HTTP status and error.status agree."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (code, status)
    return error


def data_used(server) -> int:
    """The data rows the default key has used so far."""
    return result_of(rpc(server, "quota.lookup", {"path": "api.limits.data.rows"}))["quota"]["used"]
