"""The Python client against a real `linkindex serve` on loopback, on a small crafted index."""

from __future__ import annotations

import pytest
from indexed import built_home
from live_server import start_server, stop_server
from records_factory import fan_in

from linkindex.client import ApiError, LinksClient

LINKERS = 60  # more than one page of 50


def linked_target() -> list:
    crawl = fan_in("c1", "2026-01-10", LINKERS, source="https://linker{i:02d}.org/", anchor="t")
    crawl.page("https://target.com/")
    return [crawl]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # One server for the module: the tests only read.
    running = start_server(built_home(tmp_path_factory, linked_target, "client"))
    yield running
    stop_server(running)


def test_the_client_reads_index_metadata_with_basic_auth_and_with_a_token(server):
    basic = LinksClient(server.base_url, *server.auth)
    token = LinksClient(server.base_url, token=server.credential.token)
    assert basic.index_metadata() == token.index_metadata()
    assert basic.index_metadata()["index_id"]


def test_the_client_iterates_every_page_of_linking_root_domains(server):
    with LinksClient(server.base_url, *server.auth) as client:
        results = list(client.linking_root_domains("target.com", target_scope="root_domain"))
    assert len(results) == LINKERS
    assert results == server.all_pages(
        "linking_root_domains", target="target.com", target_scope="root_domain", limit=50
    )


def test_the_client_returns_url_metrics_in_request_order(server):
    targets = ["linker05.org", "target.com", "unknown.net"]
    with LinksClient(server.base_url, *server.auth) as client:
        results = client.url_metrics(targets)
    assert [r["page"] for r in results] == ["linker05.org/", "target.com/", "unknown.net/"]
    assert results[1]["root_domains_to_page"] == LINKERS


def test_wrong_credentials_raise_the_servers_401_without_retrying(server):
    client = LinksClient(server.base_url, server.auth[0], "wrong")
    with pytest.raises(ApiError) as raised:
        client.index_metadata()
    assert raised.value.status == 401


def test_a_bad_parameter_raises_the_servers_400_and_message(server):
    client = LinksClient(server.base_url, *server.auth)
    with pytest.raises(ApiError) as raised:
        list(client.linking_root_domains("target.com", target_scope="planet"))
    assert raised.value.status == 400 and "target_scope" in raised.value.message
