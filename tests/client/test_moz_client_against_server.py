"""linkindex.client.MozClient against the real /jsonrpc of a `linkindex serve` on loopback."""

from __future__ import annotations

import pytest
from indexed import built_home
from live_server import start_server, stop_server
from records_factory import fan_in

from linkindex.client import JsonRpcError, MozClient

LINKERS = 60  # more than one offset page of 50


def branded_target() -> list:
    return [fan_in("c1", "2026-01-10", LINKERS, source="https://linker{i:02d}.org/",
                   anchor="Target docs")]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # One server for the module: each test asks about its own domains.
    running = start_server(built_home(tmp_path_factory, branded_target, "moz-client"))
    yield running
    stop_server(running)


def test_the_client_reads_the_index_id_and_its_quota(server):
    with MozClient(server.credential.token, server.base_url) as client:
        assert client.index_id() == server.post("index_metadata", {}).json()["index_id"]
        assert client.quota()["path"] == "api.limits.data.rows"


def test_the_client_fetches_a_stored_brand_authority(server):
    with MozClient(server.credential.token, server.base_url) as client:
        assert 1 <= client.brand_authority("target.com") <= 100


def test_the_client_generates_a_missing_score_when_asked(server):
    with MozClient(server.credential.token, server.base_url) as client:
        with pytest.raises(JsonRpcError) as raised:
            client.brand_authority("linker07.org")
        assert (raised.value.code, raised.value.status) == (-32655, 404)
        assert client.brand_authority("linker07.org", generate=True) == 1
        assert client.brand_authority("linker07.org") == 1


def test_the_client_pages_through_every_linking_domain(server):
    data = {"site_query": {"query": "target.com", "scope": "domain"}}
    with MozClient(server.credential.token, server.base_url) as client:
        rows = list(client.pages("data.site.linking-domain.list", data, "linking_domains"))
    assert len(rows) == LINKERS
    assert len({r["site_metrics"]["root_domain"] for r in rows}) == LINKERS
