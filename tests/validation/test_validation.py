"""The metrics validation of issue 13: every family held out, the real sample, one scale."""

from __future__ import annotations

import numpy as np
import pytest

from linkindex.scoring.spam_model import fit_model
from linkindex.scoring.spam_signals import SIGNAL_NAMES
from linkindex.validation.families import FAMILIES
from linkindex.validation.fit_spam import auc
from linkindex.validation.report import AIMS, END, FRESH_SEEDS, START, validate


def test_auc_is_the_chance_a_positive_outscores_a_negative_with_ties_half():
    labels = np.array([True, True, False, False])
    assert auc(np.array([3, 2, 1, 0]), labels) == 1.0
    assert auc(np.array([0, 1, 2, 3]), labels) == 0.0
    assert auc(np.array([1, 1, 1, 1]), labels) == 0.5


def test_the_logistic_fit_weighs_a_telling_flag_and_not_a_random_one():
    n = 8000
    rng = np.random.default_rng(3)
    labels = rng.random(n) < 0.25
    telling = np.where(labels, rng.random(n) < 0.8, rng.random(n) < 0.05)
    noise = rng.random(n) < 0.3
    columns = {"money_anchors": telling, "thin_content": noise}
    flags = np.column_stack([columns.get(name, np.zeros(n, bool)) for name in SIGNAL_NAMES])
    model = fit_model(flags, labels, {})
    assert model.weights["money_anchors"] > 2.0
    assert abs(model.weights["thin_content"]) < 0.3
    # The prior correction: a site with no flag gets about the training share of spam among
    # sites without the telling flag: 0.25 * 0.2 / (0.25 * 0.2 + 0.75 * 0.95) = 0.066.
    assert model.probability(flags[:1] * 0)[0] == pytest.approx(0.066, abs=0.02)


def test_evidence_of_manipulation_takes_the_weight_before_page_signals():
    # In training, spam sites are thin and push money anchors, and thin tells them apart a
    # little better: a joint fit gives thin the weight, and a held-out network of
    # ordinary-looking sites pushing money anchors is missed. Fitted first, the evidence alone
    # calls such a site spam, as the training's share of spam among money pushers (83 %) says.
    n = 8000
    rng = np.random.default_rng(5)
    labels = rng.random(n) < 0.25
    thin = np.where(labels, rng.random(n) < 0.98, rng.random(n) < 0.02)
    money = np.where(labels, rng.random(n) < 0.9, rng.random(n) < 0.06)
    columns = {"money_anchors": money, "thin_content": thin}
    flags = np.column_stack([columns.get(name, np.zeros(n, bool)) for name in SIGNAL_NAMES])
    model = fit_model(flags, labels, {})
    money_only = np.array([[name == "money_anchors" for name in SIGNAL_NAMES]])
    assert model.scores(money_only)[0] >= 50


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs")
    (docs / "metrics.md").write_text(f"# Metrics\n\nbefore\n{START}\nold\n{END}\nafter\n")
    return docs, validate(docs, fresh_seeds=FRESH_SEEDS[:1])


def test_the_report_replaces_only_its_own_section_and_draws_the_plot(report):
    docs, _ = report
    text = (docs / "metrics.md").read_text()
    assert text.startswith("# Metrics\n\nbefore\n") and text.endswith("after\n")
    assert "old" not in text and "## Validation" in text
    assert (docs / "img" / "score-distribution.png").stat().st_size > 10_000


# Aims not met yet (docs/metrics.md, "Validation"): strict, so a change that meets one fails
# here until its mark is removed.
SHORT_OF_AIM: dict[tuple[str, str], str] = {}


def aim_cases(figure: str) -> list:
    return [
        pytest.param(
            family,
            marks=pytest.mark.xfail(reason=SHORT_OF_AIM[family, figure], strict=True)
            if (family, figure) in SHORT_OF_AIM
            else (),
        )
        for family in FAMILIES
    ]


@pytest.mark.parametrize("family", aim_cases("organic_flagged"))
def test_a_held_out_family_has_few_organic_sites_flagged(report, family):
    assert report[1].figures[f"{family}_organic_flagged_worst"] <= AIMS["organic_flagged"]


@pytest.mark.parametrize("family", aim_cases("spam_caught"))
def test_a_held_out_family_has_its_spam_caught(report, family):
    assert report[1].figures[f"{family}_spam_caught_worst"] >= AIMS["spam_caught"]


@pytest.mark.parametrize("family", FAMILIES)
def test_domain_authority_follows_each_familys_ground_truth(report, family):
    assert report[1].figures[f"{family}_rho_da"] > 0.5


def test_adding_an_unrelated_web_moves_no_domain_authority_by_more_than_1(report):
    assert report[1].figures["invariance_max_da_change"] <= 1


def test_the_real_samples_sites_are_not_called_spam(report):
    assert report[1].figures["sample_max_spam"] <= AIMS["sample_max_spam"]


def test_domain_authority_agrees_with_moz_better_than_the_plain_count(report):
    figures = report[1].figures
    assert figures["sample_reference_sites"] >= 20
    assert figures["sample_reference_rho_da"] > figures["sample_reference_rho_count"]


def test_the_report_states_each_family_held_out_on_a_seed_nothing_was_chosen_on(report):
    docs, found = report
    assert "**Fresh seeds** (23;" in (docs / "metrics.md").read_text()
    for family in FAMILIES:
        assert 0.0 <= found.figures[f"{family}_fresh_spam_caught_worst"] <= 1.0
        assert 0.0 <= found.figures[f"{family}_fresh_organic_flagged_worst"] <= 1.0
