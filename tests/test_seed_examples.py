"""The seeds' request examples, run as written against the demo index (host and key changed)."""

from __future__ import annotations

import json
import subprocess

import pytest
from live_server import start_server, stop_server

from linkindex.build.pipeline import build_index
from linkindex.demo import sample_crawls
from linkindex.home import Home
from linkindex.ingest import run_ingest

# Seed 002's cURL example, verbatim but for the URL and the credentials.
SEED_002_CURL = (
    """curl -d  '{"target": "moz.com/blog", "target_scope": "page", "filter": "external", """
    """"sort": "source_domain_authority", "limit": 1}' -X POST """
    """https://lsapi.seomoz.com/v2/linking_root_domains -u 'access_id:secret_key'"""
)
LRD_FIELDS = ["root_domain", "root_domains_to_root_domain", "domain_authority",
              "link_propensity", "spam_score", "to_target"]  # fmt: skip


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("demo") / "home").ensure()
    for crawl, files in sample_crawls().items():
        run_ingest(files, home, crawl=crawl, progress=False)
    build_index(home)
    server = start_server(home)
    yield server
    stop_server(server)


def run_curl(server, command: str) -> dict:
    command = command.replace("https://lsapi.seomoz.com", server.base_url).replace(
        "access_id:secret_key", ":".join(server.auth)
    )
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_seed_002_curl_example_answers_in_the_seed_shape(demo_server):
    payload = run_curl(demo_server, SEED_002_CURL)
    assert list(payload) == ["results", "next_token"]
    assert payload["results"] == []  # moz.com is not in the sample crawl
    assert payload["next_token"] == ""


def test_seed_002_curl_example_on_a_sample_target_returns_seed_fields(demo_server):
    command = SEED_002_CURL.replace("moz.com/blog", "docs.python.org").replace(
        '"page"', '"root_domain"'
    )
    [row] = run_curl(demo_server, command)["results"]
    assert list(row) == LRD_FIELDS
    assert isinstance(row["domain_authority"], int) and 1 <= row["domain_authority"] <= 100
    assert isinstance(row["link_propensity"], float)
    assert isinstance(row["spam_score"], int) and 1 <= row["spam_score"] <= 100
    assert row["to_target"]["pages"] > 0


def test_index_metadata_with_an_empty_json_object(demo_server):
    command = (
        "curl -s -d '{}' -X POST https://lsapi.seomoz.com/v2/index_metadata"
        " -u 'access_id:secret_key'"
    )
    payload = run_curl(demo_server, command)
    assert list(payload) == ["index_id", "spam_score_update_days"]
    assert len(payload["index_id"]) == 24  # 16 bytes in base64, like Moz's


def test_url_metrics_for_a_sample_page(demo_server):
    command = (
        """curl -s -d '{"targets": ["https://docs.python.org/3.11/library/os.html"]}'"""
        " -X POST https://lsapi.seomoz.com/v2/url_metrics -u 'access_id:secret_key'"
    )
    [metrics] = run_curl(demo_server, command)["results"]
    assert metrics["page"] == "docs.python.org/3.11/library/os.html"
    assert metrics["http_code"] == 200 and metrics["title"]
    assert metrics["pages_to_page"] > 0
