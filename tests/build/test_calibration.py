"""The 1-100 scale: log-transformed rank, anchored at unlinked = 1, linked median = 9, top = 100."""

from __future__ import annotations

import numpy as np

from linkindex.build import calibration
from linkindex.build.calibration import Calibration


def skewed_raw(seed: int = 1, n: int = 5000) -> np.ndarray:
    """Raw values shaped like a web's: many unlinked nodes (0), a long tail of strong ones."""
    rng = np.random.default_rng(seed)
    raw = rng.exponential(0.8, n)  # ln(rank ratio): a power-law rank has an exponential tail
    raw[: n // 4] = 0.0
    return raw


def test_raw_value_is_zero_for_the_weakest_node_and_the_log_of_the_rank_ratio_above():
    raw = calibration.raw_values(np.array([0.01, 0.02, 0.08]))
    assert np.allclose(raw, [0.0, np.log(2), np.log(8)])


def test_unlinked_nodes_score_1_the_linked_median_9_and_the_strongest_100():
    raw = skewed_raw()
    scores = calibration.fit(raw, "id").apply(raw)
    assert set(scores[raw == 0]) == {1}
    assert np.median(scores[raw > 0]) == 9
    assert scores.max() == 100 and scores[np.argmax(raw)] == 100


def test_scores_rise_with_rank():
    raw = np.sort(skewed_raw())
    scores = calibration.fit(raw, "id").apply(raw)
    assert np.all(np.diff(scores) >= 0)


def test_70_to_80_takes_far_more_rank_than_20_to_30():
    fitted = calibration.fit(skewed_raw(), "id")
    rank_at = {s: np.exp(np.interp(s, fitted.score, fitted.raw)) for s in (20, 30, 70, 80)}
    assert rank_at[80] - rank_at[70] > 5 * (rank_at[30] - rank_at[20])


def test_a_stored_calibration_is_reused_for_similar_data():
    stored = calibration.fit(skewed_raw(1), "first")
    assert calibration.choose(skewed_raw(2), stored, "second") is stored


def test_a_stored_calibration_is_refitted_when_the_data_moved_away_from_it():
    stored = calibration.fit(skewed_raw(1), "first")
    chosen = calibration.choose(skewed_raw(2) * 3.0, stored, "second")  # ranks cubed
    assert chosen.fitted_on == "second"


def test_calibration_round_trips_through_json():
    fitted = calibration.fit(skewed_raw(), "id")
    assert Calibration.from_json(fitted.to_json()) == fitted


def test_a_graph_without_links_scores_everyone_1():
    assert set(calibration.fit(np.zeros(10), "id").apply(np.zeros(10))) == {1}
