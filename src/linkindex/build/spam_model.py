"""Spam Score from the signals' flags: a logistic model fitted on the synthetic web's planted spam.

The fitted weights ship in spam_model.json; ``linkindex metrics fit-spam`` regenerates them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from scipy.optimize import minimize
from scipy.special import expit

from linkindex.build.spam_signals import SIGNAL_NAMES, build_spam_measures, evaluate

MODEL_PATH = Path(__file__).with_name("spam_model.json")
# L2 strength: keeps weights finite when a flag separates the training labels perfectly.
REGULARIZATION = 1.0
NO_SCORE = -1


@dataclass(frozen=True)
class SpamModel:
    intercept: float
    weights: dict[str, float]
    fitted_on: dict[str, object]

    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(name, 0.0) for name in SIGNAL_NAMES])

    def probability(self, flags: np.ndarray) -> np.ndarray:
        """P(penalized | flags): the share of similar sites that were spam in the fit."""
        return expit(self.intercept + flags.astype(np.float64) @ self.vector())

    def scores(self, flags: np.ndarray) -> np.ndarray:
        """Spam Score 1-100 (a percentage, as Moz publishes it)."""
        return np.clip(np.rint(100.0 * self.probability(flags)), 1, 100).astype(np.int16)

    def to_json(self) -> dict[str, object]:
        return {"intercept": self.intercept, "weights": self.weights, "fitted_on": self.fitted_on}


def load_model(path: Path = MODEL_PATH) -> SpamModel:
    data = json.loads(path.read_text())
    return SpamModel(float(data["intercept"]), dict(data["weights"]), dict(data["fitted_on"]))


def fit_model(flags: np.ndarray, labels: np.ndarray, fitted_on: dict[str, object]) -> SpamModel:
    """L2-regularized logistic regression of labels on flags (scipy L-BFGS).

    scikit-learn would do the same; this is the one model the project needs, and scipy is
    already a dependency of the rank computation.
    """
    x = np.column_stack([np.ones(len(flags)), flags.astype(np.float64)])
    y = labels.astype(np.float64)

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ beta
        # log(1 + e^z) - y z, written stably
        value = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * REGULARIZATION * beta[1:] @ beta[1:]
        gradient = x.T @ (expit(z) - y)
        gradient[1:] += REGULARIZATION * beta[1:]
        return float(value), gradient

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    beta = result.x
    weights = {name: round(float(w), 4) for name, w in zip(SIGNAL_NAMES, beta[1:], strict=True)}
    return SpamModel(round(float(beta[0]), 4), weights, fitted_on)


def build_spam_scores(con: duckdb.DuckDBPyConnection, model: SpamModel) -> None:
    """Table spam_scores: each root domain with a 200 page, its score, flags and measures.

    Root domains without one are left out: too little is known, so their score is -1.
    """
    build_spam_measures(con)
    domains, values, flags = evaluate(con)
    bits = (flags.astype(np.int64) << np.arange(len(SIGNAL_NAMES), dtype=np.int64)).sum(axis=1)
    columns: dict[str, pa.Array] = {
        "root_domain": pa.array(domains, pa.string()),
        "spam_score": pa.array(model.scores(flags), pa.int16()),
        "spam_flags": pa.array(bits, pa.int64()),
    }
    for i, name in enumerate(SIGNAL_NAMES):
        columns[name] = pa.array(values[:, i], pa.float64(), from_pandas=True)  # NaN -> null
    con.register("spam_scores_arrow", pa.table(columns))
    measures = ", ".join(f"{name} := round({name}, 4)" for name in SIGNAL_NAMES)
    con.execute(
        "CREATE TABLE spam_scores AS SELECT root_domain, spam_score, spam_flags, "
        f"to_json(struct_pack({measures}))::VARCHAR AS spam_signals FROM spam_scores_arrow"
    )
    con.unregister("spam_scores_arrow")
