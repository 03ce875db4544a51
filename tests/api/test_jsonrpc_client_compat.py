"""What real Moz API clients send, answered as docs/api.md says (issue 14): one test per rule.

Empty filter lists, the method spellings clients use, and requests that used to end in a 500.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest
from link_web import INTERNAL, LIVE_EXTERNAL, TARGET, server
from rpc import error_of, result_of, rpc

from linkindex.accounts.keys import KeyStore
from linkindex.api.app import create_app
from linkindex.api.jsonrpc.registry import ALIASES, SEARCH_DATA_ALIASES
from linkindex.home import Home

__all__ = ["server"]  # the module-scoped fixture of link_web

SITE = {"query": TARGET, "scope": "url"}
DOMAIN = {"query": "t.com", "scope": "domain"}


def all_results(server, method: str, items: str, **data) -> list[dict]:
    rows, token = [], None
    while True:
        body = {**data, "offset": {"limit": 2, "token": token}}
        result = result_of(rpc(server, method, body))
        rows += result[items]
        token = result["offset"]["token"]
        if token is None:
            return rows


def pairs(links: list[dict]) -> set[tuple[str, str]]:
    return {(r["source_site_metrics"]["page"], r["target_site_metrics"]["page"]) for r in links}


# 1. An empty filter list is no filter.


def test_link_list_with_an_empty_filter_list_lists_every_live_link(server):
    links = all_results(server, "data.site.link.list", "links", site_query=SITE,
                        options={"filters": []})  # fmt: skip
    # No filter, not even 'external': the internal links are listed too (V2's lone not_deleted).
    assert pairs(links) == LIVE_EXTERNAL | INTERNAL
    v2 = server.all_pages("links", target=TARGET, filter="not_deleted", limit=2)
    assert [r["source_site_metrics"]["page"] for r in links] == [r["source"]["page"] for r in v2]
    result = result_of(rpc(server, "data.site.link.list",
                           {"site_query": SITE, "options": {"filters": []}}))  # fmt: skip
    assert result["options"]["filters"] == []


def test_link_filter_domain_with_an_empty_filter_list_is_no_filter(server):
    data = {"site_query": SITE, "domain_site_query": {"query": "s.com", "scope": "domain"}}
    links = all_results(server, "data.site.link.filter.domain", "links", **data,
                        options={"filters": []})  # fmt: skip
    assert links == all_results(server, "data.site.link.filter.domain", "links", **data)
    assert {source for source, _ in pairs(links)} == {"x.s.com/1", "y.s.com/1", "y.s.com/2"}


def test_linking_domain_list_with_an_empty_filter_list_is_the_default(server):
    data = {"site_query": DOMAIN}
    rows = all_results(server, "data.site.linking-domain.list", "linking_domains", **data,
                       options={"filters": []})  # fmt: skip
    assert rows and rows == all_results(
        server, "data.site.linking-domain.list", "linking_domains", **data
    )
    result = result_of(rpc(server, "data.site.linking-domain.list",
                           {**data, "options": {"filters": []}}))  # fmt: skip
    assert result["options"]["filters"] == []


@pytest.mark.parametrize(
    "method,data",
    [("data.site.link.list", {"site_query": SITE}),
     ("data.site.link.filter.domain",
      {"site_query": SITE, "domain_site_query": {"query": "s.com", "scope": "domain"}}),
     ("data.site.linking-domain.list", {"site_query": DOMAIN})],
)  # fmt: skip
def test_an_empty_string_in_a_filter_list_is_still_a_clear_error(server, method, data):
    body = {**data, "options": {"filters": ["external", ""]}}
    error = error_of(rpc(server, method, body), 400, -32602)
    assert error["data"]["key"] == "options.filters[1]"
    assert "options.filters[1] is empty" in error["message"]


# 2. The method spellings clients use.


def test_the_dotted_anchor_text_filter_is_an_alias_of_the_hyphenated_one(server):
    data = {"site_query": SITE, "anchor_text": "Best Widgets"}
    dotted = result_of(rpc(server, "data.site.link.filter.anchor.text", data))
    assert dotted["links"]
    assert dotted == result_of(rpc(server, "data.site.link.filter.anchor-text", data))


@pytest.mark.parametrize("alias,name", sorted(ALIASES.items()))
def test_every_dotted_spelling_is_answered_as_its_method(server, alias, name):
    # Without parameters both answer the same parameter error (or the same free result).
    dotted, hyphenated = rpc(server, alias, {}), rpc(server, name, {})
    assert dotted.status_code == hyphenated.status_code
    assert dotted.json().get("error") == hyphenated.json().get("error")
    assert dotted.json().get("result") == hyphenated.json().get("result")


def test_aliases_are_listed_in_openapi_x_methods_and_docs(server):
    document = server.http.get(f"{server.base_url}/openapi.json", timeout=10).json()
    operation = document["paths"]["/jsonrpc"]["post"]
    x_methods = operation["x-methods"]
    call_enum = document["components"]["schemas"]["JsonRpcCall"]["properties"]["method"]["enum"]
    docs = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    for alias, name in {**ALIASES, **SEARCH_DATA_ALIASES}.items():
        assert x_methods[alias]["alias_of"] == name
        assert alias in call_enum
        assert f"`{alias}`" in docs, f"docs/api.md does not mention the alias {alias}"
    anchor = x_methods["data.site.link.filter.anchor.text"]
    assert anchor["params"] == x_methods["data.site.link.filter.anchor-text"]["params"]


@pytest.mark.parametrize(
    "method",
    ["data.site.ranking.keywords.list", "data.site.ranking.keyword.list",
     "data.site.ranking-keywords.list", "data.site.ranking_keyword.count",
     "data.site.ranking.keywords.count", "data.keywords.metrics.fetch", "data.serp.list",
     "data.site.rankings.list"],
)  # fmt: skip
def test_every_keyword_family_spelling_says_no_search_data(server, method):
    error = error_of(rpc(server, method, {}), 400, -32658)
    assert error["message"].startswith(f"{method} needs keyword and search-result data")
    assert error["data"]["issue"] == "no-search-data"


# 3. Requests that used to end in a 500 get the protocol's own 400-class errors.


DEEP_OBJECT = '{"a": ' * 1000 + "1" + "}" * 1000
NESTED_1000 = {
    "array": "[" * 1000 + "]" * 1000,
    "object": DEEP_OBJECT,
    "params": '{"jsonrpc": "2.0", "id": "' + "x" * 36 + '", "method": "data.site.link.list",'
    ' "params": {"data": ' + DEEP_OBJECT + "}}",
}


@pytest.mark.parametrize("shape", sorted(NESTED_1000))
def test_a_body_nested_1000_deep_is_a_jsonrpc_parse_error_without_a_traceback(
    tmp_path, caplog, shape
):
    home = Home(tmp_path / "home").ensure()
    credential = KeyStore(home.state / "keys.sqlite").create("test")

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(home), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(
                "/jsonrpc",
                content=NESTED_1000[shape].encode(),
                headers={"x-moz-token": credential.token},
            )

    with caplog.at_level(logging.INFO):
        response = asyncio.run(post())
    assert response.status_code == 400, response.text
    assert response.json() == {
        "id": None,
        "jsonrpc": "2.0",
        "error": {
            "code": -32700,
            "status": 400,
            "data": {},
            "message": "Parse error: the body nests arrays or objects too deeply to be read",
        },
    }
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("method", ["data.global.top-page.list", "data.global.top-domain.list"])
def test_a_global_list_page_number_past_the_lists_is_an_invalid_param(server, method):
    for n in (500, 10**18):
        error = error_of(rpc(server, method, {"page": {"n": n, "limit": 1}}), 400, -32602)
        assert error["data"]["key"] == "page.n"
        assert error["message"] == "Invalid page.n: Expected `int` <= 499"
    # The last page number allowed still answers (empty here: the crafted web is small).
    result = result_of(rpc(server, method, {"page": {"n": 499, "limit": 50}}))
    assert result["page"] == {"n": 499, "limit": 50}
