"""An expired next_token, by age or by a newer index, is a 410 "The next token has expired"."""

from __future__ import annotations

import time

from records_factory import Crawl
from web import TARGET, crafted_web

from linkindex.build.pipeline import build_index


def test_token_older_than_its_lifetime_is_a_410(home, serve):
    for crawl in crafted_web():
        crawl.write(home.crawls)
    build_index(home)
    server = serve(home, {"LINKINDEX_TOKEN_TTL": "1"})
    token = server.post("linking_root_domains", {"target": TARGET, "limit": 5}).json()["next_token"]
    time.sleep(2.1)
    response = server.post(
        "linking_root_domains", {"target": TARGET, "limit": 5, "next_token": token}
    )
    assert response.status_code == 410
    assert response.json()["message"] == "The next token has expired"


def test_token_from_before_the_index_changed_is_a_410(home, serve):
    for crawl in crafted_web():
        crawl.write(home.crawls)
    build_index(home)
    server = serve(home)
    token = server.post("linking_root_domains", {"target": TARGET, "limit": 5}).json()["next_token"]
    extra = Crawl("c3", "2026-03-05")
    extra.page("http://late.com/")
    extra.link("http://late.com/", "http://t.com/")
    extra.write(home.crawls)
    build_index(home)
    time.sleep(1.0)  # the server rechecks the CURRENT pointer every 0.5 s
    response = server.post(
        "linking_root_domains", {"target": TARGET, "limit": 5, "next_token": token}
    )
    assert response.status_code == 410
    assert response.json()["message"] == "The next token has expired"
