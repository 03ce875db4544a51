"""Domain and Page Authority rules (docs/metrics.md): who votes, how much, and how it is scaled."""

from __future__ import annotations

import json

import numpy as np
import pytest
from build_engines import duckdb_only_for_time
from records_factory import Crawl

from linkindex.home import Home
from linkindex.index.layout import SnapshotLayout
from linkindex.index.snapshot import Snapshot
from linkindex.scoring.calibration import moz_scale
from linkindex.scoring.evidence import farm_factor, spam_factor
from linkindex.scoring.spam_signals import SIGNAL_NAMES
from linkindex.urls import parse_target


def built(engine, home: Home, *crawls: Crawl, **options) -> Snapshot:
    for crawl in crawls:
        crawl.write(home.crawls)
    return Snapshot(home.snapshots / engine.build(home, **options).snapshot)


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


@pytest.fixture(scope="module")
def web_home(tmp_path_factory, engine) -> Home:
    """web() built once per engine, for the tests that only read its index."""
    home = Home(tmp_path_factory.mktemp("authority") / "home").ensure()
    built(engine, home, web())
    return home


@pytest.fixture(scope="module")
def web_snapshot(web_home) -> Snapshot:
    layout = SnapshotLayout(web_home.snapshots)
    return Snapshot(layout.path_of(layout.current_name()))


def test_the_most_linked_hub_gets_the_highest_domain_authority(web_snapshot):
    snapshot = web_snapshot
    scores = {d: metric(snapshot, d, "domain_authority") for d in ("hub.com", "a.com", "c.com")}
    assert scores["hub.com"] > scores["a.com"] > scores["c.com"] == 1


def test_domain_authority_is_the_moz_scale_of_the_domains_evidence(web_snapshot):
    snapshot = web_snapshot
    for domain in ("hub.com", "a.com", "b.com", "c.com"):
        evidence = snapshot.root_domain_scores(domain)["authority_evidence"]
        expected = moz_scale().score(np.array([evidence]))[0]
        assert metric(snapshot, domain, "domain_authority") == expected
    # hub.com: each linker, from one page, counts its trust x sqrt(its strength); a.com and
    # b.com, linked only by each other, carry the farm factor 1 / (1 + 2 / 3) in their trust.
    linkers = [snapshot.root_domain_scores(d) for d in ("a.com", "b.com", "c.com", "d.com")]
    expected = sum(r["trust"] * np.sqrt(r["domain_rank"]) for r in linkers)
    evidence = snapshot.root_domain_scores("hub.com")["authority_evidence"]
    assert evidence == pytest.approx(expected, rel=1e-6)
    assert linkers[0]["trust"] < 0.6 * linkers[2]["trust"] + 1e-9


@duckdb_only_for_time
def test_a_root_domain_linking_from_more_pages_counts_more_but_by_the_log_of_its_pages(
    engine, home
):
    crawl = Crawl("c1", "2026-03-01")
    for i in range(20):
        crawl.page(f"https://one.com/{i}")
        crawl.page(f"https://many.com/{i}")
        crawl.page(f"https://site{i}.com/")
        crawl.link(f"https://many.com/{i}", "https://y.com/")  # 20 pages of many.com
        crawl.link(f"https://site{i}.com/", "https://z.com/")  # 20 root domains, a page each
    crawl.link("https://one.com/0", "https://x.com/")  # 1 page of one.com
    snapshot = built(engine, home, crawl)

    def per_trust(target: str, linker: str) -> float:
        evidence = snapshot.root_domain_scores(target)["authority_evidence"]
        return evidence / snapshot.root_domain_scores(linker)["trust"]

    assert per_trust("y.com", "many.com") == pytest.approx(
        per_trust("x.com", "one.com") * (1 + np.log(20) / 2), rel=1e-6
    )
    da = {d: metric(snapshot, d, "domain_authority") for d in ("x.com", "y.com", "z.com")}
    assert da["x.com"] < da["y.com"] < da["z.com"]


