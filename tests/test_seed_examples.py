"""The seeds' request examples, run as written against the demo index (host and key changed)."""

from __future__ import annotations

import json
import subprocess
import sys

# Seed 002's cURL example, verbatim but for the URL and the credentials.
SEED_002_CURL = (
    """curl -d  '{"target": "moz.com/blog", "target_scope": "page", "filter": "external", """
    """"sort": "source_domain_authority", "limit": 1}' -X POST """
    """https://lsapi.seomoz.com/v2/linking_root_domains -u 'access_id:secret_key'"""
)
LRD_FIELDS = ["root_domain", "root_domains_to_root_domain", "domain_authority",
              "link_propensity", "spam_score", "to_target"]  # fmt: skip


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


# Seed 001's cURL example, verbatim but for the URL and the token.
SEED_001_CURL = """curl --request POST \\
  --url https://api.moz.com/jsonrpc \\
  --header 'Content-Type: application/json' \\
--header 'x-moz-token: [[YOUR TOKEN HERE]]' \\
  --data '{
    "jsonrpc": "2.0",
    "id": "880de189-de78-481d-8549-450cb72d8060",
    "method": "beta.data.metrics.brand.authority.fetch",
    "params": {
    "data": {
        "query": "moz.com"
    }
    }
  }'
"""

# Seed 001's Python example, verbatim but for the URL and a token added to its headers.
SEED_001_PYTHON = """
import requests
url = "https://api.moz.com/jsonrpc"
payload = {
  "jsonrpc": "2.0",
  "id": "ff0f4bf4-f15c-4c31-a4d6-340fe348a062",
  "method": "beta.data.metrics.brand.authority.fetch",
  "params": {
    "data": {"query": "moz.com"}
  }
}
headers = {"Content-Type": "application/json"}
response = requests.request("POST", url, json=payload, headers=headers)
print(response.text)
"""
SEED_001_QUOTA_KEYS = [
    "path", "account_id", "allotted", "used", "reset", "overage", "period_start",
    "period_reset", "usage_key", "usage_value",
]  # fmt: skip


def seed_001(server, text: str) -> str:
    return text.replace("https://api.moz.com", server.base_url).replace(
        "[[YOUR TOKEN HERE]]", server.credential.token
    )


def with_query(snippet: str, query: str) -> str:
    return snippet.replace('{"query": "moz.com"}', f'{{"query": "{query}"}}')


def run_python(server, snippet: str) -> dict:
    snippet = seed_001(server, snippet).replace(
        '{"Content-Type": "application/json"}',
        f'{{"Content-Type": "application/json", "x-moz-token": "{server.credential.token}"}}',
    )
    done = subprocess.run(
        [sys.executable, "-c", snippet], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_seed_001_result(payload: dict, call_id: str, query: str) -> None:
    assert list(payload) == ["id", "jsonrpc", "result"]
    assert payload["id"] == call_id and payload["jsonrpc"] == "2.0"
    result = payload["result"]
    assert list(result) == ["quota", "brand_authority_score", "query"]
    assert list(result["quota"]) == SEED_001_QUOTA_KEYS
    assert isinstance(result["brand_authority_score"], int)
    assert 1 <= result["brand_authority_score"] <= 100
    assert result["query"] == query


def test_seed_001_curl_example_answers_in_the_jsonrpc_error_shape_for_moz_com(demo_server):
    payload = run_curl(demo_server, seed_001(demo_server, SEED_001_CURL))
    assert payload["id"] == "880de189-de78-481d-8549-450cb72d8060"
    assert payload["error"]["code"] == -32656  # moz.com is not in the sample crawl
    assert payload["error"]["status"] == 404


def test_seed_001_curl_example_on_a_sample_domain_answers_seed_001s_shape(demo_server):
    command = seed_001(demo_server, SEED_001_CURL).replace("moz.com", "github.com")
    payload = run_curl(demo_server, command)
    assert_seed_001_result(payload, "880de189-de78-481d-8549-450cb72d8060", "github.com")


def test_seed_001_python_example_on_a_sample_domain_answers_seed_001s_shape(demo_server):
    payload = run_python(demo_server, with_query(SEED_001_PYTHON, "github.com"))
    assert_seed_001_result(payload, "ff0f4bf4-f15c-4c31-a4d6-340fe348a062", "github.com")


def test_seed_001_python_example_as_written_gets_a_jsonrpc_answer(demo_server):
    payload = run_python(demo_server, SEED_001_PYTHON)
    assert payload["id"] == "ff0f4bf4-f15c-4c31-a4d6-340fe348a062"
    assert payload["error"]["code"] == -32656


def test_seed_001_generate_then_fetch_on_a_domain_without_a_score(demo_server):
    snippet = with_query(SEED_001_PYTHON, "w3.org")
    assert run_python(demo_server, snippet)["error"]["code"] == -32655
    generate = snippet.replace("brand.authority.fetch", "brand.authority.generate")
    generated = run_python(demo_server, generate)["result"]
    fetched = run_python(demo_server, snippet)
    assert_seed_001_result(fetched, "ff0f4bf4-f15c-4c31-a4d6-340fe348a062", "w3.org")
    assert fetched["result"]["brand_authority_score"] == generated["brand_authority_score"]
