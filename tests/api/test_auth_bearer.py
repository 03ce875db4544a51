"""Credentials as every part of a request reads them (docs/api.md, "Authentication"): Bearer on
both APIs, and one reading of the headers for the limits, the endpoint and billing."""

from __future__ import annotations

import base64
import uuid

import pytest
from indexed import serve_web
from web import crafted_web

from linkindex.accounts.keys import KeyStore
from linkindex.accounts.meter import Meter
from linkindex.accounts.quotas import DATA_ROWS, AccountStore, RateLimit


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # The bad-request throttle off: these tests send many 401s from one address.
    yield from serve_web(tmp_path_factory, "auth", crafted_web, {"LINKINDEX_THROTTLE": "off"})


@pytest.fixture
def key(server):
    return KeyStore(server.home.state / "keys.sqlite").create("t")


def pair(key) -> str:
    return base64.b64encode(f"{key.access_id}:{key.secret_key}".encode()).decode()


def v2(server, headers: dict, endpoint: str = "index_metadata", body: object = None):
    url = f"{server.base_url}/v2/{endpoint}"
    return server.http.post(url, json=body or {}, headers=headers, timeout=10)


def rpc(server, headers: dict, method: str = "quota.lookup", data: object = None):
    body = {"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method,
            "params": {"data": data or {"path": DATA_ROWS}}}  # fmt: skip
    return server.http.post(f"{server.base_url}/jsonrpc", json=body, headers=headers, timeout=10)


def rows_used(server, key) -> int:
    found = KeyStore(server.home.state / "keys.sqlite").verify_token(key.token)
    return Meter.open(server.home.state).quota(found, DATA_ROWS).used


def test_v2_takes_the_token_as_a_bearer_credential(server, key):
    response = v2(server, {"Authorization": f"Bearer {key.token}"}, "url_metrics",
                  {"targets": ["t.com"]})  # fmt: skip
    assert response.status_code == 200, response.text
    assert rows_used(server, key) == 1


def test_v2_takes_base64_access_id_and_secret_as_a_bearer_credential(server, key):
    assert v2(server, {"Authorization": f"Bearer {pair(key)}"}).status_code == 200


def test_json_rpc_takes_the_token_as_a_bearer_credential(server, key):
    response = rpc(server, {"Authorization": f"Bearer {key.token}"})
    assert response.status_code == 200, response.text
    assert response.json()["result"]["quota"]["path"] == DATA_ROWS


def test_json_rpc_takes_base64_access_id_and_secret_as_a_bearer_credential(server, key):
    response = rpc(server, {"Authorization": f"bearer {pair(key)}"})
    assert response.status_code == 200, response.text


def test_a_bad_bearer_credential_is_the_same_401_as_a_bad_basic_one(server, key):
    wrong = base64.b64encode(f"{key.access_id}:nope".encode()).decode()
    basic = v2(server, {"Authorization": f"Basic {wrong}"})
    for bad in (f"Bearer {wrong}", "Bearer not-a-token", "Bearer", f"Token {key.token}"):
        refused = v2(server, {"Authorization": bad})
        assert refused.status_code == 401
        assert refused.json() == basic.json()
        assert refused.headers["www-authenticate"] == basic.headers["www-authenticate"]
        error = rpc(server, {"Authorization": bad}).json()["error"]
        assert (error["code"], error["status"]) == (-32651, 401)


def test_json_rpc_refuses_basic_as_moz_does(server, key):
    error = rpc(server, {"Authorization": f"Basic {pair(key)}"}).json()["error"]
    assert (error["code"], error["status"]) == (-32651, 401)


@pytest.mark.parametrize("api", ["v2", "jsonrpc"])
def test_a_junk_authorization_beside_a_good_token_is_never_served_unlimited(server, key, api):
    AccountStore(server.home.state / "keys.sqlite").set_rate_limit(
        key.access_id, RateLimit(2, "minute")
    )
    headers = {"Authorization": "Basic am9uazpqdW5r", "x-moz-token": key.token}
    if api == "v2":
        statuses = [v2(server, headers, "url_metrics", {"targets": ["t.com"]}).status_code
                    for _ in range(10)]  # fmt: skip
    else:
        site = {"site_query": {"query": "t.com", "scope": "domain"}}
        statuses = [rpc(server, headers, "data.site.metrics.fetch", site).status_code
                    for _ in range(10)]  # fmt: skip
    # One reading of the headers: the junk Authorization is the credential, and it is wrong.
    assert statuses == [401] * 10
    assert rows_used(server, key) == 0
    # The token alone is the key, limited as the key.
    alone = [v2(server, {"x-moz-token": key.token}).status_code for _ in range(3)]
    assert alone == [200, 200, 429]


def test_v2_takes_a_bare_base64_pair_without_a_scheme_as_some_clients_send_it(server, key):
    assert v2(server, {"Authorization": pair(key)}).status_code == 200
    assert v2(server, {"Authorization": "bm90LWEtcGFpcg=="}).status_code == 401  # "not-a-pair"
    assert rpc(server, {"Authorization": pair(key)}).json()["error"]["code"] == -32651