@duckdb_only_for_time
def test_nofollow_links_carry_no_authority(engine, tmp_path):
    plain = built(engine, Home(tmp_path / "plain").ensure(), web())
    crawl = web()
    crawl.link("https://c.com/", "https://a.com/x", nofollow=True)
    crawl.link("https://d.com/", "https://b.com/", ugc=True)
    crawl.link("https://hub.com/", "https://c.com/", sponsored=True)
    nofollow = built(engine, Home(tmp_path / "nofollow").ensure(), crawl)
    for target in ("hub.com/", "a.com/", "a.com/x", "b.com/", "c.com/", "d.com/"):
        for field in ("page_authority", "domain_authority"):
            assert metric(plain, target, field) == metric(nofollow, target, field)
        root = parse_target(target).root_domain
        rank = plain.root_domain_scores(root)["domain_rank"]
        assert rank == nofollow.root_domain_scores(root)["domain_rank"]


@duckdb_only_for_time
def test_lost_links_carry_no_authority(engine, tmp_path):
    plain = built(engine, Home(tmp_path / "plain").ensure(), web())
    earlier = Crawl("c0", "2026-01-01")
    earlier.page("https://c.com/")
    earlier.link("https://c.com/", "https://a.com/x")  # gone by the newest capture of c.com
    with_lost = built(engine, Home(tmp_path / "lost").ensure(), earlier, web())
    assert metric(with_lost, "a.com/x", "deleted_pages_to_page") == 1
    assert metric(with_lost, "a.com/x", "page_authority") == metric(plain, "a.com/x",
                                                                     "page_authority")  # fmt: skip


def test_a_domain_linked_only_by_its_own_circle_is_damped_the_more_it_links_out():
    out, linkers, independent = [0, 3, 30, 30], [1, 1, 2, 2], [0, 0, 0, 1]
    factors = farm_factor(np.array(out), np.array(linkers), np.array(independent))
    assert factors.tolist() == pytest.approx([1.0, 0.5, 1 / 11, 1.0])


def test_a_domain_nobody_in_the_index_links_to_is_not_taken_for_a_farm():
    # A small crawl sees no linker of most real sites: that says nothing about them.
    assert farm_factor(np.array([30]), np.array([0]), np.array([0])).tolist() == [1.0]


def test_links_from_high_spam_domains_carry_nothing_and_unknown_spam_is_not_held_against():
    assert spam_factor(np.array([1, 30, 60, 61, 100, -1])).tolist() == pytest.approx(
        [0.99, 0.7, 0.4, 0.0, 0.0, 1.0]
    )


@duckdb_only_for_time
def test_a_link_farm_of_domains_linking_only_each_other_is_damped(engine, home):
    crawl = web()
    farm = [f"https://farm{i}.com/" for i in range(6)]
    for source in farm:
        crawl.page(source)
        for target in farm:
            if target != source:
                crawl.link(source, target)
        crawl.link(source, "https://c.com/")
    snapshot = built(engine, home, crawl)
    member = snapshot.root_domain_scores("farm0.com")
    assert member["independent_linkers"] == 0 and member["trust"] < 0.5
    # hub.com has four independent linkers: no farm factor, only its spam signals weigh.
    hub = snapshot.root_domain_scores("hub.com")
    assert hub["independent_linkers"] == 4 and hub["trust"] > 0.5


@duckdb_only_for_time
def test_identical_input_gives_identical_scores(engine, tmp_path):
    first = built(engine, Home(tmp_path / "one").ensure(), web())
    second = built(engine, Home(tmp_path / "two").ensure(), web())
    assert first.index_id == second.index_id
    for target in ("hub.com/", "a.com/", "a.com/x", "b.com/", "c.com/"):
        assert first.url_metrics(parse_target(target)) == second.url_metrics(parse_target(target))
    assert first.meta["calibration"] == second.meta["calibration"]


def test_unseen_targets_score_1(web_snapshot):
    snapshot = web_snapshot
    assert metric(snapshot, "never-seen.org/page", "page_authority") == 1
    assert metric(snapshot, "never-seen.org", "domain_authority") == 1


def test_every_index_stores_the_one_scale(web_snapshot):
    snapshot = web_snapshot
    for score in ("domain_authority", "page_authority", "brand_authority"):
        assert snapshot.meta["calibration"][score] == moz_scale().to_json()


