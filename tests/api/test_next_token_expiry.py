"""An expired next_token, by age or by a newer index, is a 410 "The next token has expired"."""

from __future__ import annotations

import time

from indexed import build_a_newer_index, build_crawls
from web import TARGET, crafted_web


def test_token_older_than_its_lifetime_is_a_410(home, serve):
    build_crawls(home, crafted_web())
    server = serve(home, {"LINKINDEX_TOKEN_TTL": "1"})
    token = server.post("linking_root_domains", {"target": TARGET, "limit": 5}).json()["next_token"]
    time.sleep(2.1)
    response = server.post(
        "linking_root_domains", {"target": TARGET, "limit": 5, "next_token": token}
    )
    assert response.status_code == 410
    assert response.json()["message"] == "The next token has expired"


def test_token_from_before_the_index_changed_is_a_410(home, serve):
    build_crawls(home, crafted_web())
    server = serve(home)
    token = server.post("linking_root_domains", {"target": TARGET, "limit": 5}).json()["next_token"]
    build_a_newer_index(home)
    response = server.post(
        "linking_root_domains", {"target": TARGET, "limit": 5, "next_token": token}
    )
    assert response.status_code == 410
    assert response.json()["message"] == "The next token has expired"
