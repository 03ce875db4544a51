"""A 4-shard snapshot answers every V2 endpoint and JSON-RPC link-data method byte for byte as
the 1-shard snapshot of the same web does: lists paged by next_token, multi-target requests
whose targets live in different shards, 410s and the quota object included (docs/scale.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_server import app_server, pass_time
from history_web import history_web
from link_web import link_web
from live_server import Server
from pages_web import pages_web
from records_factory import Crawl
from rpc import call

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index.shards import shard_of
from linkindex.index.snapshot import CurrentSnapshot

SHARDS = 4
FROZEN_CLOCK = 1_900_000_000.0  # both servers issue next_tokens at the same second
CALL_ID = "shards-0000-0000-0000-000000000000"


def crossing_web() -> list[Crawl]:
    """The link web, and links into the pages that redirect or declare a canonical to t.com/
    from other root domains, so a history reads links from more than one shard."""
    crawls = link_web()
    for crawl in crawls:
        crawl.link("http://z1.com/", "http://r.com/go", anchor="go")
        crawl.link("http://z2.com/", "http://canon.com/x", anchor="x")
    return crawls


def build(home: Home, web: str, shards: int) -> None:
    if web == "history":
        first, later = history_web()
        for crawl in first:
            crawl.write(home.crawls)
        build_index(home, shards=shards)  # a first index: PA and DA histories start here
        later.write(home.crawls)
    else:
        for crawl in {"links": crossing_web, "pages": pages_web}[web]():
            crawl.write(home.crawls)
    build_index(home, shards=shards)


WEBS = ("links", "pages", "history")

URL_TARGETS = [
    "t.com/", "t.com", "blog.t.com", "a.com/1", "y.s.com/2", "s.com", "r.com/go", "u.com/",
    "site.com/", "site.com", "blog.site.com/", "dist.com/", "h.com", "h.com/",
    "seomoz.org/blog", "f001.com", "f250.com/", "unknown.example/", "z1.com/",
]  # fmt: skip
T = {"target": "t.com", "scope": "root_domain"}
U = {"target": "u.com/", "scope": "page"}
V = {"target": "v.com", "scope": "root_domain"}
H = {"target": "h.com", "scope": "root_domain"}
HISTORIES = {
    "daily_history_values": ["pages_to_root_domain", "root_domains_to_page", "domain_authority",
                             "page_authority"],
    "monthly_history_deltas": ["root_domains_to_root_domain", "external_pages_to_page"],
}  # fmt: skip

# (V2 endpoint, body); a list that pages is followed by next_token to its end.
V2_REQUESTS: list[tuple[str, dict]] = [
    ("index_metadata", {}),
    ("url_metrics", {"targets": URL_TARGETS}),
    ("url_metrics", {"targets": ["t.com/", "h.com/", "h.com", "dist.com/"], **HISTORIES}),
    ("url_metrics", {"targets": ["t.com", "dist.com/"], "distributions": True}),
    *(("linking_root_domains", {"target": t, "target_scope": s, "sort": sort, "limit": 2})
      for t, s in (("t.com", "root_domain"), ("t.com/", "page"), ("h.com", "root_domain"))
      for sort in ("source_domain_authority", "source_spam_score")),
    ("linking_root_domains", {"target": "t.com", "target_scope": "root_domain", "limit": 2,
                              "sort": "date_gained", "filter": "external+gained_last_60_days"}),
    ("linking_root_domains", {"target": "t.com", "target_scope": "root_domain", "limit": 3,
                              "filter": "external+not_deleted"}),
    *(("links", {"target": t, "target_scope": s, "limit": 2, **extra})
      for t, s in (("t.com/", "page"), ("t.com", "root_domain"), ("a.com/1", "page"),
                   ("s.com", "root_domain"))
      for extra in ({}, {"filter": "external+nofollow"}, {"source_scope": "root_domain"},
                    {"sort": "source_domain_authority"})),
    ("anchor_text", {"target": "t.com/", "scope": "page", "limit": 1}),
    ("anchor_text", {"target": "t.com", "scope": "root_domain", "limit": 2}),
    *(("link_status", {"target": t, "target_scope": ts, "source_scope": ss, "sources": sources})
      for t, ts in (("t.com/", "page"), ("t.com", "root_domain"))
      for ss, sources in (
          ("page", ["a.com/1", "never.com/", "http://c.com/1", "b.com/1", "t.com/about"]),
          ("root_domain", ["a.com", "s.com", "b.com", "t.com", "never.com"]),
          ("subdomain", ["y.s.com", "x.s.com", "old.t.com", "a.com"]),
      )),
    *(("link_intersect", {"positive_targets": positive, "negative_targets": negative,
                          "limit": 2, **extra})
      for positive, negative in (([T, U], [V]), ([U, T, H], []), ([T, V], [U]))
      for extra in ({}, {"sort": "source_spam_score"}, {"source_scope": "root_domain"},
                    {"minimum_matching_targets": 2})),
    *(("top_pages", {"target": t, "scope": s, "limit": 3, **extra})
      for t, s in (("site.com", "root_domain"), ("blog.site.com", "subdomain"),
                   ("t.com", "root_domain"), ("site.com/a", "page"))
      for extra in ({}, {"sort": "root_domains_to_page"}, {"filter": "status_200"})),
    ("global_top_pages", {"limit": 50}),
    ("global_top_root_domains", {"limit": 50}),
    *(("final_redirect", {"page": p})
      for p in ("seomoz.org/blog", "r.com/start", "loop.com/a", "chain.com/0", "chain.com/1",
                "site.com/moved", "old.t.com/page", "t.com/")),
]  # fmt: skip

SITE_T = {"query": "t.com/", "scope": "url"}
DOMAINS = [
    {"query": q, "scope": "domain"} for q in ("t.com", "s.com", "site.com", "h.com", "v.com")
]
RPC_REQUESTS: list[tuple[str, dict]] = [
    ("data.site.metrics.fetch", {"site_query": {"query": "t.com", "scope": "domain"}}),
    ("data.site.metrics.fetch.multiple",
     {"site_queries": [{"query": t, "scope": "url"} for t in URL_TARGETS[:12]] + DOMAINS}),
    ("data.site.link.list", {"site_query": SITE_T, "offset": {"limit": 2}}),
    ("data.site.link.list", {"site_query": {"query": "t.com", "scope": "domain"},
                             "offset": {"limit": 3}, "options": {"scope": "domain"}}),
    ("data.site.link.filter.anchor-text",
     {"site_query": SITE_T, "anchor_text": "Best Widgets", "offset": {"limit": 1}}),
    ("data.site.link.filter.domain",
     {"site_query": SITE_T, "domain_site_query": {"query": "s.com", "scope": "domain"}}),
    ("data.site.link.status.fetch",
     {"target_site_query": SITE_T, "source_site_query": {"query": "a.com/1", "scope": "url"}}),
    ("data.site.link.status.fetch.multiple", {"queries": [
        {"target_site_query": target, "source_site_query": {"query": s, "scope": scope}}
        for target in (SITE_T, {"query": "t.com", "scope": "domain"})
        for s, scope in (("a.com/1", "url"), ("b.com/1", "url"), ("s.com", "domain"),
                         ("y.s.com", "subdomain"))
    ]}),
    ("data.site.link.intersect.fetch",
     {"is_linking_to": [{"query": "t.com", "scope": "domain"}, {"query": "u.com/", "scope": "url"}],
      "not_linking_to": [{"query": "v.com", "scope": "domain"}], "offset": {"limit": 2}}),
    ("data.site.link.intersect.fetch",
     {"is_linking_to": [{"query": "t.com", "scope": "domain"}], "options": {"scope": "domain"},
      "offset": {"limit": 2}}),
    ("data.site.anchor-text.list", {"site_query": SITE_T, "offset": {"limit": 1}}),
    ("data.site.linking-domain.list", {"site_query": {"query": "t.com", "scope": "domain"},
                                       "offset": {"limit": 2}}),
    ("data.site.linking-domain.filter.recently-gained",
     {"site_query": {"query": "h.com", "scope": "domain"}}),
    ("data.site.linking-domain.filter.recently-lost",
     {"site_query": {"query": "t.com", "scope": "domain"}}),
    ("data.site.top-page.list", {"site_query": {"query": "site.com", "scope": "domain"},
                                 "offset": {"limit": 3}}),
    ("data.site.metrics.distributions.fetch",
     {"site_query": {"query": "dist.com/", "scope": "url"}}),
    ("data.site.metrics.histories.fetch",
     {"site_query": {"query": "h.com", "scope": "domain"},
      "get_daily_history_values_for": ["pages_to_root_domain", "domain_authority"],
      "get_monthly_history_deltas_for": ["root_domains_to_root_domain"]}),
    ("data.site.redirect.fetch", {"site_query": {"query": "seomoz.org/blog", "scope": "url"}}),
]  # fmt: skip


@pytest.fixture(scope="module", params=WEBS)
def pair(request, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    """The same web built unsharded and in SHARDS shards, each served in-process; both sign
    next_tokens with one key and one frozen clock, so equal answers are equal bytes."""
    web = request.param
    homes = []
    for shards in (1, SHARDS):
        home = Home(tmp_path_factory.mktemp(f"{web}-{shards}") / "home").ensure()
        build(home, web, shards)
        homes.append(home)
    with app_server(homes[0]) as one, app_server(homes[1]) as four:
        secret = one.app.state.tokens._secret
        for server in (one, four):
            server.app.state.tokens._secret = secret
            server.app.state.tokens.clock = lambda: FROZEN_CLOCK
        yield one, four


def v2_pages(server: Server, endpoint: str, body: dict) -> Iterator[bytes]:
    """Each page's raw answer, following next_token while there is one."""
    while True:
        response = server.post(endpoint, body)
        yield f"{response.status_code} ".encode() + response.content
        token = response.json().get("next_token") if response.status_code == 200 else None
        if not token:
            return
        body = {**body, "next_token": token}


