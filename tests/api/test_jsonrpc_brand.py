"""Brand Authority, called in-process: every method name of spec 2.3 and seed 001, one test
per rule."""

from __future__ import annotations

import time

import pytest
from app_server import app_server
from indexed import built_home
from rpc import BRANDED, UNBRANDED, brand_web, data_used, result_of, rpc

from linkindex.accounts.keys import KeyStore
from linkindex.home import Home
from linkindex.index.snapshot import CurrentSnapshot

SEED_001_QUOTA_KEYS = [
    "path", "account_id", "allotted", "used", "reset", "overage", "period_start",
    "period_reset", "usage_key", "usage_value",
]  # fmt: skip
SEED_001_MESSAGE = (
    "A brand authority score does not exist for that target. Call"
    " BetaDataMetricsBrandAuthorityGenerate to have one generated."
)
FETCH = "beta.data.metrics.brand.authority.fetch"
GENERATE = "beta.data.metrics.brand.authority.generate"
ASYNC = "beta.data.metrics.brand.authority.async"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return built_home(tmp_path_factory, brand_web, "brand")


@pytest.fixture(scope="module")
def server(home):
    with app_server(home) as running:
        yield running


def stored_score(home: Home, root_domain: str) -> int:
    evidence = CurrentSnapshot(home.snapshots).get().brand_evidence(root_domain)
    assert evidence is not None and evidence.stored_score is not None
    return evidence.stored_score


def beta_used(server) -> int:
    response = rpc(server, "quota.lookup", {"path": "api.limits.beta.rows"})
    return response.json()["result"]["quota"]["used"]


def test_fetch_answers_seed_001_shape_exactly(server, home):
    result = result_of(rpc(server, FETCH, {"query": BRANDED}))
    assert list(result) == ["quota", "brand_authority_score", "query"]
    assert list(result["quota"]) == SEED_001_QUOTA_KEYS
    assert result["query"] == BRANDED
    assert result["brand_authority_score"] == stored_score(home, BRANDED)
    assert 1 <= result["brand_authority_score"] <= 100


def test_fetch_quota_object_types_are_seed_001s(server):
    quota = result_of(rpc(server, FETCH, {"query": BRANDED}))["quota"]
    assert quota["path"] == "api.limits.beta.rows"
    assert isinstance(quota["account_id"], int) and isinstance(quota["allotted"], int)
    assert isinstance(quota["overage"], bool) and quota["usage_key"] is None
    assert quota["usage_value"] == 1
    assert quota["period_start"] < quota["period_reset"]


def test_fetch_charges_one_row(server):
    before = beta_used(server)
    quota = result_of(rpc(server, FETCH, {"query": BRANDED}))["quota"]
    assert quota["used"] == before + 1 == beta_used(server)


def test_a_url_or_host_is_scored_as_its_root_domain(server, home):
    result = result_of(rpc(server, FETCH, {"query": "https://www.acme.com/about"}))
    assert result["brand_authority_score"] == stored_score(home, BRANDED)
    assert result["query"] == "https://www.acme.com/about"


def test_beta_site_fetch_takes_a_target_query(server, home):
    data = {"target_query": {"query": BRANDED, "scope": "domain", "locale": "en-US"}}
    result = result_of(rpc(server, "beta.data.site.metrics.brand.authority.fetch", data))
    assert list(result) == ["metrics", "target_query"]
    assert result["metrics"] == {"brand_authority_score": stored_score(home, BRANDED)}
    assert result["target_query"]["query"] == BRANDED
    assert result["target_query"]["scope"] == "domain"
    assert result["target_query"]["locale"] == "en-US"


@pytest.mark.parametrize("field,value", [("scope", "subdomain"), ("locale", "en-GB")])
def test_beta_site_fetch_takes_only_domain_and_en_us(server, field, value):
    target = {"query": BRANDED, "scope": "domain", "locale": "en-US", field: value}
    response = rpc(server, "beta.data.site.metrics.brand.authority.fetch", {"target_query": target})
    assert response.status_code == 400
    assert response.json()["error"]["data"]["key"] == f"target_query.{field}"


def test_site_fetch_takes_a_site_query(server, home):
    data = {"site_query": {"query": BRANDED, "scope": "domain"}}
    result = result_of(rpc(server, "data.site.metrics.brand.authority.fetch", data))
    assert list(result) == ["site_metrics", "site_query"]
    assert result["site_metrics"] == {"brand_authority_score": stored_score(home, BRANDED)}
    assert result["site_query"]["query"] == BRANDED


def test_site_fetch_bills_the_data_path(server):
    data = {"site_query": {"query": BRANDED, "scope": "domain"}}
    before = data_used(server)
    result_of(rpc(server, "data.site.metrics.brand.authority.fetch", data))
    assert data_used(server) == before + 1


def test_fetch_without_a_score_is_32655_404_with_seed_001s_message(server):
    response = rpc(server, FETCH, {"query": "d20.com"})
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": -32655,
        "status": 404,
        "data": {},
        "message": SEED_001_MESSAGE,
    }


