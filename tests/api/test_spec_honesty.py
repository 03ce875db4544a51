"""The published OpenAPI document and the server agree (issue 14): one test per case a fuzzer
found where a request valid under the document was refused, or the document said too little.

Each case is settled one way: the server accepts what the document allows, or the document
forbids (in its schema, or in words where a schema cannot say it) what the server refuses.
docs/api.md, "The OpenAPI document", gives the reasons.
"""

from __future__ import annotations

import uuid

import jsonschema
import pytest
from fuzzing import inline_refs
from link_web import in_process

from linkindex.api.openapi import openapi_document

DOCUMENT = openapi_document()
SCHEMAS = DOCUMENT["components"]["schemas"]
X_METHODS = DOCUMENT["paths"]["/jsonrpc"]["post"]["x-methods"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    yield from in_process(tmp_path_factory)


def valid(name: str, body: object) -> bool:
    schema = inline_refs(SCHEMAS[name], SCHEMAS)
    return jsonschema.Draft202012Validator(schema).is_valid(body)


def rpc(client, method: str, data: object):
    call = {"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method, "params": {"data": data}}
    return client.post("/jsonrpc", json=call)


def test_an_integral_float_limit_is_that_integer_and_a_fraction_is_still_a_400(client):
    # JSON Schema's integer takes 31.0, and a client that computes a limit can send it.
    assert valid("LinksRequest", {"target": "t.com/", "limit": 31.0})
    body = {"target": "t.com/", "target_scope": "root_domain", "filter": "not_deleted"}
    as_int = client.post("/v2/links", json={**body, "limit": 3})
    as_float = client.post("/v2/links", json={**body, "limit": 3.0})
    assert as_float.status_code == 200, as_float.text
    assert as_float.json() == as_int.json() and len(as_int.json()["results"]) == 3
    for wrong in (3.5, "3"):
        response = client.post("/v2/links", json={**body, "limit": wrong})
        assert response.status_code == 400
        assert "limit" in response.json()["message"]
    # The JSON-RPC API reads params the same way.
    data = {"site_query": {"query": "t.com", "scope": "domain"}, "offset": {"limit": 2.0}}
    result = rpc(client, "data.site.link.list", data).json()["result"]
    assert result["offset"]["limit"] == 2 and len(result["links"]) == 2
    data["offset"]["limit"] = 2.5
    assert rpc(client, "data.site.link.list", data).json()["error"]["code"] == -32602


def test_anchor_text_takes_target_scope_as_the_document_lists_it(client):
    assert valid("AnchorTextRequest", {"target": "t.com/", "target_scope": "root_domain"})
    assert not valid("AnchorTextRequest", {"target": "t.com/", "target_scope": "domain"})
    by_scope = client.post("/v2/anchor_text", json={"target": "t.com", "scope": "root_domain"})
    by_target_scope = client.post(
        "/v2/anchor_text", json={"target": "t.com", "target_scope": "root_domain"}
    )
    assert by_target_scope.status_code == 200
    assert by_target_scope.json() == by_scope.json() and by_scope.json()["results"]


def test_usage_data_with_an_empty_end_is_refused_by_the_document_and_the_server(client):
    # "" is no time: the document's pattern refuses it, as the server does.
    assert not valid("UsageDataRequest", {"end": ""})
    assert not valid("UsageDataRequest", {"start": -5})
    assert valid("UsageDataRequest", {"start": "1635466367", "end": 1767225599})
    response = client.post("/v2/usage_data", json={"end": ""})
    assert response.status_code == 400
    assert "end must be a Unix timestamp" in response.json()["message"]
    assert client.post("/v2/usage_data", json={"end": "1767225599"}).status_code == 200


def test_minimum_matching_targets_above_the_positive_targets_is_a_documented_400(client):
    schema = SCHEMAS["LinkIntersectRequest"]["properties"]
    minimum = schema["minimum_matching_targets"]["anyOf"][0]
    # A schema cannot compare two fields: the widest bound plus words, and the server checks.
    assert minimum["maximum"] == 6
    assert "number of sites to match" in minimum["description"]
    assert schema["positive_targets"]["maxItems"] == 6
    assert schema["negative_targets"]["maxItems"] == 5
    body = {"positive_targets": [{"target": "t.com", "scope": "root_domain"}]}
    assert client.post("/v2/link_intersect", json=body).status_code == 200
    response = client.post("/v2/link_intersect", json={**body, "minimum_matching_targets": 2})
    assert response.status_code == 400
    assert "minimum_matching_targets is 2" in response.json()["message"]
    rpc_options = SCHEMAS["IntersectOptions"]["properties"]["minimum_matching_targets"]
    assert rpc_options["anyOf"][0] == minimum


def test_the_async_brand_authority_method_is_listed_as_billed():
    entry = X_METHODS["beta.data.metrics.brand.authority.async"]
    assert entry["quota"] == "api.limits.beta.rows"
    assert "computed" in entry["quota_charged"]
    assert X_METHODS["async.call.lookup"]["quota"] == "free"
    assert X_METHODS["beta.data.metrics.brand.authority.generate"]["quota"] == (
        "api.limits.beta.rows"
    )


def test_top_pages_choices_and_linking_root_domains_dates_are_stated_in_the_document(client):
    assert not valid("TopPagesRequest", {"target": "t.com", "sort": "rank"})
    assert client.post("/v2/top_pages", json={"target": "t.com", "sort": "rank"}).status_code == 400
    assert not valid("TopPagesRequest", {"target": "t.com", "filter": "status_404"})
    assert valid("TopPagesRequest", {"target": "t.com", "filter": "status_4xx"})
    body = {"target": "t.com", "sort": "date_gained", "filter": "external+gained_last_60_days"}
    assert not valid("LinkingRootDomainsRequest", {**body, "begin_date": "2026/01/01"})
    response = client.post("/v2/linking_root_domains", json={**body, "begin_date": "2026/01/01"})
    assert response.status_code == 400
    assert valid("LinkingRootDomainsRequest", {**body, "begin_date": "2026-01-01"})
    response = client.post("/v2/linking_root_domains", json={**body, "begin_date": "2026-01-01"})
    assert response.status_code == 200
