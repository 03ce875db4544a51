"""The browser pages as HTTP answers: /explorer, /docs and their assets come from the package,
name no other host, and run under a Content-Security-Policy (the browser drives them in
test_explorer_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linkindex.api.assets import STATIC
from linkindex.home import Home

# Any absolute URL in a page or asset the server ships for a browser to load.
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from app_server import app_server

    with app_server(Home(tmp_path_factory.mktemp("pages") / "home").ensure()) as server:
        yield server


def get(server, path: str):
    return server.http.get(f"{server.base_url}{path}", timeout=10)


@pytest.mark.parametrize("path", ["/explorer", "/docs"])
def test_the_pages_load_only_this_servers_files_under_a_content_security_policy(server, path):
    response = get(server, path)
    assert response.status_code == 200
    assert not EXTERNAL.search(response.text), response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert "<script>" not in response.text  # no inline script: the policy would refuse it
    assert response.headers["referrer-policy"] == "no-referrer"


def explorer_files() -> list[Path]:
    """Every file under static/, the vendored chart library's included."""
    return sorted(path for path in STATIC.rglob("*") if path.is_file())


def test_the_explorer_files_name_no_other_host():
    for path in explorer_files():
        assert not EXTERNAL.search(path.read_text(encoding="utf-8")), path.name


def test_swagger_ui_is_served_from_the_package_with_its_license(server):
    for name, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "css")):
        response = get(server, f"/assets/swagger-ui/{name}")
        assert response.status_code == 200, name
        assert kind in response.headers["content-type"]
    assert "Apache License" in get(server, "/assets/swagger-ui/LICENSE").text
    # Only what /docs loads: the Swagger Editor the package also ships is not served.
    assert get(server, "/assets/swagger-ui/swagger-editor-bundle.js").status_code == 404


def test_the_explorer_scripts_are_served(server):
    for path in explorer_files():  # every file the pages load
        name = path.relative_to(STATIC).as_posix()
        assert get(server, f"/assets/explorer/{name}").status_code == 200, name
    assert "MIT License" in get(server, "/assets/explorer/vendor/uplot/LICENSE").text
    assert get(server, "/assets/explorer/../app.py").status_code == 404
