"""The JSON-RPC envelope, called in-process: one test per rule of spec 2.1 and docs/api.md."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from indexed import serve_web
from rpc import brand_web, call, new_id, post, rpc

from linkindex.api.jsonrpc.registry import METHODS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_web(tmp_path_factory, "rpc", brand_web)


def error_of(response: requests.Response, status: int, code: int) -> dict:
    """The error object, after checking HTTP status == error.status and the code."""
    assert response.status_code == status, response.text
    payload = response.json()
    assert list(payload) == ["id", "jsonrpc", "error"]
    assert payload["jsonrpc"] == "2.0"
    error = payload["error"]
    assert error["code"] == code and error["status"] == status
    return error


def test_a_result_echoes_the_id_with_jsonrpc_2_0(server):
    body = call("metadata.index.fetch", {})
    response = post(server, body)
    assert response.status_code == 200
    payload = response.json()
    assert list(payload) == ["id", "jsonrpc", "result"]
    assert payload["id"] == body["id"] and payload["jsonrpc"] == "2.0"


def test_error_object_keys_are_code_status_data_message(server):
    error = error_of(rpc(server, "no.such.method", {}), 400, -32601)
    assert list(error) == ["code", "status", "data", "message"]


def test_a_body_that_is_not_json_is_a_parse_error_with_null_id(server):
    response = server.http.post(
        f"{server.base_url}/jsonrpc",
        data=b'{"jsonrpc": "2.0", "id": ',
        headers={"x-moz-token": server.credential.token},
        timeout=30,
    )
    error_of(response, 400, -32700)
    assert response.json()["id"] is None


@pytest.mark.parametrize("version", ["1.0", 2.0, None])
def test_jsonrpc_must_be_2_0(server, version):
    body = call("metadata.index.fetch", {})
    body["jsonrpc"] = version
    error = error_of(post(server, body), 400, -32600)
    assert error["message"] == 'jsonrpc must be "2.0"'
    # Moz's quirk: this error carries its status as httpStatus too.
    assert error["httpStatus"] == 400


def test_a_call_that_is_not_an_object_is_an_invalid_request(server):
    error_of(post(server, "metadata.index.fetch"), 400, -32600)


def test_params_must_be_an_object(server):
    body = call("metadata.index.fetch")
    body["params"] = ["data"]
    error_of(post(server, body), 400, -32600)


def test_an_unknown_method_is_action_not_found(server):
    error = error_of(rpc(server, "data.site.nothing.fetch", {}), 400, -32601)
    assert error["message"] == "Action not found: data.site.nothing.fetch"


def test_a_missing_token_is_a_401(server):
    error = error_of(rpc(server, "metadata.index.fetch", {}, token=None), 401, -32651)
    assert error["message"] == "Missing or invalid authentication"


def test_a_wrong_token_gets_the_same_401_without_a_hint(server):
    missing = rpc(server, "metadata.index.fetch", {}, token=None).json()["error"]
    wrong = rpc(server, "metadata.index.fetch", {}, token="not-a-token").json()["error"]
    assert error_of(rpc(server, "metadata.index.fetch", {}, token="x"), 401, -32651)
    assert missing == wrong


def test_basic_auth_is_not_a_moz_api_credential(server):
    response = post(server, call("metadata.index.fetch", {}), token=None, auth=server.auth)
    error_of(response, 401, -32651)


def test_auth_is_checked_before_the_method(server):
    error_of(rpc(server, "no.such.method", {}, token=None), 401, -32651)


def test_a_missing_param_is_param_is_missing_with_its_key(server):
    error = error_of(rpc(server, "beta.data.metrics.brand.authority.fetch", {}), 400, -32652)
    assert error["message"] == "Please include a query"
    assert error["data"] == {
        "explanation": "query is a required field and was not included.",
        "issue": "param-is-missing",
        "key": "query",
    }


def test_a_missing_nested_param_names_its_path(server):
    error = error_of(
        rpc(server, "data.site.metrics.fetch", {"site_query": {"query": "t.com"}}), 400, -32652
    )
    assert error["data"]["key"] == "site_query.scope"


def test_missing_data_is_param_is_missing(server):
    error = error_of(post(server, call("data.site.metrics.fetch")), 400, -32652)
    assert error["data"]["key"] == "data"


def test_a_param_of_the_wrong_type_is_invalid_params(server):
    error = error_of(
        rpc(server, "beta.data.metrics.brand.authority.fetch", {"query": 5}), 400, -32602
    )
    assert error["data"]["key"] == "query"
    assert error["data"]["issue"] == "param-is-invalid"


def test_an_unknown_param_is_invalid_params(server):
    data = {"query": "acme.com", "scope": "domain"}
    error = error_of(rpc(server, "beta.data.metrics.brand.authority.fetch", data), 400, -32602)
    assert error["data"]["key"] == "scope"


def test_a_query_that_is_not_a_url_is_invalid_params(server):
    data = {"query": "ftp://acme.com"}
    error = error_of(rpc(server, "beta.data.metrics.brand.authority.fetch", data), 400, -32602)
    assert error["data"]["key"] == "query"


def test_an_id_of_23_characters_is_too_short(server):
    body = call("metadata.index.fetch", {}, call_id="a" * 23)
    error = error_of(post(server, body), 400, -32654)
    assert error["message"] == "Minimum Request ID length is 24."
    assert post(server, body).json()["id"] == "a" * 23


def test_an_id_of_24_characters_is_accepted(server):
    assert post(server, call("metadata.index.fetch", {}, call_id="a" * 24)).status_code == 200


def test_a_missing_id_is_too_short(server):
    body = call("metadata.index.fetch", {})
    del body["id"]
    error_of(post(server, body), 400, -32654)


def test_a_numeric_id_is_an_invalid_request(server):
    body = call("metadata.index.fetch", {})
    body["id"] = 123456789012345678901234567890
    error_of(post(server, body), 400, -32600)


def test_a_batch_answers_each_call_in_order(server):
    calls = [
        call("metadata.index.fetch", {}),
        call("quota.lookup", {"path": "api.limits.data.rows"}),
    ]
    response = post(server, calls)
    assert response.status_code == 200
    answers = response.json()
    assert [a["id"] for a in answers] == [c["id"] for c in calls]
    assert all("result" in a for a in answers)


def test_a_mixed_batch_is_200_with_each_error_carrying_its_status(server):
    calls = [call("metadata.index.fetch", {}), call("no.such.method", {})]
    response = post(server, calls)
    assert response.status_code == 200
    ok, failed = response.json()
    assert "result" in ok
    assert failed["error"]["code"] == -32601 and failed["error"]["status"] == 400


def test_a_batch_of_errors_with_one_status_answers_that_status(server):
    calls = [call("no.such.method", {}), call("another.missing", {})]
    response = post(server, calls)
    assert response.status_code == 400
    assert [a["error"]["code"] for a in response.json()] == [-32601, -32601]


def test_a_batch_without_a_token_is_a_401_for_every_call(server):
    calls = [call("metadata.index.fetch", {}), call("metadata.index.fetch", {})]
    response = post(server, calls, token=None)
    assert response.status_code == 401
    assert [a["id"] for a in response.json()] == [c["id"] for c in calls]
    assert {a["error"]["code"] for a in response.json()} == {-32651}


def test_an_empty_batch_is_an_invalid_request(server):
    error_of(post(server, []), 400, -32600)


def test_a_batch_holds_at_most_50_calls(server):
    error_of(post(server, [call("metadata.index.fetch", {}) for _ in range(51)]), 400, -32600)
    assert post(server, [call("metadata.index.fetch", {}) for _ in range(50)]).status_code == 200


@pytest.mark.parametrize(
    "method",
    [
        "data.keyword.metrics.fetch",
        "data.keyword.suggestions.list",
        "data.keyword.search.intent.fetch",
        "data.site.ranking-keyword.list",
        "data.site.ranking-keyword.count",
        "data.serp.fetch",
    ],
)
def test_keyword_and_ranking_methods_say_the_index_has_no_search_data(server, method):
    error = error_of(rpc(server, method, {}), 400, -32658)
    assert "no" in error["message"] and "search" in error["message"]
    assert error["data"]["issue"] == "no-search-data"


def test_a_body_over_128_kib_is_refused(server):
    body = call("beta.data.metrics.brand.authority.fetch", {"query": "a" * (130 * 1024)})
    error_of(post(server, body), 413, -32600)


def test_no_index_yet_is_a_503(home, serve_app):
    error_of(rpc(serve_app(home), "metadata.index.fetch", {}), 503, -32659)


def test_a_bad_call_inside_a_batch_does_not_stop_the_others(server):
    calls = [42, call("metadata.index.fetch", {}, call_id=new_id())]
    answers = post(server, calls).json()
    assert answers[0]["error"]["code"] == -32600 and answers[0]["id"] is None
    assert "result" in answers[1]


def test_openapi_describes_the_envelope_and_every_method(server):
    document = server.http.get(f"{server.base_url}/openapi.json", timeout=10).json()
    operation = document["paths"]["/jsonrpc"]["post"]
    listed = set(operation["x-methods"])
    assert set(METHODS) <= listed
    assert "data.keyword.metrics.fetch" in listed
    schemas = document["components"]["schemas"]
    assert schemas["JsonRpcCall"]["properties"]["id"]["minLength"] == 24
    assert schemas["JsonRpcError"]["properties"]["error"]["required"] == [
        "code", "status", "data", "message",
    ]  # fmt: skip
    ref = operation["x-methods"]["data.site.metrics.fetch"]["params"]["data"]["$ref"]
    assert ref.rsplit("/", 1)[-1] in schemas


def test_every_method_has_a_curl_example_in_docs_api_md():
    docs = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    section = docs[docs.index("## Moz API (JSON-RPC)") :]
    for name in METHODS:
        assert f"rpc {name} " in section, f"docs/api.md has no example for {name}"
