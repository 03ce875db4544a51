"""The curl examples of docs/api.md for the link-level endpoints, run against the demo index."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[2] / "docs" / "api.md"
ENDPOINTS = ("links", "anchor_text", "link_status", "link_intersect")


def curl_example(endpoint: str) -> str:
    """The sh block under the endpoint's heading, as one command line."""
    section = DOCS.read_text().split(f"## `POST /v2/{endpoint}`", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, f"docs/api.md has no curl example for {endpoint}"
    return block.group(1).replace("\\\n", " ")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_docs_curl_example_answers_with_data(demo_server, endpoint):
    command = curl_example(endpoint)
    command = command.replace("http://127.0.0.1:8000", demo_server.base_url)
    command = command.replace("access_id:secret_key", ":".join(demo_server.auth))
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    if endpoint == "link_status":
        assert payload["exists"] and any(payload["exists"]), payload
    else:
        assert payload["results"], payload
