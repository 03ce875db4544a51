"""End to end on a generated multi-crawl web: WARC files -> ingest -> build -> HTTP API (the
app called in-process).

Every expected value comes from the generator's own ground truth (docs/synth.md), computed from
its model without any linkindex code, so these tests check the whole pipeline independently.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from app_server import app_server

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.synth import generate


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    web = generate(root / "web", seed=11, fmt="warc")
    truth = json.loads((web / "ground_truth.json").read_text())
    home = Home(root / "home").ensure()
    kinds = []
    for crawl in truth["crawls"]:  # a build after each crawl: every one after the first merges
        run_ingest([web / crawl["name"]], home, crawl=crawl["name"], progress=False)
        kinds.append(build_index(home).link_state)
    assert kinds == ["full"] + ["incremental"] * (len(kinds) - 1)
    with app_server(home) as server:
        yield server, truth


def all_rows(server, target: str, scope: str, **body) -> list[dict]:
    return server.all_pages(
        "linking_root_domains", target=target, target_scope=scope, limit=50, **body
    )


def truth_targets(truth):
    return [(t["target"], t["scope"], t["linking_root_domains"]) for t in truth["targets"]]


def test_currently_linking_root_domains_and_their_page_counts_match_the_truth(world):
    server, truth = world
    for target, scope, expected in truth_targets(truth):
        got = {r["root_domain"]: r["to_target"] for r in all_rows(server, target, scope)}
        want = {
            e["root_domain"]: {k: e[k] for k in
                               ("pages", "nofollow_pages", "redirect_pages", "deleted_pages")}
            for e in expected if e["pages"] > 0
        }  # fmt: skip
        assert got == want, (target, scope)


def test_deleted_filter_matches_root_domains_with_lost_pages(world):
    server, truth = world
    for target, scope, expected in truth_targets(truth):
        got = {r["root_domain"] for r in all_rows(server, target, scope, filter="external+deleted")}
        assert got == {e["root_domain"] for e in expected if e["deleted_pages"] > 0}, target


def test_recently_gained_and_lost_dates_match_the_truth(world):
    server, truth = world
    index_date = date.fromisoformat(truth["crawls"][-1]["date"])
    since = (index_date - timedelta(days=60)).isoformat()
    for target, scope, expected in truth_targets(truth):
        gained = all_rows(
            server, target, scope, sort="date_gained", filter="external+gained_last_60_days"
        )
        assert {(r["root_domain"], r["date_gained"]) for r in gained} == {
            (e["root_domain"], e["date_gained"]) for e in expected if e["date_gained"] >= since
        }, target
        lost = all_rows(
            server, target, scope, sort="date_lost", filter="external+lost_last_60_days"
        )
        assert {(r["root_domain"], r["date_lost"]) for r in lost} == {
            (e["root_domain"], e["date_lost"])
            for e in expected
            if e["date_lost"] and e["date_lost"] >= since
        }, target


def test_begin_and_end_date_narrow_the_window_and_dates_come_newest_first(world):
    server, truth = world
    index_date = truth["crawls"][-1]["date"]
    for target, scope, expected in truth_targets(truth):
        for sort, term in (("date_gained", "gained"), ("date_lost", "lost")):
            rows = all_rows(
                server, target, scope, sort=sort, filter=f"external+{term}_last_60_days",
                begin_date=index_date, end_date=index_date,
            )  # fmt: skip
            assert {r["root_domain"] for r in rows} == {
                e["root_domain"] for e in expected if e[sort] == index_date
            }, (target, sort)
            window = all_rows(server, target, scope, sort=sort,
                              filter=f"external+{term}_last_60_days")  # fmt: skip
            days = [r[sort] for r in window]
            assert days == sorted(days, reverse=True), (target, sort)


def page_links(server, target: str, **body) -> dict[str, dict]:
    """The target page's direct links (not via a redirect or canonical), by source page."""
    rows = server.all_pages("links", target=target, target_scope="page", limit=50, **body)
    return {
        r["source"]["page"]: r for r in rows if not (r["via_redirect"] or r["via_rel_canonical"])
    }


def truth_links(truth) -> list[tuple[str, list[dict]]]:
    """Per page target, its external direct links (the links endpoint's default filter)."""
    return [
        (t["target"], [e for e in t["links"] if e["external"]])
        for t in truth["targets"]
        if t["scope"] == "page"
    ]


def test_every_links_dates_match_the_truth(world):
    server, truth = world
    for target, expected in truth_links(truth):
        # A list shows live links unless the filter asks for lost ones (docs/api.md).
        rows = page_links(server, target) | page_links(server, target, filter="external+deleted")
        got = {
            page: (r["date_first_seen"], r["date_last_seen"], r["date_disappeared"] or None)
            for page, r in rows.items()
        }
        want = {
            e["source_page"]: (e["date_first_seen"], e["date_last_seen"], e["date_disappeared"])
            for e in expected
        }
        assert got == want, target


def test_deleted_and_not_deleted_links_split_by_the_truth(world):
    server, truth = world
    for target, expected in truth_links(truth):
        lost = {e["source_page"] for e in expected if e["date_disappeared"]}
        assert set(page_links(server, target, filter="external+deleted")) == lost, target
        live = {e["source_page"] for e in expected} - lost
        assert set(page_links(server, target, filter="external+not_deleted")) == live, target


def test_links_gained_and_lost_in_the_last_60_days_match_the_truth(world):
    server, truth = world
    since = (date.fromisoformat(truth["crawls"][-1]["date"]) - timedelta(days=60)).isoformat()
    for target, expected in truth_links(truth):
        gained = page_links(server, target, filter="external+gained_last_60_days")
        assert set(gained) == {
            e["source_page"] for e in expected
            if e["date_first_seen"] >= since and not e["date_disappeared"]
        }, target  # fmt: skip
        lost = page_links(server, target, filter="external+lost_last_60_days")
        assert set(lost) == {
            e["source_page"] for e in expected
            if e["date_disappeared"] and e["date_disappeared"] >= since
        }, target  # fmt: skip


def test_root_domain_metrics_match_the_truth(world):
    server, truth = world
    names = sorted(truth["root_domains"])
    for start in range(0, len(names), 50):
        batch = names[start : start + 50]
        results = server.post("url_metrics", {"targets": batch}).json()["results"]
        for name, metrics in zip(batch, results, strict=True):
            want = truth["root_domains"][name]
            assert metrics["root_domain"] == name
            for field in ("root_domains_to_root_domain", "root_domains_from_root_domain",
                          "pages_crawled_from_root_domain"):  # fmt: skip
                assert metrics[field] == want[field], (name, field)
            assert metrics["link_propensity"] == pytest.approx(want["link_propensity"])


def test_hubs_have_higher_domain_authority_than_the_median(world):
    server, truth = world
    hubs = {
        t["target"] for t in truth["targets"] if "hub" in t["why"] and t["scope"] == "root_domain"
    }
    names = sorted(truth["root_domains"])[:50]
    everyone = server.post("url_metrics", {"targets": names}).json()["results"]
    median = sorted(m["domain_authority"] for m in everyone)[len(everyone) // 2]
    for hub in server.post("url_metrics", {"targets": sorted(hubs)}).json()["results"]:
        assert hub["domain_authority"] > median