def rpc_pages(server: Server, method: str, data: dict) -> Iterator[bytes]:
    while True:
        body = call(method, data, call_id=CALL_ID)
        headers = {"x-moz-token": server.credential.token}
        response = server.http.post(f"{server.base_url}/jsonrpc", json=body, headers=headers)
        yield f"{response.status_code} ".encode() + response.content
        result = response.json().get("result") or {}
        token = (result.get("offset") or {}).get("token")
        if not token:
            return
        data = {**data, "offset": {**data.get("offset", {}), "token": token}}


def test_the_index_id_does_not_depend_on_the_shard_count(pair):
    one, four = (CurrentSnapshot(server.home.snapshots).get() for server in pair)
    assert one.index_id == four.index_id
    assert (one.stores.count, four.stores.count) == (0, SHARDS)


def test_the_webs_targets_are_spread_over_the_shards():
    roots = ("t.com", "a.com", "s.com", "u.com", "v.com", "site.com", "h.com", "r.com", "z1.com")
    assert len({shard_of(root, SHARDS) for root in roots}) == SHARDS


@pytest.mark.parametrize(("endpoint", "body"), V2_REQUESTS)
def test_every_v2_answer_is_the_same_bytes(pair, endpoint, body):
    one, four = pair
    answers = list(v2_pages(one, endpoint, body))
    assert answers[0].startswith(b"200 ")
    assert list(v2_pages(four, endpoint, body)) == answers


@pytest.mark.parametrize(("method", "data"), RPC_REQUESTS)
def test_every_jsonrpc_answer_is_the_same_bytes(pair, method, data):
    one, four = pair
    answers = list(rpc_pages(one, method, data))
    assert answers[0].startswith(b"200 ")
    assert list(rpc_pages(four, method, data)) == answers


def test_an_expired_next_token_is_the_same_410(pair):
    body = {"limit": 1}
    answers = []
    for server in pair:
        token = server.post("global_top_root_domains", body).json()["next_token"]
        pass_time(server, 7200)
        answers.append(server.post("global_top_root_domains", {**body, "next_token": token}))
        pass_time(server, -7200)
    assert answers[0].status_code == 410
    assert answers[1].content == answers[0].content


def test_the_quota_is_the_same_after_the_same_requests(pair):
    one, four = pair
    assert four.post("usage_data", {}).content == one.post("usage_data", {}).content
