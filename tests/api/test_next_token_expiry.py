"""An expired next_token, by age or by a newer index, is a 410 "The next token has expired"."""

from __future__ import annotations

from app_server import pass_time
from indexed import build_a_newer_index, built_home
from web import TARGET, crafted_web


def test_token_older_than_its_lifetime_is_a_410(tmp_path_factory, serve_app):
    server = serve_app(
        built_home(tmp_path_factory, crafted_web, "ttl"), {"LINKINDEX_TOKEN_TTL": "1"}
    )
    token = server.post("linking_root_domains", {"target": TARGET, "limit": 5}).json()["next_token"]
    pass_time(server, 2.1)
    response = server.post(
        "linking_root_domains", {"target": TARGET, "limit": 5, "next_token": token}
    )
    assert response.status_code == 410
    assert response.json()["message"] == "The next token has expired"


def test_token_from_before_the_index_changed_is_a_410(tmp_path_factory, serve_app):
    server = serve_app(built_home(tmp_path_factory, crafted_web, "newer"))
    token = server.post("linking_root_domains", {"target": TARGET, "limit": 5}).json()["next_token"]
    build_a_newer_index(server)
    response = server.post(
        "linking_root_domains", {"target": TARGET, "limit": 5, "next_token": token}
    )
    assert response.status_code == 410
    assert response.json()["message"] == "The next token has expired"