@pytest.mark.parametrize(
    "method,data",
    [
        (FETCH, {"query": "d21.com"}),
        ("data.site.metrics.brand.authority.fetch",
         {"site_query": {"query": "d21.com", "scope": "domain"}}),
        ("beta.data.site.metrics.brand.authority.fetch",
         {"target_query": {"query": "d21.com", "scope": "domain", "locale": "en-US"}}),
    ],
)  # fmt: skip
def test_every_fetch_name_answers_32655_and_charges_nothing(server, method, data):
    before = (beta_used(server), data_used(server))
    response = rpc(server, method, data)
    assert response.status_code == 404 and response.json()["error"]["code"] == -32655
    assert (beta_used(server), data_used(server)) == before


def test_a_target_not_in_the_index_is_32656_404(server):
    before = beta_used(server)
    for method in (FETCH, GENERATE, ASYNC):
        response = rpc(server, method, {"query": "never-linked.example"})
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == -32656 and error["data"]["value"] == "never-linked.example"
    assert beta_used(server) == before


def test_generate_computes_stores_and_fetch_then_finds_it(server):
    assert rpc(server, FETCH, {"query": UNBRANDED}).status_code == 404
    generated = result_of(rpc(server, GENERATE, {"query": UNBRANDED}))
    assert list(generated) == ["quota", "brand_authority_score", "query"]
    assert generated["query"] == UNBRANDED
    # No root domain names plain.com in its anchors: the formula gives the scale's floor.
    assert generated["brand_authority_score"] == 1
    fetched = result_of(rpc(server, FETCH, {"query": UNBRANDED}))
    assert fetched["brand_authority_score"] == generated["brand_authority_score"]
    site = {"site_query": {"query": UNBRANDED, "scope": "domain"}}
    assert result_of(rpc(server, "data.site.metrics.brand.authority.fetch", site))


def test_generate_charges_one_row(server):
    before = beta_used(server)
    quota = result_of(rpc(server, GENERATE, {"query": "d30.com"}))["quota"]
    assert quota["used"] == before + 1


def test_generate_of_a_stored_score_returns_the_build_score(server, home):
    result = result_of(rpc(server, GENERATE, {"query": BRANDED}))
    assert result["brand_authority_score"] == stored_score(home, BRANDED)


def test_generated_scores_survive_a_restart(home):
    # A restart in-process: a second app on the home, knowing only what the first one stored.
    with app_server(home) as first:
        result_of(rpc(first, GENERATE, {"query": "d31.com"}))
    with app_server(home) as second:
        assert result_of(rpc(second, FETCH, {"query": "d31.com"}))["brand_authority_score"] == 1


def wait_complete(server, call_id: str, seconds: float = 20) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        call = result_of(rpc(server, "async.call.lookup", {"id": call_id}))["async_call"]
        if call["status"] == "complete":
            return call
        time.sleep(0.1)
    raise AssertionError(f"async call {call_id} did not complete")


def test_async_returns_a_pending_call_at_once(server):
    queued = result_of(rpc(server, ASYNC, {"query": "d32.com"}))["async_call"]
    assert list(queued) == ["id", "action", "status", "ttl", "result", "error"]
    assert queued["status"] in ("pending", "processing", "complete")
    assert queued["action"] == GENERATE
    assert queued["result"] is None and queued["error"] is None
    assert 0 < queued["ttl"] <= 3600
    wait_complete(server, queued["id"])  # so its charge lands before the next test counts


def test_async_is_computed_by_the_background_worker_and_fetch_finds_it(server):
    assert rpc(server, FETCH, {"query": "d33.com"}).status_code == 404
    before = beta_used(server)
    queued = result_of(rpc(server, ASYNC, {"query": "d33.com"}))["async_call"]
    done = wait_complete(server, queued["id"])
    assert done["error"] is None
    assert list(done["result"]) == ["quota", "brand_authority_score", "query"]
    assert done["result"]["query"] == "d33.com"
    # Charged once, when the worker computed the score; the lookups are free.
    assert beta_used(server) == before + 1
    fetched = result_of(rpc(server, FETCH, {"query": "d33.com"}))
    assert fetched["brand_authority_score"] == done["result"]["brand_authority_score"]


def test_a_completed_call_expires_10_seconds_after_a_lookup_saw_it(server):
    queued = result_of(rpc(server, ASYNC, {"query": BRANDED}))["async_call"]
    done = wait_complete(server, queued["id"])
    assert done["ttl"] <= 10


def test_lookup_of_an_unknown_id_is_32656(server):
    response = rpc(server, "async.call.lookup", {"id": "00000000-0000-4000-8000-000000000000"})
    assert response.status_code == 404 and response.json()["error"]["code"] == -32656


def test_another_key_cannot_look_up_a_call(server, home):
    other = KeyStore(home.state / "keys.sqlite").create("other")
    queued = result_of(rpc(server, ASYNC, {"query": "d34.com"}))["async_call"]
    response = rpc(server, "async.call.lookup", {"id": queued["id"]}, token=other.token)
    assert response.status_code == 404
    wait_complete(server, queued["id"])


def test_lookup_is_free(server):
    queued = result_of(rpc(server, ASYNC, {"query": "d35.com"}))["async_call"]
    wait_complete(server, queued["id"])
    before = beta_used(server)
    rpc(server, "async.call.lookup", {"id": queued["id"]})
    assert beta_used(server) == before
