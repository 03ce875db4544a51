"""Domain and Page Authority rules (docs/metrics.md): who votes, how much, and how it is scaled."""

from __future__ import annotations

import json

import numpy as np
import pytest
from records_factory import Crawl

from linkindex.build.authority import farm_factor, spam_factor
from linkindex.build.pipeline import build_index
from linkindex.home import Home
from linkindex.index.snapshot import Snapshot
from linkindex.urls import parse_target


def built(home: Home, *crawls: Crawl, **options) -> Snapshot:
    for crawl in crawls:
        crawl.write(home.crawls)
    return Snapshot(home.snapshots / build_index(home, **options).snapshot)


def metric(snapshot: Snapshot, target: str, field: str) -> object:
    return snapshot.url_metrics(parse_target(target))[field]


def web() -> Crawl:
    """hub.com is linked from four root domains; a.com and b.com link to each other."""
    crawl = Crawl("c1", "2026-03-01")
    for url in ("https://hub.com/", "https://a.com/", "https://b.com/", "https://c.com/",
                "https://d.com/", "https://a.com/x"):  # fmt: skip
        crawl.page(url)
    for source in ("https://a.com/", "https://b.com/", "https://c.com/", "https://d.com/"):
        crawl.link(source, "https://hub.com/")
    crawl.link("https://a.com/", "https://b.com/")
    crawl.link("https://b.com/", "https://a.com/x")
    return crawl


def test_the_most_linked_hub_gets_the_highest_domain_authority(home):
    snapshot = built(home, web())
    scores = {d: metric(snapshot, d, "domain_authority") for d in ("hub.com", "a.com", "c.com")}
    assert scores["hub.com"] == 100
    assert scores["hub.com"] > scores["a.com"] > scores["c.com"] == 1


def test_a_linking_root_domain_counts_once_however_many_of_its_pages_link(home):
    crawl = Crawl("c1", "2026-03-01")
    for i in range(20):
        crawl.page(f"https://one.com/{i}")
        crawl.page(f"https://many.com/{i}")
        crawl.link(f"https://many.com/{i}", "https://y.com/")  # 20 pages of many.com
    crawl.link("https://one.com/0", "https://x.com/")  # 1 page of one.com
    snapshot = built(home, crawl)
    for field in ("domain_authority", "page_authority"):
        assert metric(snapshot, "x.com/", field) == metric(snapshot, "y.com/", field)
    x, y = snapshot.root_domain_scores("x.com"), snapshot.root_domain_scores("y.com")
    assert x["domain_rank"] == pytest.approx(y["domain_rank"], rel=1e-9)
    page_x = snapshot.authority_sources("page", "x.com/")
    page_y = snapshot.authority_sources("page", "y.com/")
    assert page_x[0][1] == pytest.approx(page_y[0][1], rel=1e-9)


def test_nofollow_links_carry_no_authority(tmp_path):
    plain = built(Home(tmp_path / "plain").ensure(), web())
    crawl = web()
    crawl.link("https://c.com/", "https://a.com/x", nofollow=True)
    crawl.link("https://d.com/", "https://b.com/", ugc=True)
    crawl.link("https://hub.com/", "https://c.com/", sponsored=True)
    nofollow = built(Home(tmp_path / "nofollow").ensure(), crawl)
    for target in ("hub.com/", "a.com/", "a.com/x", "b.com/", "c.com/", "d.com/"):
        for field in ("page_authority", "domain_authority"):
            assert metric(plain, target, field) == metric(nofollow, target, field)
        root = parse_target(target).root_domain
        rank = plain.root_domain_scores(root)["domain_rank"]
        assert rank == nofollow.root_domain_scores(root)["domain_rank"]


def test_lost_links_carry_no_authority(tmp_path):
    plain = built(Home(tmp_path / "plain").ensure(), web())
    earlier = Crawl("c0", "2026-01-01")
    earlier.page("https://c.com/")
    earlier.link("https://c.com/", "https://a.com/x")  # gone by the newest capture of c.com
    with_lost = built(Home(tmp_path / "lost").ensure(), earlier, web())
    assert metric(with_lost, "a.com/x", "deleted_pages_to_page") == 1
    assert metric(with_lost, "a.com/x", "page_authority") == metric(plain, "a.com/x",
                                                                     "page_authority")  # fmt: skip


