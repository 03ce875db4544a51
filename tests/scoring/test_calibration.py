"""The one 1-100 scale: 1 + slope * ln(1 + evidence), the slope fitted to Moz's own figures."""

from __future__ import annotations

import numpy as np
import pytest

from linkindex.scoring import calibration
from linkindex.scoring.calibration import fit_slope, moz_scale, reference_pairs


def test_no_evidence_scores_1_as_moz_starts_a_new_site():
    assert moz_scale().score(np.array([0.0]))[0] == 1


def test_scores_rise_with_evidence_and_stop_at_100():
    evidence = np.logspace(-1, 9, 200)
    scores = moz_scale().score(evidence)
    assert np.all(np.diff(scores) >= 0)
    assert scores.min() >= 1 and scores.max() == 100


def test_each_step_of_ten_points_takes_the_same_factor_of_evidence_so_70_to_80_is_harder():
    scale = moz_scale()
    need = {s: scale.evidence_for(s) for s in (20, 30, 70, 80)}
    assert need[80] / need[70] == pytest.approx(need[30] / need[20], rel=0.05)
    assert need[80] - need[70] > 1000 * (need[30] - need[20])


def test_the_slope_is_the_least_squares_fit_to_the_shipped_moz_pairs_below_100():
    pairs = reference_pairs()
    assert len(pairs) == 500
    roots = np.array([p["linkingRootDomains"] for p in pairs])
    authority = np.array([p["domainAuthority"] for p in pairs])
    assert moz_scale().slope == pytest.approx(fit_slope(roots, authority), abs=1e-4)
    # Refitting by brute force finds no better slope.
    below = authority < 100
    x, y = np.log1p(roots[below]), authority[below] - 1.0
    errors = [((y - s * x) ** 2).sum() for s in np.linspace(5, 9, 401)]
    assert abs(np.linspace(5, 9, 401)[int(np.argmin(errors))] - moz_scale().slope) < 0.011


def test_two_linking_root_domains_score_near_moz_published_median_da():
    # Moz reported an index-wide median DA of about 8.77, and most domains have a couple of
    # linking root domains at most.
    assert moz_scale().score(np.array([2.0]))[0] == 9


def test_a_handful_of_linking_root_domains_stays_low():
    assert moz_scale().score(np.array([6.0]))[0] < 20


def test_the_stored_scale_names_its_reference_and_the_pairs_it_was_fitted_to():
    stored = calibration.moz_scale().to_json()
    assert stored["fitted_on"].startswith("Moz Top 500")
    assert stored["points"] == 497  # the 500 pairs less the three at DA 100
