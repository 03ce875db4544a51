"""GET /explain: the explain report as a web page, behind the API's credentials."""

from __future__ import annotations

import base64

import pytest
import requests
from records_factory import fan_in

from linkindex.builder.pipeline import build_index
from linkindex.scoring.spam_signals import SIGNAL_NAMES


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from app_server import app_server

    from linkindex.home import Home

    home = Home(tmp_path_factory.mktemp("explain") / "home").ensure()
    crawl = fan_in("c1", "2026-01-10", 4, anchor="target")
    for path in ("", "a", "b"):  # three pages: enough to get a Spam Score
        crawl.page(f"https://target.com/{path}", title="Target")
    crawl.write(home.crawls)
    build_index(home)
    with app_server(home) as server:
        yield server


def get(server, path: str, **kwargs) -> requests.Response:
    return server.http.get(f"{server.base_url}{path}", timeout=10, **kwargs)


def test_the_page_shows_every_score_with_its_evidence(server):
    response = get(server, "/explain?target=target.com", auth=server.auth)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for heading in ("Page Authority", "Domain Authority", "Spam Score", "Link Propensity",
                    "Brand Authority"):  # fmt: skip
        assert f"<h2>{heading}" in page
    assert "source0.org" in page  # a linking root domain among the strongest sources
    assert all(name in page for name in SIGNAL_NAMES)  # every signal is listed with its rule


def test_the_page_asks_a_browser_for_credentials(server):
    response = get(server, "/explain?target=target.com")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")


def test_a_missing_or_bad_target_is_a_400_in_the_api_error_format(server):
    for path in ("/explain", "/explain?target=http://"):
        response = get(server, path, auth=server.auth)
        assert response.status_code == 400, path
        assert response.json()["message"].startswith("target")


def test_the_front_page_lists_the_endpoints_and_searches_in_the_explorer(server):
    page = get(server, "/").text
    assert "POST /v2/linking_root_domains" in page
    assert "POST /jsonrpc" in page and "GET /v2/index_events" in page
    # The search box leads to sign-in, then the overview; /explain is named for API clients.
    assert "action='/explorer'" in page and "/explain?target=" in page


def test_the_json_form_takes_the_apis_bearer_credential_and_is_the_clis_report(server):
    from linkindex.explain import explain
    from linkindex.index.snapshot import CurrentSnapshot

    bearer = {"Authorization": f"Bearer {server.credential.token}"}
    response = get(server, "/explain.json?target=target.com", headers=bearer)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    report = response.json()
    snapshot = CurrentSnapshot(server.home.snapshots).get()
    assert report == explain(snapshot, "target.com")  # `linkindex explain --json`'s object
    assert {s["signal"] for s in report["spam_score"]["signals"]} == set(SIGNAL_NAMES)
    # Basic works as on the page; the secret pair as a Bearer too, as the Explorer sends it.
    assert get(server, "/explain.json?target=target.com", auth=server.auth).json() == report
    pair = base64.b64encode(":".join(server.auth).encode()).decode()
    as_page = {"Authorization": f"Bearer {pair}"}
    assert get(server, "/explain.json?target=target.com", headers=as_page).json() == report


def test_the_json_form_refuses_a_missing_or_wrong_credential_and_bills_nothing(server):
    before = server.post("usage_data", {}).json()["rows_consumed"]
    assert get(server, "/explain.json?target=target.com").status_code == 401
    wrong = {"Authorization": "Bearer not-a-token"}
    assert get(server, "/explain.json?target=target.com", headers=wrong).status_code == 401
    response = get(server, "/explain.json", auth=server.auth)
    assert response.status_code == 400 and response.json()["message"].startswith("target")
    get(server, "/explain.json?target=target.com", auth=server.auth)
    assert server.post("usage_data", {}).json()["rows_consumed"] == before  # free
