"""The metrics validation of issue 3: the spam model's fit and the regenerated report."""

from __future__ import annotations

import numpy as np
import pytest

from linkindex.build.spam_model import fit_model
from linkindex.validation.fit_spam import auc, fit_on_synthetic_webs
from linkindex.validation.report import END, START, validate


def test_auc_is_the_chance_a_positive_outscores_a_negative_with_ties_half():
    labels = np.array([True, True, False, False])
    assert auc(np.array([3, 2, 1, 0]), labels) == 1.0
    assert auc(np.array([0, 1, 2, 3]), labels) == 0.0
    assert auc(np.array([1, 1, 1, 1]), labels) == 0.5


def test_the_logistic_fit_weighs_a_telling_flag_and_not_a_random_one():
    rng = np.random.default_rng(3)
    labels = rng.random(2000) < 0.25
    telling = np.where(labels, rng.random(2000) < 0.8, rng.random(2000) < 0.05)
    noise = rng.random(2000) < 0.3
    flags = np.column_stack([telling, noise] + [np.zeros(2000, bool)] * 17)
    model = fit_model(flags, labels, {})
    weights = model.vector()
    assert weights[0] > 2.0
    assert abs(weights[1]) < 0.3
    assert model.probability(flags[:1] * 0)[0] < 0.1


def test_fitting_on_a_synthetic_web_separates_planted_spam_on_a_held_out_web():
    model = fit_on_synthetic_webs(training=(101,), held_out=(8,))
    assert model.fitted_on["training_domains"] > 50
    assert model.fitted_on["held_out_auc"] > 0.9


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs")
    (docs / "metrics.md").write_text(f"# Metrics\n\nbefore\n{START}\nold\n{END}\nafter\n")
    return docs, validate(docs, with_sample=False)


def test_the_report_replaces_only_its_own_section_and_draws_the_plot(report):
    docs, _ = report
    text = (docs / "metrics.md").read_text()
    assert text.startswith("# Metrics\n\nbefore\n") and text.endswith("after\n")
    assert "old" not in text and "## Validation" in text
    assert (docs / "img" / "score-distribution.png").stat().st_size > 10_000


def test_planted_spam_scores_high_and_normal_sites_low(report):
    figures = report[1].figures
    assert figures["spam_auc"] > 0.95
    assert figures["planted_high_share"] >= 0.75
    assert figures["normal_low_share"] >= 0.9


def test_the_link_farm_does_not_raise_its_targets_standing(report):
    assert report[1].figures["farm_positions_gained"] == 0


def test_the_strongest_hubs_get_the_highest_domain_authority(report):
    figures = report[1].figures
    assert figures["hubs_in_top"] >= 0.6
    assert figures["hubs_worst_position"] <= 10
    assert figures["synth_spearman_da_linking_roots"] > 0.7