@duckdb_only_for_time
def test_adding_unrelated_sites_leaves_every_existing_score_unchanged(engine, tmp_path):
    alone = built(engine, Home(tmp_path / "alone").ensure(), web())
    unrelated = Crawl("c9", "2026-03-01")  # a web of its own, with a much stronger hub
    for i in range(40):
        unrelated.page(f"https://other{i}.org/")
        unrelated.link(f"https://other{i}.org/", "https://bighub.org/")
        unrelated.link(f"https://other{i}.org/", f"https://other{(i + 1) % 40}.org/")
    together = built(engine, Home(tmp_path / "together").ensure(), web(), unrelated)
    for target in ("hub.com/", "a.com/", "a.com/x", "b.com/", "c.com/", "d.com/"):
        for field in ("domain_authority", "page_authority", "spam_score"):
            assert metric(together, target, field) == metric(alone, target, field), (target, field)
    assert metric(together, "bighub.org", "domain_authority") > metric(
        alone, "hub.com", "domain_authority"
    )


@duckdb_only_for_time
def test_a_page_never_scores_above_its_domain(engine, home):
    crawl = web()
    for i in range(5):
        crawl.page(f"https://hub.com/deep/{i}")
        crawl.link("https://hub.com/", f"https://hub.com/deep/{i}")
    crawl.link("https://c.com/", "https://hub.com/deep/0")
    snapshot = built(engine, home, crawl)
    pages = snapshot.page_authority_rows()
    domain = {r[0]: r[1] for r in snapshot.root_domain_score_rows()}
    assert all(pa <= domain[parse_target(page).root_domain] for page, pa, _ in pages)
    # the home page carries its domain's evidence; a deep page only what links give it
    assert metric(snapshot, "hub.com/", "page_authority") == metric(
        snapshot, "hub.com", "domain_authority"
    )
    assert metric(snapshot, "hub.com/deep/1", "page_authority") < metric(
        snapshot, "hub.com/", "page_authority"
    )


@duckdb_only_for_time
def test_spam_scores_are_recomputed_on_every_build_and_dated(engine, home):
    snapshot = built(engine, home, web())
    assert snapshot.meta["spam_score_update_days"] == ["2026-03-01"]
    more = Crawl("c2", "2026-04-01")
    more.page("https://e.com/")
    assert built(engine, home, more).meta["spam_score_update_days"] == ["2026-03-01", "2026-04-01"]


def test_explain_shows_sources_flags_and_link_propensity_counts(web_home):
    from typer.testing import CliRunner

    from linkindex.cli import app

    result = CliRunner().invoke(app, ["explain", "hub.com", "--json", "--home", str(web_home.root)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    sources = report["domain_authority"]["strongest_sources"]
    assert {s["root_domain"] for s in sources} == {"a.com", "b.com", "c.com", "d.com"}
    assert sources[0]["share"] >= sources[-1]["share"] > 0
    assert len(report["spam_score"]["signals"]) == len(SIGNAL_NAMES)
    assert {"signal", "hit", "value", "rule"} <= set(report["spam_score"]["signals"][0])
    lp = report["link_propensity"]
    assert (lp["root_domains_from_root_domain"], lp["pages_crawled_from_root_domain"]) == (0, 1)


def test_explain_renders_for_people_and_refuses_a_bad_target(web_home):
    from typer.testing import CliRunner

    from linkindex.cli import app

    runner = CliRunner()
    text = runner.invoke(app, ["explain", "a.com", "--home", str(web_home.root)])
    assert text.exit_code == 0 and "Domain Authority" in text.stdout
    assert "Link Propensity" in text.stdout
    bad = runner.invoke(app, ["explain", "mailto:x@y.z", "--home", str(web_home.root)])
    assert bad.exit_code == 1


@duckdb_only_for_time
def test_a_refitted_spam_model_makes_a_new_index_of_the_same_crawls(engine, tmp_path, monkeypatch):
    from linkindex.builder import pipeline

    first = built(engine, Home(tmp_path / "one").ensure(), web())
    refitted = tmp_path / "spam_model.json"
    data = json.loads(pipeline.MODEL_PATH.read_text())
    data["intercept"] -= 1.0
    refitted.write_text(json.dumps(data))
    monkeypatch.setattr(pipeline, "MODEL_PATH", refitted)
    second = built(engine, Home(tmp_path / "two").ensure(), web())
    assert second.index_id != first.index_id