def test_a_domain_no_independent_domain_links_to_is_damped_the_more_it_links_out():
    factors = farm_factor(np.array([0, 3, 30, 30]), np.array([0, 0, 0, 1]))
    assert factors.tolist() == pytest.approx([1.0, 0.5, 1 / 11, 1.0])


def test_links_from_high_spam_domains_carry_nothing_and_unknown_spam_is_not_held_against():
    assert spam_factor(np.array([1, 30, 60, 61, 100, -1])).tolist() == pytest.approx(
        [0.99, 0.7, 0.4, 0.0, 0.0, 1.0]
    )


def test_a_link_farm_of_domains_linking_only_each_other_is_damped(home):
    crawl = web()
    farm = [f"https://farm{i}.com/" for i in range(6)]
    for source in farm:
        crawl.page(source)
        for target in farm:
            if target != source:
                crawl.link(source, target)
        crawl.link(source, "https://c.com/")
    snapshot = built(home, crawl)
    member = snapshot.root_domain_scores("farm0.com")
    assert member["independent_linkers"] == 0 and member["trust"] < 0.5
    # hub.com has four independent linkers: only its Spam Score lowers its trust.
    assert snapshot.root_domain_scores("hub.com")["trust"] == pytest.approx(
        1.0 - metric(snapshot, "hub.com", "spam_score") / 100
    )


def test_identical_input_gives_identical_scores(tmp_path):
    first = built(Home(tmp_path / "one").ensure(), web())
    second = built(Home(tmp_path / "two").ensure(), web())
    assert first.index_id == second.index_id
    for target in ("hub.com/", "a.com/", "a.com/x", "b.com/", "c.com/"):
        assert first.url_metrics(parse_target(target)) == second.url_metrics(parse_target(target))
    assert first.meta["calibration"] == second.meta["calibration"]


def test_unseen_targets_score_1(home):
    snapshot = built(home, web())
    assert metric(snapshot, "never-seen.org/page", "page_authority") == 1
    assert metric(snapshot, "never-seen.org", "domain_authority") == 1


def test_the_calibration_is_stored_and_reused_by_the_next_build_of_similar_data(home):
    first = built(home, web())
    fitted = first.meta["calibration"]["domain_authority"]
    assert fitted["fitted_on"] == first.index_id
    more = Crawl("c2", "2026-04-01")
    more.page("https://e.com/")
    more.link("https://e.com/", "https://hub.com/")
    second = built(home, more)
    assert second.index_id != first.index_id
    assert second.meta["calibration"]["domain_authority"] == fitted
    third = built(home, recalibrate=True)
    assert third.meta["calibration"]["domain_authority"]["fitted_on"] == third.index_id


def test_spam_scores_are_recomputed_on_every_build_and_dated(home):
    snapshot = built(home, web())
    assert snapshot.meta["spam_score_update_days"] == ["2026-03-01"]
    more = Crawl("c2", "2026-04-01")
    more.page("https://e.com/")
    assert built(home, more).meta["spam_score_update_days"] == ["2026-03-01", "2026-04-01"]


def test_explain_shows_sources_flags_and_link_propensity_counts(home, capsys):
    from typer.testing import CliRunner

    from linkindex.cli import app

    built(home, web())
    result = CliRunner().invoke(app, ["explain", "hub.com", "--json", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    sources = report["domain_authority"]["strongest_sources"]
    assert {s["root_domain"] for s in sources} == {"a.com", "b.com", "c.com", "d.com"}
    assert sources[0]["share"] >= sources[-1]["share"] > 0
    assert len(report["spam_score"]["signals"]) == 19
    assert {"signal", "hit", "value", "rule"} <= set(report["spam_score"]["signals"][0])
    lp = report["link_propensity"]
    assert (lp["root_domains_from_root_domain"], lp["pages_crawled_from_root_domain"]) == (0, 1)


def test_explain_renders_for_people_and_refuses_a_bad_target(home):
    from typer.testing import CliRunner

    from linkindex.cli import app

    built(home, web())
    runner = CliRunner()
    text = runner.invoke(app, ["explain", "a.com", "--home", str(home.root)])
    assert text.exit_code == 0 and "Domain Authority" in text.stdout
    assert "Link Propensity" in text.stdout
    bad = runner.invoke(app, ["explain", "mailto:x@y.z", "--home", str(home.root)])
    assert bad.exit_code == 1
