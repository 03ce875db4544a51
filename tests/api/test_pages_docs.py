"""The page-list endpoints and url_metrics modifiers are documented: docs/api.md and OpenAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkindex.api.openapi import openapi_document
from linkindex.api.v2_pages import ENDPOINTS

API_DOC = Path(__file__).parents[2] / "docs" / "api.md"
NAMES = [endpoint.name for endpoint in ENDPOINTS]


@pytest.mark.parametrize("name", NAMES)
def test_each_endpoint_has_a_section_with_a_curl_example(name):
    text = API_DOC.read_text()
    heading = f"## `POST /v2/{name}`"
    assert heading in text
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    assert f"/v2/{name} -u" in section.replace("\\\n  ", "")


@pytest.mark.parametrize("name", NAMES)
def test_each_endpoint_is_in_the_openapi_document(name):
    assert f"/v2/{name}" in openapi_document()["paths"]


def test_openapi_describes_the_url_metrics_modifiers_and_their_output():
    schemas = openapi_document()["components"]["schemas"]
    request = schemas["UrlMetricsRequest"]["properties"]
    for field in ("distributions", "daily_history_deltas", "monthly_history_values"):
        assert field in request
    assert "distributions" in schemas["UrlMetricsResult"]["properties"]
    assert len(schemas["Distributions"]["properties"]) == 13


def test_the_url_metrics_modifiers_have_a_section():
    assert "## `url_metrics` modifiers" in API_DOC.read_text()
