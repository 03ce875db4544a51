"""Credentials (HTTP Basic, x-moz-token, revocation) and url_metrics, called in-process."""

from __future__ import annotations

import base64

import pytest
from app_server import app_server
from records_factory import Crawl

from linkindex.accounts.keys import KeyStore
from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index.schema import URL_METRIC_FIELDS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("auth") / "home").ensure()
    crawl = Crawl("c1", "2026-01-10")
    crawl.page("http://a.com/", title="A")
    crawl.link("http://a.com/", "http://t.com/x")
    crawl.write(home.crawls)
    build_index(home)
    with app_server(home) as running:
        yield running


def test_missing_credentials_are_a_401_with_a_basic_challenge(server):
    response = server.http.post(f"{server.base_url}/v2/index_metadata", json={}, timeout=10)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert response.json()["name"] == "Unauthorized"


def test_wrong_secret_and_unknown_id_get_the_same_401(server):
    wrong_secret = server.post("index_metadata", {}, auth=(server.auth[0], "nope"))
    unknown_id = server.post("index_metadata", {}, auth=("linkindex-000000000000", "nope"))
    assert wrong_secret.status_code == unknown_id.status_code == 401
    assert wrong_secret.json() == unknown_id.json()


def test_malformed_basic_header_is_a_401(server):
    headers = {"Authorization": "Basic !!!not-base64"}
    assert server.post("index_metadata", {}, auth=None, headers=headers).status_code == 401


def test_credentials_are_checked_before_the_body(server):
    response = server.http.post(
        f"{server.base_url}/v2/linking_root_domains", data=b"{not json", timeout=10
    )
    assert response.status_code == 401


def test_x_moz_token_header_is_accepted(server):
    headers = {"x-moz-token": server.credential.token}
    assert server.post("index_metadata", {}, auth=None, headers=headers).status_code == 200


def test_basic_auth_as_curl_sends_it(server):
    pair = base64.b64encode(":".join(server.auth).encode()).decode()
    headers = {"Authorization": f"Basic {pair}"}
    assert server.post("index_metadata", {}, auth=None, headers=headers).status_code == 200


def test_revoked_key_is_refused_without_a_restart(server):
    store = KeyStore(server.home.state / "keys.sqlite")
    fresh = store.create("to-revoke")
    auth = (fresh.access_id, fresh.secret_key)
    assert server.post("index_metadata", {}, auth=auth).status_code == 200
    assert store.revoke(fresh.access_id)
    assert server.post("index_metadata", {}, auth=auth).status_code == 401


def test_key_created_after_start_works_at_once(server):
    fresh = KeyStore(server.home.state / "keys.sqlite").create("late")
    response = server.post("index_metadata", {}, auth=(fresh.access_id, fresh.secret_key))
    assert response.status_code == 200


def test_url_metrics_returns_one_result_per_target_in_request_order(server):
    targets = ["t.com/x", "a.com", "nowhere.org/page", "https://A.com/"]
    results = server.post("url_metrics", {"targets": targets}).json()["results"]
    assert [r["page"] for r in results] == ["t.com/x", "a.com/", "nowhere.org/page", "a.com/"]
    assert all(list(r) == list(URL_METRIC_FIELDS) for r in results)
    assert results[0]["pages_to_page"] == 1 and results[1]["title"] == "A"


def test_url_metrics_takes_up_to_50_targets(server):
    assert server.post("url_metrics", {"targets": ["a.com"] * 50}).status_code == 200
    response = server.post("url_metrics", {"targets": ["a.com"] * 51})
    assert response.status_code == 400 and "targets" in response.json()["message"]


def test_url_metrics_needs_at_least_one_target(server):
    assert server.post("url_metrics", {"targets": []}).status_code == 400
    assert server.post("url_metrics", {}).status_code == 400


def test_url_metrics_names_the_bad_target(server):
    response = server.post("url_metrics", {"targets": ["a.com", "mailto:x@y.z"]})
    assert response.status_code == 400 and "targets[1]" in response.json()["message"]


def test_index_metadata_rejects_parameters(server):
    response = server.post("index_metadata", {"target": "a.com"})
    assert response.status_code == 400 and "target" in response.json()["message"]


def test_get_on_an_endpoint_is_a_405(server):
    response = server.http.get(f"{server.base_url}/v2/url_metrics", auth=server.auth, timeout=10)
    assert response.status_code == 405


def test_openapi_document_describes_every_endpoint(server):
    paths = server.http.get(f"{server.base_url}/openapi.json", timeout=10).json()["paths"]
    for endpoint in ("index_metadata", "url_metrics", "linking_root_domains"):
        assert f"/v2/{endpoint}" in paths
    assert server.http.get(f"{server.base_url}/docs", timeout=10).status_code == 200


def test_the_largest_valid_url_metrics_request_fits_the_body_limit(server):
    targets = ["a.com/" + "x" * 2040] * 50
    assert server.post("url_metrics", {"targets": targets}).status_code == 200


def test_invalid_utf8_inside_a_json_string_is_a_400(server):
    body = b'{"targets": ["a.com/\xff"]}'
    response = server.post("url_metrics", data=body)
    assert response.status_code == 400 and "UTF-8" in response.json()["message"]
