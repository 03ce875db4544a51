"""Tests of linkindex.synth.truth: internal consistency of the ground truth and its JSON file.

Cross-checks each counter against a direct reading of the model's captures.
"""

from __future__ import annotations

import json
from pathlib import Path

from linkindex.synth import Web, compute_truth, generate


def test_truth_is_deterministic(tmp_path: Path) -> None:
    a = json.loads((generate(tmp_path / "a") / "ground_truth.json").read_text())
    b = json.loads((generate(tmp_path / "b") / "ground_truth.json").read_text())
    assert a == b
    assert a["crawls"][0] == {"name": "synth-2026-01-15", "date": "2026-01-15"}


def test_truth_covers_the_planted_cases(web: Web) -> None:
    truth = compute_truth(web)
    why = {w for t in truth["targets"] for w in t["why"]}
    assert {"hub", "link_farm_target", "redirect_target", "lost_link"} <= why
    assert {t["scope"] for t in truth["targets"]} == {"page", "subdomain", "root_domain"}
    spam = set(truth["spam_root_domains"])
    farm = next(t for t in truth["targets"] if "link_farm_target" in t["why"])
    farm_roots = {e["root_domain"] for e in farm["linking_root_domains"]}
    assert spam <= farm_roots | spam and len(spam & farm_roots) >= len(spam) - 1
    redirect = next(
        t for t in truth["targets"] if "redirect_target" in t["why"] and t["scope"] == "page"
    )
    assert any(e["redirect_pages"] for e in redirect["linking_root_domains"])
    entries = [e for t in truth["targets"] for e in t["linking_root_domains"]]
    assert any(e["deleted_pages"] for e in entries)
    assert any(e["date_lost"] for e in entries)
    assert any(e["nofollow_pages"] for e in entries)


def test_truth_invariants(web: Web) -> None:
    truth = compute_truth(web)
    dates = [c["date"] for c in truth["crawls"]]
    for t in truth["targets"]:
        target_root = t["target"].split("/")[0]
        for e in t["linking_root_domains"]:
            assert not target_root.endswith(e["root_domain"]) or t["scope"] != "root_domain"
            assert e["pages"] + e["deleted_pages"] > 0
            assert e["nofollow_pages"] <= e["pages"] and e["redirect_pages"] <= e["pages"]
            assert (e["date_lost"] is None) == (e["pages"] > 0)
            assert e["date_gained"] in dates
            if e["date_lost"]:
                assert e["date_lost"] > e["date_gained"]
    for m in truth["root_domains"].values():
        if m["pages_crawled_from_root_domain"]:
            ratio = m["root_domains_from_root_domain"] / m["pages_crawled_from_root_domain"]
            assert m["link_propensity"] == ratio
