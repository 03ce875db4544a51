"""Spam Score from the signals' flags: a logistic model fitted on labelled families of web.

The fitted weights ship in spam_model.json; ``linkindex metrics fit-spam`` regenerates them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from linkindex.scoring.spam_signals import MANIPULATION_SIGNALS, NETWORK_SIGNALS, SIGNAL_NAMES

MODEL_PATH = Path(__file__).with_name("spam_model.json")
# L2 strength: keeps weights finite when a flag separates the training labels perfectly.
REGULARIZATION = 1.0
NO_SCORE = -1
# Without a hit of MANIPULATION_SIGNALS a site scores at most this: below 50, the line at which
# a site is called spam. Families of web written apart disagree on what an ordinary site's
# name and pages look like, so those features alone must not call a site spam (issue 13).
UNMANIPULATED_CAP = 49
_MANIPULATION = np.array([name in MANIPULATION_SIGNALS for name in SIGNAL_NAMES])
_NETWORK = np.array([name in NETWORK_SIGNALS for name in SIGNAL_NAMES])
# Two more terms of the model: whether any of NETWORK_SIGNALS hit, and how many. The first
# evidence that a site is part of a network says the most; each further one adds a weight
# learnt from all of them together, and each signal its own weight on top. A family of web
# where a signal always comes with others leaves its own weight near 0, and a held-out family
# where it comes alone would lose that evidence without the shared count (seed 3: synthetic
# farm sites hitting links_into_a_network and poison_words_in_titles scored 29-44).
NETWORK_EVIDENCE = "network_evidence"
NETWORK_COUNT = "network_signals"
TERMS = (*SIGNAL_NAMES, NETWORK_EVIDENCE, NETWORK_COUNT)
# The terms that say a site links or is linked as manipulation does: fitted first (fit_model).
EVIDENCE_TERMS = (*MANIPULATION_SIGNALS, NETWORK_EVIDENCE, NETWORK_COUNT)
_EVIDENCE = np.array([name in EVIDENCE_TERMS for name in TERMS])


def terms(flags: np.ndarray) -> np.ndarray:
    """The model's inputs: the flags, whether any network signal hit, and how many did."""
    network = flags[:, _NETWORK]
    return np.column_stack([flags, network.any(axis=1), network.sum(axis=1)]).astype(np.float64)


@dataclass(frozen=True)
class SpamModel:
    intercept: float
    weights: dict[str, float]
    fitted_on: dict[str, object]

    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(name, 0.0) for name in TERMS])

    def probability(self, flags: np.ndarray) -> np.ndarray:
        """P(penalized | flags): the share of similar sites that were spam in the fit."""
        return expit(self.intercept + terms(flags) @ self.vector())

    def scores(self, flags: np.ndarray) -> np.ndarray:
        """Spam Score 1-100 (a percentage, as Moz publishes it), capped without manipulation."""
        scores = np.clip(np.rint(100.0 * self.probability(flags)), 1, 100)
        manipulated = flags[:, _MANIPULATION].any(axis=1)
        scores = np.where(manipulated, scores, np.minimum(scores, UNMANIPULATED_CAP))
        return scores.astype(np.int16)

    def to_json(self) -> dict[str, object]:
        return {"intercept": self.intercept, "weights": self.weights, "fitted_on": self.fitted_on}


def load_model(path: Path = MODEL_PATH) -> SpamModel:
    data = json.loads(path.read_text())
    return SpamModel(float(data["intercept"]), dict(data["weights"]), dict(data["fitted_on"]))


def _logistic(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray, offset: np.ndarray, intercept: bool = True
) -> np.ndarray:
    """Intercept and weights (>= 0) of an L2-regularized, weighted logistic regression of y on
    x, added to a fixed offset logit (scipy L-BFGS); the intercept is 0 when not fitted."""
    x = np.column_stack([np.ones(len(x)), x])

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = offset + x @ beta
        # log(1 + e^z) - y z, written stably
        value = np.sum(weight * (np.logaddexp(0.0, z) - y * z))
        value += 0.5 * REGULARIZATION * beta[1:] @ beta[1:]
        gradient = x.T @ (weight * (expit(z) - y))
        gradient[1:] += REGULARIZATION * beta[1:]
        return float(value), gradient

    # Every signal is a red flag: its weight may be 0, never negative. A fit that makes a red
    # flag a sign of innocence has learned how one generator's ordinary sites look.
    bounds = [(None, None) if intercept else (0.0, 0.0)] + [(0.0, None)] * (x.shape[1] - 1)
    return minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds).x


def fit_model(flags: np.ndarray, labels: np.ndarray, fitted_on: dict[str, object]) -> SpamModel:
    """Logistic regression of labels on flags, in two stages: the evidence of manipulation first.

    Stage one fits the intercept and the weights of EVIDENCE_TERMS; stage two fits the page and
    name signals on top of stage one's logit, which they can only add to. Fitted together, the
    training families' spam was explained by its pages and names, and a held-out family whose
    spam looks ordinary but links like a network was missed (leave one family out, seed 3: a
    blogosphere PBN site hitting four network signals scored 47; docs/metrics.md has figures).
    The two classes are weighted equally while fitting, so the weights are not pulled towards
    the larger class (organic sites outnumber spam 3 to 1 in the training webs); the intercept
    is then moved back by the log of the training odds (the usual prior correction), so P is
    the share of spam among training sites with the same evidence of manipulation.
    scikit-learn has no staged fit with bounds; scipy is already a dependency of the rank.
    """
    x = terms(flags)
    y = labels.astype(np.float64)
    positives = max(1.0, float(y.sum()))
    negatives = max(1.0, float(len(y) - y.sum()))
    weight = np.where(y > 0, len(y) / (2 * positives), len(y) / (2 * negatives))
    first = _logistic(x[:, _EVIDENCE], y, weight, np.zeros(len(y)))
    offset = first[0] + x[:, _EVIDENCE] @ first[1:]
    second = _logistic(x[:, ~_EVIDENCE], y, weight, offset, intercept=False)
    beta = np.zeros(len(TERMS))
    beta[_EVIDENCE], beta[~_EVIDENCE] = first[1:], second[1:]
    intercept = first[0] + second[0] + np.log(positives / negatives)
    weights = {name: round(float(w), 4) for name, w in zip(TERMS, beta, strict=True)}
    return SpamModel(round(float(intercept), 4), weights, fitted_on)
