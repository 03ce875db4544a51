"""`linkindex explain`: it says what the index does not hold, and its sentences agree with its
tables (docs/metrics.md, Explain; the web in tests/explain_web.py)."""

from __future__ import annotations

import json

import pytest
from explain_web import EXTERNAL, KNOWN, LINKED_ONLY, SAME_ROOT_ONLY, UNKNOWN, explain_web
from indexed import built_home
from typer.testing import CliRunner

from linkindex.cli import app
from linkindex.explain import KEPT_SOURCES, explain
from linkindex.home import Home
from linkindex.index.snapshot import CurrentSnapshot, Snapshot


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Home:
    return built_home(tmp_path_factory, explain_web, "explain")


@pytest.fixture(scope="module")
def snapshot(home) -> Snapshot:
    return CurrentSnapshot(home.snapshots).get()


def cli(home: Home, *args: str) -> str:
    result = CliRunner().invoke(app, ["explain", *args, "--home", str(home.root)],
                                env={"COLUMNS": "300"})  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def words(text: str) -> str:
    return " ".join(text.split())


def test_a_target_the_index_never_saw_is_said_to_be_unknown_in_the_json(home):
    report = json.loads(cli(home, UNKNOWN, "--json"))
    assert report["known"] is False and report["status"] == "unknown"
    root, page = report["coverage"]["root_domain"], report["coverage"]["page"]
    assert root == {
        "in_index": False,
        "pages_crawled_from_root_domain": 0,
        "pages_to_root_domain": 0,
        "root_domains_to_root_domain": 0,
        "deleted_pages_to_root_domain": 0,
        "pages_from_root_domain": 0,
    }
    assert page["in_index"] is False and page["crawled"] is False
    assert report["notes"] == [
        f"The index holds no page of {UNKNOWN} and no link to or from it: its scores are "
        "defaults, not measurements (DA 1, PA 1, Spam Score -1 = no score)."
    ]
    assert report["spam_score"]["summary"].startswith("no score")
    assert report["link_propensity"]["summary"].startswith("not measured")


def test_a_target_the_index_never_saw_is_said_to_be_unknown_in_the_text(home):
    text = words(cli(home, UNKNOWN))
    assert f"The index holds no page of {UNKNOWN} and no link to or from it" in text
    assert "its scores are defaults, not measurements" in text
    assert "Page Authority 1: a default" in text and "Domain Authority 1: a default" in text
    assert "Spam Score -1: no score" in text


def test_a_target_known_only_from_links_to_it_says_it_was_never_crawled(home):
    report = json.loads(cli(home, LINKED_ONLY, "--json"))
    assert report["known"] is True and report["status"] == "linked_only"
    assert report["coverage"]["root_domain"]["pages_crawled_from_root_domain"] == 0
    assert report["coverage"]["root_domain"]["pages_to_root_domain"] == 1
    assert report["notes"][0].startswith(
        f"{LINKED_ONLY} is known only from links to it (1 linking page on 1 other root domain); "
        "it was never crawled."
    )
    assert "Spam Score -1 means no score" in report["notes"][0]
    assert report["spam_score"] == {
        "score": -1,
        "summary": "no score, because no page of this root domain was ever crawled.",
        "signals": report["spam_score"]["signals"],
    }
    text = words(cli(home, LINKED_ONLY))
    assert "is known only from links to it" in text and "it was never crawled" in text


def test_a_crawled_target_has_no_notes(snapshot):
    report = explain(snapshot, KNOWN)
    assert (report["known"], report["status"], report["notes"]) == (True, "crawled", [])


def test_a_page_linked_only_from_its_own_root_domain_counts_0_and_names_its_own_root(snapshot):
    pa = explain(snapshot, SAME_ROOT_ONLY)["page_authority"]
    assert pa["linking_root_domains"] == 0
    [source] = pa["strongest_sources"]
    assert (source["root_domain"], source["own_root_domain"]) == ("home.com", True)
    assert source["share"] > 0
    assert pa["summary"].startswith("0 root domains other than its own link to it.")
    assert (
        "Its score comes from its place among the pages of home.com, its own root domain"
        in (pa["summary"])
    )


def test_the_text_marks_its_own_root_domain_in_the_sources_table(home):
    text = cli(home, SAME_ROOT_ONLY)
    assert "home.com (its own root domain)" in text
    assert "From 0 linking root domains" not in text and "from 0 linking root domains" not in text


def test_an_external_linker_is_counted_and_listed_and_a_nofollow_one_only_counted(snapshot):
    pa = explain(snapshot, EXTERNAL)["page_authority"]
    external = [s["root_domain"] for s in pa["strongest_sources"] if not s["own_root_domain"]]
    assert external == ["ext.com"]
    # nf.com links with nofollow only: counted, said so, and absent from the table
    assert (pa["linking_root_domains"], pa["nofollow_linking_root_domains"]) == (2, 1)
    assert pa["summary"].startswith(
        "2 root domains other than its own link to it (1 only with nofollow, which passes no "
        "authority)."
    )


@pytest.mark.parametrize("target", [SAME_ROOT_ONLY, EXTERNAL, LINKED_ONLY, "home.com", "ext.com"])
def test_every_external_source_in_a_table_is_one_of_the_root_domains_counted(snapshot, target):
    report = explain(snapshot, target)
    for section in ("page_authority", "domain_authority"):
        part = report[section]
        external = [s for s in part["strongest_sources"] if not s["own_root_domain"]]
        followed = part["linking_root_domains"] - part["nofollow_linking_root_domains"]
        assert len(external) <= followed, (target, section)
        assert len(part["strongest_sources"]) <= KEPT_SOURCES
        if not part["strongest_sources"]:
            assert "No root domain with trust above 0 gives it evidence" in part["summary"]
    assert not any(s["own_root_domain"] for s in report["domain_authority"]["strongest_sources"])


def test_kept_sources_is_what_the_build_keeps():
    from linkindex.scoring.evidence import TOP_SOURCES

    assert KEPT_SOURCES == TOP_SOURCES


def test_the_spam_sentence_names_exactly_the_signals_the_table_marks_hit(snapshot):
    scored = [explain(snapshot, t)["spam_score"] for t in (KNOWN, "home.com", "ext.com")]
    scored = [spam for spam in scored if spam["score"] != -1]
    assert any(s["hit"] for spam in scored for s in spam["signals"])
    for spam in scored:
        hits = [s["signal"] for s in spam["signals"] if s["hit"]]
        unmeasured = sum(1 for s in spam["signals"] if s["value"] is None)
        expected = f"{len(hits)} of {len(spam['signals'])} signals hit"
        expected += f": {', '.join(hits)}." if hits else "."
        if unmeasured:
            expected += f" {unmeasured} had too little data to be evaluated (they do not hit)."
        assert spam["summary"] == expected


def test_link_propensity_and_brand_sentences_show_their_own_counts(snapshot):
    report = explain(snapshot, "ext.com")
    lp = report["link_propensity"]
    ratio = lp["root_domains_from_root_domain"] / lp["pages_crawled_from_root_domain"]
    assert lp["value"] == pytest.approx(ratio)
    assert lp["summary"] == (
        f"{lp['root_domains_from_root_domain']} root domains linked to / "
        f"{lp['pages_crawled_from_root_domain']} pages crawled."
    )
    brand = explain(snapshot, KNOWN)["brand_authority"]
    assert brand["branded_linking_root_domains"] == 1  # ext.com: "Shop tools"
    assert brand["summary"] == "1 root domain links to it with its brand name in the anchor text."
    assert explain(snapshot, LINKED_ONLY)["link_propensity"]["summary"].startswith("not measured")
